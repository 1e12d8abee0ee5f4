"""pyproject.toml lists every package of the source tree, with rules/ shipped as kerascheck.rules."""

from __future__ import annotations

import sys

from conftest import ROOT

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib


def source_packages() -> set[str]:
    found = set()
    for base, dotted in (("kerascheck", "kerascheck"), ("rules", "kerascheck.rules")):
        for folder in [ROOT / base, *(p for p in (ROOT / base).rglob("*") if p.is_dir())]:
            if folder.name == "__pycache__":
                continue
            rel = folder.relative_to(ROOT / base).parts
            has_code = (folder / "__init__.py").exists()
            has_data = any(p.suffix in (".txt", ".json") for p in folder.iterdir())
            if has_code or has_data:
                found.add(".".join([dotted, *rel]))
    return found


def test_every_package_and_data_folder_is_listed() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    tool = config["tool"]["setuptools"]
    assert set(tool["packages"]) == source_packages()
    assert tool["package-dir"] == {"kerascheck": "kerascheck", "kerascheck.rules": "rules"}
    assert "rules" not in tool["packages"]


def test_license_is_an_spdx_expression() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert config["project"]["license"] == "MIT"
