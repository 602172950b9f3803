"""Ledgers: the data contract, reading and validating the files a bureau exports, and the
synthetic sample ledgers."""
