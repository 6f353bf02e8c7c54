"""The spec's worked example of volet 2: its files, its expected indicators written out, and the same files as the
zip a user uploads."""

import io
import zipfile
from pathlib import Path

from django.urls import reverse

# The worked example of the spec (shared/spec/exemples/volet2), as a delivery's files.
EXAMPLE = Path(__file__).resolve().parent / "data" / "volet2"

# attendu_volet2.csv of the spec, written out.
EXPECTED_EXAMPLE = [
    {"mois": "2024-01", "nouveaux_entrants": 3, "t0_inconnu": 1, "orientes_15_jours": 2, "orientes_1_mois": 2,
     "orientations_accompagnement_global": 1, "absents_rdv_orientation": 1},
    {"mois": "2024-02", "nouveaux_entrants": 3, "t0_inconnu": 0, "orientes_15_jours": 1, "orientes_1_mois": 3,
     "orientations_accompagnement_global": 0, "absents_rdv_orientation": 0},
    {"mois": "2024-03", "nouveaux_entrants": 1, "t0_inconnu": 0, "orientes_15_jours": 0, "orientes_1_mois": 0,
     "orientations_accompagnement_global": 0, "absents_rdv_orientation": 0},
    {"mois": "2024-04", "nouveaux_entrants": 1, "t0_inconnu": 0, "orientes_15_jours": 1, "orientes_1_mois": 1,
     "orientations_accompagnement_global": 0, "absents_rdv_orientation": 0},
]  # fmt: skip


def example_zip(replace: tuple[str, str, str] | list[tuple[str, str, str]] | None = None) -> io.BytesIO:
    """The worked example as a zip; replace = (file name, old text, new text), or a list of them."""
    replacements = [replace] if isinstance(replace, tuple) else replace or []
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zipped:
        for path in EXAMPLE.iterdir():
            text = path.read_text("utf-8")
            for name, old, new in replacements:
                if path.name == name:
                    assert old in text
                    text = text.replace(old, new, 1)
            zipped.writestr(path.name, text)
    buffer.seek(0)
    buffer.name = "livraison.zip"
    return buffer


def upload(client, code="01D", replace=None):
    return client.post(reverse("indicators:deliveries", args=[code]), {"files": example_zip(replace)}, follow=True)
