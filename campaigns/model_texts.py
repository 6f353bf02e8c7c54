"""The text of a campaign's model convention: read from its file (shipped with the platform) or from the
database (uploaded by the DGEFP), and checked before it is kept: a model is a template whose only variables are
the convention's fields (`conventions.document.MODEL_FIELDS`) and whose only tags are conditions and comments,
so that what the parties sign is the model's text with the blanks filled, nothing computed or included."""

import hashlib
import re

from django.template import Template, TemplateSyntaxError
from django.template.base import Lexer, TokenType

from campaigns.loading import shipped_text

ALLOWED_TAGS = {"if", "elif", "else", "endif", "autoescape", "endautoescape", "comment", "endcomment"}
CONDITION_WORDS = {"and", "or", "not"}
MAX_CHARACTERS = 200_000


def content(model_text) -> str:
    return shipped_text(model_text.source_file) if model_text.source_file else model_text.text


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def refusals(text: str, filename: str) -> list[str]:
    """Why the text cannot be a model, in French, each with its line; [] when it can."""
    from conventions.document import FILLED_FIELDS, MODEL_FIELDS

    if not text.strip():
        return [f"{filename} : le fichier est vide."]
    if len(text) > MAX_CHARACTERS:
        return [f"{filename} : plus de {MAX_CHARACTERS:_} caractères.".replace("_", " ")]
    fields = set(MODEL_FIELDS)
    own = {*FILLED_FIELDS, "iban"}

    def unknown(name: str) -> str | None:
        base, _, attribute = name.partition(".")
        if base not in fields or (base == "f" and attribute not in own) or (base != "f" and attribute):
            return name
        return None

    errors = []
    for token in Lexer(text).tokenize():
        where = f"{filename}, ligne {token.lineno}"
        if token.token_type == TokenType.VAR:
            expression = token.contents.strip()
            if "|" in expression:
                errors.append(f"{where} : « {{{{ {expression} }}}} » : les filtres ne sont pas admis dans un modèle.")
            elif unknown(expression):
                errors.append(f"{where} : champ inconnu « {expression} ».")
        elif token.token_type == TokenType.BLOCK:
            words = token.split_contents()
            tag = words[0] if words else ""
            if tag not in ALLOWED_TAGS:
                errors.append(f"{where} : balise « {{% {tag} %}} » non admise (conditions et commentaires seulement).")
            elif tag in ("if", "elif"):
                errors += [
                    f"{where} : champ inconnu « {word} » dans la condition."
                    for word in words[1:]
                    if word not in CONDITION_WORDS and unknown(word)
                ]
    if not errors:
        try:
            Template(text)
        except TemplateSyntaxError as error:
            unclosed = re.match(r"Unclosed tag on line (\d+): '(\w+)'", str(error))
            if unclosed:
                line, tag = unclosed.groups()
                errors.append(f"{filename}, ligne {line} : « {{% {tag} %}} » sans « {{% end{tag} %}} ».")
            else:
                errors.append(f"{filename} : modèle illisible (balise mal formée : {error}).")
    return errors
