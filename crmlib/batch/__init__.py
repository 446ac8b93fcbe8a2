"""Render the report sets of many clients: in parallel, resumable, failure-isolated.

A clients file (YAML) names the clients, their data folders and parameters, the
notebooks and the formats. :func:`run_batch` renders one report per (client,
notebook), in worker processes on this machine or on a Dask cluster, and writes
``<out>/<client slug>/<notebook>.html|.pdf`` and ``<out>/batch-summary.csv``. A report
whose inputs did not change since it was last rendered is skipped.

Modules: :mod:`~crmlib.batch.clients` reads and checks the clients file,
:mod:`~crmlib.batch.manifest` hashes inputs and records rendered reports,
:mod:`~crmlib.batch.jobs` is what a worker runs, :mod:`~crmlib.batch.scheduler` keeps
the books, :mod:`~crmlib.batch.runner` runs a batch on local processes,
:mod:`~crmlib.batch.dask_runner` on a Dask cluster (optional: the ``dask`` extra), and
:mod:`~crmlib.batch.command` is the ``crm-workbook batch`` command.
"""

from crmlib.batch.clients import BatchSpec, ClientSpec, NotebookSpec, load_clients, slugify
from crmlib.batch.errors import (
    BatchInterrupted,
    ClientsFileError,
    ClusterConnectionError,
    DaskNotInstalledError,
)
from crmlib.batch.runner import BatchResult, run_batch
from crmlib.batch.scheduler import BatchRow

__all__ = [
    "BatchInterrupted",
    "BatchResult",
    "BatchRow",
    "BatchSpec",
    "ClientSpec",
    "ClientsFileError",
    "ClusterConnectionError",
    "DaskNotInstalledError",
    "NotebookSpec",
    "load_clients",
    "run_batch",
    "slugify",
]
