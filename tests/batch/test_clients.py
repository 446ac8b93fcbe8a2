"""Reading a clients file: defaults, parameters, slugs, and one clear line per mistake."""

from __future__ import annotations

from pathlib import Path

import pytest

from crmlib.batch import ClientsFileError, load_clients, slugify
from crmlib.batch.clients import NOTEBOOKS_DIR, declared_parameters


@pytest.fixture
def workspace(tmp_path: Path, tools) -> Path:
    """A folder with two companies and a notebooks folder of numbered notebooks."""
    tools.company(tmp_path / "clients" / "de-linde")
    tools.company(tmp_path / "clients" / "groenrijk")
    notebooks = tmp_path / "notebooks"
    tools.notebook(notebooks / "01_first.ipynb")
    tools.notebook(notebooks / "02_second.ipynb")
    tools.notebook(notebooks / "scratch.ipynb")
    return tmp_path


@pytest.fixture(autouse=True)
def _run_in(workspace: Path, monkeypatch):
    # the clients file is named relative to the working folder, as a user types it
    monkeypatch.chdir(workspace)


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_every_numbered_notebook_html_and_data_relative_to_the_file(workspace: Path):
    clients_file = write(
        workspace / "clients.yml",
        "clients:\n  - name: Tuincentrum De Linde\n    data: clients/de-linde\n",
    )
    spec = load_clients(clients_file, notebooks_dir=workspace / "notebooks")
    assert [nb.stem for nb in spec.notebooks] == ["01_first", "02_second"]
    assert spec.formats == ("html",)
    (client,) = spec.clients
    assert client.data_dir == (workspace / "clients" / "de-linde").resolve()
    assert client.data_dir.is_absolute()
    assert client.slug == "tuincentrum-de-linde"
    assert client.number == 1


def test_bare_names_come_from_the_repository_notebooks(workspace: Path):
    clients_file = write(
        workspace / "clients.yml",
        "notebooks: [00_start_here]\nclients:\n  - {name: A, data: clients/de-linde}\n",
    )
    (notebook,) = load_clients(clients_file).notebooks
    assert notebook.path == (NOTEBOOKS_DIR / "00_start_here.ipynb").resolve()
    assert {"data_dir", "company", "observation_end", "interactive"} <= notebook.declared


def test_parameters_merge_in_order_and_company_is_the_clients_name(workspace: Path):
    clients_file = write(
        workspace / "clients.yml",
        """\
notebooks: [01_first, ./notebooks/02_second.ipynb]
formats: [pdf, html, html]
parameters: {company: Default Name, fail: true, spare_pid: 7}
clients:
  - name: Tuincentrum De Linde
    data: clients/de-linde
    parameters: {fail: false, gate: 2025-12-31}
  - name: Groenrijk
    data: clients/groenrijk
""",
    )
    spec = load_clients(clients_file, notebooks_dir=workspace / "notebooks")
    assert spec.formats == ("html", "pdf")
    linde, groenrijk = spec.clients
    first = spec.notebooks[0]
    values = spec.parameters_for(linde, first)
    assert values == {
        "data_dir": str(linde.data_dir),
        "interactive": False,
        "company": "Default Name",  # the file's defaults win over the batch's name
        "fail": False,  # the client's own win over the defaults
        "spare_pid": 7,
        "gate": "2025-12-31",  # an unquoted YAML date arrives as yyyy-mm-dd text
    }
    assert spec.parameters_for(groenrijk, first)["fail"] is True


def test_company_parameter_defaults_to_the_clients_name(workspace: Path):
    clients_file = write(
        workspace / "clients.yml",
        "notebooks: [01_first]\nclients:\n  - {name: Groenrijk, data: clients/groenrijk}\n",
    )
    spec = load_clients(clients_file, notebooks_dir=workspace / "notebooks")
    assert spec.parameters_for(spec.clients[0], spec.notebooks[0])["company"] == "Groenrijk"


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("Tuincentrum De Linde", "tuincentrum-de-linde"),
        ("Café Ølstrøm & Søn", "cafe-olstrom-son"),
        ("Straße 12 GmbH", "strasse-12-gmbh"),
        ('=HYPERLINK("http://evil","x")', "hyperlink-http-evil-x"),
        ("  ../../etc/passwd ", "etc-passwd"),
        ("東京", ""),
    ],
)
def test_slugify(name: str, slug: str):
    assert slugify(name) == slug


def test_slug_is_cut_to_64_characters():
    slug = slugify("Tuincentrum " * 20)
    assert len(slug) <= 64
    assert not slug.endswith("-")


def test_declared_parameters_reads_plain_assignments(tmp_path: Path, tools):
    notebook = tools.notebook(tmp_path / "count.ipynb")
    assert declared_parameters(notebook) == {
        "data_dir", "interactive", "company", "fail", "die", "kill_worker", "spare_pid", "gate",
    }  # fmt: skip


CASES = {
    "missing data key": (
        "clients:\n  - name: Tuincentrum De Linde\n",
        "clients.yml, client 1 ('Tuincentrum De Linde'): 'data' is missing. Fix: give the "
        "client's data folder, relative to clients.yml",
    ),
    "missing name": (
        "clients:\n  - {name: A, data: clients/de-linde}\n  - data: clients/groenrijk\n",
        "clients.yml, client 2: 'name' is missing. Fix: give the client's name, as it "
        "should appear on the reports",
    ),
    "missing clients": (
        "notebooks: [01_first]\n",
        "clients.yml: 'clients' is missing or not a list. Fix: add a list of clients, each "
        "with '- name: ...' and 'data: <folder>'",
    ),
    "unknown notebook": (
        "notebooks: [01_first, 99_nothing]\nclients:\n  - {name: A, data: clients/de-linde}\n",
        "clients.yml, notebooks: no notebook '99_nothing' in {notebooks} (known: 01_first, "
        "02_second, scratch). Fix: use one of the known names, or a path such as "
        "./my_notebook.ipynb",
    ),
    "duplicate slug": (
        "clients:\n  - {name: De Linde, data: clients/de-linde}\n"
        "  - {name: Groenrijk, data: clients/groenrijk}\n"
        "  - {name: DE-LINDE, data: clients/groenrijk}\n",
        "clients.yml, client 3 ('DE-LINDE'): its report folder name 'de-linde' is the same "
        "as that of client 1 ('De Linde'). Fix: rename one of them, or give one a 'slug:' "
        "of its own",
    ),
    "missing data folder": (
        "clients:\n  - {name: A, data: clients/de-linde}\n  - {name: B, data: clients/groenrijk}\n"
        "  - {name: De Linde, data: clients/nowhere}\n",
        "clients.yml, client 3 ('De Linde'): data folder clients/nowhere does not exist. "
        "Fix: give the folder that holds the client's customers and transactions files, "
        "relative to clients.yml",
    ),
    "yaml syntax": (
        "clients:\n  - name: De Linde\n    data: clients/de-linde\n   parameters: {}\n",
        "clients.yml, line 4, column 4: not valid YAML (expected <block end>, but found "
        "'<block mapping start>'). Fix: check the indentation there, and quote values that "
        "contain ': ' or '#'",
    ),
    "unknown parameter": (
        "clients:\n  - name: De Linde\n    data: clients/de-linde\n    parameters: {fial: true}\n",
        "clients.yml, client 1 ('De Linde'): unknown parameter 'fial' (the notebooks take: "
        "company, data_dir, die, fail, gate, interactive, kill_worker, spare_pid). Fix: "
        "correct the name",
    ),
    "data_dir as a parameter": (
        "parameters: {data_dir: elsewhere}\nclients:\n  - {name: A, data: clients/de-linde}\n",
        "clients.yml, parameters: 'data_dir' is set by the batch. Fix: give each client's "
        "data folder with 'data:'",
    ),
    "unknown format": (
        "formats: [html, docx]\nclients:\n  - {name: A, data: clients/de-linde}\n",
        "clients.yml, formats: unknown report format 'docx'. Fix: use html, pdf, pptx or a list of them",
    ),
    "unknown top-level key": (
        "client:\n  - {name: A, data: clients/de-linde}\n",
        "clients.yml: unknown key 'client'. Fix: use only notebooks, formats, timeout, "
        "language, parameters, clients",
    ),
    "unknown client key": (
        "clients:\n  - {name: A, data: clients/de-linde, params: {}}\n",
        "clients.yml, client 1 ('A'): unknown key 'params'. Fix: use only name, data, "
        "language, parameters, slug",
    ),
    "name without letters": (
        "clients:\n  - {name: '東京', data: clients/de-linde}\n",
        "clients.yml, client 1 ('東京'): the name has no letters or digits to make a report "
        "folder name of. Fix: add 'slug:' with a folder name of a-z, 0-9 and '-'",
    ),
    "bad slug": (
        "clients:\n  - {name: A, data: clients/de-linde, slug: ../A}\n",
        "clients.yml, client 1 ('A'): slug '../A' is not a folder name of a-z, 0-9 and '-'. "
        "Fix: write it in lower case, e.g. 'slug: de-linde'",
    ),
    "empty file": (
        "",
        "clients.yml: is empty. Fix: see data/clients.example.yml for the layout",
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_bad_clients_file_is_one_line_naming_the_entry(workspace: Path, case: str):
    text, expected = CASES[case]
    clients_file = write(workspace / "clients.yml", text)
    with pytest.raises(ClientsFileError) as caught:
        load_clients(clients_file.relative_to(workspace), notebooks_dir=workspace / "notebooks")
    message = str(caught.value)
    assert message == expected.format(notebooks=workspace / "notebooks")
    assert "\n" not in message


def test_a_missing_clients_file(workspace: Path):
    with pytest.raises(ClientsFileError, match=r"^nothere\.yml: file not found"):
        load_clients("nothere.yml")


def test_a_duplicate_notebook_stem(workspace: Path, tools):
    tools.notebook(workspace / "extra" / "01_first.ipynb")
    write(
        workspace / "clients.yml",
        "notebooks: [01_first, extra/01_first]\nclients:\n  - {name: A, data: clients/de-linde}\n",
    )
    with pytest.raises(ClientsFileError, match="would both write the report '01_first'"):
        load_clients("clients.yml", notebooks_dir=workspace / "notebooks")


def test_a_client_may_choose_its_slug(workspace: Path):
    write(
        workspace / "clients.yml",
        "clients:\n  - {name: De Linde, data: clients/de-linde}\n"
        "  - {name: De-Linde, data: clients/groenrijk, slug: de-linde-gent}\n",
    )
    spec = load_clients("clients.yml", notebooks_dir=workspace / "notebooks")
    assert [client.slug for client in spec.clients] == ["de-linde", "de-linde-gent"]


def test_the_example_clients_file_reads(root: Path):
    spec = load_clients(root / "data" / "clients.example.yml")
    assert [client.slug for client in spec.clients] == [
        "tuincentrum-groenhuis",
        "groenhuis-2024",
    ]
    assert spec.clients[1].data_dir == (root / "data" / "sample").resolve()
    assert spec.parameters_for(spec.clients[1], spec.notebooks[0])["observation_end"] == (
        "2024-12-31"
    )


PARAMETER_CASES = {
    "impossible date": (
        "    parameters: {observation_end: 2025-13-01}\n",
        "clients.yml, client 1 ('De Linde'), parameter 'observation_end': '2025-13-01' is not "
        "a calendar date (there is no month 13). Fix: write a calendar date as yyyy-mm-dd, "
        "e.g. 2025-12-31",
    ),
    "unknown currency": (
        "    parameters: {currency: XYZ}\n",
        "clients.yml, client 1 ('De Linde'), parameter 'currency': 'XYZ' is not an ISO 4217 "
        "currency code. Fix: write a three-letter code such as EUR, USD or GBP",
    ),
    "share out of range": (
        "    parameters: {value_share: 80}\n",
        "clients.yml, client 1 ('De Linde'), parameter 'value_share': 80 is out of range (it "
        "must be above 0 and at most 1). Fix: give a value above 0 and at most 1, e.g. 0.2 "
        "for 20%",
    ),
    "not a number": (
        "    parameters: {value_share: most}\n",
        "clients.yml, client 1 ('De Linde'), parameter 'value_share': 'most' is not a number. "
        "Fix: give a number, e.g. 0.8",
    ),
}


@pytest.mark.parametrize("case", sorted(PARAMETER_CASES))
def test_parameter_values_are_checked_before_any_kernel(workspace: Path, case: str):
    text, expected = PARAMETER_CASES[case]
    clients_file = write(
        workspace / "clients.yml",
        "notebooks: [00_start_here]\nclients:\n  - name: De Linde\n    data: clients/de-linde\n"
        + text,
    )
    with pytest.raises(ClientsFileError) as caught:
        load_clients(clients_file.relative_to(workspace))
    assert str(caught.value) == expected


def test_default_parameters_are_checked_and_typed(workspace: Path):
    clients_file = write(
        workspace / "clients.yml",
        "notebooks: [00_start_here]\nparameters: {value_share: 1, currency: usd}\n"
        "clients:\n  - {name: A, data: clients/de-linde, parameters: {observation_end: 2024-12-31}}\n",
    )
    spec = load_clients(clients_file)
    assert spec.parameters == {"value_share": 1.0, "currency": "USD"}
    assert spec.clients[0].parameters == {"observation_end": "2024-12-31"}
    bad = write(
        workspace / "bad.yml",
        "notebooks: [00_start_here]\nparameters: {observation_end: 1998-02-30}\n"
        "clients:\n  - {name: A, data: clients/de-linde}\n",
    )
    with pytest.raises(
        ClientsFileError, match=r"^bad.yml, parameters, parameter 'observation_end'"
    ):
        load_clients(bad.relative_to(workspace))


@pytest.mark.parametrize(
    ("line", "seconds", "per_cell"),
    [("", 600.0, 600.0), ("timeout: 1200\n", 1200.0, 1200.0), ("timeout: 0\n", 0.0, None)],
)
def test_timeout_per_cell_from_the_file_and_zero_is_no_limit(
    workspace: Path, line: str, seconds: float, per_cell: float | None
):
    from crmlib.batch.manifest import Manifest
    from crmlib.batch.runner import plan_batch

    clients_file = write(
        workspace / "clients.yml", line + "clients:\n  - {name: A, data: clients/de-linde}\n"
    )
    spec = load_clients(clients_file, notebooks_dir=workspace / "notebooks")
    assert spec.timeout == seconds
    manifest = Manifest(workspace / "manifest.json")
    jobs = [report.job for report in plan_batch(spec, workspace / "out", manifest=manifest)]
    assert [job.execution_timeout for job in jobs] == [per_cell, per_cell]
    # --timeout wins over the file; it does not change what a report is made of
    forced = plan_batch(spec, workspace / "out", manifest=manifest, timeout=45)
    assert [report.job.execution_timeout for report in forced] == [45, 45]
    assert [r.digest for r in forced] == [
        r.digest for r in plan_batch(spec, workspace / "out", manifest=manifest)
    ]


@pytest.mark.parametrize("value", ["-5", "soon", "true", "[60]"])
def test_a_timeout_that_is_no_number_of_seconds_is_one_line(workspace: Path, value: str):
    clients_file = write(
        workspace / "clients.yml",
        f"timeout: {value}\nclients:\n  - {{name: A, data: clients/de-linde}}\n",
    )
    with pytest.raises(ClientsFileError) as caught:
        load_clients(clients_file.name, notebooks_dir=workspace / "notebooks")
    assert str(caught.value).startswith("clients.yml, timeout: ")
    assert str(caught.value).endswith(
        "is not a number of seconds. Fix: give the seconds one cell may run, e.g. "
        "'timeout: 1200', or 0 for no limit"
    )
