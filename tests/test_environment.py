"""environment.yml (conda users) must ask for exactly what pyproject.toml asks for."""

import re
import tomllib
from pathlib import Path

import yaml
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]

# conda-forge names that differ from PyPI names
CONDA_NAMES = {"pyyaml": "pyyaml"}


def split(requirement: str) -> tuple[str, str]:
    match = re.match(r"^\s*([A-Za-z0-9_.\-]+)\s*(.*)$", requirement)
    name = match.group(1).lower().replace("_", "-")
    return CONDA_NAMES.get(name, name), match.group(2).replace(" ", "")


def test_environment_matches_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = dict(
        split(r) for r in project["dependencies"] + project["optional-dependencies"]["dev"]
    )
    environment = yaml.safe_load((ROOT / "environment.yml").read_text())
    conda = dict(split(d) for d in environment["dependencies"] if isinstance(d, str))
    conda.pop("pip")
    python = conda.pop("python")
    assert python == ">=" + project["requires-python"].removeprefix(">=")
    assert conda == wanted


def test_environment_installs_the_package_itself():
    environment = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip_section = next(d["pip"] for d in environment["dependencies"] if isinstance(d, dict))
    assert any("--editable ." in line for line in pip_section)


def test_environment_accepts_the_locked_versions():
    """environment.yml asks for ranges; the versions in requirements.lock (the tested ones)
    must lie in them, so a conda environment can be the tested one."""
    pins = {
        canonicalize_name(match[1]): match[2]
        for match in re.finditer(
            r"^([A-Za-z0-9][\w.-]*)==(\S+)", (ROOT / "requirements.lock").read_text(), re.M
        )
    }
    environment = yaml.safe_load((ROOT / "environment.yml").read_text())
    for entry in environment["dependencies"]:
        if not isinstance(entry, str) or re.fullmatch(r"(python|pip)([<>=!~].*)?", entry):
            continue
        requirement = Requirement(entry)
        name = canonicalize_name(requirement.name)
        assert name in pins, f"environment.yml asks for {name}, which requirements.lock lacks"
        assert requirement.specifier.contains(pins[name], prereleases=True), (
            f"environment.yml asks for {requirement}; the tested version is {pins[name]}"
        )
