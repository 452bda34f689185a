"""`kb.client`: a verified bundle, search, articles, macros, trees and the stateless walk."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from client_support import labeled_cases, shipped_client

from export.export_support import GOLDEN_KB, HIDDEN_IDS, HIDDEN_WORDS, exports_of
from kb.client import BundleError, Client, ClientError, FactError, NotFound
from kb.search.query import ROUTING, SEARCH, Vocabulary, glossary, read_query
from kb.walk import walk


def bundle_file(tmp_path: Path, change: object = None) -> Path:
    data = json.loads(exports_of(GOLDEN_KB)["kb-bundle.json"])
    if callable(change):
        change(data)
    path = tmp_path / "kb-bundle.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


# --- the bundle is checked before anything is served ---------------------------------------------

def test_an_untouched_bundle_loads(tmp_path: Path) -> None:
    client = Client.from_bundle(bundle_file(tmp_path))
    assert {t.id for t in client.trees()} == {"refund-triage"}


def _edit_article_text(data: dict) -> None:
    data["articles"][0]["markdown"] += "\nSend the refund to this account instead."


def _drop_article(data: dict) -> None:
    del data["articles"][-1]


def _rehash_after_edit(data: dict) -> None:
    """A careful forger recomputes the item's sha256: the content hash still gives it away."""
    from kb.export.bundle import with_sha256

    _edit_article_text(data)
    data["articles"][0] = with_sha256(data["articles"][0])


@pytest.mark.parametrize(("change", "says"), [
    (_edit_article_text, "does not match its sha256"),
    (_rehash_after_edit, "content_sha256 does not match"),
    (_drop_article, "content_sha256 does not match"),
    (lambda d: d.update(version=2), "version 2"),
    (lambda d: d.update(format="other"), "format is 'other'"),
    (lambda d: d["trees"][0].pop("nodes"), "does not match kb-bundle.schema.json"),
])
def test_a_tampered_bundle_is_refused(tmp_path: Path, change: object, says: str) -> None:
    with pytest.raises(BundleError, match=says):
        Client.from_bundle(bundle_file(tmp_path, change))


def test_a_truncated_bundle_is_refused(tmp_path: Path) -> None:
    path = bundle_file(tmp_path)
    path.write_bytes(path.read_bytes()[:-200])
    with pytest.raises(BundleError, match="not a JSON document"):
        Client.from_bundle(path)


def test_a_missing_bundle_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(BundleError, match="cannot read"):
        Client.from_bundle(tmp_path / "nope.json")


# --- restricted and draft content never comes out ------------------------------------------------

def test_nothing_restricted_or_draft_is_served(tmp_path: Path) -> None:
    root = tmp_path / "kb"
    shutil.copytree(GOLDEN_KB, root)
    client = Client.from_repo(root)
    served = []
    for word in (*HIDDEN_WORDS, *HIDDEN_IDS):
        served += [r.snippet + r.section_id + r.title for r in client.search(word, limit=50)]
        for item in HIDDEN_IDS:
            with pytest.raises(NotFound):
                client.article(item)
            with pytest.raises(NotFound):
                client.walk(item, {})
    served += [json.dumps(client.tree(t.id)) for t in client.trees()]
    served += [client.article(a["id"]).text for a in client.bundle["articles"]]
    text = "\n".join(served).lower()
    assert text  # the searches did find the public items
    for word in (*HIDDEN_WORDS, *HIDDEN_IDS):
        assert word.lower() not in text


# --- search -----------------------------------------------------------------------------------

def test_search_ranks_the_section_that_answers() -> None:
    results = shipped_client().search("UPI payment debited not credited to the payee",
                                      market="IN")
    assert "upi-failed-debit" in [r.article_id for r in results[:3]]
    top = results[0]
    assert top.url.endswith(f"#{top.anchor}") or top.url.endswith("/")
    assert top.snippet and top.score > 0


def test_search_reads_misspellings_and_other_languages() -> None:
    client = shipped_client()
    assert client.search("chargebak reason codes")[0].article_id.startswith("cards-dispute")
    assert any(r.article_id.startswith("pix") for r in client.search("caí num golpe no pix"))


def test_the_section_that_answers_outranks_its_articles_lead() -> None:
    """Sections carry their article's title, summary and tags; the lead, found by its own words
    only, no longer outranks the section a query names."""
    found = [r.section_id for r in shipped_client().search("KYC update scam what it looks like")]
    assert found[0] == "compliance-kyc-update-scam#what-the-scam-looks-like"
    assert "compliance-kyc-update-scam#kyc-update-scam" not in found[:3]


def test_the_router_reads_only_the_glossary_it_was_calibrated_with() -> None:
    """Words added for the search since the router's calibration reach the search, never the
    router, whose results stay those its threshold was chosen for."""
    vocabulary = Vocabulary(["settlement payout of the sales"], lambda word: word)
    message = "repasse das vendas"
    assert read_query(message, vocabulary, glossary(SEARCH)).terms == (
        "payout", "settlement", "sales")
    assert read_query(message, vocabulary, glossary(ROUTING)).terms == ()


def test_search_filters_by_market() -> None:
    results = shipped_client().search("refund", market="BR", limit=20)
    assert results and all("BR" in shipped_client().article(r.article_id).markets
                           for r in results)


def test_query_syntax_is_only_words() -> None:
    client = shipped_client()
    for query in ('title:"x" OR body:*', "AND", "((((", "\x00", "-refund +upi~2", ""):
        client.search(query)  # never an error of the query parser


def test_search_limits_are_checked() -> None:
    with pytest.raises(ClientError, match="limit takes a number from 1 to 50"):
        shipped_client().search("refund", limit=0)


# --- articles and macros ----------------------------------------------------------------------

def test_article_and_one_section() -> None:
    client = shipped_client()
    article = client.article("upi-failed-debit")
    assert article.text.lstrip().startswith("# ") and len(article.sections) > 2
    section = article.sections[1]
    one = client.article("upi-failed-debit", section.anchor)
    assert one.section == section.anchor and one.url.endswith(f"#{section.anchor}")
    assert one.text and one.text in client.bundle["articles"][
        [a["id"] for a in client.bundle["articles"]].index("upi-failed-debit")]["text"]
    with pytest.raises(NotFound, match="has no section `nope`; its sections are"):
        client.article("upi-failed-debit", "nope")


def test_macro_is_a_reply_and_nothing_else() -> None:
    client = shipped_client()
    macros = [a["id"] for a in client.bundle["articles"] if a["type"] == "macro"]
    assert client.macro(macros[0]).markdown
    with pytest.raises(NotFound, match="not a macro"):
        client.macro("upi-failed-debit")


def test_trees_filter_by_market_and_product() -> None:
    client = shipped_client()
    brazil = client.trees(market="BR", product="pix")
    assert brazil and all("BR" in t.markets and "pix" in t.products for t in brazil)
    assert "upi-debited-not-credited" not in [t.id for t in brazil]
    assert all(t.first_question for t in client.trees())


# --- the stateless walk -----------------------------------------------------------------------

@pytest.mark.parametrize(("tree", "case"), list(labeled_cases()),
                         ids=lambda x: getattr(x, "id", ""))
def test_the_walk_asks_then_ends_where_kb_walk_ends(tree: object, case: object) -> None:
    """Asked one question at a time, the client reaches kb.walk's outcome by kb.walk's path."""
    expected = walk(tree, case.facts)  # type: ignore[arg-type, attr-defined]
    client = shipped_client()
    known: dict[str, object] = {}
    for _ in range(50):
        result = client.walk(tree.id, known)  # type: ignore[attr-defined]
        if result.done:
            break
        assert result.question is not None
        known[result.question.fact] = case.facts[result.question.fact]  # type: ignore[attr-defined]
    assert result.outcome is not None
    assert result.outcome.node == expected.outcome == case.expected  # type: ignore[attr-defined]
    assert result.path == expected.path
    assert client.walk(tree.id, case.facts).path == expected.path  # type: ignore[attr-defined]


def test_an_outcome_carries_its_citation_macro_and_signals() -> None:
    client = shipped_client()
    for tree, case in labeled_cases():
        result = client.walk(tree.id, case.facts)
        outcome = result.outcome
        assert outcome is not None
        if outcome.article is not None:
            assert outcome.article.url.startswith(client.article(outcome.article.id).url)
        if outcome.macro is not None:
            assert outcome.macro_text
    raised = [client.walk(t.id, c.facts).signals for t, c in labeled_cases()]
    assert any(s and s[0].handled_by == ("specialist",) for s in raised)


@pytest.mark.parametrize(("facts", "says"), [
    ({"debited": "yes"}, "fact `debited` takes true or false, not `yes`"),
    ({"debited": 1}, "fact `debited` takes true or false, not `1`"),
    ({"app_status": "lost"}, "fact `app_status` takes one of success, pending"),
    ({"days_since_payment": "three"}, "fact `days_since_payment` takes a number"),
    ({"days_since_payment": -4}, "fact `days_since_payment` takes a number .*of at least 0"),
    ({"colour": "red"}, "`colour` is not a fact of tree `upi-debited-not-credited`"),
])
def test_a_wrong_fact_is_a_clear_error(facts: dict[str, object], says: str) -> None:
    with pytest.raises(FactError, match=says):
        shipped_client().walk("upi-debited-not-credited", facts)


def test_an_unknown_tree_is_not_found() -> None:
    with pytest.raises(NotFound, match="no decision tree `nope`"):
        shipped_client().walk("nope", {})
