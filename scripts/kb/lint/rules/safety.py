"""KB6xx: safety and privacy: unsafe HTML, personal data in content, what agents and customers see.

The personal-data detectors (KB602-KB607) scan the raw text of every content file once per lint
run (shared through `ctx.memo`) and report each value exactly once. When candidate spans
overlap, the first kind in `PRECEDENCE` wins:

    e-mail address > UPI handle > card number > Aadhaar > CPF > phone number

so `9876543210@ybl` is one UPI handle (not also a phone number), and eleven digits that are both
a valid CPF and a valid Brazilian mobile number are one CPF: a check digit is stronger evidence
than a number plan. (A card number has 13-19 digits and an Aadhaar 12, so the two never share a
span.) Messages never echo a value: they show it masked, with the last four digits only.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from typing import Literal

from kb.lint.detectors.html import find_unsafe_markup
from kb.lint.detectors.normalise import normalise
from kb.lint.problem import Finding
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
# personal data: detection (pure functions, unit-tested in tests/lint/test_privacy.py)

Kind = Literal["email", "upi", "card", "aadhaar", "cpf", "phone"]

#: which kind reports a span that several detectors claim (earlier wins)
PRECEDENCE: tuple[Kind, ...] = ("email", "upi", "card", "aadhaar", "cpf", "phone")
_NUMERIC: frozenset[Kind] = frozenset({"card", "aadhaar", "cpf", "phone"})

_EMAIL = re.compile(
    r"(?<![\w.%+\-])[A-Za-z0-9_%+\-][A-Za-z0-9._%+\-]*"
    r"@(?:[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?\.)+[A-Za-z]{2,}(?![\w\-])"
)
#: `handle@psp`: the PSP suffix is letters only and no domain follows it
_UPI = re.compile(
    r"(?<![\w.%+\-])[A-Za-z0-9][A-Za-z0-9._\-]*@[A-Za-z]{2,}(?![\w@\-]|\.[A-Za-z0-9])"
)
#: eleven or more digits joined by single separators: the cheap scan before `_NUMBER`
_DIGIT_RUN = re.compile(r"\d(?:[ .\-]?\d){10,}")
#: the shapes of CPF, Aadhaar and card numbers, tried where a digit run starts
_NUMBER = re.compile(
    r"(?:(?P<cpf>\d{3}\.\d{3}\.\d{3}-\d{2})"
    r"|(?P<grouped>\d{4}(?P<sep>[ .\-])\d{4,6}(?:(?P=sep)\d{1,5}){1,3})"
    r"|(?P<bare>\d{11,19}))"
    r"(?![\w@]|[ .\-/]\d)"
)
_RUN_SEPARATORS = " .-/"
#: a stretch that might hold a phone number: the cheap test before asking `phonenumbers`
_PHONE_LIKE = re.compile(r"\d[\d ().\-]{6,}\d")
_DATE = re.compile(r"\d{4}-\d\d-\d\d|\d\d?[./-]\d\d?[./-]\d{4}")
_PHONE_REGIONS = ("IN", "BR")


@cache
def _service_numbers() -> frozenset[int]:
    """Number types that belong to organisations, never to a person (helplines, 0800/1800
    numbers)."""
    import phonenumbers  # a large library, imported only when a text has a phone-like stretch

    kind = phonenumbers.PhoneNumberType
    return frozenset({kind.TOLL_FREE, kind.PREMIUM_RATE, kind.SHARED_COST, kind.UAN,
                      kind.VOICEMAIL})


@dataclass(frozen=True, slots=True)
class PersonalData:
    """One personal value found in a text: its kind and its span `text[start:end]`."""

    kind: Kind
    start: int
    end: int
    value: str

    @property
    def masked(self) -> str:
        """The value with everything but its last four digits (or first letter) hidden."""
        if self.kind in ("email", "upi"):
            local, _, domain = self.value.partition("@")
            return f"{local[:1]}***@{domain}"
        keep = 4
        out: list[str] = []
        for ch in reversed(self.value):
            if ch.isdigit():
                out.append(ch if keep > 0 else "*")
                keep -= 1
            else:
                out.append(ch)
        return "".join(reversed(out))


def _digits(value: str) -> str:
    return "".join(ch for ch in value if ch.isdigit())


def _card_shaped(groups: list[str]) -> bool:
    """4-4-4-4 style groups (the last may be shorter), or the 4-6-5 / 4-6-4 of Amex and Diners."""
    lengths = [len(g) for g in groups]
    if lengths[:2] == [4, 6] and len(lengths) == 3:
        return lengths[2] in (4, 5)
    return all(n == 4 for n in lengths[:-1]) and 1 <= lengths[-1] <= 4


def _number_kind(match: re.Match[str]) -> Kind | None:
    value = match.group(0)
    digits = _digits(value)
    if match.group("cpf"):
        return "cpf" if _is_cpf(digits) else None
    if match.group("grouped"):
        groups = value.split(match.group("sep"))
        if [len(g) for g in groups] == [4, 4, 4]:
            return "aadhaar" if _is_aadhaar(digits) else None
        if 13 <= len(digits) <= 19 and _card_shaped(groups):
            return "card" if _is_card(digits) else None
        return None
    if len(digits) == 11:
        return "cpf" if _is_cpf(digits) else None
    if len(digits) == 12:
        return "aadhaar" if _is_aadhaar(digits) else None
    return "card" if _is_card(digits) else None


# python-stdnum is imported when a text holds a candidate number, not by every lint


def _is_aadhaar(digits: str) -> bool:
    from stdnum.in_ import aadhaar

    return bool(aadhaar.is_valid(digits))


def _is_cpf(digits: str) -> bool:
    from stdnum.br import cpf

    # 111.111.111-11 and the like pass the check digits but are never issued: placeholders
    return len(set(digits)) > 1 and bool(cpf.is_valid(digits))


def _is_card(digits: str) -> bool:
    from stdnum import luhn

    return 13 <= len(digits) <= 19 and digits[0] != "0" and bool(luhn.is_valid(digits))


def _standalone(text: str, start: int) -> bool:
    """True when the number at `start` does not continue a word, a `+` or a digit run."""
    before = text[start - 1] if start > 0 else " "
    if before.isalnum() or before in "_+@":
        return False
    return not (before in _RUN_SEPARATORS and start > 1 and text[start - 2].isdigit())


def _phone_numbers(text: str, stretches: list[re.Match[str]]) -> Iterator[PersonalData]:
    """Valid IN or BR numbers, and numbers of any country written with `+`; never service lines.
    `stretches` are the matches of `_PHONE_LIKE` in `text`."""
    import phonenumbers

    service = _service_numbers()
    lines_done: set[int] = set()
    for candidate in stretches:
        stretch = candidate.group(0)
        if sum(ch.isdigit() for ch in stretch) < 8 or _DATE.fullmatch(stretch):
            continue
        start = text.rfind("\n", 0, candidate.start()) + 1
        if start in lines_done:
            continue
        lines_done.add(start)
        end = text.find("\n", candidate.end())
        line = text[start:] if end < 0 else text[start:end]
        spans: dict[tuple[int, int], bool] = {}  # span -> personal (no region calls it a service)
        for region in _PHONE_REGIONS:
            for m in phonenumbers.PhoneNumberMatcher(line, region,
                                                     leniency=phonenumbers.Leniency.VALID):
                personal = phonenumbers.number_type(m.number) not in service
                span = (m.start, m.end)
                spans[span] = spans.get(span, True) and personal
        for (s, e), personal in sorted(spans.items()):
            if personal:
                yield PersonalData("phone", start + s, start + e, line[s:e])


def _candidates(text: str) -> Iterator[PersonalData]:
    if "@" in text:
        for m in _EMAIL.finditer(text):
            yield PersonalData("email", m.start(), m.end(), m.group(0))
        for m in _UPI.finditer(text):
            yield PersonalData("upi", m.start(), m.end(), m.group(0))
    # one scan for stretches of digits and separators: every digit run lies inside one (its
    # characters are all in `_PHONE_LIKE`'s class), so the runs are looked for only there
    stretches = list(_PHONE_LIKE.finditer(text))
    for stretch in stretches:
        for run in _DIGIT_RUN.finditer(text, stretch.start(), stretch.end()):
            number = _NUMBER.match(text, run.start()) if _standalone(text, run.start()) else None
            kind = _number_kind(number) if number is not None else None
            if number is not None and kind is not None:
                yield PersonalData(kind, number.start(), number.end(), number.group(0))
    yield from _phone_numbers(text, stretches)


def find_personal_data(text: str, allow: Collection[str] = ()) -> list[PersonalData]:
    """Every personal value in `text`, in order, each reported once (see `PRECEDENCE`).

    The text is read as a reader sees it (`normalise`: entities decoded, full-width digits and
    non-breaking spaces folded, zero-width characters and emphasis inside numbers dropped);
    spans point at the original text, values are the normalised ones.

    A value listed in `allow` is never reported, nor is anything overlapping it; a number is
    also allowed when its digits equal the digits of an allowed number (`4111 1111 1111 1111`
    and `4111111111111111` are the same test card).
    """
    normalised = normalise(text)
    rank = {kind: i for i, kind in enumerate(PRECEDENCE)}
    allowed_digits = {d for d in (_digits(a) for a in allow) if len(d) >= 8}
    claimed: list[tuple[int, int]] = []
    found: list[PersonalData] = []
    for item in sorted(_candidates(normalised.text), key=lambda c: (rank[c.kind], c.start, -c.end)):
        if any(item.start < e and s < item.end for s, e in claimed):
            continue
        claimed.append((item.start, item.end))
        if item.value in allow or (item.kind in _NUMERIC and _digits(item.value) in allowed_digits):
            continue
        start, end = normalised.span(item.start, item.end)
        found.append(PersonalData(item.kind, start, end, item.value))
    return sorted(found, key=lambda c: c.start)


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
# requests for secrets (KB610)

_WORD = re.compile(r"[A-Za-z0-9][\w'\u2019\-]*")
#: where a sentence ends, or a list item, heading or paragraph starts
_BREAK_CHAR = re.compile(r"[.!?;|\n]")
#: a line break ends a sentence only before a blank line, a list item, a quote or a heading
_NEW_BLOCK = re.compile(r"\n[ \t]*(?:\n|(?:[-*+>#]|\d+[.)])\s)")
#: words that start a new clause: a warning before them does not cover a request after them
_CLAUSE_WORDS = frozenset({"but", "however", "instead"})
_REQUEST_VERBS = frozenset({"share", "send", "tell", "give", "provide", "confirm", "forward",
                            "dictate", "disclose", "submit"})
_VERB_PHRASES = frozenset({"read out", "read aloud", "read back", "reply with", "what is",
                           "what was"})
#: how many words may separate the verb from the secret
_MAX_GAP = 7
#: words that may sit between the verb and the secret (`share with us your 6-digit OTP`)
_FILLER = frozenset({
    "us", "me", "the", "your", "our", "a", "an", "this", "these", "those", "its", "their",
    "with", "to", "for", "agent", "agents", "team", "executive", "representative", "officer",
    "please", "kindly", "now", "immediately", "again", "back", "out", "aloud", "over", "here",
    "full", "complete", "entire", "whole", "correct", "current", "latest", "new", "same",
    "valid", "received", "4-digit", "6-digit", "four-digit", "six-digit", "digit", "digits",
    "numeric", "secret", "sms", "bank", "bank's", "card", "card's", "debit", "credit", "atm",
    "upi", "banking", "net", "login", "account", "app", "verification", "security",
    "transaction", "one-time", "mobile", "also",
})
#: before the verb in its sentence: the sentence warns, reports or asks about the past
_NOT_A_REQUEST = frozenset({
    "never", "not", "no", "nobody", "none", "nothing", "without", "avoid", "refuse", "anyone",
    "anybody", "someone", "somebody", "scammer", "scammers", "fraudster", "fraudsters",
    "caller", "callers", "impostor", "impostors", "did", "does", "whether", "offers", "offered",
    "tries", "tried", "wants", "wanted", "attempts",
})
#: after the secret: it is the subject of a statement (`tell them the OTP is private`)
_STATEMENT = frozenset({"is", "was", "are", "were", "will", "must", "should", "can",
                        "cannot", "never", "only", "has", "have", "expires"})
_PIN_WORDS = frozenset({"pin", "pins", "mpin", "m-pin", "tpin", "upi-pin"})
_CODE_WORDS = frozenset({"code", "codes"})
_PASSWORD_WORDS = frozenset({"password", "passwords", "passcode", "passcodes"})
_CVV_WORDS = frozenset({"cvv", "cvv2", "cvc", "cvc2", "cvvs"})
#: the cheap test before reading a text word by word
_MENTIONS_SECRET = re.compile(r"otp|pin|cvv|cvc|passw|passc|one-time|security code|card'?s? number")
_PARTIAL_CARD = re.compile(r"\b(?:last|first|final)\s+(?:\d|four|six|two)\b", re.I)


@dataclass(frozen=True, slots=True)
class SecretRequest:
    """A sentence that asks for a secret: where the request starts, and what it asks for."""

    start: int
    verb: str
    secret: str
    sentence: str

    @property
    def quote(self) -> str:
        """The sentence from its request on, shortened for a message."""
        words = " ".join(self.sentence.split())
        return words if len(words) <= 60 else words[:57].rstrip() + "..."


def _secret_at(words: list[str], j: int, partial_card: bool) -> tuple[str, int] | None:
    """The secret named at words[j] and how many words it takes, if any."""
    w = words[j]
    after = words[j + 1] if j + 1 < len(words) else ""
    if w in ("otp", "otps"):
        return "OTP", 1
    if w in _PIN_WORDS:
        before = words[j - 1] if j > 0 else ""
        kind = "UPI PIN" if before == "upi" or w == "upi-pin" else "PIN"
        return None if after in _CODE_WORDS else (kind, 1)
    if w in _CVV_WORDS:
        return "CVV", 1
    if w in _PASSWORD_WORDS:
        return "password", 1
    if w == "one-time" and after in ("password", "passcode", "code", "pin"):
        return "OTP", 2
    if w == "security" and after == "code":
        return "CVV", 2
    if w in ("card", "card's") and after in ("number", "numbers") and not partial_card:
        return "full card number", 2
    return None


def find_secret_requests(text: str) -> list[SecretRequest]:
    """Every sentence of `text` that asks its reader to share, send, tell, give, provide,
    confirm or read out a PIN, OTP, CVV, password or full card number (at most one per sentence).

    Warnings (`never share your OTP`), questions about what happened (`did the customer give an
    OTP to anyone?`), statements (`tell them the OTP is private`) and partial card numbers
    (`confirm the last 4 digits of your card number`) are not requests.
    """
    lowered = text.lower()
    if len(lowered) != len(text):  # a few letters (İ) lengthen when lowered: keep the offsets
        lowered = "".join(ch if len(ch.lower()) != 1 else ch.lower() for ch in text)
    found: list[SecretRequest] = []
    breaks: list[int] | None = None
    done: set[int] = set()
    for mention in _MENTIONS_SECRET.finditer(lowered):
        if breaks is None:
            breaks = _sentence_breaks(text)
        k = bisect.bisect_left(breaks, mention.start())
        start = breaks[k - 1] + 1 if k else 0
        if start in done:
            continue
        done.add(start)
        request = _request_in(text, start, breaks[k] if k < len(breaks) else len(text))
        if request is not None:
            found.append(request)
    return found


def _sentence_breaks(text: str) -> list[int]:
    """Offsets of the characters that end a sentence, a list item or a clause (`;`)."""
    breaks: list[int] = []
    for m in _BREAK_CHAR.finditer(text):
        i = m.start()
        ch = text[i]
        if ch == "\n":
            ends = _NEW_BLOCK.match(text, i) is not None
        elif ch in ".!?":
            following = text[i + 1:i + 2]
            ends = not following or following.isspace() or following in "\"')*_"
        else:
            ends = True
        if ends:
            breaks.append(i)
    return breaks


def _request_in(text: str, start: int, end: int) -> SecretRequest | None:
    sentence = text[start:end]
    tokens = [(m.group(0).lower().replace("\u2019", "'"), m.start())
              for m in _WORD.finditer(sentence)]
    words = [w for w, _ in tokens]
    partial_card = bool(_PARTIAL_CARD.search(sentence))
    for i in range(len(words)):
        verb = _request_verb(words, i)
        if verb is None:
            continue
        if any(w in _NOT_A_REQUEST or w.endswith("n't") for w in _clause_before(words, i)):
            continue
        j = i + len(verb.split())
        while j < len(words) and j - i <= _MAX_GAP:
            secret = _secret_at(words, j, partial_card)
            if secret is not None:
                label, size = secret
                following = words[j + size] if j + size < len(words) else ""
                if following not in _STATEMENT:
                    return SecretRequest(start + tokens[i][1], verb, label,
                                         sentence[tokens[i][1]:].strip())
                break
            if words[j] not in _FILLER:
                break
            j += 1
    return None


def _clause_before(words: list[str], i: int) -> list[str]:
    """The words before words[i] from the start of its clause (after `but`, `however`, ...)."""
    start = 0
    for k in range(i):
        if words[k] in _CLAUSE_WORDS:
            start = k + 1
    return words[start:i]


def _request_verb(words: list[str], i: int) -> str | None:
    w = words[i]
    nxt = words[i + 1] if i + 1 < len(words) else ""
    if w in ("read", "reply", "what"):
        phrase = f"{w} {nxt}"
        return phrase if phrase in _VERB_PHRASES else None
    if w in ("what's", "whats"):
        return "what's"
    return w if w in _REQUEST_VERBS else None


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
