"""Database fixtures: the sample company in a DuckDB file and in a throwaway PostgreSQL.

The PostgreSQL cluster is made for the test session in a temporary folder (initdb,
then pg_ctl on a free loopback port) and stopped at the end. As root, PostgreSQL runs
as the ``postgres`` user, which refuses to run as root. Outside CI the PostgreSQL
tests skip, saying why, when no server can be started; under ``CI=true`` that is a
failure, so a CI machine without PostgreSQL cannot pass by skipping.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

import pytest

PG_USER = "crm"
PG_PASSWORD = "crm-test-password"
PG_DATABASE = "company"


def _unavailable(reason: str):
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"PostgreSQL is needed in CI: {reason}")
    pytest.skip(f"no PostgreSQL server could be started: {reason}")


def _pg_bin() -> Path | None:
    """The newest installed PostgreSQL's bin folder (Debian keeps them per version)."""
    folders = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(Path(p).parent.name))
    if folders:
        return Path(folders[-1])
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _runner() -> tuple[list[str], int | None, int | None]:
    """The command prefix that runs PostgreSQL's programs as a non-root user."""
    if os.geteuid() != 0:
        return [], None, None
    try:
        account = pwd.getpwnam("postgres")
    except KeyError:
        _unavailable("running as root and there is no 'postgres' user to run the server as")
    runuser = shutil.which("runuser")
    if runuser is None:
        _unavailable("running as root and 'runuser' is missing")
    return [runuser, "-u", "postgres", "--"], account.pw_uid, account.pw_gid


@pytest.fixture(scope="session")
def postgres_url() -> str:
    """``postgresql://crm@127.0.0.1:PORT/company`` of a throwaway cluster (PGPASSWORD set)."""
    bin_dir = _pg_bin()
    if bin_dir is None or not (bin_dir / "initdb").exists():
        _unavailable("initdb is not installed (Debian: apt-get install postgresql)")
    prefix, uid, gid = _runner()
    home = Path(tempfile.mkdtemp(prefix="crm-postgres-"))
    data, sockets = home / "data", home / "sockets"
    sockets.mkdir()
    password_file = home / "password"
    password_file.write_text(PG_PASSWORD + "\n")
    if uid is not None:
        for path in (home, sockets, password_file):
            os.chown(path, uid, gid)
    port = _free_port()
    log = home / "server.log"

    def run(*args: str, timeout: int = 120) -> subprocess.CompletedProcess:
        return subprocess.run(
            [*prefix, *args], capture_output=True, text=True, timeout=timeout, check=False
        )

    init = run(
        str(bin_dir / "initdb"),
        "-D",
        str(data),
        "-U",
        PG_USER,
        "--auth=scram-sha-256",
        f"--pwfile={password_file}",
        "--encoding=UTF8",
        "--no-locale",
    )
    if init.returncode != 0:
        shutil.rmtree(home, ignore_errors=True)
        _unavailable(f"initdb failed: {(init.stderr or init.stdout).strip()[-300:]}")
    options = f"-p {port} -k {sockets} -c listen_addresses=127.0.0.1 -c fsync=off"
    start = run(str(bin_dir / "pg_ctl"), "-D", str(data), "-o", options, "-l", str(log), "-w",
                "start")  # fmt: skip
    if start.returncode != 0:
        text = log.read_text(errors="replace")[-300:] if log.exists() else start.stderr
        shutil.rmtree(home, ignore_errors=True)
        _unavailable(f"the server did not start: {text.strip()}")
    previous = os.environ.get("PGPASSWORD")
    # The password comes from the environment, as for a user: never in the URL.
    os.environ["PGPASSWORD"] = PG_PASSWORD
    try:
        created = run(
            str(bin_dir / "createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", PG_USER,
            PG_DATABASE,
        )  # fmt: skip
        if created.returncode != 0:
            _unavailable(f"createdb failed: {created.stderr.strip()}")
        yield f"postgresql://{PG_USER}@127.0.0.1:{port}/{PG_DATABASE}"
    finally:
        run(str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop")
        if previous is None:
            os.environ.pop("PGPASSWORD", None)
        else:
            os.environ["PGPASSWORD"] = previous
        with contextlib.suppress(OSError):
            shutil.rmtree(home)


@pytest.fixture(scope="session")
def sample_company(sample_dir):
    """The committed sample company, loaded from its folder."""
    from crmlib.data.company import load_company

    return load_company(sample_dir)


def _settings_folder(sample_dir: Path, target: Path) -> Path:
    """company.yml and the workshop answers of the sample, beside the database."""
    target.mkdir(parents=True, exist_ok=True)
    shutil.copy(sample_dir / "company.yml", target / "company.yml")
    if (sample_dir / "assessments").is_dir():
        shutil.copytree(sample_dir / "assessments", target / "assessments", dirs_exist_ok=True)
    return target


@pytest.fixture(scope="session")
def sample_duckdb(tmp_path_factory, sample_dir, sample_company) -> str:
    """The sample company's tables in a DuckDB file, its settings beside the file."""
    from crmlib.data.database import parse_source, write_tables

    folder = _settings_folder(sample_dir, tmp_path_factory.mktemp("duckdb_company"))
    url = f"duckdb://{folder / 'company.duckdb'}"
    write_tables(parse_source(url), sample_company.tables.items())
    return url


@pytest.fixture(scope="session")
def sample_parquet(tmp_path_factory, sample_dir, sample_company) -> Path:
    """The sample company's tables as a folder of Parquet files, with its settings."""
    folder = _settings_folder(sample_dir, tmp_path_factory.mktemp("parquet_company"))
    for name, table in sample_company.tables.items():
        table.to_parquet(folder / f"{name}.parquet")
    return folder.resolve()


@pytest.fixture(scope="session")
def sample_postgres(tmp_path_factory, postgres_url, sample_dir, sample_company) -> str:
    """The sample company's tables in a PostgreSQL database of their own (tests that write
    other companies into the server's default database cannot replace them);
    ``?folder=`` names its settings folder."""
    import psycopg

    from crmlib.data.database import parse_source, write_tables

    with psycopg.connect(
        postgres_url.replace("postgresql://", "postgres://"), autocommit=True
    ) as con:
        con.execute("create database sample_company")
    url = f"{postgres_url.rsplit('/', 1)[0]}/sample_company"
    write_tables(parse_source(url), sample_company.tables.items())
    folder = _settings_folder(sample_dir, tmp_path_factory.mktemp("postgres_settings"))
    return f"{url}?folder={folder}"
