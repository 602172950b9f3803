"""Which engine reads and checks a ledger fastest and in least memory: the evidence behind the
loader's choice of Arrow's CSV reader (docs/scaling.md).

Each engine reads the disputes ledger's 14 columns as text, checks them as the contract does
(allowed values, dates, non-negative numbers, required cells, first rows of each failure kept),
and returns a compact pandas frame of the 11 kept columns. One engine per process:

    python bench/engines.py pyarrow PATH/disputes.csv      # also: polars, duckdb

duckdb and polars are not dependencies of the project: `pip install duckdb polars` to compare.
Prints one JSON line: seconds, rows, peak RSS (MiB) and the failures found per column.
"""

from __future__ import annotations

import json
import resource
import sys
import time

from helpers.ledgers.contract import LEDGERS

# The disputes ledger as the contract describes it: allowed values of its fixed enumerations (the
# handling body's name comes from the bureau profile and is not checked here), kept and personal
# columns.
SPEC = LEDGERS["disputes"]
ENUMS = {c.name: list(c.allowed) for c in SPEC.columns if c.kind == "enum" and not c.allowed_from}
PERSONAL = list(SPEC.personal_columns)
KEEP = [name for name in SPEC.column_names if name not in PERSONAL]
FIRST = 200  # failures kept with their row per column, as the loader keeps per kind


def with_pyarrow(path: str) -> tuple[object, dict]:
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pv

    names = KEEP + PERSONAL
    convert = pv.ConvertOptions(column_types=dict.fromkeys(names, pa.string()), null_values=[""],
                                strings_can_be_null=True)  # fmt: skip
    reader = pv.open_csv(path, read_options=pv.ReadOptions(block_size=1 << 24),
                         convert_options=convert)  # fmt: skip
    bad: dict[str, list[int]] = {}
    parts, offset = [], 0
    for batch in reader:
        out = {}
        for c in KEEP:
            a = batch.column(c)
            if c in ENUMS:
                ok = pc.or_kleene(pc.is_null(a), pc.is_in(a, pa.array(ENUMS[c])))
                out[c] = pc.dictionary_encode(a)
            elif c.endswith("_date"):
                d = pc.strptime(a, format="%Y-%m-%d", unit="s", error_is_null=True)
                ok = pc.or_kleene(pc.is_null(a), pc.is_valid(d))
                out[c] = pc.cast(d, pa.date32())
            elif c in ("claim_amount", "workers"):
                v = pc.cast(a, pa.float64())
                ok = pc.greater_equal(v, 0)
                out[c] = v if c == "claim_amount" else pc.cast(v, pa.int32())
            else:
                out[c] = pc.dictionary_encode(a) if c != "case_id" else a
                ok = pc.is_valid(a)
            rows = pc.indices_nonzero(pc.invert(pc.fill_null(ok, False))).to_numpy()
            if len(rows):
                bad.setdefault(c, []).extend((rows + offset)[:FIRST].tolist())
        offset += batch.num_rows
        parts.append(pa.table(out))
    table = pa.concat_tables(parts, promote_options="permissive").unify_dictionaries()
    pc.count_distinct(table["case_id"])
    return table.to_pandas(), bad


def with_duckdb(path: str) -> tuple[object, dict]:
    import duckdb

    con = duckdb.connect()
    con.execute("SET threads=2")
    columns = ", ".join(f"'{c}': 'VARCHAR'" for c in KEEP + PERSONAL)
    con.execute(f"CREATE TABLE raw AS SELECT row_number() OVER () AS rn, * FROM read_csv('{path}', "
                f"header=true, columns={{{columns}}}, auto_detect=false)")  # fmt: skip
    checks = [(c, f"{c} IS NOT NULL AND {c} NOT IN ({', '.join(repr(v) for v in vals)})")
              for c, vals in ENUMS.items()]  # fmt: skip
    checks += [(c, f"{c} IS NOT NULL AND try_strptime({c}, '%Y-%m-%d') IS NULL")
               for c in ("received_date", "closed_date")]  # fmt: skip
    checks += [(c, f"try_cast({c} AS DOUBLE) IS NULL OR try_cast({c} AS DOUBLE) < 0")
               for c in ("claim_amount", "workers")]  # fmt: skip
    checks += [(c, f"{c} IS NULL") for c in ("case_id", "employer_name", "applicant_name")]
    bad = {}
    for c, cond in checks:
        rows = con.execute(f"SELECT rn FROM raw WHERE {cond} ORDER BY rn LIMIT {FIRST}").fetchall()
        con.execute(f"SELECT count(*) FROM raw WHERE {cond}").fetchall()
        if rows:
            bad[c] = [r[0] for r in rows]
    con.execute(
        "SELECT count(*) FROM (SELECT case_id FROM raw GROUP BY case_id HAVING count(*) > 1)"
    ).fetchall()
    select = []
    for c in KEEP:
        if c in ENUMS:
            select.append(f"CAST({c} AS ENUM({', '.join(repr(v) for v in ENUMS[c])})) AS {c}")
        elif c.endswith("_date"):
            select.append(f"try_strptime({c}, '%Y-%m-%d')::DATE AS {c}")
        elif c == "claim_amount":
            select.append(f"try_cast({c} AS DOUBLE) AS {c}")
        elif c == "workers":
            select.append(f"try_cast({c} AS INTEGER) AS {c}")
        else:
            select.append(c)
    table = con.sql(f"SELECT rn, {', '.join(select)} FROM raw ORDER BY rn").to_arrow_table()
    return table.to_pandas(), bad


def with_polars(path: str) -> tuple[object, dict]:
    import polars as pl

    lf = pl.scan_csv(path, infer_schema=False, row_index_name="rn")
    flags = [(c, pl.col(c).is_not_null() & ~pl.col(c).is_in(vals)) for c, vals in ENUMS.items()]
    flags += [(c, pl.col(c).is_not_null()
               & pl.col(c).str.strptime(pl.Date, "%Y-%m-%d", strict=False).is_null())
              for c in ("received_date", "closed_date")]  # fmt: skip
    for c in ("claim_amount", "workers"):
        v = pl.col(c).cast(pl.Float64, strict=False)
        flags.append((c, v.is_null() | (v < 0)))
    flags += [(c, pl.col(c).is_null()) for c in ("case_id", "employer_name", "applicant_name")]
    select = [pl.col("rn")]
    for c in KEEP:
        if c in ENUMS:
            select.append(pl.col(c).cast(pl.Enum(ENUMS[c]), strict=False))
        elif c.endswith("_date"):
            select.append(pl.col(c).str.strptime(pl.Date, "%Y-%m-%d", strict=False))
        elif c == "claim_amount":
            select.append(pl.col(c).cast(pl.Float64, strict=False))
        elif c == "workers":
            select.append(pl.col(c).cast(pl.Int32, strict=False))
        elif c in ("body_name", "employer_name"):
            select.append(pl.col(c).cast(pl.Categorical))
        else:
            select.append(pl.col(c))
    frame = lf.select([e.alias("bad_" + c) for c, e in flags] + select).collect(engine="streaming")
    bad = {}
    for c, _ in flags:
        rows = frame.filter(pl.col("bad_" + c))["rn"]
        if len(rows):
            bad[c] = rows.head(FIRST).to_list()
    frame.select(pl.col("case_id").is_duplicated().sum())
    return frame.select([e.meta.output_name() for e in select]).to_pandas(), bad


ENGINES = {"pyarrow": with_pyarrow, "duckdb": with_duckdb, "polars": with_polars}


def main() -> None:
    engine, path = sys.argv[1], sys.argv[2]
    started = time.perf_counter()
    frame, bad = ENGINES[engine](path)
    print(json.dumps({
        "engine": engine, "seconds": round(time.perf_counter() - started, 2), "rows": len(frame),
        "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "failures": {c: len(rows) for c, rows in bad.items()},
    }))  # fmt: skip


if __name__ == "__main__":
    main()
