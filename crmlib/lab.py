"""Start JupyterLab for a workshop: on this machine only, with a token, in notebooks/.

``make lab`` runs ``python -m crmlib.lab``. The server listens on 127.0.0.1 only, so
nobody else on the venue's network can reach the client's data; the token in the
printed URL is the key for the browser on this machine.
"""

from __future__ import annotations

import argparse
import os
import secrets
import socket
import sys
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
    args = parser.parse_args(argv)
    for line in translated_notebooks():
        print(line, flush=True)
    port = args.port or free_port()
    token = secrets.token_urlsafe(24)
    command = lab_command(port=port, token=token)
    print(
        f"JupyterLab for the CRM Strategy Workbook: open\n\n    {lab_url(port, token)}\n",
        flush=True,
    )
    os.execv(command[0], command)


if __name__ == "__main__":
    main()
