"""Every folder of the project that holds tests is one pytest collects: campaigns, negotiation, notifications and
action_plans had tests that the suite (and so CI) never ran, being missing from `testpaths`."""

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SKIPPED = {".venv", "node_modules", "var", ".git"}


def test_every_folder_with_tests_is_collected():
    testpaths = set(tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["pytest"]["ini_options"]["testpaths"])
    with_tests = {
        folder.name
        for folder in ROOT.iterdir()
        if folder.is_dir() and folder.name not in SKIPPED and next(folder.rglob("test_*.py"), None) is not None
    }
    assert with_tests - testpaths == set()
