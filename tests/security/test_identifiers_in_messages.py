"""Finding 7 of the security audit: a CSV whose header is shifted gave « colonne « mois », valeur « 1234567 » »,
an identifier stored in the delivery's issues and shown to other agents. No issue echoes a value that could be
an identifier, whatever the column it sits under."""

import pytest

from indicators.engine.reading import MASKED, DeliveryError, read_delivery


def test_a_shifted_header_does_not_echo_identifiers(tmp_path):
    (tmp_path / "situations_mensuelles.csv").write_text(
        "mois;id_rsa;etat_droit;soumis_droits_devoirs;date_ouverture_droit;date_reception_notification\n"
        "1234567;2024-01;versable;1;2024-01-05;2024-01-10\n"
        "7654321;2024-02;inconnu;1;2024-01-05;2024-01-10\n",
        encoding="utf-8",
    )
    with pytest.raises(DeliveryError) as refused:
        read_delivery(tmp_path, key=b"cle-de-test")
    messages = [str(issue) for issue in refused.value.issues]
    assert any(f"colonne « mois », valeur {MASKED}" in message for message in messages), messages
    assert not any("1234567" in message or "7654321" in message for message in messages)
    assert any("valeur « inconnu »" in message for message in messages)  # what is not an identifier is shown
