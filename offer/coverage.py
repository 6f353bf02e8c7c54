"""Coverage of the offer by thématique (R-OFFRE-02): themes without any service ("à renforcer"),
themes referenced several times, the three priorities of the instruction first."""

from dataclasses import dataclass

from data_inclusion.schema.v1 import Categorie, Thematique

# Mobilité, garde d'enfant, santé (instruction, annexe 5)
PRIORITIES = ("mobilite", "famille--garde-denfants", "sante")


@dataclass(frozen=True)
class ThemeCoverage:
    code: str
    label: str
    category: str
    services: int

    @property
    def status(self) -> str:
        if self.services == 0:
            return "à renforcer"
        if self.services > 1:
            return "référencée plusieurs fois"
        return "couverte"

    @property
    def priority(self) -> bool:
        return self.code.startswith(PRIORITIES) or self.category in PRIORITIES


def coverage(thematiques_of_services: list[list[str]]) -> list[ThemeCoverage]:
    counts: dict[str, int] = {}
    for themes in thematiques_of_services:
        for theme in set(themes or []):
            counts[theme] = counts.get(theme, 0) + 1
    categories = {c.value: c.label for c in Categorie}
    rows = [
        ThemeCoverage(t.value, t.label, categories[t.value.split("--")[0]], counts.get(t.value, 0)) for t in Thematique
    ]
    return sorted(rows, key=lambda r: (not r.priority, r.category, r.label))


def summary(rows: list[ThemeCoverage]) -> dict[str, int]:
    return {
        "thematiques": len(rows),
        "a_renforcer": sum(1 for r in rows if r.services == 0),
        "plusieurs_fois": sum(1 for r in rows if r.services > 1),
    }
