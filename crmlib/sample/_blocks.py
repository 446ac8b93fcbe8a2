"""A large sample company drawn block by block, so memory holds one block at a time.

Customers are split into blocks of consecutive ids; each block is a small company of
its own, drawn from its own child of the seed's ``SeedSequence`` (households, business
accounts and duplicate records stay inside it), then renumbered into the whole
company's id ranges. Products and channels are shared and written once.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from tqdm.auto import tqdm

from crmlib.atomic import atomic_path
from crmlib.errors import ParameterError
from crmlib.sample._draw import draw_tables
from crmlib.sample._tools import csv_ready, fixed_text, id_width, to_series, with_missing

#: Customers per block: a block of 250,000 customers (about 2.5 million purchase lines)
#: peaks near 2 GB while drawn.
BLOCK_SIZE = 250_000
#: A block is a company of its own, so it needs as many customers as the smallest one.
MIN_BLOCK = 20
#: Receipts and contacts are numbered with room for this many per customer; a block
#: averages about six receipts and two contacts per customer.
ROOM_PER_CUSTOMER = 20
SHARED = ("products", "channels")


def check_block_size(block_size: int) -> None:
    """Raise ParameterError unless ``block_size`` is a whole number of at least 20."""
    if isinstance(block_size, bool) or not isinstance(block_size, int | np.integer):
        raise ParameterError(f"block_size must be a whole number, got {block_size!r}")
    if block_size < MIN_BLOCK:
        raise ParameterError(f"block_size must be at least {MIN_BLOCK}, got {block_size}")


def block_sizes(n_customers: int, block_size: int) -> list[int]:
    """Split ``n_customers`` into near-equal blocks of at most ``block_size`` customers."""
    check_block_size(block_size)
    # Near-equal blocks rather than full ones and a remainder: the last block is never
    # too small to be a company.
    count = -(-n_customers // block_size)
    base, extra = divmod(n_customers, count)
    return [base + 1] * extra + [base] * (count - extra)


def _numbers(values: pd.Series, first: int, last: int | None = None) -> np.ndarray:
    """The digits of fixed-layout ids (characters ``first`` to ``last``) as integers."""
    text = pc.utf8_slice_codeunits(pa.array(values), first, last)
    return pc.cast(text, pa.int64()).to_numpy(zero_copy_only=False)


@dataclass
class _Numbering:
    """How far the blocks drawn so far have numbered each kind of id."""

    n_customers: int
    customers: int = 0
    households: int = 0
    accounts: int = 0
    receipts: int = 0
    interactions: int = 0
    widths: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        room = ROOM_PER_CUSTOMER * self.n_customers
        self.widths = {
            "customer": id_width(self.n_customers, 6),
            "related": id_width(self.n_customers, 6),
            "receipt": id_width(room, 8),
            "interaction": id_width(room, 8),
        }

    def _digits(self, kind: str, numbers: np.ndarray) -> tuple[np.ndarray, int]:
        width = self.widths[kind]
        if len(numbers) and int(numbers.max()) >= 10**width:
            raise RuntimeError(f"{kind} numbers of the sample outgrew {width} digits")
        return numbers, width

    def renumber(self, tables: dict[str, pd.DataFrame]) -> None:
        """Move one block's ids (numbered from 1) into the company's ranges, in place."""
        for table in tables.values():
            if "customer_id" in table and len(table):
                number = _numbers(table["customer_id"], 1) + self.customers
                table["customer_id"] = to_series(fixed_text("C", self._digits("customer", number)))

        customers = tables["customers"]
        related = customers["related_id"]
        known = related.notna().to_numpy()
        account = known & (related.str.startswith("A").fillna(False).to_numpy(dtype=bool))
        number = np.zeros(len(customers), dtype=np.int64)
        number[known] = _numbers(related[known], 1)
        # Households and accounts are numbered densely from 1 within a block.
        block_households = int(number[known & ~account].max(initial=0))
        block_accounts = int(number[account].max(initial=0))
        number += np.where(account, self.accounts, self.households)
        digits = self._digits("related", number)
        renamed = pc.if_else(pa.array(account), fixed_text("A", digits), fixed_text("H", digits))
        customers["related_id"] = to_series(with_missing(renamed, ~known))

        transactions = tables["transactions"]
        block_receipts = 0
        if len(transactions):
            ids = transactions["transaction_id"]
            # "T<receipt>-<line>", with one digit for the line
            receipt = _numbers(ids, 1, -2)
            block_receipts = int(receipt.max())
            transactions["transaction_id"] = to_series(
                fixed_text(
                    "T",
                    self._digits("receipt", receipt + self.receipts),
                    "-",
                    (_numbers(ids, -1), 1),
                )
            )

        interactions = tables["interactions"]
        if len(interactions):
            number = _numbers(interactions["interaction_id"], 1) + self.interactions
            interactions["interaction_id"] = to_series(
                fixed_text("I", self._digits("interaction", number))
            )

        self.customers += len(customers)
        self.households += block_households
        self.accounts += block_accounts
        self.receipts += block_receipts
        self.interactions += len(interactions)


def draw_blocks(
    n_customers: int,
    seed: int,
    start: np.datetime64,
    day_weight: np.ndarray,
    *,
    block_size: int = BLOCK_SIZE,
    progress: bool = False,
) -> Iterator[dict[str, pd.DataFrame]]:
    """Draw the company block by block; yield each block's tables as they are made.

    The first block carries the shared tables (products, channels); the others leave
    them out. The same seed, size and block size give the same blocks.
    """
    sizes = block_sizes(n_customers, block_size)
    seeds = np.random.SeedSequence(seed).spawn(len(sizes))
    numbering = _Numbering(n_customers)
    bar = tqdm(
        total=n_customers, desc="sample", unit="customer", unit_scale=True, disable=not progress
    )
    with bar:
        for index, (size, block_seed) in enumerate(zip(sizes, seeds, strict=True)):
            tables = draw_tables(size, block_seed, start, day_weight)
            numbering.renumber(tables)
            if index:
                tables = {name: table for name, table in tables.items() if name not in SHARED}
            yield tables
            del tables
            # Hand the block's buffers back before the next one is drawn, so the peak
            # stays that of one block rather than growing with the company.
            pa.default_memory_pool().release_unused()
            bar.update(size)


def block_chunks(blocks: Iterator[dict[str, pd.DataFrame]]) -> Iterator[tuple[str, pd.DataFrame]]:
    """(table name, rows) for every table of every block, dropping each block once sent.

    Popping the tables means no reference to a written block is held while the next
    one is drawn.
    """
    for tables in blocks:
        for name in list(tables):
            yield name, tables.pop(name)


def write_blocks_to_folder(
    blocks: Iterator[dict[str, pd.DataFrame]], out: Path, fmt: str
) -> list[Path]:
    """Write blocks into one file per table, appending each block as it comes.

    Parquet files get one row group per block (pyarrow's ``ParquetWriter``), with the
    first block's column types; CSV files one header, then every block's rows. Every
    file is written atomically: a reader never sees a company half written.

    Returns
    -------
    list of Path
        The files written, one per table.
    """
    out.mkdir(parents=True, exist_ok=True)
    targets: dict[str, Path] = {}
    writers: dict[str, _ParquetAppender | _CsvAppender] = {}
    with contextlib.ExitStack() as stack:
        for name, table in block_chunks(blocks):
            if name not in writers:
                targets[name] = out / f"{name}.{fmt}"
                temporary = stack.enter_context(atomic_path(targets[name]))
                appender = _ParquetAppender if fmt == "parquet" else _CsvAppender
                writers[name] = stack.enter_context(contextlib.closing(appender(temporary)))
            writers[name].write(table)
            del table
    return list(targets.values())


class _ParquetAppender:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.writer: pq.ParquetWriter | None = None

    def write(self, table: pd.DataFrame) -> None:
        arrow = pa.Table.from_pandas(table, preserve_index=False)
        if self.writer is None:
            self.writer = pq.ParquetWriter(self.path, arrow.schema)
        self.writer.write_table(arrow.cast(self.writer.schema))

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()


class _CsvAppender:
    def __init__(self, path: Path) -> None:
        self.handle = open(path, "w", encoding="utf-8", newline="")  # noqa: SIM115
        self.header = True

    def write(self, table: pd.DataFrame) -> None:
        csv_ready(table).to_csv(self.handle, index=False, header=self.header, lineterminator="\n")
        self.header = False

    def close(self) -> None:
        self.handle.close()
