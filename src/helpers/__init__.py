"""Annual rule-of-law report pipeline: ledgers → validation → metrics → narrative → charts → render."""
