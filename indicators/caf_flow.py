"""Convert the CAF/MSA monthly beneficiary flow (XML of schema vrsb0801, « flux mensuel bénéficiaires RSA »,
routed through HubEE) into the exchange format's `situations_mensuelles`, field by field as in docs/indicators.md
(« From the CAF/MSA flow »).

Streaming: each `InfosFoyerRSA` (one household) is read, turned into rows and dropped, so a national flow is
read in bounded memory (only a 64-bit hash of each person of the month is kept, to write a person once a month). The
output is the département's own delivery file: raw identifiers (NIR) are written to it, as in any delivery the
département uploads, and pseudonymised by the platform on reading; they are never logged nor put in a message.
"""

import csv
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from lxml import etree

HEADER = (
    "id_rsa",
    "mois",
    "etat_droit",
    "soumis_droits_devoirs",
    "date_ouverture_droit",
    "date_reception_notification",
)

# ETATDOSRSA → etat_droit. 0 (request awaiting the département's decision) and 1 (right refused) are no right:
# the person is out of the RSA that month, as if absent from the file.
STATES = {"2": "versable", "3": "suspendu", "4": "suspendu", "5": "radie", "6": "radie"}
NO_RIGHT = {"0", "1"}


class FlowError(ValueError):
    """A flow that cannot be converted, naming the file and, where known, the line and the tag."""

    def __init__(self, file: str, message: str, line: int | None = None, tag: str | None = None):
        self.file, self.message, self.line, self.tag = file, message, line, tag
        where = ", ".join([file, *([f"ligne {line}"] if line else []), *([f"balise {tag}"] if tag else [])])
        super().__init__(f"{where} : {message}")


@dataclass
class Report:
    """What the conversion did, in French, without any identifier."""

    households: int = 0
    rows: int = 0
    skipped: Counter = field(default_factory=Counter)  # reason → persons left out

    def lines(self) -> list[str]:
        households = (
            f"{self.households} foyer{'s' if self.households > 1 else ''} lu{'s' if self.households > 1 else ''}"
        )
        said = [f"{households}, {self.rows} ligne(s) de situations_mensuelles écrite(s)."]
        said += [f"{count} personne(s) non reprise(s) : {reason}." for reason, count in sorted(self.skipped.items())]
        return said


@dataclass(frozen=True)
class Flow:
    created: date  # DTCREAFLUX
    reference: date  # DTREF: the month the flow describes (its last day)


def _date(text: str | None, filename: str, line: int | None, tag: str) -> date | None:
    if not text or not text.strip():
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise FlowError(filename, "date invalide (attendu AAAA-MM-JJ)", line, tag) from None


def _parser(source):
    # No external entity, no network, no huge tree: a flow is data, not a document that fetches things.
    return etree.iterparse(
        source, events=("end",), tag=("IdentificationFlux", "InfosFoyerRSA"),
        resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False,
    )  # fmt: skip


def read_flow(path: Path, *, received_on: date | None = None) -> tuple[Flow, Iterator[dict]]:
    """The flow's header and its rows (lazily). T0 is `received_on` (the day the département received the flow),
    else the flow's creation date."""
    filename = path.name
    try:
        with path.open("rb") as handle:
            flow = _header(handle, filename)
    except etree.XMLSyntaxError as error:
        raise FlowError(filename, f"XML illisible ({error.msg})", error.lineno) from None
    if flow is None:
        raise FlowError(filename, "pas de bloc IdentificationFlux : ce n'est pas un flux bénéficiaires RSA")
    return flow, _households(path, flow, received_on or flow.created)


def _header(handle, filename: str) -> Flow | None:
    for _, element in _parser(handle):
        if element.tag == "IdentificationFlux":
            created = _date(element.findtext("DTCREAFLUX"), filename, element.sourceline, "DTCREAFLUX")
            reference = _date(element.findtext("DTREF"), filename, element.sourceline, "DTREF") or created
            if created is None:
                raise FlowError(filename, "date de création du flux absente", element.sourceline, "DTCREAFLUX")
            return Flow(created, reference)
        element.clear()
    return None


def _households(path: Path, flow: Flow, t0: date) -> Iterator[dict]:
    filename = path.name
    month = flow.reference.replace(day=1)
    try:
        with path.open("rb") as handle:
            for _, household in _parser(handle):
                if household.tag != "InfosFoyerRSA":
                    continue
                yield {"households": 1}
                yield from _persons(household, month, t0, filename)
                household.clear()
                while household.getprevious() is not None:  # what was read before is not kept either
                    del household.getparent()[0]
    except etree.XMLSyntaxError as error:
        raise FlowError(filename, f"XML illisible ({error.msg})", error.lineno) from None


def _persons(household, month: date, t0: date, filename: str) -> Iterator[dict]:
    line = household.sourceline
    state = (household.findtext("PrestationRSA/SituationDossierRSA/EtatDossierRSA/ETATDOSRSA") or "").strip()
    if state in NO_RIGHT:
        yield {"skipped": "demande en attente de décision ou droit refusé (ETATDOSRSA 0 ou 1)"}
        return
    if state not in STATES:
        raise FlowError(filename, f"valeur « {state[:10]} » inconnue (attendu 0 à 6)", line, "ETATDOSRSA")
    opening = _date(household.findtext("IdentificationRSA/DemandeRSA/DTDEMRSA"), filename, line, "DTDEMRSA")
    if opening is None:
        raise FlowError(filename, "date de la demande de RSA absente", line, "DTDEMRSA")
    matricule = (household.findtext("IdentificationRSA/Organisme/MATRICULE") or "").strip()
    for person in household.iterfind("Personne"):
        roles = {
            (p.findtext("ROLEPERS") or "").strip()
            for p in person.iterfind("Prestations")
            if (p.findtext("NATPREST") or "").strip() == "RSA"
        }
        if not roles:
            yield {"skipped": "personne du foyer sans prestation RSA"}
            continue
        nir = (person.findtext("Identification/NIR") or "").strip()
        identifier = nir or (f"{matricule}-{sorted(roles)[0]}" if matricule else "")
        if not identifier:
            yield {"skipped": "personne sans NIR dans un foyer sans matricule"}
            continue
        top = (person.findtext("MontantCalculDroitRSAPersonne/TOPPERSDRODEVORSA") or "").strip()
        yield {
            "id_rsa": identifier,
            "mois": f"{month:%Y-%m}",
            "etat_droit": STATES[state],
            "soumis_droits_devoirs": "1" if top == "1" else "0",
            "date_ouverture_droit": opening.isoformat(),
            "date_reception_notification": t0.isoformat(),
        }


def convert(paths: Iterable[Path], output, *, received_on: dict[Path, date] | None = None) -> Report:
    """Write the rows of every flow (one per month) as situations_mensuelles CSV to `output` (a text file), as
    they are read. A person in two households of the same month keeps the first row (the month's persons are
    remembered by a 64-bit hash of their identifier, not the identifier)."""
    report = Report()
    months_seen: dict[str, str] = {}
    writer = csv.DictWriter(output, fieldnames=HEADER, delimiter=";", lineterminator="\n")
    writer.writeheader()
    for path in paths:
        flow, items = read_flow(Path(path), received_on=(received_on or {}).get(path))
        month = f"{flow.reference:%Y-%m}"
        if month in months_seen:
            raise FlowError(Path(path).name, f"le mois {month} est déjà couvert par {months_seen[month]}")
        months_seen[month] = Path(path).name
        seen: set[int] = set()
        for item in items:
            if "households" in item:
                report.households += 1
            elif "skipped" in item:
                report.skipped[item["skipped"]] += 1
            elif (key := hash(item["id_rsa"])) in seen:
                report.skipped["présente dans deux foyers le même mois (la première ligne gardée)"] += 1
            else:
                seen.add(key)
                writer.writerow(item)
                report.rows += 1
    return report
