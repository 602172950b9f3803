"""The validated ledgers handed from the report process to its notebook's kernel.

Each ledger is written once as an uncompressed Arrow IPC (Feather v2) file in the run's scratch
folder, with a small JSON manifest beside them; the kernel memory-maps the files, so the text
columns it works on are the file's own pages and no second full copy of the ledgers is made. The
report process drops its own copy before the kernel starts and maps the same files again when it
needs the rows afterwards (the evidence work paper).
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.ipc as ipc

from .bureau import BureauProfile
from .load import Ledgers

MANIFEST = "ledgers.json"
STATS = "stats.json"
# Rows converted to Arrow at a time while writing: bounds the memory the conversion needs.
BATCH_ROWS = 1 << 20


def _write_frame(frame: pd.DataFrame, path: Path) -> dict:
    """One ledger as an Arrow file; its index (the file line of each record) as a range when it
    is one, else as a column."""
    index = frame.index
    if isinstance(index, pd.RangeIndex) and index.step == 1:
        shown = {"start": int(index.start), "stop": int(index.stop)}
        body = frame.reset_index(drop=True)
    else:
        shown = {"column": "__line__"}
        body = frame.reset_index(names="__line__")
    schema = pa.Schema.from_pandas(body.iloc[:0], preserve_index=False)
    with pa.OSFile(str(path), "wb") as sink, ipc.new_file(sink, schema) as writer:
        for start in range(0, len(body), BATCH_ROWS):
            part = body.iloc[start : start + BATCH_ROWS]
            writer.write_table(pa.Table.from_pandas(part, schema=schema, preserve_index=False))
    return shown


def write_ledgers(ledgers: Ledgers, folder: Path) -> Path:
    """The ledgers as Arrow files in `folder`, and the manifest that names them."""
    folder.mkdir(parents=True, exist_ok=True)
    entries = {}
    for name, frame in ledgers.frames.items():
        entries[name] = {
            "file": f"{name}.arrow",
            "index": _write_frame(frame, folder / f"{name}.arrow"),
        }
    manifest = {
        "data_dir": str(ledgers.data_dir),
        "files": {name: str(path) for name, path in ledgers.files.items()},
        "ledgers": entries,
    }
    path = folder / MANIFEST
    path.write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")
    return path


def _read_frame(path: Path, index: dict) -> pd.DataFrame:
    with pa.memory_map(str(path), "r") as source:
        table = ipc.open_file(source).read_all()
    frame = table.to_pandas(split_blocks=True, self_destruct=False)
    if "column" in index:
        return frame.set_index(index["column"]).rename_axis(None)
    frame.index = pd.RangeIndex(index["start"], index["stop"])
    return frame


def read_ledgers(folder: Path, profile: BureauProfile) -> Ledgers:
    """The ledgers written by `write_ledgers`, their text memory-mapped from the files."""
    manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    frames = {name: _read_frame(folder / entry["file"], entry["index"])
              for name, entry in manifest["ledgers"].items()}  # fmt: skip
    files = {name: Path(path) for name, path in manifest["files"].items()}
    return Ledgers(Path(manifest["data_dir"]), frames, files, profile)


def present(folder: Path | None) -> bool:
    return folder is not None and (folder / MANIFEST).is_file()


def _stats_key(year: int, kind: str, data_dir: Path, params: Path) -> dict:
    return {"year": year, "kind": kind, "data_dir": str(Path(data_dir).resolve()),
            "params": str(Path(params).resolve())}  # fmt: skip


def write_stats(folder: Path, stats: dict, *, year: int, kind: str, data_dir: Path,
                params: Path) -> None:  # fmt: skip
    """The figures the report process computed, for a kernel computing the same report: the
    notebook then does not compute every figure a second time."""
    document = {"key": _stats_key(year, kind, data_dir, params), "stats": stats}
    (folder / STATS).write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")


def read_stats(folder: Path | None, *, year: int, kind: str, data_dir: Path,
               params: Path) -> dict | None:  # fmt: skip
    """The handed-over figures when they are those of this very report, else None."""
    if folder is None or not (folder / STATS).is_file():
        return None
    document = json.loads((folder / STATS).read_text(encoding="utf-8"))
    if document["key"] != _stats_key(year, kind, data_dir, params):
        return None
    return document["stats"]
