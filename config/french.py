"""French agreement in the messages: gender of past participles and determiners, plurals."""

from dataclasses import dataclass

VOWELS = tuple("aeiouyéèêàâîôûh")


@dataclass(frozen=True)
class Noun:
    """A noun with its gender: « fiche action » (f.), « parcours type » (m.)."""

    text: str
    feminine: bool = False

    def done(self, participle: str = "enregistré") -> str:
        """« Fiche action enregistrée », « Parcours type enregistré »."""
        return f"{self.text[:1].upper()}{self.text[1:]} {self.agreed(participle)}"

    def agreed(self, participle: str) -> str:
        """The participle agreed with the noun: « modifiée » for a fiche action, « modifié » for a parcours type."""
        return f"{participle}{'e' if self.feminine else ''}"

    @property
    def this(self) -> str:
        """« cette fiche action », « cet élément », « ce parcours type »."""
        if self.feminine:
            return f"cette {self.text}"
        return f"{'cet' if self.text.lower().startswith(VOWELS) else 'ce'} {self.text}"


def count(number: int, singular: str, plural: str | None = None) -> str:
    """« 1 doublon probable », « 2 doublons probables », « 0 doublon probable » (French: 0 and 1 are singular)."""
    if abs(number) < 2:
        return f"{number} {singular}"
    return f"{number} {plural or ' '.join(word + 's' for word in singular.split())}"
