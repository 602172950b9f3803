"""Worked examples computed: an example's rows of text typed and checked as the loader types and
checks a ledger's (dates, numbers, allowed values, required cells, 是/否 flags), then the figure's
own rule run on them. The tests run every catalogue example this way; a build runs a bureau's own
figures' examples."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from helpers.errors import ParamsError
from helpers.figures.catalogue import Example, Metric, Value, example_names
from helpers.ledgers import contract as c
from helpers.ledgers.cells import parse_dates
from helpers.ledgers.load import Ledgers


def typed_frame(spec: c.LedgerSpec, rows: list[dict[str, str]]) -> pd.DataFrame:
    """Cells of text through the contract's own parsing and checks, for the columns given."""
    frame = pd.DataFrame(rows, index=range(2, len(rows) + 2), dtype=object)
    frame = frame.mask(frame == "")
    for column in frame:
        if column not in spec.column_names:
            raise ParamsError(f"{spec.name} 没有列 {column} / no such column")
        kind, text = spec.column(column).kind, frame[column]
        if kind == "date":
            frame[column] = parse_dates(text)
        elif kind in ("int", "amount"):
            frame[column] = pd.to_numeric(text, errors="coerce")
            if kind == "int":
                frame[column] = frame[column].astype("Int64")
        bad = frame[column].isna() & text.notna()
        if bad.any():
            line = int(bad.idxmax())
            raise ParamsError(f"{spec.name}.{column} 第 {line} 行“{text[line]}”无法解析 / "
                              f"unparsable cell")  # fmt: skip
    try:
        frame = c.schema_of(spec).select_columns(list(frame.columns)).validate(frame)
    except _schema_error() as error:  # pandera is loaded by then (schema_of)
        raise ParamsError(f"{spec.name}: {error}") from None
    for column in frame:
        if spec.column(column).kind == "flag":
            frame[column] = (frame[column] == c.YES).astype("boolean").where(frame[column].notna())
    if spec.key in frame and not frame[spec.key].is_unique:
        raise ParamsError(f"{spec.name}: {spec.key} 有重复 / repeated {spec.key}")
    return frame


def example_ledgers(example: Example, profile) -> Ledgers:
    """The example's rows as ledgers of `profile`'s bureau (its own ledgers included)."""
    specs = c.ledgers_for(profile)
    frames = {}
    for name, rows in example.tables(example_names(profile)).items():
        if name not in specs:
            raise ParamsError(f"示例中的台账 {name} 不在数据合同或机关档案中 / unknown ledger")
        frames[name] = typed_frame(specs[name], rows)
    return Ledgers(Path("."), frames, profile=profile)


def example_value(metric: Metric, example: Example, profile) -> Value:
    return metric.compute(example_ledgers(example, profile), example.year)


def _schema_error() -> type[Exception]:
    from pandera.errors import SchemaError

    return SchemaError
