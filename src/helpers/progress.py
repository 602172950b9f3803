"""Progress of long work, on one line of a terminal.

Building a report, a batch of reports, reading big ledgers or writing scaled sample ledgers can
take minutes. Meanwhile one line on stderr says what is being done, rewritten in place with `\\r`
a few times a second (the clock keeps moving while a stage works):

    [####======..........] 执行笔记本 execute · 12.4 s
    [#####=====..........] 校验台账和参数 validate · 6.1 s · disputes 3,400,000 行 rows
    [######==............] 生成报告 reports 2/6 · 45 s · 进行中 running: 2021 …, 2022 …

The bar is the share of the whole job done (`#`) and the share of the running stage (`=`); when
the rows of a ledger come with their total, the stage's part fills as they do. The line is erased
when the work ends, so what stays on the screen is what the commands print anyway. It is cut to
the terminal's width (Chinese characters count two cells), since a wrapped line cannot be
rewritten.

Nothing at all is written unless stderr is a terminal, and nothing when the environment variable
`CI` is set (to any value) or `TERM` is `dumb`. Tests and the benchmark run the commands with
stderr captured, and `make reports` captures the output of each report it builds, so their
outputs are the same as without this module.

API (all thread-safe):

- `stage(name, label, *, done=0.0, share=1.0)`: context manager around one stage of a job;
  `done` is the share of the whole job finished before the stage, `share` the stage's own.
- `rows(ledger, n, total=None)`: `n` rows of `ledger` read (or written) so far, a running total
  (and, when known, how many there will be), shown on the line of the innermost stage. The ledger loader calls it as it reads, as often as
  it likes: it is one dictionary write (nothing when quiet); the line is redrawn by a clock.
- `batch(total, label)`: context manager for a batch of `total` items; it yields a counter whose
  `started(item)` and `finished(item)` say which items run and how many are done.
- `echo(text)`: print a line on stdout without tearing the progress line (when quiet, exactly
  `print(text, flush=True)`).
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading
import time
import unicodedata
from collections.abc import Iterator

REFRESH = 0.2  # seconds between redraws of the line
BAR = 20  # characters of the bar
ERASE = "\r\x1b[K"  # back to the line's start, clear to its end


def enabled(stream=None) -> bool:
    """Whether progress is shown on `stream` (stderr by default): a terminal, not CI."""
    stream = sys.stderr if stream is None else stream
    if "CI" in os.environ or os.environ.get("TERM") == "dumb":
        return False
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError, OSError):  # no isatty, or a closed stream
        return False


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _fit(text: str, columns: int) -> str:
    """`text` cut to `columns` terminal cells (Chinese characters take two), so that it never
    wraps: a wrapped line cannot be rewritten with `\\r`."""
    if _width(text) <= columns:
        return text
    out, used = [], 0
    for ch in text:
        cells = 2 if unicodedata.east_asian_width(ch) in "WF" else 1
        if used + cells > columns - 1:
            break
        out.append(ch)
        used += cells
    return "".join(out) + "…"


def _bar(done: float, share: float) -> str:
    done = min(max(done, 0.0), 1.0)
    end = min(max(done + share, done), 1.0)
    full = round(done * BAR)
    running = max(round(end * BAR) - full, 1 if share > 0 and full < BAR else 0)
    return "[" + "#" * full + "=" * running + "." * (BAR - full - running) + "]"


class _Stage:
    def __init__(self, name: str, label: str, done: float, share: float):
        self.title = f"{label} {name}".strip()
        self.done, self.share = done, share
        self.started = time.monotonic()
        self.rows: dict[str, tuple[int, int | None]] = {}
        self.last: str | None = None
        self.closed = False

    def text(self, now: float) -> str:
        done, share, rows = self.done, self.share, ""
        if self.last is not None:
            n, total = self.rows[self.last]
            rows = f" · {self.last} {n:,}{f'/{total:,}' if total else ''} 行 rows"
            if total:  # a known total fills the stage's part of the bar as it goes
                part = share * min(n / total, 1.0)
                done, share = done + part, share - part
        return f"{_bar(done, share)} {self.title} · {now - self.started:.1f} s{rows}"


class Batch:
    """The counter `batch()` yields: items started and finished, shown as done/total."""

    def __init__(self, total: int, label: str, shown: bool):
        self.total, self.label = total, label
        self.started_at = time.monotonic()
        self.running: list[str] = []
        self.done = 0
        self.closed = False
        self._shown = shown

    def started(self, item: str) -> None:
        with _lock:
            self.running.append(item)

    def finished(self, item: str) -> None:
        with _lock:
            if item in self.running:
                self.running.remove(item)
            self.done += 1
            if self._shown:
                _draw()

    def text(self, now: float) -> str:
        total = max(self.total, 1)
        bar = _bar(self.done / total, len(self.running) / total)
        text = f"{bar} {self.label} {self.done}/{self.total} · {now - self.started_at:.0f} s"
        if self.running:
            text += " · 进行中 running: " + ", ".join(self.running)
        return text


# What is on the line: the innermost item of the stack; `_shown` says a line is on screen.
_lock = threading.RLock()
_stack: list[_Stage | Batch] = []
_stream = None
_shown = False
_last_text = ""
_wake = threading.Event()
_ticker: threading.Thread | None = None


def _columns() -> int:
    """The terminal's width: COLUMNS when set (as shutil has it), else the terminal's, else 80."""
    try:
        columns = int(os.environ.get("COLUMNS", ""))
    except ValueError:
        try:
            columns = os.get_terminal_size(_stream.fileno()).columns  # type: ignore[union-attr]
        except (AttributeError, ValueError, OSError):
            columns = 0
    return (columns if columns > 0 else 80) - 1  # a full last cell would wrap on some terminals


def _draw() -> None:
    """Redraw the line (the lock is held)."""
    global _shown, _last_text
    if not _stack or _stream is None or _stack[-1].closed:
        return
    text = _fit(_stack[-1].text(time.monotonic()), _columns())
    if _shown and text == _last_text:
        return
    with contextlib.suppress(OSError, ValueError):
        _stream.write("\r" + text + "\x1b[K")
        _stream.flush()
        _shown, _last_text = True, text


def _erase() -> None:
    global _shown
    if _shown and _stream is not None:
        with contextlib.suppress(OSError, ValueError):
            _stream.write(ERASE)
            _stream.flush()
    _shown = False


def _tick() -> None:
    while True:
        _wake.wait()
        with _lock:
            _draw()
        time.sleep(REFRESH)


def _push(item) -> None:
    global _stream, _ticker
    with _lock:
        if not _stack:
            _stream = sys.stderr
        _stack.append(item)
        _draw()
        if _ticker is None:
            _ticker = threading.Thread(target=_tick, name="progress", daemon=True)
            _ticker.start()
        _wake.set()


def _pop(item) -> None:
    item.closed = True  # before the lock: a Ctrl-C while waiting for it must not leave it drawn
    with _lock:
        if item in _stack:
            _stack.remove(item)
        if _stack:
            _draw()
        else:
            _wake.clear()
            _erase()


@contextlib.contextmanager
def stage(name: str, label: str = "", *, done: float = 0.0, share: float = 1.0) -> Iterator[None]:
    """One stage of a job on the progress line; see the module's docstring."""
    if not enabled():
        yield
        return
    item = _Stage(name, label, done, share)
    _push(item)
    try:
        yield
    finally:
        _pop(item)


def rows(ledger: str, n: int, total: int | None = None) -> None:
    """`n` rows of `ledger` read (or written) so far, shown on the innermost stage's line."""
    try:
        item = _stack[-1]
    except IndexError:  # quiet, or no stage running
        return
    if isinstance(item, _Stage):
        item.rows[ledger] = (int(n), total)
        item.last = ledger


@contextlib.contextmanager
def batch(total: int, label: str) -> Iterator[Batch]:
    """A batch of `total` items on the progress line; yields the counter to tell it of each."""
    shown = enabled()
    counter = Batch(total, label, shown)
    if not shown:
        yield counter
        return
    _push(counter)
    try:
        yield counter
    finally:
        _pop(counter)


def echo(text: str = "") -> None:
    """Print a line on stdout; the progress line is taken away first and drawn again after."""
    with _lock:
        _erase()
        print(text, flush=True)
        if _stack:
            _draw()
