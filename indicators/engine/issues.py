"""The problems found in a delivery, as the user reads them: file, line, column, value (never an identifier)."""

import re
from dataclasses import dataclass

MAX_ISSUES = 200


@dataclass(frozen=True)
class Issue:
    file: str
    line: int | None
    column: str | None
    value: str | None
    message: str

    def __str__(self) -> str:
        where = [self.file]
        if self.line is not None:
            where.append(f"ligne {self.line}")
        if self.column:
            where.append(f"colonne « {self.column} »")
        text = ", ".join(where)
        if self.value == MASKED:
            text += f", valeur {MASKED}"
        elif self.value is not None:
            text += f", valeur « {self.value} »"
        return f"{text} : {self.message}"


class DeliveryError(Exception):
    def __init__(self, issues: list[Issue], truncated: int = 0):
        self.issues = issues
        self.truncated = truncated
        super().__init__(self.summary())

    def summary(self) -> str:
        lines = [str(issue) for issue in self.issues]
        if self.truncated:
            lines.append(f"… et {self.truncated} autres erreurs.")
        return "\n".join(lines)


# The columns that carry a person's identifier, and what an identifier looks like wherever it is (a shifted
# header puts an id_rsa under « mois »): five digits or more in a row, once spaces and dots are removed.
IDENTIFIER_COLUMNS = ("id_rsa", "id_france_travail")
IDENTIFIER_LIKE = re.compile(r"\d{5,}")
MASKED = "non reproduite (elle pourrait être un identifiant)"


def shown_value(column: str | None, value):
    """The value an issue may echo: never one that could identify a person (the issues are stored and shown)."""
    if value is None:
        return None
    if column in IDENTIFIER_COLUMNS or IDENTIFIER_LIKE.search(re.sub(r"[\s.]", "", str(value))):
        return MASKED
    return value


class IssueLog:
    def __init__(self):
        self.issues: list[Issue] = []
        self.truncated = 0

    def add(self, file, line, column, value, message):
        if len(self.issues) < MAX_ISSUES:
            self.issues.append(Issue(file, line, column, shown_value(column, value), message))
        else:
            self.truncated += 1

    def __bool__(self):
        return bool(self.issues)
