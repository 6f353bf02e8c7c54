"""No year is written in the application's code: the years are data (campaigns, reference data, deliveries).
The check reads the Python tokens of every application module (not the tests, migrations, benchmarks nor the
data files): an integer or a string that is a year between 2010 and 2100 fails it. Years in comments and in
texts that cite a source (« enquête OARSA 2015-2018 », « décret 2024-1244 ») are words, not values."""

import io
import tokenize
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SKIPPED_PARTS = {".venv", "node_modules", "benchmarks", "tests", "migrations", "var", ".git"}
YEARS = range(2010, 2101)


def application_modules():
    for path in sorted(ROOT.rglob("*.py")):
        parts = set(path.relative_to(ROOT).parts)
        if not parts & SKIPPED_PARTS and path.name not in ("conftest.py", "manage.py"):
            yield path


def literal_years(source: str) -> list[tuple[int, str]]:
    found = []
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        text = token.string
        if token.type == tokenize.STRING:
            text = text.strip("\"'rbfRBF")
        if token.type in (tokenize.NUMBER, tokenize.STRING) and text.isdigit() and int(text) in YEARS:
            found.append((token.start[0], token.line.strip()))
    return found


def test_the_check_finds_a_year_written_as_a_value():
    assert literal_years("DEFAULT_YEAR = 2024\nyear = request.POST.get('year', '2025')\n") == [
        (1, "DEFAULT_YEAR = 2024"),
        (2, "year = request.POST.get('year', '2025')"),
    ]
    assert literal_years("# 2024\ntitle = 'Enquête 2015-2018'\nBATCH = 2000\n") == []


def test_no_literal_year_in_the_application_code():
    found = [
        f"{path.relative_to(ROOT)}:{line}: {text}"
        for path in application_modules()
        for line, text in literal_years(path.read_text(encoding="utf-8"))
    ]
    assert found == [], "\n".join(found)
