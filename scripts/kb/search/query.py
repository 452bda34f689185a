"""How a query is read: words only, through the glossary, with misspellings corrected.

A query is never parsed as query syntax: it is cut into words (letters and digits), lowercased
and stripped of accents. Then, longest phrase first, glossary phrases (Portuguese and Hinglish
support phrasings, and English spellings the KB writes differently: `glossary.json`) become the
KB's English words, filler words of those languages are dropped, and a word the index does not
know becomes the nearest word it does know (`difflib`'s ratio, at least 0.8, same first
letter), or is dropped.

The glossary has two layers: the first, which the router was calibrated with and reads alone
(`ROUTING`), and the `search` layer added since, which the agents' search reads on top of it
(`SEARCH`).
"""

from __future__ import annotations

import difflib
import json
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources

#: the longest query read, in characters, and the most words kept from it
MAX_QUERY_CHARS = 500
MAX_QUERY_WORDS = 40
#: the shortest unknown word worth correcting
MIN_CORRECTED = 4

_WORD = re.compile(r"[^\W_]+")


def words(text: str) -> list[str]:
    """The words of `text`: lowercase, accents stripped, letters and digits only."""
    lowered = text.lower()
    if lowered.isascii():
        return _WORD.findall(lowered)
    return [w for word in _WORD.findall(lowered) for w in _WORD.findall(_plain(word))]


@lru_cache(maxsize=1 << 16)
def _plain(word: str) -> str:
    decomposed = unicodedata.normalize("NFKD", word)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@dataclass(frozen=True, slots=True)
class Glossary:
    #: phrase (as a tuple of words) -> the English words it stands for
    phrases: Mapping[tuple[str, ...], tuple[str, ...]]
    #: words of other languages that carry no meaning for search
    filler: frozenset[str]
    longest: int

    @classmethod
    def of(cls, layers: Iterable[Mapping[str, object]]) -> Glossary:
        """The glossary of `layers` (each with tables `en`, `pt`, `hinglish` and `filler`),
        a later layer's phrase over an earlier one's."""
        phrases: dict[tuple[str, ...], tuple[str, ...]] = {}
        filler: set[str] = set()
        for data in layers:
            for table in ("en", "pt", "hinglish"):
                entries = data.get(table, {})
                assert isinstance(entries, dict)
                for phrase, meaning in entries.items():
                    phrases[tuple(words(phrase))] = tuple(words(str(meaning)))
            listed = data.get("filler", [])
            assert isinstance(listed, list)
            filler.update(w for f in listed for w in words(str(f)))
        return cls(phrases, frozenset(filler), max((len(p) for p in phrases), default=1))


#: the glossary the router was calibrated with, and the one the agents' search reads
ROUTING = "routing"
SEARCH = "search"


@cache
def glossary(reader: str = SEARCH) -> Glossary:
    """The glossary `reader` (ROUTING or SEARCH) reads queries with."""
    raw = resources.files("kb.search").joinpath("glossary.json").read_text(encoding="utf-8")
    data = json.loads(raw)
    return Glossary.of([data, data["search"]] if reader == SEARCH else [data])


@dataclass(frozen=True, slots=True)
class QueryTerms:
    """What a query asks for, in the index's words."""

    #: the words searched for, in query order, without repeats
    terms: tuple[str, ...]
    #: word as typed -> word searched for, where the glossary or the speller changed it
    rewritten: Mapping[str, str]


def read_query(query: str, vocabulary: Vocabulary, table: Glossary | None = None) -> QueryTerms:
    """The words `query` asks for, read with `table` (by default the search's glossary)."""
    typed = words(query[:MAX_QUERY_CHARS])[:MAX_QUERY_WORDS]
    terms: list[str] = []
    rewritten: dict[str, str] = {}
    table = table or glossary()
    i = 0
    while i < len(typed):
        for size in range(min(table.longest, len(typed) - i), 0, -1):
            phrase = tuple(typed[i:i + size])
            meaning = table.phrases.get(phrase)
            if meaning is not None:
                terms.extend(w for w in meaning if w not in table.filler)
                if size == 1 and phrase[0] in vocabulary:  # a word the content uses too
                    terms.append(phrase[0])
                rewritten[" ".join(phrase)] = " ".join(meaning)
                i += size
                break
        else:
            word = typed[i]
            i += 1
            if word in table.filler:
                continue
            if word in vocabulary:
                terms.append(word)
            else:
                nearest = vocabulary.nearest(word)
                if nearest:
                    terms.append(nearest)
                    rewritten[word] = nearest
    return QueryTerms(tuple(dict.fromkeys(terms)), rewritten)


class Vocabulary:
    """The words of the indexed documents, for telling a known word from a misspelt one.

    A word is known when it, or its stem (`stem`: the index's own analyzer), is in the
    documents: `delivered` is known to a text that says `delivery`.
    """

    __slots__ = ("_by_initial", "_known", "_stem", "_stems")

    def __init__(self, texts: Iterable[str], stem: Callable[[str], str]) -> None:
        known: set[str] = set()
        for text in texts:
            known.update(words(text))
        self._known = frozenset(known)
        self._stem = stem
        self._stems = frozenset(stem(w) for w in known)
        by_initial: dict[str, list[str]] = {}
        for word in sorted(known):
            if len(word) >= MIN_CORRECTED - 1:
                by_initial.setdefault(word[0], []).append(word)
        self._by_initial = by_initial

    def __contains__(self, word: object) -> bool:
        return word in self._known or (isinstance(word, str) and self._stem(word) in self._stems)

    def nearest(self, word: str) -> str:
        """The known word closest to `word`, or '' when none is close enough."""
        if len(word) < MIN_CORRECTED or word.isdigit():
            return ""
        candidates = [w for w in self._by_initial.get(word[0], ()) if abs(len(w) - len(word)) <= 2]
        found = difflib.get_close_matches(word, candidates, n=1, cutoff=0.8)
        return found[0] if found else ""
