"""Giving memory back to the system. A ledger of millions of rows is read in blocks; the blocks'
temporary arrays must not leave the process holding gigabytes it no longer uses."""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import gc

# glibc's mallopt parameter: allocations above this size are mapped on their own and so are
# returned to the system as soon as they are freed (glibc raises it on its own as large blocks
# are freed, after which they stay on the heap).
_M_MMAP_THRESHOLD = -3
_MAPPED_ABOVE = 1 << 20


def _libc():
    with contextlib.suppress(OSError, TypeError):
        return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
    return None


_LIBC = _libc()


def map_large_allocations() -> None:
    """Large arrays mapped on their own (glibc only; elsewhere nothing happens), Arrow's included:
    its own pool keeps what a block of rows freed for later blocks, which at a hundred times the
    sample's volume raised the loader's peak from 2.0 to 2.6 GB."""
    with contextlib.suppress(AttributeError):
        if _LIBC is not None:
            _LIBC.mallopt(_M_MMAP_THRESHOLD, _MAPPED_ABOVE)
            import pyarrow as pa

            pa.set_memory_pool(pa.system_memory_pool())


def give_back() -> None:
    """Collect garbage, then hand freed memory back: Arrow's pool and the C heap."""
    gc.collect()
    with contextlib.suppress(ImportError):
        import pyarrow as pa

        pa.default_memory_pool().release_unused()
    with contextlib.suppress(AttributeError):
        if _LIBC is not None:
            _LIBC.malloc_trim(0)
