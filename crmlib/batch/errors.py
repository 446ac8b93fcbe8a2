"""The errors of a batch run.

A bad clients file or an unusable cluster is the user's to fix: each is a
:class:`crmlib.errors.CrmlibError`, so the command line prints its one line and exits
with 2 before any report is rendered. An interrupted batch is a ``KeyboardInterrupt``
that carries what was finished.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from crmlib.errors import CrmlibError

if TYPE_CHECKING:
    from crmlib.batch.runner import BatchResult


class ClientsFileError(CrmlibError, ValueError):
    """The clients file (``CLIENTS.yml``) is malformed or names something that is not there.

    The message is one line: the file, the entry at fault (``client 3 ('De Linde')``,
    ``notebooks``, ...), the problem and the fix.

    Parameters
    ----------
    source : path-like
        The clients file, as the user named it.
    problem : str
        What is wrong, in plain words.
    where : str, optional
        The entry at fault.
    fix : str, optional
        What the user should do about it.
    """

    def __init__(
        self,
        source: str | os.PathLike[str],
        problem: str,
        *,
        where: str | None = None,
        fix: str | None = None,
    ) -> None:
        self.source = os.fspath(source)
        self.where = where
        self.problem = problem
        self.fix = fix
        message = self.source + (f", {where}" if where else "") + f": {problem}"
        if fix:
            message += f". Fix: {fix}"
        super().__init__(message)


class DaskNotInstalledError(CrmlibError, ImportError):
    """``--scheduler`` was given, but Dask's ``distributed`` package is not installed."""

    def __init__(self) -> None:
        super().__init__(
            "running on a Dask cluster (--scheduler) needs Dask. Fix: "
            "pip install 'crm-strategy-workbook[dask]', or leave out --scheduler to "
            "render on this machine"
        )


class ClusterConnectionError(CrmlibError, ConnectionError):
    """The Dask scheduler given with ``--scheduler`` cannot be reached.

    Parameters
    ----------
    address : str
        The scheduler's address, e.g. ``tcp://10.0.0.5:8786``.
    reason : str
        Why the connection failed.
    """

    def __init__(self, address: str, reason: str) -> None:
        self.address = address
        super().__init__(
            f"cannot reach the Dask scheduler at {address} ({reason}). Fix: check the "
            "address, or start a scheduler there ('dask scheduler') with workers that "
            "have crmlib installed"
        )


class BatchInterrupted(KeyboardInterrupt):
    """The batch was interrupted (Ctrl-C); the reports finished so far are kept.

    Pending reports were cancelled and running ones stopped. The manifest records
    every finished report, so running the same batch again renders only the rest.

    Attributes
    ----------
    result : BatchResult
        The batch as far as it got; unfinished reports have the status
        ``"cancelled"``.
    """

    def __init__(self, result: BatchResult) -> None:
        self.result = result
        super().__init__(
            f"interrupted after {len(result.rendered)} of {len(result.rows)} reports were rendered"
        )
