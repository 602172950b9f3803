"""The reference counts: a handful of the report's figures counted straight from the CSVs,
without the project's loader or metrics, so that a report at 100× can be checked against an
independent count of the same rows."""

from __future__ import annotations

import json
from pathlib import Path

# Figures of the report counted straight from the CSVs by the reference computation: key in the
# report's stats.json → (ledger, SQL condition on its text columns; {y} is the year). Received
# and closed by the first four characters of the date, as the ledgers write dates YYYY-MM-DD.
REFERENCE = {
    "disputes.accepted_total": ("disputes", "left(received_date, 4) = '{y}'"),
    "disputes.accepted_by_arbitration":
        ("disputes", "left(received_date, 4) = '{y}' AND body_type = '仲裁院'"),
    "disputes.accepted_by_mediation_orgs":
        ("disputes", "left(received_date, 4) = '{y}' AND body_type = '调解组织'"),
    "disputes.closed_total": ("disputes", "left(closed_date, 4) = '{y}' AND "
                              "(body_type <> '调解组织' OR outcome = '调解成功')"),
    "wage_arrears.leads_received": ("wage_arrears_leads", "left(received_date, 4) = '{y}'"),
    "wage_arrears.leads_closed": ("wage_arrears_leads", "left(received_date, 4) = '{y}' AND "
                                  "coalesce(closed_date, '') <> '' AND left(closed_date, 4) <= '{y}'"),
    "wage_arrears.leads_resolved": ("wage_arrears_leads", "left(received_date, 4) = '{y}' AND "
                                    "coalesce(closed_date, '') <> '' AND "
                                    "left(closed_date, 4) <= '{y}' AND result = '已解决'"),
}  # fmt: skip


def duckdb_counts(data_dir: Path, year: int) -> dict[str, int]:
    """The counts with DuckDB, one pass over each ledger, every column read as text."""
    import duckdb

    con = duckdb.connect()
    con.execute("SET threads = 2")
    counts = {}
    for ledger in sorted({ledger for ledger, _ in REFERENCE.values()}):
        keys = [key for key, (name, _) in REFERENCE.items() if name == ledger]
        columns = ", ".join(
            f"count(*) FILTER (WHERE {REFERENCE[key][1].format(y=year)})" for key in keys
        )
        source = str(data_dir / f"{ledger}.csv").replace("'", "''")
        row = con.execute(f"SELECT {columns} FROM read_csv('{source}', header = true, "
                          "delim = ',', quote = '\"', all_varchar = true)").fetchone()  # fmt: skip
        counts.update(zip(keys, map(int, row), strict=True))
    return counts


def pandas_counts(data_dir: Path, year: int) -> dict[str, int]:
    """The same counts with pandas, reading only the needed columns, a million rows at a time."""
    import pandas as pd

    y = str(year)
    counts = dict.fromkeys(REFERENCE, 0)
    for ledger, columns in (("disputes", ["received_date", "closed_date", "body_type", "outcome"]),
                            ("wage_arrears_leads", ["received_date", "closed_date", "result"])):  # fmt: skip
        for chunk in pd.read_csv(data_dir / f"{ledger}.csv", usecols=columns, dtype=str,
                                 keep_default_na=False, chunksize=1_000_000):  # fmt: skip
            received, closed = chunk["received_date"].str[:4], chunk["closed_date"].str[:4]
            if ledger == "disputes":
                got = received == y
                counts["disputes.accepted_total"] += int(got.sum())
                counts["disputes.accepted_by_arbitration"] += int(
                    (got & (chunk["body_type"] == "仲裁院")).sum())  # fmt: skip
                counts["disputes.accepted_by_mediation_orgs"] += int(
                    (got & (chunk["body_type"] == "调解组织")).sum())  # fmt: skip
                done = (chunk["body_type"] != "调解组织") | (chunk["outcome"] == "调解成功")
                counts["disputes.closed_total"] += int(((closed == y) & done).sum())
            else:
                got = received == y
                shut = got & (closed != "") & (closed <= y)
                counts["wage_arrears.leads_received"] += int(got.sum())
                counts["wage_arrears.leads_closed"] += int(shut.sum())
                counts["wage_arrears.leads_resolved"] += int(
                    (shut & (chunk["result"] == "已解决")).sum())  # fmt: skip
    return counts


def compare(counts: dict[str, int], stats: Path) -> dict:
    """The report's figures (its stats.json) against the reference counts of the same rows."""
    if not counts:
        return {"status": "not measured", "reason": "no reference counts at this scale"}
    try:
        metrics = json.loads(stats.read_text(encoding="utf-8"))["metrics"]
    except (OSError, ValueError, KeyError) as error:
        return {"status": "failed", "reason": f"no stats.json from the report: {error}"}
    report = {key: metrics.get(key, {}).get("value") for key in counts}
    differ = {key: {"report": report[key], "reference": counts[key]}
              for key in counts if report[key] != counts[key]}  # fmt: skip
    return {"status": "ok", "match": not differ, "compared": len(counts),
            "differ": differ}  # fmt: skip
