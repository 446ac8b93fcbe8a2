"""Start JupyterLab for a workshop: on this machine only, with a token, in notebooks/.

``make lab`` runs ``python -m crmlib.lab``. The server listens on 127.0.0.1 only, so
nobody else on the venue's network can reach the client's data; the token in the
printed URL is the key for the browser on this machine.

``make lab DATA=duckdb:///path/company.duckdb`` (``--data``) checks the client's company
once before the lab starts, as ``crm-workbook render`` does: a bad table is one line,
and every notebook whose ``data_dir`` is that source maps the checked tables instead of
reading and checking them itself (0.2 s and 55 MiB of the kernel's own memory at a
million customers, against 20 s and 1.5 GiB). The tables are sealed with the source's
fingerprint (:mod:`crmlib.data.fingerprint`): once the data or its mapping.yml changes,
a kernel started after that reads the source again. They are removed when the lab stops.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

from crmlib.i18n import LANGUAGES, SOURCE_LANGUAGE
from crmlib.i18n.narrative import problems, write_notebooks
from crmlib.paths import NOTEBOOKS_DIR


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port that is free on ``host`` right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((host, 0))
        return probe.getsockname()[1]


def lab_command(
    *, port: int, token: str, root_dir: Path = NOTEBOOKS_DIR, python: str = sys.executable
) -> list[str]:
    """The command line that starts JupyterLab bound to 127.0.0.1 with ``token``.

    ``--allow-root`` is added only when running as root (Jupyter refuses root
    otherwise; it is the case in containers, never needed on a laptop).
    """
    command = [
        python,
        "-m",
        "jupyterlab",
        "--no-browser",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        f"--ServerApp.root_dir={root_dir}",
        f"--IdentityProvider.token={token}",
    ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-root")
    return command


def lab_url(port: int, token: str) -> str:
    """The URL to open in the browser."""
    return f"http://127.0.0.1:{port}/lab?token={token}"


def translated_notebooks(root: Path = NOTEBOOKS_DIR) -> list[str]:
    """Write the notebooks in every other language into ``notebooks/<language>/``.

    A Dutch consultant opens ``nl/`` in the lab and works in Dutch; the English
    notebooks stay the source (the folders are rebuilt at every start, never edited:
    a change belongs in the English notebook or in its translation file). A notebook
    whose translation is incomplete is left out, with a line saying so.
    """
    lines = []
    for language in LANGUAGES:
        if language == SOURCE_LANGUAGE:
            continue
        folder = root / language
        ready, skipped = [], []
        for notebook in sorted(root.glob("[0-9]*.ipynb")):
            (skipped if problems(language, notebook) else ready).append(notebook)
        if ready:
            write_notebooks(language, folder, ready)
            lines.append(f"{len(ready)} notebooks in {language}: {folder.name}/")
        if skipped:
            names = ", ".join(p.stem for p in skipped)
            lines.append(f"not yet translated into {language}: {names}")
    return lines


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="make lab", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--port", type=int, default=8888, help="port (default 8888; 0 picks a free one)"
    )
    parser.add_argument(
        "--data",
        default=None,
        help="a company's data folder or database URL, checked once for the lab's notebooks",
    )
    args = parser.parse_args(argv)
    for line in translated_notebooks():
        print(line, flush=True)
    port = args.port or free_port()
    token = secrets.token_urlsafe(24)
    command = lab_command(port=port, token=token)
    if args.data is None:
        print(
            f"JupyterLab for the CRM Strategy Workbook: open\n\n    {lab_url(port, token)}\n",
            flush=True,
        )
        os.execv(command[0], command)
    sys.exit(_lab_with_company(args.data, command, lab_url(port, token)))


def _lab_with_company(data: str, command: list[str], url: str) -> int:
    """Check ``data``, keep its tables for the lab's kernels, run the lab; its exit code.

    A company that breaks a rule is one line and exit code 2, before the lab starts.
    """
    from crmlib.data.checked import offered_to_kernels, seal
    from crmlib.data.database import anchored
    from crmlib.data.fingerprint import source_fingerprint
    from crmlib.errors import CrmlibError
    from crmlib.parameters import is_database_url
    from crmlib.render.kept import keep_company, no_room_note

    # the kernels are given the source as the notebooks name it: a folder by its full
    # path, a relative DuckDB file anchored where the lab starts
    source = anchored(data, Path.cwd()) if is_database_url(data) else str(Path(data).resolve())
    with tempfile.TemporaryDirectory(prefix="crm-lab-") as private:
        try:
            # taken before the check: a change while it runs is a change
            fingerprint = source_fingerprint(source)
            # without a fingerprint nothing would tell a kernel that the data changed:
            # the company is only checked, and each kernel reads the source
            kept = keep_company(
                source,
                Path(private) / "checked" if fingerprint is not None else None,
                progress=sys.stderr.isatty(),
                no_room=lambda error: print(no_room_note(private, error), file=sys.stderr),
            )
        except CrmlibError as error:
            print(f"error: {error}", file=sys.stderr)
            return 2
        if fingerprint is None:
            print(
                f"note: {source} does not say when it changes, so each notebook reads it "
                "itself rather than the tables checked now",
                file=sys.stderr,
            )
        elif kept.kept:
            seal(kept.folder, fingerprint)
            print(
                f"{kept.name} checked. Notebooks whose data_dir is\n\n    {kept.source}\n\n"
                "read its tables as checked now, until the data or its mapping.yml changes.",
                flush=True,
            )
        print(f"JupyterLab for the CRM Strategy Workbook: open\n\n    {url}\n", flush=True)
        with offered_to_kernels(kept.folder) if kept.kept else contextlib.nullcontext():
            lab = subprocess.Popen(command)
        # stopped by the system (a closed terminal, a service manager): the lab is told
        # to stop, and the tables go once it has
        signal.signal(signal.SIGTERM, lambda *_: lab.terminate())
        while True:
            try:
                return lab.wait()
            except KeyboardInterrupt:
                # Ctrl-C reached the lab too, which asks whether to stop: the tables go
                # once it has stopped, never under a running lab
                continue


if __name__ == "__main__":
    main()
