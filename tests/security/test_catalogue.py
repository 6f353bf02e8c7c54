"""The bad-input catalogue (docs/securite.md) covers every file upload of the platform, each with tests that
exist: a new upload view without its line in the catalogue fails the suite."""

import inspect
import re
from pathlib import Path

from django.urls import URLPattern, URLResolver, get_resolver

import api.api

ROOT = Path(__file__).resolve().parent.parent.parent
CATALOGUE = ROOT / "docs" / "securite.md"
UPLOAD_MARKS = ("request.FILES", "UploadedFile")


def upload_views() -> set[str]:
    """The URL names of the views that receive a file (pages, then the API's operations)."""
    found = set()

    def walk(patterns, prefix=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, prefix + (f"{pattern.namespace}:" if pattern.namespace else ""))
            elif isinstance(pattern, URLPattern) and not prefix.startswith("admin:"):
                try:
                    source = inspect.getsource(inspect.unwrap(pattern.callback))
                except (OSError, TypeError):
                    continue
                if any(mark in source for mark in UPLOAD_MARKS):
                    found.add(prefix + pattern.name)

    walk(get_resolver().url_patterns)
    for name, function in inspect.getmembers(api.api, inspect.isfunction):
        if function.__module__ == api.api.__name__ and "UploadedFile" in str(inspect.signature(function)):
            found.add(f"api:{name}")
    return found


def catalogue() -> dict[str, list[str]]:
    """upload view → the tests its line cites."""
    section = CATALOGUE.read_text(encoding="utf-8").split("## Dépôts de fichiers", 1)[1].split("\n## ", 1)[0]
    lines = {}
    for row in section.splitlines():
        match = re.match(r"\| `([a-z_]+:[a-z_]+)` \|", row)
        if match:
            lines[match[1]] = re.findall(r"`([\w/]+\.py::\w+)`", row.split("|")[-2])
    return lines


def test_every_upload_has_its_line_in_the_catalogue():
    uploads = upload_views()
    assert {"indicators:deliveries", "offer:import", "api:upload_delivery"} <= uploads  # the detection works
    assert sorted(uploads - set(catalogue())) == []


def test_every_test_the_catalogue_cites_exists():
    missing = []
    for upload, tests in catalogue().items():
        assert tests, f"{upload} : aucun test cité"
        for reference in tests:
            path, name = reference.split("::")
            if not (ROOT / path).exists() or f"def {name}(" not in (ROOT / path).read_text(encoding="utf-8"):
                missing.append(reference)
    assert missing == []
