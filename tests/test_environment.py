"""environment.yml (conda) and pyproject.toml (pip) must declare the same dependencies."""

import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
# pip names that conda-forge splits or spells differently
PIP_TO_CONDA = {"dask[distributed]": ["dask", "distributed"]}


def _split(req: str) -> tuple[str, str]:
    m = re.match(r"^([A-Za-z0-9_.\-\[\]]+)\s*(.*)$", req.strip())
    assert m, req
    return m.group(1).lower(), m.group(2).replace(" ", "")


def _pyproject() -> dict[str, str]:
    data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    project = data["project"]
    reqs = list(project["dependencies"])
    for extra in project["optional-dependencies"].values():
        reqs += extra
    out = {"python": project["requires-python"]}
    for req in reqs:
        name, spec = _split(req)
        for conda_name in PIP_TO_CONDA.get(name, [name]):
            out[conda_name] = spec
    return out


def _environment() -> dict[str, str]:
    data = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    out = {}
    for dep in data["dependencies"]:
        if isinstance(dep, str) and dep != "pip":
            name, spec = _split(dep)
            out[name] = spec
    return out


def test_same_packages_and_versions():
    assert _environment() == _pyproject()


def test_conda_forge_channel():
    data = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    assert data["channels"] == ["conda-forge"]
