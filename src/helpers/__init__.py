"""Annual rule-of-law report pipeline: ledgers → validation → metrics → narrative → charts → render."""

import sys

# jsonschema (through nbformat) imports rfc3987_syntax only to check the "iri" string format,
# which no notebook here uses, and that module builds dozens of parsers at import: about 1.3 s
# of every report run (python-jsonschema/jsonschema#1428). Without it jsonschema skips the check.
sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]
