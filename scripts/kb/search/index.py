"""The index: one tantivy document per chunk, BM25 over weighted fields, filtered by market and
product, built in memory."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import tantivy

from kb.search.query import SEARCH, Glossary, QueryTerms, Vocabulary, glossary, read_query

#: how much a word found in each field counts, against the body's 1.0 (tuned on the `tune`
#: split of the labeled search queries, never on the split the reported figures use)
FIELD_BOOSTS: Mapping[str, float] = {
    "title": 2.0,
    "headings": 1.0,
    "tags": 1.0,
    "summary": 0.6,
    "body": 1.0,
}
TEXT_FIELDS = tuple(FIELD_BOOSTS)
SNIPPET_CHARS = 240
#: words, lowercased, accents folded (Portuguese text and unaccented queries meet), stemmed
ANALYZER = "kb_words"
MAX_LIMIT = 50


@dataclass(frozen=True, slots=True)
class Document:
    """A chunk to index: `key` comes back with each hit."""

    key: str
    title: str
    body: str
    headings: str = ""
    tags: str = ""
    summary: str = ""
    markets: tuple[str, ...] = ()
    products: tuple[str, ...] = ()
    kind: str = ""


@dataclass(frozen=True, slots=True)
class Hit:
    key: str
    score: float
    snippet: str


@dataclass(frozen=True, slots=True)
class SearchIndex:
    _index: tantivy.Index
    _schema: tantivy.Schema
    vocabulary: Vocabulary
    size: int
    _bodies: Mapping[str, str] = field(repr=False)
    boosts: Mapping[str, float] = field(default_factory=lambda: dict(FIELD_BOOSTS))
    #: the glossary queries are read with
    table: Glossary = field(default_factory=glossary, repr=False)

    @classmethod
    def build(cls, documents: Iterable[Document], boosts: Mapping[str, float] = FIELD_BOOSTS,
              reader: str = SEARCH) -> SearchIndex:
        """An index of `documents`; `boosts` weigh each of TEXT_FIELDS; queries are read with
        the glossary of `reader` (`query.SEARCH` or `query.ROUTING`)."""
        builder = tantivy.SchemaBuilder()
        builder.add_text_field("key", stored=True, tokenizer_name="raw")
        for name in TEXT_FIELDS:
            builder.add_text_field(name, stored=name == "body", tokenizer_name=ANALYZER)
        for name in ("markets", "products", "kind"):
            builder.add_text_field(name, tokenizer_name="raw", index_option="basic")
        schema = builder.build()
        index = tantivy.Index(schema)
        index.register_tokenizer(ANALYZER, _analyzer())
        # one thread and one commit make one segment: document order, and so ties, repeat
        writer = index.writer(heap_size=64_000_000, num_threads=1)
        texts: list[str] = []
        bodies: dict[str, str] = {}
        for doc in documents:
            writer.add_document(tantivy.Document(
                key=doc.key, title=doc.title, headings=doc.headings, tags=doc.tags,
                summary=doc.summary, body=_text(doc), markets=list(doc.markets),
                products=list(doc.products), kind=doc.kind))
            texts.extend((doc.title, doc.headings, doc.tags, doc.summary, doc.body))
            bodies[doc.key] = doc.body
        writer.commit()
        writer.wait_merging_threads()
        index.reload()
        analyzer = _analyzer()
        vocabulary = Vocabulary(texts, lambda word: "".join(analyzer.analyze(word)[:1]))
        return cls(index, schema, vocabulary, len(bodies), bodies, dict(boosts),
                   glossary(reader))

    def search(self, query: str, *, limit: int = 5, markets: Sequence[str] = (),
               products: Sequence[str] = (), kinds: Sequence[str] = ()) -> list[Hit]:
        """The best `limit` chunks for `query`, best first; only chunks of one of `markets`
        (and `products`, `kinds`) when given."""
        terms = read_query(query, self.vocabulary, self.table)
        if not terms.terms or limit < 1:
            return []
        text_query = self._text_query(terms)
        clauses = [(tantivy.Occur.Must, text_query)]
        for name, values in (("markets", markets), ("products", products), ("kind", kinds)):
            if values:
                clauses.append((tantivy.Occur.Must, tantivy.Query.term_set_query(
                    self._schema, name, list(values))))
        searcher = self._index.searcher()
        found = searcher.search(tantivy.Query.boolean_query(clauses), min(limit, MAX_LIMIT))
        snippets = tantivy.SnippetGenerator.create(searcher, text_query, self._schema, "body")
        snippets.set_max_num_chars(SNIPPET_CHARS)
        hits = []
        for score, address in found.hits:
            doc = searcher.doc(address)
            key = str(doc["key"][0])
            hits.append(Hit(key, round(float(score), 4),
                            _snippet(snippets.snippet_from_doc(doc).fragment(), self._bodies[key])))
        # ties (equal scores) in key order, so the order never depends on the index's insides
        return sorted(hits, key=lambda h: (-h.score, h.key))

    def _text_query(self, terms: QueryTerms) -> tantivy.Query:
        """Every word, in any field (the words are letters and digits only: no query syntax)."""
        return self._index.parse_query(" ".join(terms.terms), list(TEXT_FIELDS),
                                       field_boosts=dict(self.boosts))


def _text(doc: Document) -> list[str]:
    """The body field's values: a chunk's text is read with its headings, which say what the
    text is about in words the text itself often leaves out (tuned on the `tune` split)."""
    return [doc.headings, doc.body] if doc.headings else [doc.body]


def _analyzer() -> tantivy.TextAnalyzer:
    return (tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
            .filter(tantivy.Filter.remove_long(40))
            .filter(tantivy.Filter.lowercase())
            .filter(tantivy.Filter.ascii_fold())
            .filter(tantivy.Filter.stemmer("english"))
            .build())


def _snippet(fragment: str, body: str) -> str:
    """The fragment around the matched words, or the body's start when the match is elsewhere."""
    text = " ".join((fragment or body[:SNIPPET_CHARS]).split())
    return text
