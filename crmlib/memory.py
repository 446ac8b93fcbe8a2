"""Hand memory a large step has freed back to the operating system.

Arrow's allocator (mimalloc) and the C library keep pages freed by a finished step for
the next allocation in the same process. For a process that goes on with other work,
such as ``render`` waiting for its kernels after checking a company, or a kernel after
loading a company of ten million lines, those kept pages are memory nobody else can
use: measured on a million customers, ``render`` kept 1.3 GB after dropping the
company it checked, 0.2 GB after :func:`release_memory`.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import functools


@functools.cache
def _libc():
    name = ctypes.util.find_library("c")
    return ctypes.CDLL(name) if name else None


def release_memory() -> None:
    """Return the free pages of Arrow's pool and of the C heap to the system (best effort)."""
    with contextlib.suppress(ImportError):
        import pyarrow as pa

        pa.default_memory_pool().release_unused()
    libc = _libc()
    trim = getattr(libc, "malloc_trim", None) if libc is not None else None
    if trim is not None:  # glibc only; elsewhere the C heap is left as it is
        trim(0)
