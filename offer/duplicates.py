"""Probable duplicates among structures and services (R-OFFRE-02: avoid duplicates).

Method, as plain functions:
1. Candidate pairs are found by blocking, never by comparing every pair: records sharing a SIRET,
   and records of the same commune (code INSEE, else postcode) sharing a significant word of their name.
2. Each candidate pair gets a score from 0 to 1:
   - same SIRET: 0.6;
   - name similarity (normalised: lower case, accents, punctuation and common words removed; then
     the better of a character ratio and a word overlap): up to 0.3;
   - address similarity: up to 0.1;
   - for services, the thématiques in common (Jaccard) replace half of the name weight.
3. A pair is a probable duplicate from THRESHOLD. The review queue then merges or rejects it.
"""

import re
import unicodedata
from dataclasses import dataclass
from difflib import SequenceMatcher
from itertools import combinations

THRESHOLD = 0.55
STOP_WORDS = {
    "de", "du", "des", "la", "le", "les", "l", "d", "et", "a", "au", "aux", "en", "pour", "sur",
    "centre", "association", "service", "services", "maison", "espace", "point",
}  # fmt: skip
ABBREVIATIONS = {"ccas": "centre communal action sociale", "cias": "centre intercommunal action sociale",
                 "ml": "mission locale", "st": "saint", "ste": "sainte", "asso": "association"}  # fmt: skip


def normalise(text: str | None) -> str:
    if not text:
        return ""
    text = text.replace("œ", "oe").replace("Œ", "OE").replace("æ", "ae").replace("Æ", "AE")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    text = re.sub(r"\b([a-z])\.(?=[a-z]\.)", r"\1", text)  # C.C.A.S. → ccas
    text = re.sub(r"[^a-z0-9]+", " ", text)
    words = []
    for word in text.split():
        words.extend(ABBREVIATIONS.get(word, word).split())
    return " ".join(words)


def significant_words(text: str | None) -> set[str]:
    return {w for w in normalise(text).split() if w not in STOP_WORDS and len(w) > 2}


def name_similarity(a: str | None, b: str | None) -> float:
    na, nb = normalise(a), normalise(b)
    if not na or not nb:
        return 0.0
    ratio = SequenceMatcher(None, na, nb).ratio()
    wa, wb = significant_words(a), significant_words(b)
    overlap = len(wa & wb) / len(wa | wb) if wa | wb else 0.0
    return max(ratio, overlap)


@dataclass(frozen=True)
class Pair:
    a: str
    b: str
    score: float
    reasons: tuple[str, ...]


def score_pair(a: dict, b: dict, *, services: bool = False) -> Pair:
    reasons = []
    score = 0.0
    if a.get("siret") and a.get("siret") == b.get("siret"):
        score += 0.6
        reasons.append("même SIRET")
    names = name_similarity(a.get("nom"), b.get("nom"))
    if services:
        ta, tb = set(a.get("thematiques") or []), set(b.get("thematiques") or [])
        themes = len(ta & tb) / len(ta | tb) if ta | tb else 0.0
        score += 0.15 * names + 0.15 * themes
        if themes >= 0.5:
            reasons.append("mêmes thématiques")
    else:
        score += 0.3 * names
    if names >= 0.8:
        reasons.append("noms proches")
    addresses = name_similarity(a.get("adresse"), b.get("adresse"))
    score += 0.1 * addresses
    if addresses >= 0.8:
        reasons.append("adresses proches")
    if services and a.get("structure_id") and a.get("structure_id") == b.get("structure_id"):
        score += 0.25
        reasons.append("même structure")
    if not services and names >= 0.85 and addresses >= 0.7:
        score += 0.25
    return Pair(a["id"], b["id"], round(min(score, 1.0), 3), tuple(reasons))


def _place(record: dict) -> str:
    return record.get("code_insee") or record.get("code_postal") or ""


def candidate_pairs(records: list[dict]) -> set[tuple[int, int]]:
    pairs = set()
    by_siret: dict[str, list[int]] = {}
    by_word: dict[tuple[str, str], list[int]] = {}
    for index, record in enumerate(records):
        if record.get("siret"):
            by_siret.setdefault(record["siret"], []).append(index)
        place = _place(record)
        if place:
            for word in significant_words(record.get("nom")):
                by_word.setdefault((place, word), []).append(index)
    for group in [*by_siret.values(), *by_word.values()]:
        if len(group) > 200:  # a word too common in that commune to block on
            continue
        pairs.update(combinations(sorted(group), 2))
    return pairs


def find_duplicates(records: list[dict], *, services: bool = False, threshold: float = THRESHOLD) -> list[Pair]:
    found = []
    for i, j in candidate_pairs(records):
        pair = score_pair(records[i], records[j], services=services)
        if pair.score >= threshold:
            found.append(pair)
    return sorted(found, key=lambda p: (-p.score, p.a, p.b))
