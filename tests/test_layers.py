"""The layer contracts (pyproject.toml, run by `lint-imports`) name repositories by module name:
a repository module named otherwise would slip past "routers never import repositories"."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CONTRACTS = ("routers never import repositories", "pages call services, never repositories")


def test_every_repository_module_is_forbidden_to_routers_and_pages() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    names = {p.stem for p in (ROOT / "src" / "maitred").glob("*/*repository.py")}
    assert "repository" in names
    checked = [c for c in config["contracts"] if c["name"] in CONTRACTS]
    assert len(checked) == len(CONTRACTS)
    for contract in checked:
        covered = {pattern.removeprefix("maitred.*.") for pattern in contract["forbidden_modules"]}
        assert names <= covered, (contract["name"], names - covered)
