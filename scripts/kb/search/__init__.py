"""The one search index: ranked retrieval over the knowledge base's sections (and, later, any
other short documents), built on tantivy's BM25 with per-field weights.

`SearchIndex.build(documents)` indexes in memory; `search(query, ...)` returns ranked hits. The
query is read as words only (no query syntax reaches tantivy); words the index does not know are
mapped through the glossary (Portuguese and Hinglish phrasings to the KB's English terms) and,
failing that, corrected to the nearest known word, so a misspelt query still finds its section.
Equal documents and an equal query give equal results, in the same order.

`Router` routes a customer message to the decision tree that applies, over the same index.
"""

from kb.search.index import Document, Hit, SearchIndex
from kb.search.query import QueryTerms, read_query
from kb.search.route import Route, RoutedTree, Router, TreeMatch

__all__ = ["Document", "Hit", "QueryTerms", "Route", "RoutedTree", "Router", "SearchIndex",
           "TreeMatch", "read_query"]
