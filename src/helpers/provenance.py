"""What a report was built from: each input file with its size, modification time and SHA-256.

Recorded in manifest.json and shown on the review edition's first page, so a reviewer sees which
file was read for each ledger (a stale CSV beside a newer workbook is visible, not silent).
Paths are shown relative to the project when inside it, so no output holds a path of the
machine that built it. A base module, beside config: the work paper and the figure cards show
the ledgers' digests too, and a run's kernel reads the digests the run already computed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path

from helpers import config

# Digests already computed, by file and the size and modification time it had: a ledger of
# gigabytes is hashed once per run, not for the manifest, the work paper and the notebook each.
_DIGESTS: dict[tuple[str, int, int], str] = {}
DIGESTS_FILE = "digests.json"


def _identity(path: Path) -> tuple[str, int, int]:
    stat = Path(path).stat()
    return str(Path(path).resolve()), stat.st_size, stat.st_mtime_ns


def _handed_digests() -> dict[tuple[str, int, int], str]:
    """Digests a report run left in its scratch folder for its kernel."""
    folder = config.scratch_dir()
    if folder is None or not (folder / DIGESTS_FILE).is_file():
        return {}
    entries = json.loads((folder / DIGESTS_FILE).read_text(encoding="utf-8"))
    return {(e["path"], e["size"], e["mtime_ns"]): e["sha256"] for e in entries}


def hand_digests_over(folder: Path) -> None:
    """Leave the digests computed so far for the kernel of this run."""
    entries = [
        {"path": p, "size": n, "mtime_ns": t, "sha256": d} for (p, n, t), d in _DIGESTS.items()
    ]
    (folder / DIGESTS_FILE).write_text(json.dumps(entries), encoding="utf-8")


def sha256(path: Path) -> str:
    key = _identity(path)
    if key not in _DIGESTS:
        _DIGESTS.update(_handed_digests())
    if key not in _DIGESTS:
        digest = hashlib.sha256()
        with Path(path).open("rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                digest.update(chunk)
        _DIGESTS[key] = digest.hexdigest()
    return _DIGESTS[key]


def shown(path: Path | str) -> str:
    """Inside the project: relative to it (comparable across clones); elsewhere: as given."""
    path = Path(path)
    try:
        return path.resolve().relative_to(config.PROJECT_ROOT).as_posix()
    except ValueError:
        return str(path)


def resolve(text: str, default: Path) -> Path:
    """The inverse of `shown`: empty means `default`, relative paths are taken from the project."""
    if not text:
        return default
    path = Path(text)
    return path if path.is_absolute() else config.PROJECT_ROOT / path


def file_facts(path: Path) -> dict[str, object]:
    """Name, size in bytes, modification time (local, to the second) and SHA-256 of one file."""
    stat = Path(path).stat()
    modified = dt.datetime.fromtimestamp(int(stat.st_mtime)).strftime("%Y-%m-%d %H:%M:%S")
    return {"file": Path(path).name, "bytes": stat.st_size, "modified": modified,
            "sha256": sha256(path)}  # fmt: skip


def input_files(ledger_files: dict[str, Path], params: Path) -> dict[str, dict[str, object]]:
    """Every file a report reads: the params file, the notebook and each ledger as loaded."""
    files = {"params": Path(params), "notebook": config.REPORT_NOTEBOOK} | dict(ledger_files)
    return {name: file_facts(path) for name, path in files.items()}
