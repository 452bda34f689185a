"""KB6xx: safety and privacy: unsafe HTML, personal data in content, what agents and customers see.

Thin rules over the text detectors in `kb.lint.detectors` (unsafe markup, personal data,
requests for secrets). The personal-data rules (KB602-KB607) scan the raw text of every content
file once per lint run (shared through `ctx.memo`) and report each value exactly once, with the
kind `PRECEDENCE` gives it. Messages never echo a value: they show it masked, with the last four
digits only.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Iterator

from kb.diagnostics import Finding
from kb.lint.detectors.html import find_unsafe_markup
from kb.lint.detectors.personal_data import Kind, PersonalData, find_personal_data
from kb.lint.detectors.secret_requests import find_secret_requests
from kb.lint.registry import rule
from kb.lint.runner import LintContext
from kb.model import Body, Node, Pos, SourceFile, Tree, YamlDoc
from kb.render import render_body, render_guidance

# --------------------------------------------------------------------------------------------
# positions


class _Lines:
    """Offsets in a text mapped to 1-based line and column."""

    __slots__ = ("_starts",)

    def __init__(self, text: str) -> None:
        self._starts = [0, *(m.end() for m in re.finditer("\n", text))]

    def pos(self, offset: int, first_line: int = 1) -> Pos:
        i = bisect.bisect_right(self._starts, offset) - 1
        return Pos(first_line + i, offset - self._starts[i] + 1)


def _shift(base: Pos, text: str, offset: int) -> Pos:
    """Position of `text[offset]` when `text` starts at `base`."""
    newlines = text.count("\n", 0, offset)
    if not newlines:
        return Pos(base.line, base.col + offset)
    return Pos(base.line + newlines, offset - text.rfind("\n", 0, offset))


# --------------------------------------------------------------------------------------------
# personal data: the findings of one file, shared by KB602-KB607


def _personal_data(source: SourceFile, ctx: LintContext) -> list[tuple[PersonalData, Pos]]:
    """The file's personal data with positions, computed once per run for all six rules."""
    key = ("personal-data", source.path)
    cached = ctx.memo.get(key)
    if cached is None:
        found = find_personal_data(source.text, ctx.kb.config.pii_allow)
        lines = _Lines(source.text) if found else None
        cached = [(item, lines.pos(item.start)) for item in found] if lines else []
        ctx.memo[key] = cached
    assert isinstance(cached, list)
    return cached


_PLACEHOLDER = {
    "card": "{{card_last4}}", "cpf": "{{cpf}}", "aadhaar": "{{aadhaar_last4}}",
    "phone": "{{phone}}", "email": "{{email}}", "upi": "{{upi_id}}",
}


def _report(source: SourceFile, ctx: LintContext, kind: Kind, what: str) -> Iterator[Finding]:
    for item, pos in _personal_data(source, ctx):
        if item.kind == kind:
            yield Finding.at(source.path, pos, f"{what} `{item.masked}` in content",
                             f"remove it or write a placeholder such as `{_PLACEHOLDER[kind]}`; "
                             "a documented test value goes in `pii_allow` in mkdocs.yml")


# --------------------------------------------------------------------------------------------
# unsafe HTML

_HTML_HINT = ("remove it: the site drops it (only Markdown's own HTML, `id`, `class` and "
              "`title` attributes and http, https and mailto links are published); write "
              "Markdown, and link to a page instead of embedding it")
#: something that reads as an HTML tag, comment or declaration inside a title
_TAG_LIKE = re.compile(r"<[A-Za-z!/?]")


def _unsafe_in_body(path: str, body: Body, extensions: tuple[str, ...]) -> Iterator[Finding]:
    def render(markdown: str) -> str:
        return render_body(markdown, extensions)

    for item in find_unsafe_markup(body.markdown, render):
        pos = _shift(Pos(body.first_line, 1), body.markdown, item.offset)
        yield Finding.at(path, pos, f"{item.description} in the body", _HTML_HINT)


def _markup_in_titles(path: str, source: YamlDoc,
                      titles: Iterable[tuple[tuple[str | int, ...], str]]) -> Iterator[Finding]:
    for keys, title in titles:
        if _TAG_LIKE.search(title):
            yield Finding.at(path, source.pos(*keys),
                             f"HTML in `{keys[-1]}`: it is shown as text, never as markup",
                             "write the title in words; titles are plain text everywhere")


# --------------------------------------------------------------------------------------------
# the rules


@rule("KB601", "unsafe-html", scope="kb", local=True)
def unsafe_html(ctx: LintContext) -> Iterator[Finding]:
    """HTML, attributes or links that the site's sanitiser removes, or HTML in a title.

    What it checks:
        Articles, section pages and the `guidance` of tree outcomes are rendered as the site
        renders them (Python-Markdown with mkdocs.yml's extensions) and every element,
        attribute or URL that the site's allowlist sanitiser would remove is reported: any
        element outside Markdown's own (`<script>`, `<style>`, `<iframe>`, `<form>`, `<base>`,
        `<meta>`, `<link>`, `<input>`...), any attribute but `id`, `class`, `title` and a
        few per element (`href`, `src`, `alt`...), whether written in raw HTML or with an
        attribute list (`{: onclick=... }`), any URL but http, https, mailto and relative
        ones, and comments that a browser ends early (`<!-->`). Titles and summaries of
        articles, sections and trees, and outcome titles, must hold no HTML.
    Why it matters:
        Content is rendered on the specialists' site and passed to agents; a script in it runs
        with the site's rights, and an agent could quote it to a customer. The site removes
        all of this anyway; the rule says so early, at the place in the source, and cannot
        disagree with the site because it uses the same renderer and the same sanitiser.
    Bad:
        ```markdown
        <button onclick="fetch('/api/refund')">Refund now</button>
        [Open the form](javascript:openForm())
        ## Refunds {: onclick="steal()" }
        ```
    Good:
        ```markdown
        [Open the refund form](../refunds/form.md)
        ```
    """
    kb = ctx.kb
    extensions = kb.config.markdown_extensions
    for article in kb.all_articles():
        yield from _unsafe_in_body(article.path, article.body, extensions)
        yield from _markup_in_titles(article.path, article.source,
                                     [(("title",), article.meta.title),
                                      (("summary",), article.meta.summary)])
    for page in kb.section_pages:
        yield from _unsafe_in_body(page.path, page.body, extensions)
        if _TAG_LIKE.search(page.title):
            yield Finding.at(page.path, Pos(1, 1), "HTML in the section's `title`: it is "
                             "shown as text, never as markup",
                             "write the title in words; titles are plain text everywhere")
    for tree in kb.all_trees():
        titles: list[tuple[tuple[str | int, ...], str]] = [
            (("title",), tree.meta.title), (("summary",), tree.meta.summary)]
        for node in tree.outcomes():
            assert node.outcome is not None
            titles.append(((*node.path, "outcome", "title"), node.outcome.title))
            for item in find_unsafe_markup(node.outcome.guidance, render_guidance):
                yield Finding.at(tree.path, tree.source.pos(*node.path, "outcome", "guidance"),
                                 f"{item.description} in the guidance of outcome `{node.id}`",
                                 _HTML_HINT)
        yield from _markup_in_titles(tree.path, tree.source, titles)


@rule("KB602", "card-number", scope="file", local=True)
def card_number(source: SourceFile, ctx: LintContext) -> Iterator[Finding]:
    """A payment card number in content.

    What it checks:
        No 13 to 19 digit number that passes the Luhn check, written bare or in the groups
        printed on cards (`4-4-4-4`, `4-6-5`), in any content file: articles, section pages,
        trees and case files.
    Why it matters:
        Card numbers are personal data under PCI DSS; a real one in the knowledge base is
        published to the site, the bundle and every agent.
    Bad:
        ```yaml
        description: Customer's card 4111 1111 1111 1111 was charged twice.
        ```
    Good:
        ```yaml
        description: Customer's card ending 1111 was charged twice.
        ```
    Options:
        `pii_allow` in the kb plugin options lists documented test values.
    """
    yield from _report(source, ctx, "card", "card number")


@rule("KB603", "cpf", scope="file", local=True)
def cpf_number(source: SourceFile, ctx: LintContext) -> Iterator[Finding]:
    """A Brazilian CPF in content.

    What it checks:
        No CPF with valid check digits, written `000.000.000-00` or as 11 bare digits, in any
        content file. Eleven digits that are also a valid phone number count as a CPF.
    Why it matters:
        The CPF identifies a person for life; LGPD treats it as personal data that must not be
        published.
    Bad:
        ```yaml
        description: Pix sent by CPF 529.982.247-25 to the wrong key.
        ```
    Good:
        ```yaml
        description: Pix sent by a CPF key to the wrong recipient.
        ```
    Options:
        `pii_allow` in the kb plugin options lists documented test values.
    """
    yield from _report(source, ctx, "cpf", "CPF")


@rule("KB604", "aadhaar", scope="file", local=True)
def aadhaar_number(source: SourceFile, ctx: LintContext) -> Iterator[Finding]:
    """An Indian Aadhaar number in content.

    What it checks:
        No 12-digit number, bare or in `4-4-4` groups, with a valid Verhoeff check digit (and the
        other Aadhaar rules: it does not start with 0 or 1 and is no palindrome) in any content
        file.
    Why it matters:
        Publishing an Aadhaar number is forbidden by the Aadhaar Act and the DPDP rules.
    Bad:
        ```yaml
        description: KYC failed for Aadhaar 2341 2341 2346.
        ```
    Good:
        ```yaml
        description: KYC failed for an Aadhaar-based e-KYC.
        ```
    Options:
        `pii_allow` in the kb plugin options lists documented test values.
    """
    yield from _report(source, ctx, "aadhaar", "Aadhaar number")


@rule("KB605", "phone-number", scope="file", local=True)
def phone_number(source: SourceFile, ctx: LintContext) -> Iterator[Finding]:
    """A phone number in content.

    What it checks:
        No phone number that is valid in India or Brazil, or valid anywhere when written with
        `+` and a country code, in any content file. Short codes (the 1930 cybercrime
        helpline) and service numbers (toll-free 1800 and 0800 lines, premium and shared-cost
        numbers) belong to organisations and are not reported.
    Why it matters:
        A customer's mobile number is personal data, and it is also the key to their UPI and
        Pix accounts.
    Bad:
        ```yaml
        description: Customer called from +91 98765 43210.
        ```
    Good:
        ```yaml
        description: Customer called from the registered mobile number.
        ```
    Options:
        `pii_allow` in the kb plugin options lists documented test values.
    """
    yield from _report(source, ctx, "phone", "phone number")


@rule("KB606", "email-address", scope="file", local=True)
def email_address(source: SourceFile, ctx: LintContext) -> Iterator[Finding]:
    """An e-mail address in content.

    What it checks:
        No e-mail address (`local@domain.tld`) in any content file.
    Why it matters:
        A customer's address is personal data; a team's address changes and belongs in
        configuration, not in articles.
    Bad:
        ```yaml
        description: Customer wrote from ana.souza@gmail.com.
        ```
    Good:
        ```yaml
        description: Customer wrote from the registered e-mail address.
        ```
    Options:
        `pii_allow` in the kb plugin options lists documented values.
    """
    yield from _report(source, ctx, "email", "e-mail address")


@rule("KB607", "upi-handle", scope="file", local=True)
def upi_handle(source: SourceFile, ctx: LintContext) -> Iterator[Finding]:
    """A UPI handle (VPA) in content.

    What it checks:
        No `handle@psp` (letters, digits, dots, hyphens or underscores, `@`, then a PSP suffix
        of letters with no domain after it) in any content file. E-mail addresses are KB606.
    Why it matters:
        A UPI handle identifies a person's bank account and often contains their mobile
        number.
    Bad:
        ```yaml
        description: Collect request from ramesh.k@okaxis.
        ```
    Good:
        ```markdown
        The payer's UPI ID looks like `name@bank`.
        ```
    Options:
        `pii_allow` in the kb plugin options lists documented values (the base configuration
        allows `name@bank`).
    """
    yield from _report(source, ctx, "upi", "UPI handle")


def _outcome_refs(tree: Tree) -> Iterator[tuple[str, str, Node]]:
    """(which, article id, node) for each outcome's `article` and `macro`."""
    for node in tree.outcomes():
        o = node.outcome
        assert o is not None
        if o.article:
            yield "article", o.article, node
        if o.macro:
            yield "macro", o.macro, node


def _ref_pos(tree: Tree, node: Node, which: str) -> Pos:
    """Where an outcome's `article` or `macro` is written (looked up only to report it)."""
    return tree.source.pos(*node.path, "outcome", which)


@rule("KB608", "restricted-for-agents", scope="tree")
def restricted_for_agents(tree: Tree, ctx: LintContext) -> Iterator[Finding]:
    """An internal tree sends agents to a restricted article.

    What it checks:
        No outcome of a tree with `visibility: internal` names a `restricted` article as its
        `article` or `macro`.
    Why it matters:
        Internal trees are exported to AI agents; restricted articles never are, so the agent
        reaches an outcome whose source it cannot read, or the export leaks the article.
    Bad:
        ```yaml
        visibility: internal
        # ... an outcome:
              article: fraud-ring-indicators   # visibility: restricted
        ```
    Good:
        ```yaml
        visibility: restricted   # humans only, like the article it cites
        ```
    """
    if tree.meta.visibility != "internal":
        return
    for which, article_id, node in _outcome_refs(tree):
        target = ctx.kb.articles.get(article_id)
        if target is not None and target.meta.visibility == "restricted":
            yield Finding.at(tree.path, _ref_pos(tree, node, which),
                             f"internal tree `{tree.id}` cites restricted article "
                             f"`{article_id}` as `{which}`",
                             "point the outcome at an internal or public article, or make the "
                             "tree `visibility: restricted`")


@rule("KB609", "macro-visibility", scope="kb")
def macro_visibility(ctx: LintContext) -> Iterator[Finding]:
    """A macro that is not public.

    What it checks:
        Every `type: macro` article has `visibility: public`, and every outcome `macro` names
        a public article.
    Why it matters:
        Macros are replies sent to customers word for word; an internal or restricted text in
        one discloses what customers must not see.
    Bad:
        ```yaml
        type: macro
        visibility: internal
        ```
    Good:
        ```yaml
        type: macro
        visibility: public
        ```
    """
    kb = ctx.kb
    for article in kb.all_articles():
        if article.type == "macro" and article.meta.visibility not in ("", "public"):
            yield Finding.at(article.path, article.source.pos("visibility"),
                             f"macro `{article.id}` is `{article.meta.visibility}`; macros are "
                             "quoted to customers",
                             "make it `visibility: public` if customers may read every word; "
                             "otherwise make it a `procedure` for agents")
    for tree in kb.all_trees():
        for which, article_id, node in _outcome_refs(tree):
            target = kb.articles.get(article_id)
            if which == "macro" and target is not None and \
                    target.meta.visibility not in ("", "public"):
                yield Finding.at(tree.path, _ref_pos(tree, node, which),
                                 f"outcome macro `{article_id}` is "
                                 f"`{target.meta.visibility}`, but a macro is sent to customers",
                                 "use a public macro, or make this one public")


@rule("KB610", "asks-for-secret", scope="kb", local=True)
def asks_for_secret(ctx: LintContext) -> Iterator[Finding]:
    """Customer-facing text asks for a PIN, OTP, CVV, password or card number.

    What it checks:
        Macros, tree fact `question`s and outcome `guidance` never ask the customer to share,
        send, tell, give, provide, confirm or read out a PIN (UPI PIN, MPIN), an OTP, a CVV or
        CVC, a password or a full card number. Sentences that warn (`never share your OTP`,
        `we will never ask for your PIN`) and questions about what happened (`did the
        customer give an OTP to anyone?`) are fine, and so is asking for the last four digits.
    Why it matters:
        No bank or payment app ever asks for these; a reply that does teaches customers to
        hand them to fraudsters, and an agent that follows it breaks PCI DSS and RBI rules.
    Bad:
        ```markdown
        Please share the OTP you received so we can verify your account.
        ```
    Good:
        ```markdown
        We will never ask for your OTP. Please confirm the last 4 digits of your card number.
        ```
    """
    kb = ctx.kb
    for article in kb.all_articles():
        if article.type != "macro":
            continue
        body = article.body
        lines = _Lines(body.markdown)
        for req in find_secret_requests(body.markdown):
            yield Finding.at(article.path, lines.pos(req.start, body.first_line),
                             f"macro asks the customer for their {req.secret}: \"{req.quote}\"",
                             _SECRET_HINT)
    for tree in kb.all_trees():
        for fact in tree.facts.values():
            for req in find_secret_requests(fact.question):
                yield Finding.at(tree.path, tree.source.pos("facts", fact.id, "question"),
                                 f"question of fact `{fact.id}` asks the customer for their "
                                 f"{req.secret}: \"{req.quote}\"", _SECRET_HINT)
        for node in tree.outcomes():
            assert node.outcome is not None
            for req in find_secret_requests(node.outcome.guidance):
                yield Finding.at(tree.path, tree.source.pos(*node.path, "outcome", "guidance"),
                                 f"guidance of outcome `{node.id}` asks the customer for their "
                                 f"{req.secret}: \"{req.quote}\"", _SECRET_HINT)


_SECRET_HINT = ("never ask for a secret; ask for something safe (the last 4 digits, the "
                "transaction reference) or tell the customer we will never ask for it")
