"""Rendering an executed notebook: the reader's and reviewer's HTML, the GB/T 9704 PDF and the
Word edition (both set from one block model, `typeset`), and the work paper's .xlsx writer."""
