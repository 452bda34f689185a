"""Requests for secrets in customer-facing text (a PIN, OTP, CVV, password or card number);
the detector behind KB610. Pure functions, unit-tested in tests/lint/test_privacy.py."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

__all__ = ["SecretRequest", "find_secret_requests"]

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
