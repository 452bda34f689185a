"""Personal data in text: card, CPF and Aadhaar numbers (by check digit), phone numbers,
e-mail addresses and UPI handles; the detector behind KB602-KB607.

Pure functions, unit-tested in tests/lint/test_privacy.py. When candidate spans overlap, the
first kind in `PRECEDENCE` wins:

    e-mail address > UPI handle > card number > Aadhaar > CPF > phone number

so `9876543210@ybl` is one UPI handle (not also a phone number), and eleven digits that are both
a valid CPF and a valid Brazilian mobile number are one CPF: a check digit is stronger evidence
than a number plan. (A card number has 13-19 digits and an Aadhaar 12, so the two never share a
span.) Text is normalised first (`normalise`), so entities, full-width digits, odd spaces and
emphasis inside a number do not hide a value.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from functools import cache
from typing import Literal

from kb.lint.detectors.normalise import normalise

__all__ = ["PRECEDENCE", "Kind", "PersonalData", "find_personal_data"]

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
