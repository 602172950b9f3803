"""The validated ledgers handed from the report process to its notebook's kernel.

Each column of each ledger is written once, in the layout pandas holds it in, as an uncompressed
Arrow IPC file in the run's scratch folder, with a small JSON manifest beside them. The kernel
memory-maps the files and builds its frames on the mapped bytes themselves (text, dates, amounts,
category codes, whole numbers): no second copy of the ledgers is made, and only the pages a
computation reads are brought into memory. The report process drops its own copy before the
kernel starts and maps the same files again when it needs the rows afterwards (the work paper).
The figures the report process computed are handed over the same way (`write_stats`).

In the report layer, not with the runs that write it: the kernel reads it under the report's
session (report.session), which imports nothing of the runs stage.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.ipc as ipc

from helpers.bureau import BureauProfile
from helpers.ledgers.load import Ledgers

# The folder of a run's scratch folder the validated ledgers are handed over in.
LEDGER_CACHE = "ledgers"
# Where the kernel leaves the charts it showed (name → caption, figures), for stats.json.
SHOWN_CHARTS = "charts.json"
MANIFEST = "ledgers.json"
STATS = "stats.json"


def _write_array(path: Path, array: pa.Array | pa.ChunkedArray) -> None:
    """One column as an Arrow file, chunk by chunk (text as read, numbers in one piece)."""
    chunks = array.chunks if isinstance(array, pa.ChunkedArray) else [array]
    schema = pa.schema([pa.field("values", array.type)])
    with pa.OSFile(str(path), "wb") as sink, ipc.new_file(sink, schema) as writer:
        for chunk in chunks or [pa.array([], type=array.type)]:
            writer.write_batch(pa.record_batch([chunk], schema=schema))


def _read_array(path: Path) -> pa.ChunkedArray:
    """A column written by `_write_array`, its buffers the file's own mapped pages."""
    with pa.memory_map(str(path), "r") as source:
        return ipc.open_file(source).read_all().column(0)


def _numbers(path: Path) -> np.ndarray:
    """A column of fixed-width values as a read-only NumPy array over the mapped file."""
    column = _read_array(path)
    chunk = column.chunk(0) if column.num_chunks == 1 else column.combine_chunks()
    return chunk.to_numpy(zero_copy_only=True)


def _parts(series: pd.Series) -> tuple[dict, dict[str, pa.Array | pa.ChunkedArray]]:
    """How one column is stored: its form (for the manifest) and its Arrow arrays by suffix."""
    dtype, values = series.dtype, series.array
    if isinstance(dtype, pd.CategoricalDtype):
        categories = dtype.categories
        return ({"as": "category", "categories": categories.tolist(), "ordered": dtype.ordered,
                 "categories_dtype": str(categories.dtype)},
                {"codes": pa.array(np.asarray(values.codes))})  # fmt: skip
    if isinstance(values, pd.arrays.ArrowStringArray):
        return {"as": "text", "dtype": str(dtype)}, {"text": values._pa_array}
    if isinstance(values, pd.arrays.IntegerArray | pd.arrays.BooleanArray):
        data = values._data.view(np.uint8) if values._data.dtype == bool else values._data
        return ({"as": "masked", "dtype": str(dtype)},
                {"data": pa.array(data), "mask": pa.array(values._mask)})  # fmt: skip
    plain = series.to_numpy()
    if plain.dtype.kind in "fiubM":
        # Dates as their int64 ticks (NaT included), numbers as they are: no nulls to fill in.
        flat = plain.view(np.int64) if plain.dtype.kind == "M" else plain
        return {"as": "numpy", "dtype": str(plain.dtype)}, {"data": pa.array(flat)}
    return {"as": "arrow"}, {"data": pa.array(series, from_pandas=True)}


def _column(folder: Path, stem: str, form: dict) -> object:
    """One column rebuilt over the mapped files, in the dtype it was written with."""
    kind = form["as"]
    if kind == "category":
        categories = pd.Index(form["categories"], dtype=form["categories_dtype"])
        dtype = pd.CategoricalDtype(categories, ordered=form["ordered"])
        return pd.Categorical.from_codes(_numbers(folder / f"{stem}.codes.arrow"), dtype=dtype)
    if kind == "text":
        text = _read_array(folder / f"{stem}.text.arrow")
        # pandas cannot join on a text column of no chunks, which an empty column converts to.
        return text.to_pandas().array if len(text) else pd.array([], dtype=form["dtype"])
    if kind == "masked":
        data = _numbers(folder / f"{stem}.data.arrow")
        mask = _read_array(folder / f"{stem}.mask.arrow").to_numpy(zero_copy_only=False)
        if form["dtype"] == "boolean":
            return pd.arrays.BooleanArray(data.view(bool), mask)
        return pd.arrays.IntegerArray(data, mask)
    if kind == "numpy":
        return _numbers(folder / f"{stem}.data.arrow").view(np.dtype(form["dtype"]))
    return _read_array(folder / f"{stem}.data.arrow").to_pandas()


def _write_frame(frame: pd.DataFrame, folder: Path, name: str) -> dict:
    """One ledger's columns as Arrow files; its index (the file line of each record) as a range
    when it is one, else as a column."""
    index = frame.index
    if isinstance(index, pd.RangeIndex):
        shown: dict = {"start": index.start, "stop": index.stop, "step": index.step}
    else:
        stem = f"{name}.__line__"
        _write_array(folder / f"{stem}.data.arrow", pa.array(index.to_numpy(dtype=np.int64)))
        shown = {"stem": stem}
    columns = []
    for position, (column, series) in enumerate(frame.items()):
        stem = f"{name}.{position}"
        form, arrays = _parts(series)
        for suffix, array in arrays.items():
            _write_array(folder / f"{stem}.{suffix}.arrow", array)
        columns.append({"name": column, "stem": stem, **form})
    return {"index": shown, "columns": columns, "rows": len(frame)}


def write_ledgers(ledgers: Ledgers, folder: Path) -> Path:
    """The ledgers as Arrow files in `folder`, and the manifest that names them."""
    folder.mkdir(parents=True, exist_ok=True)
    entries = {name: _write_frame(frame, folder, name) for name, frame in ledgers.frames.items()}
    manifest = {
        "data_dir": str(ledgers.data_dir),
        "files": {name: str(path) for name, path in ledgers.files.items()},
        "ledgers": entries,
        "intake": ledgers.intake,
    }
    path = folder / MANIFEST
    path.write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")
    return path


def _read_frame(folder: Path, entry: dict) -> pd.DataFrame:
    shown = entry["index"]
    if "stem" in shown:
        index = pd.Index(_numbers(folder / f"{shown['stem']}.data.arrow"), dtype=np.int64)
    else:
        index = pd.RangeIndex(shown["start"], shown["stop"], shown["step"])
    columns = {form["name"]: _column(folder, form["stem"], form) for form in entry["columns"]}
    # copy=False: pandas keeps each column apart, on the mapped bytes, instead of merging the
    # columns of one dtype into a new block.
    return pd.DataFrame(columns, index=index, copy=False)


def read_ledgers(folder: Path, profile: BureauProfile) -> Ledgers:
    """The ledgers written by `write_ledgers`, built over the memory-mapped files."""
    manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    frames = {name: _read_frame(folder, entry) for name, entry in manifest["ledgers"].items()}
    files = {name: Path(path) for name, path in manifest["files"].items()}
    return Ledgers(Path(manifest["data_dir"]), frames, files, profile, manifest.get("intake", {}))


def present(folder: Path | None) -> bool:
    return folder is not None and (folder / MANIFEST).is_file()


def _stats_key(year: int, kind: str, data_dir: Path, params: Path) -> dict:
    return {"year": year, "kind": kind, "data_dir": str(Path(data_dir).resolve()),
            "params": str(Path(params).resolve())}  # fmt: skip


def write_stats(folder: Path, stats: dict, *, year: int, kind: str, data_dir: Path,
                params: Path, notebook: Path | None = None) -> None:  # fmt: skip
    """The figures the report process computed, for a kernel computing the same report: the
    notebook then does not compute every figure a second time. With them, the notebook the
    report runs, whose sections the params file was checked against."""
    document = {"key": _stats_key(year, kind, data_dir, params), "stats": stats,
                "notebook": None if notebook is None else str(notebook)}  # fmt: skip
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


def read_notebook(folder: Path | None) -> Path | None:
    """The notebook a build runs, as handed over with the figures (None outside a build)."""
    if folder is None or not (folder / STATS).is_file():
        return None
    named = json.loads((folder / STATS).read_text(encoding="utf-8")).get("notebook")
    return None if named is None else Path(named)
