"""The fast path of reading (`indicators.engine.bulk_reading`) gives, for valid deliveries, exactly the tables of
the line-by-line reader, in CSV (ISO and « Excel français », UTF-8 and Windows-1252) and Parquet; on a file it
cannot vouch for, the line-by-line reader takes over and names every problem (the reading tests, unchanged)."""

import io
import zipfile
from datetime import date
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from indicators.engine import bulk_reading, file_text, reading
from indicators.engine.reading import DeliveryError, read_delivery
from indicators.engine.schema import FILES
from indicators.engine.synthetic import Calibration, generate
from indicators.engine.values import Pseudonymiser

FIRST, LAST = date(2023, 1, 1), date(2024, 6, 1)


def each_file(folder: Path, key: bytes, read) -> dict[str, pa.Table]:
    """Every file of the folder read by `read(path, data, spec, pseudonymiser, log, warnings)`, without an issue."""
    log, warnings, pseudonymiser = reading.IssueLog(), [], Pseudonymiser(key)
    tables = {}
    for path in sorted(folder.iterdir()):
        spec = FILES[path.stem]
        tables[spec.name] = read(path, path.read_bytes(), spec, pseudonymiser, log, warnings)
    assert not log, log.issues
    return tables


def line_by_line(folder: Path, key: bytes) -> dict[str, pa.Table]:
    """Every file of the folder read by the line-by-line reader only."""

    def read(path, data, spec, pseudonymiser, log, warnings):
        if path.suffix == ".parquet":
            parquet = pq.read_table(io.BytesIO(data))
            header, rows = parquet.column_names, file_text.parquet_rows(parquet)
        else:
            text, _ = file_text.decode(path.name, data, log)
            header, rows, _ = file_text.csv_rows(text)
        positions = reading._column_positions(path.name, header, spec, log, warnings)
        return reading._validate(path.name, header, rows, spec, pseudonymiser, log, warnings, positions)

    return each_file(folder, key, read)


def bulk_only(folder: Path, key: bytes) -> dict[str, pa.Table]:
    """Every file of the folder read by the fast path only (it must vouch for each)."""

    def read(path, data, spec, pseudonymiser, log, warnings):
        if path.suffix == ".parquet":
            parquet = pq.read_table(io.BytesIO(data))
            header, columns, to_text = parquet.column_names, parquet.columns, file_text.parquet_text
        else:
            text, encoding = file_text.decode(path.name, data, log)
            header, _, delimiter = file_text.csv_rows(text)
            columns = bulk_reading.csv_columns(data, encoding, delimiter, len(header))
            to_text = str
        positions = reading._column_positions(path.name, header, spec, log, warnings)
        parsers = [(c, reading._parser(c, pseudonymiser)) for c in spec.columns if c.name in positions]
        return bulk_reading.typed_table(columns, positions, spec, parsers, to_text)

    return each_file(folder, key, read)


@pytest.mark.parametrize("form", ["iso", "fr", "parquet"])
@settings(max_examples=3, deadline=None)
@given(seed=st.integers(0, 10_000), persons=st.integers(30, 300))
def test_the_fast_path_gives_the_line_by_line_reader_s_tables(tmp_path_factory, form, seed, persons):
    folder = tmp_path_factory.mktemp("livraison")
    delivery = generate(Calibration(persons=persons), first=FIRST, last=LAST, seed=seed)
    delivery.write_csv(folder, french=form == "fr")
    if form == "parquet":  # the same files in Parquet, their columns typed by Arrow (identifiers kept as text)
        import pyarrow.csv as pacsv

        for path in list(folder.glob("*.csv")):
            identifiers = {"id_rsa": pa.string(), "id_france_travail": pa.string()}
            table = pacsv.read_csv(
                path,
                parse_options=pacsv.ParseOptions(delimiter=";"),
                convert_options=pacsv.ConvertOptions(column_types=identifiers),
            )
            pq.write_table(table, path.with_suffix(".parquet"))
            path.unlink()
    fast = bulk_only(folder, b"cle")
    assert fast.keys() == line_by_line(folder, b"cle").keys()
    assert fast == line_by_line(folder, b"cle")
    assert read_delivery(folder, key=b"cle").tables == fast


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ("id_rsa;mois;etat_droit;soumis_droits_devoirs\n1;2024-13;versable;1\n", "valeur refusée"),
        ("id_rsa;mois;etat_droit;soumis_droits_devoirs\n1;2024-01;versable;1\n1;2024-01;versable;1\n", "doublon"),
        ("id_rsa;mois;etat_droit;soumis_droits_devoirs\n;2024-01;versable;1\n", "obligatoire"),
        ("id_rsa;mois;etat_droit;soumis_droits_devoirs\n1;2024-01;versable\n", "CSV"),
    ],
)
def test_the_fast_path_does_not_vouch_for_a_file_with_a_problem(content, reason):
    spec = FILES["situations_mensuelles"]
    header = content.splitlines()[0].split(";")
    positions = {name: index for index, name in enumerate(header)}
    parsers = [(c, reading._parser(c, Pseudonymiser(b"k"))) for c in spec.columns if c.name in positions]
    with pytest.raises(bulk_reading.NotSure):
        columns = bulk_reading.csv_columns(content.encode(), "utf-8", ";", len(header))
        bulk_reading.typed_table(columns, positions, spec, parsers)


def test_a_quote_inside_a_field_is_left_to_the_line_by_line_reader(tmp_path):
    (tmp_path / "situations_mensuelles.csv").write_text(
        "id_rsa;mois;etat_droit;soumis_droits_devoirs;date_ouverture_droit;date_reception_notification\n"
        '"1"2;2024-01;versable;1;2023-12-01;\n2;2024-13;versable;1;2023-12-01;\n'
    )
    with pytest.raises(DeliveryError) as refused:
        read_delivery(tmp_path, key=b"k")
    assert "situations_mensuelles.csv, ligne 3, colonne « mois », valeur « 2024-13 » : mois inexistant" in [
        str(issue) for issue in refused.value.issues
    ]


@pytest.mark.parametrize("packed", ["dossier", "zip"])
def test_a_file_on_disk_is_read_in_blocks_by_the_fast_path(tmp_path, monkeypatch, packed):
    folder = tmp_path / "livraison"
    generate(Calibration(persons=200), first=FIRST, last=LAST, seed=7).write_csv(folder, french=True)
    # a Windows-1252 file with accents: Arrow transcodes it block by block
    orientations = folder / "orientations.csv"
    text = orientations.read_text("cp1252").replace("Structure fictive 30;", "Unité territoriale de Nîmes;")
    assert "Nîmes" in text
    orientations.write_bytes(text.encode("cp1252"))
    source = folder
    if packed == "zip":
        source = tmp_path / "livraison.zip"
        with zipfile.ZipFile(source, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in folder.iterdir():
                archive.write(path, path.name)
    expected = read_delivery(source, key=b"cle")

    monkeypatch.setattr(reading, "IN_MEMORY_BYTES", 0)
    monkeypatch.setattr(bulk_reading, "BATCH_BYTES", 4096)
    batches = []
    read_in_blocks = bulk_reading.csv_batches

    def counted(*args):
        for batch in read_in_blocks(*args):
            batches.append(len(batch[0]))
            yield batch

    monkeypatch.setattr(bulk_reading, "csv_batches", counted)
    monkeypatch.setattr(reading, "_validate", lambda *args: pytest.fail("lu ligne à ligne"))
    on_disk = read_delivery(source, key=b"cle")

    assert on_disk.tables == expected.tables
    assert "Unité territoriale de Nîmes" in on_disk.tables["orientations"].column("organisme_referent").to_pylist()
    assert len(batches) > 3 * len(expected.tables)  # every file in several blocks
    assert sum(batches) == sum(expected.row_counts().values())


SITUATIONS_HEADER = "id_rsa;mois;etat_droit;soumis_droits_devoirs;date_ouverture_droit\n"


def _typed_in_parts(lines: list[str], part_size: int):
    spec = FILES["situations_mensuelles"]
    header = SITUATIONS_HEADER.strip().split(";")
    positions = {name: index for index, name in enumerate(header)}
    parsers = [(c, reading._parser(c, Pseudonymiser(b"k"))) for c in spec.columns if c.name in positions]
    content = (SITUATIONS_HEADER + "".join(lines)).encode()
    columns = bulk_reading.csv_columns(content, "utf-8", ";", len(header))
    parts = [
        [column.slice(start, part_size).combine_chunks() for column in columns]
        for start in range(0, len(lines), part_size)
    ]
    return bulk_reading.typed_parts(parts, positions, spec, parsers)


def test_a_sorted_file_needs_no_grouping_to_be_free_of_duplicate_keys(monkeypatch):
    lines = [f"{person};2024-{month:02d};versable;1;2023-12-01\n" for person in (10, 11, 12) for month in (1, 2, 3)]
    monkeypatch.setattr(bulk_reading, "_check_keys", lambda *args: pytest.fail("regroupement inutile"))
    assert _typed_in_parts(lines, part_size=2).num_rows == 9


@pytest.mark.parametrize(
    "lines",
    [
        # the same person and month, two parts apart (an unsorted file)
        [
            "10;2024-01;versable;1;2023-12-01\n",
            "11;2024-01;versable;1;2023-12-01\n",
            "10;2024-01;suspendu;1;2023-12-01\n",
        ],
        # adjacent across the parts' boundary, the identifier written with a space the reader strips
        [
            "10;2024-01;versable;1;2023-12-01\n",
            "10;2024-02;versable;1;2023-12-01\n",
            " 10;2024-02;radie;1;2023-12-01\n",
        ],
    ],
)
def test_a_duplicate_key_is_found_sorted_or_not_across_parts(lines):
    with pytest.raises(bulk_reading.NotSure, match="doublon"):
        _typed_in_parts(lines, part_size=2)


def test_the_identifiers_order_is_compared_on_what_python_strips():
    import sys

    assert "".join(chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace()) == bulk_reading.WHITESPACE
