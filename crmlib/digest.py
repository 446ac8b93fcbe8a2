"""The digest of a table's content, kept with a loaded table while it lives.

The customer-base cache and the verdict cache are keyed by it (see
:mod:`crmlib.analytics.base_cache`); a render computes it once for the tables it hands its
kernels (:mod:`crmlib.data.checked`), and each kernel keeps that digest rather than hashing
ten million lines again.
"""

from __future__ import annotations

import hashlib
import json

import numpy as np
import pandas as pd

from crmlib.loaded import derived

# derived()'s kind for a table's digest; a digest does not depend on any parameter
_KIND = "digest"


def table_digest(table: pd.DataFrame | None) -> str:
    """A digest of a table's content: its columns, their types and every value.

    Row order counts (a reordered table may rank ties differently), the index does not.
    Each column is fed to the hash as its Arrow values (lengths and bytes for text), so
    a table of ten million lines is digested at memory speed: pandas' row hashing of
    text columns took seconds per column, in every kernel of a report set.
    """
    if table is None:
        return "none"
    # a kernel digests the same loaded tables for the base, the lifetime fit and the
    # verdicts: a loaded table, never changed in place, is digested once while it lives
    return derived(table, _KIND, None, lambda: _digest_table(table))


def _digest_table(table: pd.DataFrame) -> str:
    digest = hashlib.blake2b(digest_size=16)
    digest.update(json.dumps([[str(c), str(t)] for c, t in table.dtypes.items()]).encode())
    digest.update(str(len(table)).encode())
    for _, column in table.items():
        _digest_column(digest, column)
    return digest.hexdigest()


def _digest_column(digest, column: pd.Series) -> None:
    """Feed one column's values to ``digest`` as an unambiguous byte stream.

    The column's length and null count, its null mask (when it has nulls), then the
    valid values: fixed-width values as they are; text as every value's length, then all
    their bytes. Every part's size follows from what came before, so two different
    columns cannot give one stream; and nothing in it depends on how Arrow holds the
    column in chunks, so the same values read from a folder, a database or a render's
    Arrow files give one digest. A column Arrow cannot take as it is (mixed Python
    objects) is hashed by pandas.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    try:
        chunks = pa.chunked_array(pa.array(column.array)).chunks
    except (pa.ArrowException, TypeError, ValueError):
        chunks = None
    if chunks is None or any(not _plain(chunk.type) for chunk in chunks):
        hashed = pd.util.hash_pandas_object(column, index=False).to_numpy(dtype=np.uint64)
        digest.update(b"rows" + hashed.tobytes())
        return
    nulls = sum(chunk.null_count for chunk in chunks)
    digest.update(np.int64(sum(len(chunk) for chunk in chunks)).tobytes())
    digest.update(np.int64(nulls).tobytes())
    if nulls:
        for chunk in chunks:
            digest.update(chunk.is_null().to_numpy(zero_copy_only=False).tobytes())

    def valid():
        # one chunk's copy at a time: a column of ten million values is never copied whole
        for chunk in chunks:
            yield pc.drop_null(chunk) if chunk.null_count else chunk

    if not chunks or not _is_text(chunks[0].type):
        for chunk in valid():
            digest.update(np.ascontiguousarray(chunk.to_numpy(zero_copy_only=False)).tobytes())
        return
    # all the lengths before all the bytes, as one chunk would give them
    for chunk in valid():
        digest.update(np.diff(_offsets(chunk)).astype(np.int64).tobytes())
    for chunk in valid():
        offsets = _offsets(chunk)
        if len(offsets) > 1:
            digest.update(memoryview(chunk.buffers()[2])[int(offsets[0]) : int(offsets[-1])])


def _is_text(kind) -> bool:
    import pyarrow as pa

    return (
        pa.types.is_string(kind)
        or pa.types.is_large_string(kind)
        or pa.types.is_binary(kind)
        or pa.types.is_large_binary(kind)
    )


def _offsets(chunk) -> np.ndarray:
    """The value offsets of a text chunk (one more than its values), slice offset applied."""
    import pyarrow as pa

    width = np.int64 if chunk.type in (pa.large_string(), pa.large_binary()) else np.int32
    offsets = np.frombuffer(chunk.buffers()[1], dtype=width)
    return offsets[chunk.offset : chunk.offset + len(chunk) + 1]


def _plain(kind) -> bool:
    """Whether a chunk of this Arrow type is digested from its values directly."""
    import pyarrow as pa

    return (
        pa.types.is_integer(kind)
        or pa.types.is_floating(kind)
        or pa.types.is_boolean(kind)
        or pa.types.is_temporal(kind)
        or _is_text(kind)
    )


def keep_digest(table: pd.DataFrame, digest: str) -> None:
    """Keep ``digest``, computed earlier from the same content, as ``table``'s digest.

    Only for a loaded table (:func:`crmlib.loaded.mark_loaded`) whose values are those
    that were digested: a table read back from the Arrow files a render wrote.
    """
    derived(table, _KIND, None, lambda: digest)
