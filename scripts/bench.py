"""Benchmark the knowledge base tooling on a synthetic knowledge base of a chosen size.

    python scripts/bench.py --sizes 1000,5000 [--out DIR] [--keep] [--repeat N]
                            [--skip-site] [--skip-serve] [--skip-search] [--only STEPS]
                            [--default-nav-max N] [--profile]

For each size N it generates, from a fixed seed, a knowledge base that uses the project's real
schema and vocabularies (read from this repository's mkdocs.yml, which is copied with the same
theme configuration and a fixed `today`): N articles of about 600 words in about 20 sections
with subsections, N/10 decision trees of about 20 nodes, and 10 labeled cases per tree. It checks
that the result lints with 0 errors and 0 warnings and that every case passes, then times each
command as a whole process (wall clock; CPU time and the peak RSS of the largest single process
from `wait4`; and the peak memory of the whole process tree, the sum over the process and its
descendants sampled from /proc, PSS where readable):

- the floor: one small Python process that reads every file, parses every front matter and tree
  with libyaml's CSafeLoader and runs one markdown-it pass over every body;
- `kb lint` cold, then warm after editing one article (and a check that a warm lint reports an
  error planted by an edit), `kb test`, `kb export` (the agent exports alone), and `kb check`
  (the PR gate: all three in one process), cold;
- `kb build` cold, and warm (after an untimed `kb check`, as a publish follows a pull request);
  and three bare `mkdocs build`s without the kb plugin: the authored pages with MkDocs' own nav
  (skipped above --default-nav-max articles), the authored pages with the nav the kb
  plugin would give them, and the pages `kb build` publishes (authored plus generated, written
  out as Markdown files, with the plugin's assets and nav): only the last holds the same pages;
- findability of the site `kb build` made: the clicks from the home page to every published
  article (breadth-first over the links between built pages), and, with Playwright and
  /usr/bin/chromium, whether Material's search puts a sample of articles in its top results
  when their title is typed, and how fast;
- `kb serve`: time to the first page, then from editing one article (and one tree) to the
  change showing on the served page.

It prints every figure, the ratios issue 6 sets targets for, and writes them to
`<out>/results.json`; `--profile` adds where `kb lint` spends its time at the largest size
(cProfile in one process, cold and warm, and the load and each rule timed separately).
Timings are reported, never asserted; only the generated knowledge base's validity is (the
script exits 1 when it does not lint clean or a case fails).

Caches: before every cold step, everything in the generated knowledge base's root that the
generator did not write is deleted, and XDG_CACHE_HOME points at a folder that is emptied, so a
content cache kept in either place starts cold. The warm lint and the warm build keep both.

Code: the kb package is copied at the start and the copy is run (PYTHONPATH), so a long run
measures one version even while the package is being edited; `--live-code` runs it in place.
The version (git commit, uncommitted changes, a hash of the package) is printed.
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import dataclasses
import datetime as dt
import functools
import hashlib
import html as html_text
import http.server
import importlib.metadata
import importlib.util
import itertools
import json
import os
import platform
import posixpath
import pstats
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

import yaml
from markdown.extensions.toc import slugify

from kb.config import KbConfig
from kb.loader import load_config
from kb.when import holds

REPO = Path(__file__).resolve().parent.parent
DEFAULT_OUT = Path("/tmp/kb-bench")
#: the programs the bench runs as child processes (real modules that ruff and mypy check)
PROGRAMS = Path(__file__).resolve().parent / "bench" / "programs"
DEFAULT_TODAY = dt.date(2026, 6, 30)
DEFAULT_SEED = 6
#: environment for every child: no MkDocs 2 banner, caches under our control
QUIET = {"NO_MKDOCS_2_WARNING": "1", "PYTHONDONTWRITEBYTECODE": "1"}
#: what the generator writes at the root of a knowledge base; anything else is a cache
GENERATED_ROOT = ("docs", "decision_trees", "mkdocs.yml", "mkdocs-bare.yml",
                  "mkdocs-bare-kb-nav.yml", "mkdocs-bare-same-pages.yml")

# ---------------------------------------------------------------------------------------------
# Vocabulary for the synthetic text. Nothing here may look like personal data or ask for a
# secret: the safety rules (KB6xx) run over every generated file.

PRODUCT_LABELS = {"upi": "UPI", "pix": "Pix", "cards": "card", "account": "account",
                  "kyc": "KYC"}
MARKETS_BY_PRODUCT = {"upi": ("IN",), "pix": ("BR",)}
OWNERS_BY_PRODUCT = {"upi": "payments-ops-in", "pix": "payments-ops-br",
                     "cards": "card-disputes", "kyc": "compliance", "account": "trust-safety"}
QUEUES_BY_PRODUCT = {"upi": "payments-in-l2", "pix": "payments-br-l2", "cards": "disputes-l2",
                     "kyc": "kyc-review", "account": "fraud-response"}
TOPICS: dict[str, tuple[str, ...]] = {
    "payments": ("failed-payments", "pending-payments", "limits", "merchant-payments",
                 "scheduled-payments", "status-codes", "receipts", "cross-border"),
    "refunds": ("merchant-refunds", "reversals", "compensation", "partial-refunds",
                "refund-tracing", "duplicate-charges", "cancellations", "refund-timelines"),
    "disputes": ("opening-disputes", "evidence", "dispute-timelines", "dispute-outcomes",
                 "escalations", "chargebacks", "arbitration", "ombudsman"),
    "security": ("scams", "account-takeover", "mule-accounts", "fund-recovery",
                 "fraud-reporting", "device-changes", "social-engineering", "blocking"),
}
TAGS_BY_TOPIC = {
    "payments": ("failed-payment", "reversal", "limits", "collect-request", "pix-automatico"),
    "refunds": ("refund", "reversal", "compensation", "customer-reply"),
    "disputes": ("dispute", "chargeback", "escalation", "med"),
    "security": ("fraud", "scam", "account-takeover", "sim-swap", "screen-share"),
}
TYPE_WEIGHTS = (("policy", 15), ("procedure", 30), ("troubleshooting", 30), ("reference", 15),
                ("macro", 10))
TITLE_PREFIX = {"policy": "Policy on", "procedure": "Handling", "troubleshooting":
                "Troubleshooting", "reference": "Reference for", "macro": "Reply for"}
PROBLEMS = (
    "payment debited but not credited", "refund not received", "duplicate charge",
    "payment stuck in pending", "transfer to the wrong recipient", "delayed reversal",
    "merchant says unpaid", "daily limit reached", "failed recurring mandate",
    "collect request from a stranger", "chargeback request", "compensation claim",
    "blocked transfer", "settlement delay", "partial refund", "cancelled order",
    "beneficiary not found", "missed scheduled payment", "frozen account",
    "pending verification", "unrecognised debit", "suspicious login", "mule account report",
    "rejected dispute", "evidence request",
)
SITUATIONS = (
    "for new customers", "after an app update", "on a bank holiday", "for business accounts",
    "during a bank outage", "after the cut-off time", "for high-value payments",
    "at a merchant checkout", "for repeat contacts", "with a partial amount",
    "after a change of bank", "over the weekend", "for joint accounts", "after a device change",
    "without a transaction reference", "for a closed merchant", "after an earlier dispute",
    "for salary payments", "for marketplace sellers", "for subscription payments",
)
H2 = {
    "default": ("Overview", "What the customer sees", "First checks", "Timelines",
                "Eligibility", "Evidence to collect", "When to escalate",
                "Customer communication", "Exceptions", "Examples", "Regulatory background",
                "Common mistakes", "Record keeping", "After resolution", "Who owns this"),
    "macro": ("When to use", "Reply", "Short reply for chat", "Variations", "Notes for agents",
              "What not to promise", "Follow-up", "Placeholders"),
}
H3 = ("Person-to-person payments", "Merchant payments", "When the bank does not respond",
      "Partial amounts", "Repeat contacts", "Out-of-hours contacts", "Recurring payments",
      "Business accounts", "High-value payments", "Joint accounts", "Weekends and holidays",
      "Older transactions")
ACTORS = ("The specialist", "The agent", "The customer", "The payer's bank",
          "The receiving bank", "The merchant", "The support lead", "The payments team")
VERBS = ("checks", "reviews", "records", "updates", "verifies", "explains", "notes", "tracks")
OBJECTS = ("transaction reference", "payment status", "refund request", "dispute form",
           "reversal date", "ticket", "account statement", "merchant confirmation",
           "settlement report", "case notes", "complaint reference", "payment receipt")
PARTIES = ("payer's bank", "receiving bank", "merchant", "acquirer", "payments team",
           "dispute desk")
WHENS = ("before replying", "within one working day", "after the cut-off time",
         "on the same day", "when the status changes", "before closing the ticket",
         "as soon as the bank responds", "at the next review")
SENTENCES = (
    "{actor} {verb} the {obj} {when}.",
    "If the {obj} shows a different amount, the agent compares it with the {obj2} {when}.",
    "Cases like this for {P} are usually settled {when}.",
    "Do not promise a date to the customer until the {party} has answered about the {obj}.",
    "Write the {obj} in the case notes so that the next specialist can see it.",
    "Most contacts about a {problem} are resolved without escalation {when}.",
    "The {party} may take longer on a bank holiday, so the agent checks the {obj} {when}.",
    "Keep the customer informed and explain what happens next in plain words.",
    "The agent never asks the customer to pay again while the {obj} is open.",
    "Every {problem} case {situation} follows the same steps, with the {party} first.",
)
FACTS_BOOLEAN = (
    ("debited", "Was the amount debited from the customer's account?"),
    ("merchant_confirmed", "Has the merchant confirmed the order?"),
    ("repeat_contact", "Has the customer contacted us about this before?"),
    ("bank_complaint_filed", "Has the customer already complained to their bank?"),
    ("recipient_known", "Does the customer know the recipient personally?"),
    ("amount_returned", "Has any part of the amount come back?"),
    ("business_account", "Is the payment from a business account?"),
    ("refund_started", "Has the merchant started a refund?"),
    ("reference_available", "Does the customer have the transaction reference?"),
    ("customer_in_control", "Does the customer still control the registered phone and app?"),
    ("recurring", "Is the payment part of a recurring mandate?"),
    ("evidence_provided", "Has the customer sent the evidence we asked for?"),
)
FACTS_CHOICE = (
    ("app_status", "What status does the app show?", ("success", "pending", "failed", "deemed")),
    ("payment_kind", "What kind of payment was it?",
     ("person-to-person", "merchant", "bill", "recurring")),
    ("channel", "Where did the customer make the payment?", ("app", "web", "branch")),
    ("segment", "Which customer segment is the account in?", ("standard", "premium", "business")),
    ("reason", "What does the customer say went wrong?",
     ("not-received", "duplicate", "wrong-amount", "unauthorised")),
    ("evidence", "What evidence does the customer have?",
     ("receipt", "statement", "screenshot", "nothing")),
    ("bank_answer", "What did the other bank answer?", ("accepted", "rejected", "no-answer")),
    ("contact_channel", "How did the customer reach us?", ("chat", "phone", "social")),
)
FACTS_NUMBER = (
    ("hours_since_payment", "How many hours ago was the payment made?", "hours", (24, 48, 72)),
    ("days_since_payment", "How many days ago was the payment made?", "days", (3, 7, 30)),
    ("amount", "How much was the payment, in the local currency?", "", (500, 2000, 10000)),
    ("contacts", "How many times has the customer contacted us about it?", "", (2, 4)),
    ("working_days_to_report", "How many working days passed before the customer reported it?",
     "working days", (3, 7)),
    ("days_since_refund", "How many days ago did the merchant start the refund?", "days",
     (5, 10, 20)),
)
OUTCOMES = (
    ("wait-for-reversal", "Wait for the automatic reversal", "inform"),
    ("confirm-with-payee", "Ask the customer to confirm with the payee", "inform"),
    ("explain-timeline", "Explain the timeline and close", "inform"),
    ("send-refund-status", "Send the refund status", "inform"),
    ("ombudsman-route", "Explain the route to the ombudsman", "inform"),
    ("retry-later", "Ask the customer to try again later", "inform"),
    ("close-no-debit", "Close: nothing was debited", "resolve"),
    ("refund-to-source", "Refund to the original payment method", "resolve"),
    ("pay-compensation", "Pay the compensation due", "resolve"),
    ("guide-account-update", "Guide the customer to update the account", "resolve"),
    ("raise-dispute", "Raise a dispute with the other bank", "escalate"),
    ("escalate-to-fraud", "Escalate to the fraud team", "escalate"),
    ("review-evidence", "Ask the specialist team to review the evidence", "escalate"),
    ("trace-with-bank", "Trace the payment with the bank", "escalate"),
    ("review-merchant", "Send the merchant for review", "escalate"),
    ("freeze-and-call-back", "Freeze the account and call the customer back", "escalate"),
    ("privacy-review", "Hand over to the privacy desk", "escalate"),
    ("document-review", "Send the documents for review", "escalate"),
)


# ---------------------------------------------------------------------------------------------
# The plan: every article and tree decided before any file is written, so links and outcomes
# can point at headings that exist.


@dataclass(frozen=True, slots=True)
class Subsection:
    section: str
    section_title: str
    name: str
    title: str
    product: str
    topic: str

    @property
    def folder(self) -> str:
        return f"{self.section}/{self.name}"


@dataclass(slots=True)
class ArticlePlan:
    id: str
    title: str
    path: str  # relative to docs/
    where: Subsection
    type: str
    visibility: str
    status: str
    headings: list[tuple[int, str]]
    meta: dict[str, object] = field(default_factory=dict)

    def anchors(self) -> list[str]:
        return [slugify(text, "-") for level, text in self.headings if level > 1]

    @property
    def linkable(self) -> bool:
        """Published and not restricted: any page or internal tree may point here."""
        return self.status == "published" and self.visibility != "restricted"


@dataclass(frozen=True, slots=True)
class KbStats:
    articles: int
    words: int
    links: int
    sections: int
    subsections: int
    trees: int
    nodes: int
    cases: int
    restricted: int
    deprecated: int
    drafts: int
    macros: int
    #: the article and tree the edit steps change (paths relative to the KB root)
    edit_article: str
    edit_article_url: str
    edit_tree: str
    edit_tree_url: str
    #: an article beside `edit_article` that a deliberately broken link points at
    link_target: str


class Words:
    """Sentences from the vocabulary above; deterministic for a given random generator."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def sentence(self, product: str) -> str:
        r = self.rng
        return r.choice(SENTENCES).format(
            actor=r.choice(ACTORS), verb=r.choice(VERBS), obj=r.choice(OBJECTS),
            obj2=r.choice(OBJECTS), when=r.choice(WHENS), party=r.choice(PARTIES),
            problem=r.choice(PROBLEMS), situation=r.choice(SITUATIONS), P=product)

    def paragraph(self, product: str, words: int) -> str:
        out: list[str] = []
        count = 0
        while count < words:
            s = self.sentence(product)
            out.append(s)
            count += len(s.split())
        return " ".join(out)


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _kebab(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _yaml(value: object) -> str:
    text = yaml.safe_dump(value, sort_keys=False, allow_unicode=True, width=10_000,
                          default_flow_style=False)
    # authors write dates unquoted; the strict loader keeps them as strings either way
    return re.sub(r"^reviewed: '([0-9-]+)'$", r"reviewed: \1", text, flags=re.M)


def _pick(config_words: Sequence[str], preferred: Sequence[str], rng: random.Random,
          k: int) -> list[str]:
    """`k` distinct words from the config's vocabulary, preferring those in `preferred`."""
    pool = [w for w in preferred if w in config_words] or list(config_words)
    return sorted(rng.sample(pool, min(k, len(pool))))


class Generator:
    """Writes one synthetic knowledge base. Same seed, size and config: same bytes."""

    def __init__(self, config: KbConfig, size: int, seed: int, today: dt.date) -> None:
        self.config = config
        self.size = size
        self.today = today
        self.rng = random.Random(f"{seed}-{size}")
        self.words = Words(self.rng)
        self.subsections = self._plan_sections()
        self.articles: list[ArticlePlan] = []
        self.link_count = 0
        self.word_count = 0
        self._by_sub: dict[Subsection, list[ArticlePlan]] = {}
        self._by_section: dict[str, list[ArticlePlan]] = {}

    # --- plan -----------------------------------------------------------------------------

    def _plan_sections(self) -> list[Subsection]:
        n_sections = min(20, max(1, self.size // 10))
        n_subs = min(6, max(1, self.size // (n_sections * 5)))
        products = list(self.config.products) or ["general"]
        combos = list(itertools.product(TOPICS, products))
        subs: list[Subsection] = []
        for i in range(n_sections):
            topic, product = combos[i % len(combos)]
            suffix = f"-{i // len(combos) + 1}" if i >= len(combos) else ""
            section = f"{product}-{topic}{suffix}"
            label = PRODUCT_LABELS.get(product, product.capitalize())
            section_title = _capital(f"{label} {topic}{suffix.replace('-', ' ')}")
            for name in TOPICS[topic][:n_subs]:
                subs.append(Subsection(section, section_title, name,
                                       name.replace("-", " ").capitalize(), product, topic))
        return subs

    def _plan_articles(self) -> None:
        r = self.rng
        types = [t for t, _ in TYPE_WEIGHTS]
        weights = [w for _, w in TYPE_WEIGHTS]
        used: set[str] = set()
        for i in range(self.size):
            where = self.subsections[i % len(self.subsections)]
            kind = r.choices(types, weights)[0]
            label = PRODUCT_LABELS.get(where.product, where.product.capitalize())
            for attempt in itertools.count():
                title = (f"{TITLE_PREFIX[kind]} {label} {r.choice(PROBLEMS)} "
                         f"{r.choice(SITUATIONS)}")
                if attempt > 20:
                    title += f" part {attempt}"
                article_id = _kebab(title)
                if article_id not in used:
                    break
            used.add(article_id)
            if kind == "macro":
                visibility = "public"
            else:
                visibility = r.choices(("public", "internal", "restricted"), (25, 70, 5))[0]
            status = r.choices(("published", "deprecated", "draft"), (96, 3, 1))[0]
            pool = H2["macro" if kind == "macro" else "default"]
            h2 = sorted(r.sample(range(len(pool)), 6))
            h3 = iter(r.sample(H3, len(H3)))
            headings: list[tuple[int, str]] = [(1, title)]
            for j, index in enumerate(h2):
                headings.append((2, pool[index]))
                if j in (1, 3) or (j == 4 and r.random() < 0.5):
                    headings += [(3, next(h3)), (3, next(h3))]
            self.articles.append(ArticlePlan(
                article_id, title, f"{where.folder}/{article_id}.md", where, kind, visibility,
                status, headings))
        # every deprecated article names a published successor in its subsection
        for a in self.articles:
            if a.status == "deprecated":
                successors = [b for b in self.articles
                              if b.where == a.where and b.linkable and b.type == a.type]
                successors = successors or [b for b in self.articles if b.linkable]
                if successors:
                    a.meta["superseded_by"] = r.choice(successors).id
                else:
                    a.status = "published"

    def _meta(self, a: ArticlePlan) -> dict[str, object]:
        r = self.rng
        cfg = self.config
        product = a.where.product
        markets = [m for m in MARKETS_BY_PRODUCT.get(product, cfg.markets) if m in cfg.markets]
        owner = OWNERS_BY_PRODUCT.get(product, "")
        if a.where.topic == "security":
            owner = r.choice(("risk-ops", "trust-safety"))
        if owner not in cfg.teams:
            owner = r.choice(cfg.teams)
        problem = a.title.removeprefix(TITLE_PREFIX[a.type]).strip()
        summary = (f"What to do about a {a.where.title.lower()} case: "
                   f"{problem[:120]}, with checks, timelines and escalation.")
        if a.type == "macro":
            summary = f"An approved customer reply about {a.where.title.lower()} for " \
                      f"{PRODUCT_LABELS.get(product, product)} customers."
        related = self._related(a, r.randint(0, 3))
        meta: dict[str, object] = {
            "id": a.id, "title": a.title, "summary": summary, "type": a.type,
            "visibility": a.visibility, "status": a.status, "owner": owner,
            "reviewed": (self.today - dt.timedelta(days=r.randint(0, 100))).isoformat(),
            "markets": markets or list(cfg.markets[:1]),
            "products": [product] if product in cfg.products else list(cfg.products[:1]),
        }
        tags = _pick(cfg.tags, TAGS_BY_TOPIC.get(a.where.topic, ()), r, r.randint(1, 3))
        if tags:
            meta["tags"] = tags
        if related:
            meta["related"] = related
        if "superseded_by" in a.meta:
            meta["superseded_by"] = a.meta["superseded_by"]
        return meta

    def _nearby(self, a: ArticlePlan, *, macro: bool | None = None,
                restricted_ok: bool = False) -> list[ArticlePlan]:
        """Articles one may point at from `a`: same subsection first, then section, then all."""
        def fits(b: ArticlePlan) -> bool:
            ok = b.linkable or (restricted_ok and b.status == "published")
            return ok and b is not a and (macro is None or (b.type == "macro") == macro)

        same_sub = [b for b in self._by_sub.get(a.where, []) if fits(b)]
        same_sec = [b for b in self._by_section.get(a.where.section, []) if fits(b)]
        return same_sub + same_sec if len(same_sub) + len(same_sec) >= 3 else \
            same_sub + same_sec + [b for b in self._sample_all() if fits(b)]

    def _sample_all(self) -> list[ArticlePlan]:
        return self.rng.sample(self.articles, min(30, len(self.articles)))

    def _related(self, a: ArticlePlan, k: int) -> list[str]:
        pool = {b.id: b for b in self._nearby(a)}
        return sorted(self.rng.sample(sorted(pool), min(k, len(pool))))

    # --- write ----------------------------------------------------------------------------

    def write(self, root: Path) -> KbStats:
        self._plan_articles()
        for a in self.articles:
            self._by_sub.setdefault(a.where, []).append(a)
            self._by_section.setdefault(a.where.section, []).append(a)
        docs = root / self.config.docs_dir
        for a in self.articles:
            a.meta = self._meta(a)
            path = docs / a.path
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(f"---\n{_yaml(a.meta)}---\n\n{self._body(a)}", encoding="utf-8")
        self._write_section_pages(docs)
        trees_dir = root / self.config.trees_dir
        trees_dir.mkdir(parents=True, exist_ok=True)
        n_trees = max(1, self.size // 10)
        nodes = cases = 0
        tree_ids: list[str] = []
        for i in range(n_trees):
            tree_id, tree, case_file = self._tree(i, tree_ids)
            tree_ids.append(tree_id)
            nodes += len(tree["nodes"])  # type: ignore[arg-type]
            cases += len(case_file["cases"])  # type: ignore[arg-type]
            (trees_dir / f"{tree_id}.yaml").write_text(_yaml(tree), encoding="utf-8")
            (trees_dir / f"{tree_id}.cases.yaml").write_text(_yaml(case_file), encoding="utf-8")
        edit = next(a for a in self.articles if a.linkable and a.type != "macro")
        target = next(a for a in self._nearby(edit) if a.type != "macro")
        docs_rel = self.config.docs_dir.strip("/")
        return KbStats(
            articles=len(self.articles), words=self.word_count, links=self.link_count,
            sections=len({s.section for s in self.subsections}),
            subsections=len(self.subsections), trees=n_trees, nodes=nodes, cases=cases,
            restricted=sum(a.visibility == "restricted" for a in self.articles),
            deprecated=sum(a.status == "deprecated" for a in self.articles),
            drafts=sum(a.status == "draft" for a in self.articles),
            macros=sum(a.type == "macro" for a in self.articles),
            edit_article=f"{docs_rel}/{edit.path}",
            edit_article_url=edit.path.removesuffix(".md") + "/",
            edit_tree=f"{self.config.trees_dir}/{tree_ids[0]}.yaml",
            edit_tree_url=f"trees/{tree_ids[0]}/",
            link_target=f"{docs_rel}/{target.path}",
        )

    def _body(self, a: ArticlePlan) -> str:
        r = self.rng
        label = PRODUCT_LABELS.get(a.where.product, a.where.product)
        targets = self._nearby(a)
        link_slots = set(r.sample(range(1, len(a.headings)), min(4, len(a.headings) - 1)))
        blocks = [f"# {a.title}", self.words.paragraph(label, 35)]
        for i, (level, text) in enumerate(a.headings[1:], start=1):
            blocks.append(f"{'#' * level} {text}")
            blocks.append(self.words.paragraph(label, 38 if level == 2 else 20))
            if level == 2 and r.random() < 0.25:
                blocks.append("\n".join(f"- {self.words.sentence(label)}" for _ in range(2)))
            if level == 2 and a.type == "reference" and r.random() < 0.4:
                rows = [f"| {r.choice(PROBLEMS)} | {r.choice(PARTIES)} | T+{r.randint(1, 5)} |"
                        for _ in range(3)]
                blocks.append("\n".join(["| situation | first contact | deadline |",
                                         "| --- | --- | --- |", *rows]))
            if i in link_slots and targets:
                b = r.choice(targets)
                rel = posixpath.relpath(b.path, posixpath.dirname(a.path))
                blocks.append(f"For the detailed steps, see [{b.title}]({rel}#"
                              f"{r.choice(b.anchors())}).")
                self.link_count += 1
        text = "\n\n".join(blocks) + "\n"
        self.word_count += len(re.findall(r"\w+", text))
        return text

    def _write_section_pages(self, docs: Path) -> None:
        for section in dict.fromkeys(s.section for s in self.subsections):
            subs = [s for s in self.subsections if s.section == section]
            lines = [f"# {subs[0].section_title}", "",
                     f"Articles about {subs[0].section_title}, by subject.", ""]
            lines += [f"- [{s.title}]({s.name}/index.md)" for s in subs]
            (docs / section / "index.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
            for s in subs:
                members = sorted(self._by_sub.get(s, []), key=lambda a: a.title.casefold())
                body = [f"# {s.title}", "", f"{s.section_title}: {s.title.lower()}.", ""]
                for a in members:
                    note = {"restricted": " (restricted)"}.get(a.visibility, "")
                    note += {"deprecated": " (deprecated)", "draft": " (draft)"}.get(a.status, "")
                    body.append(f"- [{a.title}]({posixpath.basename(a.path)}){note}")
                folder = docs / s.folder
                folder.mkdir(parents=True, exist_ok=True)
                (folder / "index.md").write_text("\n".join(body) + "\n", encoding="utf-8")

    # --- trees ----------------------------------------------------------------------------

    def _tree(self, i: int, taken: Sequence[str]) -> tuple[str, dict[str, object],
                                                          dict[str, object]]:
        r = self.rng
        cfg = self.config
        where = self.subsections[i % len(self.subsections)]
        label = PRODUCT_LABELS.get(where.product, where.product)
        for attempt in itertools.count():
            problem = r.choice(PROBLEMS)
            title = _capital(f"{label} {problem} triage" + (f" {attempt}" if attempt > 20 else ""))
            tree_id = _kebab(title)
            if tree_id not in taken:
                break
        visibility = "restricted" if r.random() < 0.1 else "internal"
        anchor_article = ArticlePlan("", "", f"{where.folder}/x.md", where, "", "", "", [])
        cited = self._nearby(anchor_article, macro=False,
                             restricted_ok=visibility == "restricted")
        cited = cited or [a for a in self.articles if a.linkable and a.type != "macro"]
        if not cited:
            raise RuntimeError("no published article for tree outcomes to cite")
        macros = self._nearby(anchor_article, macro=True)

        facts: dict[str, dict[str, object]] = {}
        pool: list[tuple[str, dict[str, object]]] = []
        for fid, question in FACTS_BOOLEAN:
            pool.append((fid, {"question": question, "type": "boolean"}))
        for fid, question, options in FACTS_CHOICE:
            pool.append((fid, {"question": question, "type": "choice",
                               "options": list(options)}))
        for fid, question, unit, cuts in FACTS_NUMBER:
            spec: dict[str, object] = {"question": question, "type": "number", "min": 0,
                                       "_cuts": cuts}
            if unit:
                spec["unit"] = unit
            pool.append((fid, spec))
        r.shuffle(pool)
        target = r.randint(18, 22)

        # grow the tree: a question per fact; leaves left at the end become outcomes
        nodes: dict[str, dict[str, Any]] = {}
        slots: list[tuple[str, int]] = []  # (question node, child index) not yet filled
        children: dict[str, list[str]] = {}

        def add_question(fid: str, spec: dict[str, object]) -> str:
            node_id = fid.replace("_", "-")
            facts[fid] = {k: v for k, v in spec.items() if not k.startswith("_")}
            whens, has_default = self._branches(spec)
            nodes[node_id] = {"ask": fid, "_whens": whens, "_default": has_default}
            width = len(whens) + has_default
            children[node_id] = [""] * width
            slots.extend((node_id, k) for k in range(width))
            return node_id

        start = add_question(*pool.pop())
        while pool:
            fid, spec = pool[-1]
            whens, has_default = self._branches(spec)
            width = len(whens) + has_default
            if len(nodes) + len(slots) - 1 + width > target:
                break
            pool.pop()
            parent, k = slots.pop(r.randrange(len(slots)))
            children[parent][k] = add_question(fid, spec)
        outcome_names = r.sample(OUTCOMES, min(len(OUTCOMES), len(slots)))
        while len(outcome_names) < len(slots):
            outcome_names.append(r.choice(OUTCOMES))
        leaves: list[str] = []
        for (parent, k), (name, headline, resolution) in zip(slots, outcome_names, strict=True):
            node_id = name
            n = 2
            while node_id in nodes:
                node_id, n = f"{name}-{n}", n + 1
            children[parent][k] = node_id
            nodes[node_id] = {"outcome": self._outcome(headline, resolution, where, cited,
                                                       macros)}
            leaves.append(node_id)

        # emit in a stable order: questions as grown, then outcomes
        yaml_nodes: dict[str, object] = {}
        for node_id, node in nodes.items():
            if "outcome" in node:
                continue
            whens = node["_whens"]
            kids = children[node_id]
            entry: dict[str, object] = {
                "ask": node["ask"],
                "branches": [{"when": w, "next": kids[j]} for j, w in enumerate(whens)],
            }
            if node["_default"]:
                entry["default"] = kids[-1]
            yaml_nodes[node_id] = entry
        for node_id in leaves:
            yaml_nodes[node_id] = nodes[node_id]

        related = sorted({a.id for a in cited if a.visibility != "restricted"
                          and a.status == "published"})[:3]
        tree: dict[str, object] = {
            "id": tree_id,
            "title": title,
            "summary": f"Triage a {label} {problem} from the first question to the outcome, "
                       f"with escalation to the right queue.",
            "visibility": visibility,
            "status": "published",
            "owner": OWNERS_BY_PRODUCT.get(where.product, "")
            if OWNERS_BY_PRODUCT.get(where.product, "") in cfg.teams else r.choice(cfg.teams),
            "reviewed": (self.today - dt.timedelta(days=r.randint(0, 150))).isoformat(),
            "markets": [m for m in MARKETS_BY_PRODUCT.get(where.product, cfg.markets)
                        if m in cfg.markets] or list(cfg.markets[:1]),
            "products": [where.product] if where.product in cfg.products
            else list(cfg.products[:1]),
            "tags": _pick(cfg.tags, TAGS_BY_TOPIC.get(where.topic, ()), r, 2),
            "related": related,
            "start": start,
            "facts": facts,
            "nodes": yaml_nodes,
        }
        if not tree["related"]:
            del tree["related"]
        if not tree["tags"]:
            del tree["tags"]
        case_file: dict[str, object] = {"tree": tree_id,
                     "cases": self._cases(tree_id, start, yaml_nodes, facts, leaves, label)}
        return tree_id, tree, case_file

    def _branches(self, spec: Mapping[str, object]) -> tuple[list[object], bool]:
        """Exhaustive branches for a fact, with or without a needed `default`. Deterministic per
        fact so that the size check and the node agree."""
        kind = spec["type"]
        if kind == "boolean":
            return [True, False], False
        if kind == "choice":
            options = list(spec["options"])  # type: ignore[call-overload]
            if len(options) >= 4:
                return [options[0], options[1:3]], True
            return [options[0], options[1:]], False
        cuts = list(spec["_cuts"])  # type: ignore[call-overload]
        if len(cuts) >= 3:
            return [{"lt": cuts[0]}, {"lt": cuts[1]}], True
        return [{"lt": cuts[0]}, {"gte": cuts[0]}], False

    def _outcome(self, title: str, resolution: str, where: Subsection,
                 cited: Sequence[ArticlePlan], macros: Sequence[ArticlePlan]) -> dict[str, object]:
        r = self.rng
        cfg = self.config
        article = r.choice(cited)
        outcome: dict[str, object] = {
            "title": title,
            "resolution": resolution,
            "handled_by": "specialist" if resolution == "escalate" else "ai",
            "article": f"{article.id}#{r.choice(article.anchors())}",
            "guidance": self.words.paragraph(PRODUCT_LABELS.get(where.product, ""), 30),
        }
        if resolution != "escalate" and macros and r.random() < 0.6:
            outcome["macro"] = r.choice(macros).id
        if resolution == "escalate":
            queue = QUEUES_BY_PRODUCT.get(where.product, "")
            if where.topic == "security":
                queue = "fraud-response"
            if title.startswith("Hand over to the privacy"):
                queue = "privacy-desk"
            outcome["queue"] = queue if queue in cfg.queues else r.choice(cfg.queues)
            outcome["sla_hours"] = r.choice((1, 4, 8, 24, 48, 72))
        return outcome

    def _cases(self, tree_id: str, start: str, nodes: Mapping[str, Any],
               facts: Mapping[str, Mapping[str, object]], leaves: Sequence[str],
               label: str) -> list[dict[str, object]]:
        r = self.rng
        parent: dict[str, tuple[str, int]] = {}  # child -> (question, branch index; -1 default)
        for node_id, node in nodes.items():
            for j, b in enumerate(node.get("branches", [])):
                parent[b["next"]] = (node_id, j)
            if "default" in node:
                parent[node["default"]] = (node_id, -1)
        chosen = r.sample(list(leaves), min(10, len(leaves)))
        while len(chosen) < 10:
            chosen.append(r.choice(list(leaves)))
        cases: list[dict[str, object]] = []
        for n, leaf in enumerate(chosen, start=1):
            path: list[tuple[str, int]] = []
            at = leaf
            while at != start:
                at, j = parent[at]
                path.append((at, j))
            values: dict[str, object] = {}
            for node_id, j in reversed(path):
                node = nodes[node_id]
                fid = node["ask"]
                whens = [b["when"] for b in node["branches"]]
                values[fid] = self._value_for(facts[fid], whens, j)
            assert _walk(start, nodes, values) == leaf, (tree_id, leaf, values)
            case: dict[str, object] = {
                "id": f"{tree_id}-{n:02d}",
                "description": f"{label} customer reports a {r.choice(PROBLEMS)} "
                               f"{r.choice(SITUATIONS)}.",
                "facts": values,
                "expected": leaf,
            }
            if r.random() < 0.5:
                other = leaf if r.random() < 0.8 else r.choice(list(leaves))
                case["annotations"] = [{"by": "annotator-a", "outcome": leaf},
                                       {"by": "annotator-b", "outcome": other}]
            cases.append(case)
        return cases

    def _value_for(self, fact: Mapping[str, object], whens: Sequence[object], j: int) -> object:
        """A value of the fact that takes branch `j` (-1: the default) and no earlier one."""
        if fact["type"] == "boolean":
            candidates: list[object] = [True, False]
        elif fact["type"] == "choice":
            candidates = list(fact["options"])  # type: ignore[call-overload]
        else:
            cuts = sorted({int(v) for w in whens if isinstance(w, dict) for v in w.values()})
            candidates = [*sorted({0, *cuts, *(c - 1 for c in cuts), *(c + 1 for c in cuts),
                                   cuts[-1] * 2} - {-1})]
        earlier = whens if j < 0 else whens[:j]
        fits = [v for v in candidates
                if (j < 0 or holds(whens[j], v))
                and not any(holds(w, v) for w in earlier)]
        return self.rng.choice(fits)


def _walk(start: str, nodes: Mapping[str, Any], facts: Mapping[str, object]) -> str:
    at = start
    while "outcome" not in nodes[at]:
        node = nodes[at]
        value = facts[node["ask"]]
        nxt = next((b["next"] for b in node["branches"] if holds(b["when"], value)),
                   node.get("default", ""))
        at = nxt
    return at


def site_config(source: str, today: dt.date) -> str:
    """The repository's mkdocs.yml for a synthetic KB: `today` fixed; no explicit `nav` and no
    Quality-page inputs (both name the real content); the theme left exactly as it is."""
    out: list[str] = []
    lines = source.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        indent = len(line) - len(line.lstrip())
        if line.startswith("nav:"):  # the nav names real pages; the plugin builds one instead
            i += 1
            while i < len(lines) and (not lines[i].strip() or lines[i][0] in " -#"):
                i += 1
            continue
        plain = re.match(r"^(\s*)-\s+kb\s*$", line)
        if plain or re.match(r"^\s*-\s+kb:\s*$", line):
            out.append(line if not plain else line.rstrip() + ":")
            i += 1
            options: list[str] = []
            while i < len(lines) and (not lines[i].strip()
                                      or len(lines[i]) - len(lines[i].lstrip()) > indent):
                options.append(lines[i])
                i += 1
            first = next((o for o in options if o.strip()), None)
            step = len(first) - len(first.lstrip()) if first else indent + 4
            out.append(" " * step + f"today: {today.isoformat()}")
            dropping = False
            for o in options:
                o_indent = len(o) - len(o.lstrip())
                if o.strip() and o_indent == step:
                    dropping = bool(re.match(r"(today|quality_\w+)\s*:", o.strip()))
                if not dropping:
                    out.append(o)
            continue
        out.append(line)
        i += 1
    return "\n".join(out) + "\n"


def bare_config(kb_site_config: str) -> str:
    """The same mkdocs.yml without the kb plugin (and its options)."""
    out: list[str] = []
    kb_indent: int | None = None
    for line in kb_site_config.splitlines():
        indent = len(line) - len(line.lstrip())
        if kb_indent is not None:
            if line.strip() and indent <= kb_indent:
                kb_indent = None
            else:
                continue
        if re.match(r"^\s*-\s+kb(:.*)?$", line):
            kb_indent = indent
            continue
        out.append(line)
    return "\n".join(out) + "\n"


class _AnyTagLoader(yaml.SafeLoader):
    """Reads a mkdocs.yml whatever its tags (`!!python/name:`, `!ENV`): tagged values are None."""


_AnyTagLoader.add_multi_constructor("", lambda loader, suffix, node: None)


def with_top_level(config_text: str, values: Mapping[str, object]) -> str:
    """`config_text` (a mkdocs.yml) with each top-level key of `values` set to its value: the
    key's existing entry, with everything under it, is dropped and the new one appended."""
    out: list[str] = []
    dropping = False
    for line in config_text.splitlines():
        key = re.match(r"([A-Za-z_][\w-]*)\s*:", line)
        if key:
            dropping = key.group(1) in values
        if not dropping:
            out.append(line)
    return "\n".join(out).rstrip("\n") + "\n" + yaml.safe_dump(
        dict(values), sort_keys=False, allow_unicode=True, width=10_000)


def generate(root: Path, size: int, seed: int, today: dt.date,
             source_config: Path = REPO / "mkdocs.yml") -> KbStats:
    """Write a synthetic KB of `size` articles into `root` (replaced if it exists)."""
    if root.exists():
        shutil.rmtree(root)
    root.mkdir(parents=True)
    text = site_config(source_config.read_text(encoding="utf-8"), today)
    (root / "mkdocs.yml").write_text(text, encoding="utf-8")
    (root / "mkdocs-bare.yml").write_text(bare_config(text), encoding="utf-8")
    config = load_config(root)
    return Generator(config, size, seed, today).write(root)


# ---------------------------------------------------------------------------------------------
# Running and timing whole processes


def program(name: str) -> str:
    """The path of one of the bench's child programs, to run with the interpreter."""
    return str(PROGRAMS / f"{name}.py")


@dataclass(frozen=True, slots=True)
class Run:
    """One whole process: wall seconds, peak RSS (KiB, of the largest single process among
    itself and its waited-for children: `ru_maxrss` is a maximum, not a sum)."""

    seconds: float
    peak_kib: int
    code: int
    output: str
    timed_out: bool = False
    #: user + system CPU seconds of the process and its children (above `seconds`: it used
    #: more than one core; far below: it waited, or the machine was busy)
    cpu: float = 0.0
    #: peak memory of the whole process tree (KiB, summed over the processes alive at once)
    tree_kib: int = 0
    #: what `tree_kib` sums: "PSS", "RSS", or "PSS+RSS" when some processes hid their PSS
    tree_measure: str = ""

    @property
    def tail(self) -> str:
        lines = [ln for ln in self.output.strip().splitlines() if ln.strip()]
        return lines[-1].strip() if lines else ""


def run_process(command: Sequence[str], cwd: Path, env: Mapping[str, str], log: Path,
                timeout: float) -> Run:
    """Run `command` to completion; output goes to `log`. Timing covers the process only."""
    log.parent.mkdir(parents=True, exist_ok=True)
    with open(log, "w", encoding="utf-8") as sink:
        start = time.perf_counter()
        proc = subprocess.Popen(list(command), cwd=cwd, env=dict(env), stdout=sink,
                                stderr=subprocess.STDOUT, start_new_session=True)
        expired = threading.Event()

        def kill() -> None:
            expired.set()
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)

        timer = threading.Timer(timeout, kill)
        timer.start()
        try:
            with TreeMemory(proc.pid) as memory:
                _, status, usage = os.wait4(proc.pid, 0)
        finally:
            timer.cancel()
        seconds = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
    output = log.read_text(encoding="utf-8", errors="replace")
    return Run(seconds, usage.ru_maxrss, proc.returncode, output, expired.is_set(),
               usage.ru_utime + usage.ru_stime, memory.peak_kib, memory.measure)


#: seconds between two samples of a process tree's memory (at least)
MEMORY_INTERVAL = 0.05
#: reading PSS walks a process's page tables (about 15 ms for 1 GiB): the sampler waits at
#: least this many times as long as its last sample took, so it never takes more than about
#: 5% of one core from the run it measures
MEMORY_BACKOFF = 20


class TreeMemory:
    """The peak memory of a process and all its descendants, summed, sampled from /proc.

    `ru_maxrss` is the peak of the largest single process, so work forked into children that
    run alongside their parent is not counted. This samples every process of the tree every
    `interval` seconds (longer when a sample is slow, see MEMORY_BACKOFF) and keeps the largest
    sum. It sums PSS (/proc/<pid>/smaps_rollup), which splits a page shared by a parent and its
    forked child (copy-on-write) between them instead of counting it in each; where PSS cannot
    be read, VmRSS (/proc/<pid>/status), which does count it in each. A sample whose VmRSS sum
    is not above the peak so far skips the PSS reads (PSS <= RSS: it could not raise the peak).
    Peaks shorter than the interval can be missed.
    """

    def __init__(self, pid: int, interval: float = MEMORY_INTERVAL) -> None:
        self.pid = pid
        self.interval = interval
        self.peak_kib = 0
        self.measures: set[str] = set()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"memory-{pid}", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()

    def __enter__(self) -> TreeMemory:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def measure(self) -> str:
        """What the peak sums: "PSS", "RSS", "PSS+RSS" (mixed), or "" (never sampled)."""
        return "+".join(m for m in ("PSS", "RSS") if m in self.measures)

    def sample(self) -> int:
        """One sample (KiB; 0 when it could not raise the peak), which also raises `peak_kib`."""
        pids = process_tree(self.pid)
        if sum(process_memory(pid, pss=False)[0] for pid in pids) <= self.peak_kib:
            return 0
        total = 0
        for pid in pids:
            kib, measure = process_memory(pid)
            if measure:
                total += kib
                self.measures.add(measure)
        self.peak_kib = max(self.peak_kib, total)
        return total

    def _run(self) -> None:
        while True:
            started = time.perf_counter()
            self.sample()
            took = time.perf_counter() - started
            if self._stop.wait(max(self.interval, MEMORY_BACKOFF * took)):
                return


def process_tree(pid: int) -> list[int]:
    """`pid` and all its descendants, from /proc/<pid>/task/<tid>/children (a child started
    by any thread is listed under that thread); processes gone meanwhile are left out."""
    found: list[int] = []
    todo = [pid]
    while todo:
        current = todo.pop()
        try:
            tasks = os.listdir(f"/proc/{current}/task")
        except OSError:
            continue
        found.append(current)
        for tid in tasks:
            try:
                with open(f"/proc/{current}/task/{tid}/children", encoding="ascii") as f:
                    todo.extend(int(child) for child in f.read().split())
            except (OSError, ValueError):
                continue
    return found


_MEMORY_SOURCES = (("smaps_rollup", re.compile(r"^Pss:\s+(\d+) kB", re.M), "PSS"),
                   ("status", re.compile(r"^VmRSS:\s+(\d+) kB", re.M), "RSS"))


def process_memory(pid: int, *, pss: bool = True) -> tuple[int, str]:
    """(KiB, "PSS") from smaps_rollup (unless `pss` is false), else (KiB, "RSS") from status;
    (0, "") when the process is gone or a zombie."""
    for name, pattern, measure in _MEMORY_SOURCES[0 if pss else 1:]:
        try:
            with open(f"/proc/{pid}/{name}", encoding="ascii", errors="replace") as f:
                text = f.read()
        except OSError:
            continue
        m = pattern.search(text)
        if m:
            return int(m.group(1)), measure
    return 0, ""


@dataclass(slots=True)
class Figure:
    """One row of the table: a step's runs (the median is reported)."""

    name: str
    runs: list[Run] = field(default_factory=list)
    note: str = ""
    #: '' when it ran as expected; else why not (missing, failed, timeout)
    problem: str = ""
    skipped: str = ""

    @property
    def seconds(self) -> float | None:
        return statistics.median(r.seconds for r in self.runs) if self.runs else None

    @property
    def peak_mib(self) -> float | None:
        return max(r.peak_kib for r in self.runs) / 1024 if self.runs else None

    @property
    def peak_tree_mib(self) -> float | None:
        """The largest sum over the process tree, over all runs (None: never sampled)."""
        peaks = [r.tree_kib for r in self.runs if r.tree_kib]
        return max(peaks) / 1024 if peaks else None

    @property
    def tree_measure(self) -> str:
        used = {m for r in self.runs for m in r.tree_measure.split("+") if m}
        return "+".join(m for m in ("PSS", "RSS") if m in used)

    @property
    def cpu(self) -> float | None:
        cpus = [r.cpu for r in self.runs if r.cpu]
        return statistics.median(cpus) if cpus else None

    def as_json(self) -> dict[str, object]:
        return {"name": self.name, "seconds": self.seconds, "cpu_seconds": self.cpu,
                "peak_mib": self.peak_mib, "peak_tree_mib": self.peak_tree_mib,
                "tree_memory_measure": self.tree_measure,
                "runs": [round(r.seconds, 3) for r in self.runs], "note": self.note,
                "problem": self.problem, "skipped": self.skipped}


class Bench:
    """Times every step for one generated knowledge base."""

    def __init__(self, root: Path, logs: Path, stats: KbStats, args: argparse.Namespace,
                 out: TextIO) -> None:
        self.root = root
        self.logs = logs
        self.stats = stats
        self.args = args
        self.out = out
        self.cache_home = logs / "xdg-cache"
        self.env = {**os.environ, **QUIET, "XDG_CACHE_HOME": str(self.cache_home)}
        if args.code_path:
            self.env["PYTHONPATH"] = os.pathsep.join(
                [args.code_path, *filter(None, [os.environ.get("PYTHONPATH")])])
        self.figures: dict[str, Figure] = {}
        self.checks: dict[str, str] = {}
        #: clicks from the home page to each article, and the search check, of the built site
        self.findability: dict[str, dict[str, Any]] = {}

    # --- helpers --------------------------------------------------------------------------

    def reset_caches(self) -> None:
        """Cold start: remove whatever a tool left in the KB root, and the XDG cache."""
        for entry in self.root.iterdir():
            if entry.name not in GENERATED_ROOT:
                if entry.is_dir() and not entry.is_symlink():
                    shutil.rmtree(entry)
                else:
                    entry.unlink()
        shutil.rmtree(self.cache_home, ignore_errors=True)
        self.cache_home.mkdir(parents=True)

    def kb(self, *argv: str) -> list[str]:
        return [sys.executable, "-m", "kb", "--root", str(self.root), *argv]

    def measure(self, key: str, name: str, command: Sequence[str], *, cold: bool = True,
             before: Callable[[int], None] | None = None, repeat: int | None = None) -> Figure:
        figure = self.figures.setdefault(key, Figure(name))
        for n in range(repeat or self.args.repeat):
            if cold:
                self.reset_caches()
            if before is not None:
                before(n)
            run = run_process(command, self.root, self.env, self.logs / f"{key}-{n + 1}.log",
                              self.args.timeout)
            figure.runs.append(run)
            self._progress(figure.name, run)
            if run.timed_out:
                figure.problem = f"timed out after {self.args.timeout:.0f} s"
                break
        return figure

    def _progress(self, name: str, run: Run) -> None:
        if self.args.verbose:
            print(f"    {name}: {run.seconds:.2f} s (CPU {run.cpu:.2f} s), "
                  f"{run.peak_kib / 1024:.0f} MiB largest process, "
                  f"{run.tree_kib / 1024:.0f} MiB process tree, exit {run.code}, "
                  f"load {os.getloadavg()[0]:.2f}", file=self.out, flush=True)

    def edit(self, rel: str, old: str, new: str) -> Callable[[], None]:
        """Replace the first `old` with `new` in a KB file; returns a function that undoes it."""
        path = self.root / rel
        original = path.read_text(encoding="utf-8")
        if old not in original:
            raise RuntimeError(f"{rel}: cannot find {old!r} to edit")
        path.write_text(original.replace(old, new, 1), encoding="utf-8")

        def undo() -> None:
            path.write_text(original, encoding="utf-8")

        return undo

    # --- steps ----------------------------------------------------------------------------

    def floor(self) -> None:
        docs = str(self.root / "docs")
        trees = str(self.root / "decision_trees")
        self.measure("floor-read", "floor: read every file",
                  [sys.executable, program("floor"), "read", docs, trees])
        f = self.measure("floor", "floor: read + libyaml + markdown-it",
                      [sys.executable, program("floor"), "full", docs, trees])
        if any(r.code for r in f.runs):
            f.problem = f"failed: {f.runs[-1].tail}"

    def gate(self) -> bool:
        """`kb lint`, `kb test`, `kb export` from a cold start, in that order, `repeat` times.
        False when the generated KB does not lint clean or a case fails (a generator bug)."""
        lint = self.figures.setdefault("lint", Figure("kb lint (cold)"))
        test = self.figures.setdefault("test", Figure("kb test"))
        export = self.figures.setdefault("export", Figure("kb export (agent exports)"))
        exports_dir = self.logs / "exports"
        for n in range(self.args.repeat):
            self.reset_caches()
            for figure, key, argv in ((lint, "lint", ["lint"]), (test, "test", ["test"]),
                                      (export, "export", ["export", "--out", str(exports_dir)])):
                if figure.problem:
                    continue
                run = run_process(self.kb(*argv), self.root, self.env,
                                  self.logs / f"{key}-{n + 1}.log", self.args.timeout)
                self._progress(figure.name, run)
                if key == "export" and run.code == 2 and "invalid choice" in run.output:
                    figure.problem = "missing: `kb export` is not a command yet"
                    continue
                figure.runs.append(run)
                if run.timed_out:
                    figure.problem = f"timed out after {self.args.timeout:.0f} s"
        first_lint = lint.runs[0]
        m = re.search(r"(\d+) errors?, (\d+) warnings?", first_lint.output)
        if first_lint.code != 0 or m is None or m.group(1) != "0":
            print("the generated knowledge base does not lint clean (a bug in bench.py):",
                  file=self.out)
            print("\n".join(first_lint.output.splitlines()[:40]), file=self.out)
            return False
        self.checks["lint"] = m.group(0)
        first_test = test.runs[0]
        t = re.search(r"(\d+) passed, (\d+) failed", first_test.output)
        if first_test.code != 0 or t is None or t.group(2) != "0":
            print("a generated case fails `kb test` (a bug in bench.py):", file=self.out)
            print("\n".join(first_test.output.splitlines()[:40]), file=self.out)
            return False
        self.checks["test"] = t.group(0)
        if export.runs and any(r.code for r in export.runs):
            export.problem = f"failed (exit {export.runs[-1].code}): {export.runs[-1].tail}"
        return True

    def warm_lint(self) -> None:
        """Lint once to fill any cache, then edit one article and lint again (timed)."""
        self.reset_caches()
        run_process(self.kb("lint"), self.root, self.env, self.logs / "lint-prime.log",
                    self.args.timeout)
        undo: list[Callable[[], None]] = []

        def edit(n: int) -> None:
            undo.append(self.edit(self.stats.edit_article, "\n\n## ",
                                  f" Edited for warm lint run {n + 1}.\n\n## "))

        f = self.measure("lint-warm", "kb lint (warm, one article edited)", self.kb("lint"),
                      cold=False, before=edit)
        for u in reversed(undo):
            u()
        if any(r.code for r in f.runs):
            f.problem = f"exit {f.runs[-1].code}: {f.runs[-1].tail}"
        # a warm lint must never serve a stale result: plant a broken anchor, expect KB202
        target = posixpath.relpath(self.stats.link_target,
                                   posixpath.dirname(self.stats.edit_article))
        restore = self.edit(self.stats.edit_article, "\n\n## ",
                            f" See [this]({target}#no-such-heading-bench).\n\n## ")
        try:
            run = run_process(self.kb("lint"), self.root, self.env,
                              self.logs / "lint-stale-check.log", self.args.timeout)
        finally:
            restore()
        seen = run.code == 1 and "KB202" in run.output and self.stats.edit_article in run.output
        self.checks["warm lint sees a new error"] = "yes" if seen else "NO (stale result)"

    def check(self) -> None:
        """`kb check`, the PR gate (lint, the labeled cases and the agent exports in one
        process), from a cold cache."""
        exports_dir = self.logs / "check-exports"
        f = self.measure("check", FIGURE_NAMES["check"],
                         self.kb("check", "--out", str(exports_dir)),
                         before=lambda n: shutil.rmtree(exports_dir, ignore_errors=True))
        last = f.runs[-1]
        if last.code == 2 and "invalid choice" in last.output:
            f.problem = "missing: `kb check` is not a command"
        elif any(r.code for r in f.runs):
            f.problem = f"failed (exit {last.code}): {_reason(last.output)}"
        elif not (exports_dir / "kb-bundle.json").is_file():
            f.problem = "wrote no kb-bundle.json"

    def build(self) -> None:
        """`kb build` from a cold cache; the findability of its site; then `kb build` again
        with the cache `kb check` leaves (the order of a pull request, then the publish)."""
        site_dir = self.root / "site"
        f = self.measure("build", FIGURE_NAMES["build"],
                         self.kb("build", "--site-dir", str(site_dir)),
                         before=lambda n: shutil.rmtree(site_dir, ignore_errors=True))
        if any(r.code for r in f.runs):
            f.problem = f"failed (exit {f.runs[-1].code}): {_reason(f.runs[-1].output)}"
            self.findability["clicks"] = {"skipped": "kb build failed"}
            self.findability["search"] = {"skipped": "kb build failed"}
        else:
            self.findability.update(findability(site_dir, self.root / "docs", self.args,
                                                self.logs))
        shutil.rmtree(site_dir, ignore_errors=True)

        checks: list[Run] = []

        def check_first(n: int) -> None:
            self.reset_caches()
            shutil.rmtree(site_dir, ignore_errors=True)
            checks.append(run_process(
                self.kb("check", "--out", str(self.logs / "check-exports")), self.root,
                self.env, self.logs / f"build-warm-check-{n + 1}.log", self.args.timeout))

        warm = self.measure("build-warm", FIGURE_NAMES["build-warm"],
                            self.kb("build", "--site-dir", str(site_dir)), cold=False,
                            before=check_first)
        if any(r.code for r in checks):
            warm.problem = f"kb check (run first, untimed) failed (exit {checks[-1].code}): " \
                           f"{_reason(checks[-1].output)}"
        elif any(r.code for r in warm.runs):
            warm.problem = f"failed (exit {warm.runs[-1].code}): " \
                           f"{_reason(warm.runs[-1].output)}"
        shutil.rmtree(site_dir, ignore_errors=True)

    def bare(self, key: str = "bare", config: str = "mkdocs-bare.yml",
             name: str = "") -> None:
        name = name or FIGURE_NAMES[key]
        if key == "bare" and self.stats.articles > self.args.default_nav_max:
            self.figures[key] = Figure(name, skipped=(
                f"skipped: {self.stats.articles:,} articles > --default-nav-max "
                f"{self.args.default_nav_max:,} (MkDocs' own nav lists every article: without "
                f"navigation.prune every page carries all of it)"))
            return
        bare_dir = self.logs / "site-bare"
        f = self.measure(key, name,
                         [sys.executable, "-m", "mkdocs", "build", "-q", "--config-file",
                          str(self.root / config), "--site-dir", str(bare_dir), "--strict"],
                         before=lambda n: shutil.rmtree(bare_dir, ignore_errors=True))
        if any(r.code for r in f.runs):
            f.problem = f"failed (exit {f.runs[-1].code}): {_reason(f.runs[-1].output)}"
        shutil.rmtree(bare_dir, ignore_errors=True)

    def bare_with_kb_nav(self) -> None:
        """The bare build again, with the navigation our plugin would give these pages: it
        separates the plugin's own cost from that of MkDocs' default, whole-site nav."""
        nav = run_process([sys.executable, program("kb_nav"), str(self.root)], self.root,
                          self.env, self.logs / "kb-nav.log", self.args.timeout)
        if nav.code:
            self.figures["bare-nav"] = Figure(FIGURE_NAMES["bare-nav"],
                                              problem=f"unavailable: {nav.tail}")
            return
        (self.root / "mkdocs-bare-kb-nav.yml").write_text(
            (self.root / "mkdocs-bare.yml").read_text(encoding="utf-8") + nav.output,
            encoding="utf-8")
        self.bare("bare-nav", "mkdocs-bare-kb-nav.yml")

    def bare_same_pages(self) -> None:
        """The bare build of the pages `kb build` publishes: the authored pages plus every page
        the plugin generates, written out as Markdown files, with the plugin's assets and the
        nav it would build for them. What is left between the two is the plugin's own work."""
        docs = self.logs / "docs-same-pages"
        made = run_process([sys.executable, program("same_pages"), str(self.root),
                            str(docs)], self.root, self.env, self.logs / "same-pages.log",
                           self.args.timeout)
        if made.code:
            self.figures["bare-same"] = Figure(FIGURE_NAMES["bare-same"],
                                               problem=f"unavailable: {made.tail}")
            return
        settings = yaml.safe_load(made.output)
        bare = (self.root / "mkdocs-bare.yml").read_text(encoding="utf-8")
        current = yaml.load(bare, Loader=_AnyTagLoader) or {}
        css = [*(current.get("extra_css") or []), *settings["extra_css"]]
        scripts = [*(current.get("extra_javascript") or []), *settings["extra_javascript"]]
        (self.root / "mkdocs-bare-same-pages.yml").write_text(with_top_level(bare, {
            "docs_dir": str(docs), "nav": settings["nav"],
            "extra_css": list(dict.fromkeys(css)),
            "extra_javascript": [s for i, s in enumerate(scripts) if s not in scripts[:i]],
        }), encoding="utf-8")
        self.bare("bare-same", "mkdocs-bare-same-pages.yml")
        self.figures["bare-same"].note = settings["summary"]
        if not self.args.keep:
            shutil.rmtree(docs, ignore_errors=True)

    def serve(self) -> None:
        """Start `kb serve`, wait for the first page, edit an article (then a tree), and poll
        the served page until the change shows. The server is stopped at the end."""
        ready = self.figures.setdefault("serve-ready", Figure(FIGURE_NAMES["serve-ready"]))
        article = self.figures.setdefault("serve-article",
                                          Figure(FIGURE_NAMES["serve-article"]))
        tree = self.figures.setdefault("serve-tree", Figure(FIGURE_NAMES["serve-tree"]))
        self.reset_caches()
        port = _free_port()
        base = f"http://127.0.0.1:{port}/"
        command = self.kb("serve", "--dev-addr", f"127.0.0.1:{port}")
        undo: list[Callable[[], None]] = []
        first_page: float | None = None
        log = self.logs / "serve.log"
        with open(log, "w", encoding="utf-8") as sink:
            start = time.perf_counter()
            proc = subprocess.Popen(command, cwd=self.root, env=self.env, stdout=sink,
                                    stderr=subprocess.STDOUT, start_new_session=True)
            memory = TreeMemory(proc.pid)
            memory.start()
            try:
                if _poll(base, lambda page: True, self.args.timeout, proc) is None:
                    ready.problem = _serve_problem(proc, log)
                    return
                first_page = time.perf_counter() - start
                self.checks["kb serve runs mkdocs serve with --dirty"] = _dirty(proc.pid)
                self._changes(article, proc, undo, base + self.stats.edit_article_url,
                              self.stats.edit_article, "\n\n## ", "{marker}.\n\n## ")
                tree_url = base + self.stats.edit_tree_url
                if _status(tree_url) != 200:
                    tree.skipped = f"no page at /{self.stats.edit_tree_url} to watch"
                else:
                    self._changes(tree, proc, undo, tree_url, self.stats.edit_tree,
                                  "\ntitle: ", "\ntitle: {marker} ")
            finally:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGINT)
                killer = threading.Timer(30, _killpg, (proc.pid,))
                killer.start()
                _, status, usage = os.wait4(proc.pid, 0)
                killer.cancel()
                memory.stop()
                proc.returncode = os.waitstatus_to_exitcode(status)
                for u in reversed(undo):
                    u()
                if first_page is not None:
                    ready.runs.append(Run(first_page, usage.ru_maxrss, 0, "",
                                          tree_kib=memory.peak_kib,
                                          tree_measure=memory.measure))
                    ready.note = "peak memory: the whole serve session"
                for figure in (article, tree):
                    if not figure.runs and not figure.problem and not figure.skipped:
                        figure.skipped = "not run: the server did not start"

    def _changes(self, figure: Figure, proc: subprocess.Popen[bytes],
                 undo: list[Callable[[], None]], url: str, rel: str, old: str,
                 new: str) -> None:
        """Edit `rel` `repeat` times; time each from the write until `url` shows the change."""
        for _ in range(self.args.repeat):
            marker = f"Benchmarkedit{len(undo) + 1}"
            text = new.format(marker=(" " if old.startswith("\n\n") else "") + marker)
            undo.append(self.edit(rel, old, text))
            t0 = time.perf_counter()
            seen = _poll(url, _contains(marker), self.args.timeout, proc)
            if seen is None:
                figure.problem = "the change never showed (see serve.log)"
                return
            figure.runs.append(Run(time.perf_counter() - t0, 0, 0, ""))
            self._progress(figure.name, figure.runs[-1])


def _serve_problem(proc: subprocess.Popen[bytes], log: Path) -> str:
    """Why `kb serve` served nothing: it exited (a rejected option, a failed build), or not."""
    if proc.poll() is None:
        return "never served a page (see serve.log)"
    output = log.read_text(encoding="utf-8", errors="replace")
    rejected = re.search(r"^.*error: (unrecognized arguments|argument|invalid choice).*$",
                         output, re.M)
    if rejected:
        return f"kb serve rejected its command line: {rejected.group(0).strip()}"
    return f"kb serve exited ({proc.returncode}) before serving: {_reason(output)}"


def _dirty(pid: int) -> str:
    """Whether the `mkdocs serve` under `pid` was given --dirty (only changed pages rebuilt)."""
    for child in process_tree(pid):
        with contextlib.suppress(OSError):
            argv = Path(f"/proc/{child}/cmdline").read_bytes().split(b"\0")
            if b"mkdocs" in argv and b"serve" in argv:
                return "yes" if b"--dirty" in argv else "no"
    return "unknown (no mkdocs serve process found)"


def _contains(marker: str) -> Callable[[str], bool]:
    return lambda page: marker in page


def _killpg(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pid, signal.SIGKILL)


def _reason(output: str) -> str:
    """The most telling line of a failed build's output."""
    lines = [ln.strip() for ln in output.splitlines() if ln.strip()]
    for ln in reversed(lines):
        if "Aborted" in ln or "Error" in ln or "error" in ln:
            return ln
    return lines[-1] if lines else "no output"


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            status: int = response.status
            return status
    except urllib.error.HTTPError as exc:
        exc.close()
        return exc.code
    except (urllib.error.URLError, OSError):
        return 0


def _poll(url: str, ok: Callable[[str], bool], timeout: float,
          proc: subprocess.Popen[bytes]) -> float | None:
    """Seconds until `url` answers 200 with a page that passes `ok`; None on timeout or when
    the server exits."""
    start = time.perf_counter()
    while time.perf_counter() - start < timeout:
        if proc.poll() is not None:
            return None
        try:
            with urllib.request.urlopen(url, timeout=10) as response:
                page = response.read().decode("utf-8", errors="replace")
                if response.status == 200 and ok(page):
                    return time.perf_counter() - start
        except urllib.error.HTTPError as exc:
            exc.close()
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.05)
    return None


# ---------------------------------------------------------------------------------------------
# Findability of the built site: clicks from the home page, and Material's search in Chromium

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-sync",
                 "--disable-background-networking", "--disable-component-update"]
#: how many article titles the search check types, and how far down their page must be
SEARCH_SAMPLE = 20
SEARCH_TOP = 5
#: the results count as shown once the results panel has not changed for this long
SEARCH_SETTLED_MS = 250
#: `href` of every `<a>`; MkDocs and Material write attributes in double quotes, and a regular
#: expression reads thousands of pages many times faster than an HTML parser
_HREF = re.compile(r"""<a\s[^>]*?\bhref\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.I)


def built_pages(site: Path) -> set[str]:
    """Every HTML page of a built site, as a path relative to the site folder."""
    return {p.relative_to(site).as_posix() for p in site.rglob("*.html")}


def page_links(page: str, html: str, pages: set[str]) -> set[str]:
    """The pages (of `pages`) that the `<a href>`s of `page`, whose HTML is `html`, point to.

    Relative and root-relative URLs are resolved against `page`; a folder URL (`x/`) means
    `x/index.html`; the fragment and query are dropped, so a link to an anchor of the same page
    leads nowhere new; links with a scheme or host (another site, mailto:) are left out.
    """
    here = posixpath.dirname(page)
    found: set[str] = set()
    for m in _HREF.finditer(html):
        href = html_text.unescape(next(g for g in m.groups() if g is not None))
        parts = urllib.parse.urlsplit(href)
        path = urllib.parse.unquote(parts.path)
        if parts.scheme or parts.netloc or not path:
            continue
        joined = posixpath.normpath(path.lstrip("/") if path.startswith("/")
                                    else posixpath.join(here, path))
        if path.endswith("/") or joined not in pages:
            joined = posixpath.normpath(posixpath.join(joined, "index.html"))
        if joined in pages:
            found.add(joined)
    return found


def click_depths(site: Path, pages: set[str], start: str = "index.html") -> dict[str, int]:
    """Clicks from `start` to every page reachable from it (breadth-first over `<a href>`s
    between the built pages); `start` itself is 0. Empty when there is no `start` page."""
    if start not in pages:
        return {}
    depth = {start: 0}
    queue = collections.deque([start])
    while queue:
        page = queue.popleft()
        html = (site / page).read_text(encoding="utf-8", errors="replace")
        for target in sorted(page_links(page, html, pages)):
            if target not in depth:
                depth[target] = depth[page] + 1
                queue.append(target)
    return depth


def published_articles(docs: Path) -> dict[str, str]:
    """Title by docs path (relative to `docs`) of every article whose status is published."""
    found: dict[str, str] = {}
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    for path in sorted(docs.rglob("*.md")):
        text = path.read_text(encoding="utf-8")
        end = text.find("\n---\n", 4)
        if not text.startswith("---\n") or end < 0:
            continue
        meta = yaml.load(text[4:end], Loader=loader)
        if isinstance(meta, dict) and "id" in meta and meta.get("status") == "published":
            found[path.relative_to(docs).as_posix()] = str(meta.get("title", ""))
    return found


def built_page(docs_path: str, pages: set[str]) -> str:
    """The built page (relative to the site) of the Markdown file `docs_path`."""
    stem = docs_path.removesuffix(".md")
    folder, _, name = stem.rpartition("/")
    if name in ("index", "README"):
        return posixpath.join(folder, "index.html")
    as_folder = f"{stem}/index.html"
    return as_folder if as_folder in pages or f"{stem}.html" not in pages else f"{stem}.html"


def clicks_report(depths: Mapping[str, int], articles: Sequence[str]) -> dict[str, Any]:
    """How many of `articles` (built pages) are how many clicks away; which are unreachable."""
    reached = collections.Counter(depths[a] for a in articles if a in depths)
    unreachable = [a for a in articles if a not in depths]
    return {"articles": len(articles), "max": max(reached, default=None),
            "distribution": {str(k): reached[k] for k in sorted(reached)},
            "unreachable": len(unreachable), "unreachable_examples": unreachable[:5]}


def findability(site: Path, docs: Path, args: argparse.Namespace,
                logs: Path) -> dict[str, dict[str, Any]]:
    """Clicks from the home page to every published article of the built `site`, and whether
    Material's search finds a sample of them by title (skipped without a browser)."""
    pages = built_pages(site)
    articles = {built_page(path, pages): title
                for path, title in published_articles(docs).items()}
    t0 = time.perf_counter()
    clicks = clicks_report(click_depths(site, pages), sorted(articles))
    clicks["seconds"] = round(time.perf_counter() - t0, 2)
    if args.skip_search:
        return {"clicks": clicks, "search": {"skipped": "--skip-search"}}
    return {"clicks": clicks, "search": search_check(site, articles, args.seed, logs)}


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


def search_unavailable() -> str:
    """Why the search check cannot run here ('' when it can)."""
    if importlib.util.find_spec("playwright") is None:
        return "Playwright's Python package is not installed"
    if not CHROMIUM.is_file():
        return f"no Chromium at {CHROMIUM}"
    return ""


#: records, in the page, the time of the last keyup in the search box and of the last change
#: to the results panel
SEARCH_WATCH_JS = """() => {
  const watch = window.__kbBench = {key: 0, change: 0};
  document.querySelector("input.md-search__input").addEventListener(
    "keyup", () => { watch.key = performance.now(); }, true);
  new MutationObserver(() => { watch.change = performance.now(); }).observe(
    document.querySelector(".md-search-result"),
    {childList: true, subtree: true, characterData: true});
}"""
SEARCH_SETTLED_JS = f"""() => {{
  const watch = window.__kbBench;
  return watch.change > watch.key && performance.now() - watch.change > {SEARCH_SETTLED_MS};
}}"""
SEARCH_LINKS_JS = """(items) => items.map((item) => {
  const link = item.querySelector("a");
  return link ? link.href : "";
})"""


def search_check(site: Path, articles: Mapping[str, str], seed: int,
                 logs: Path) -> dict[str, Any]:
    """Serve `site` on 127.0.0.1, open it in headless Chromium and type a fixed sample of
    article titles into Material's search box: is the article among the first results, and
    how long from the last keystroke until the results settle.

    Material searches on every keyup, so the title is filled in and only its last character
    typed: one search per title, timed alone.
    """
    why = search_unavailable()
    if why:
        return {"skipped": why}
    from playwright.sync_api import Error as BrowserError
    from playwright.sync_api import TimeoutError as BrowserTimeout
    from playwright.sync_api import sync_playwright

    sample = random.Random(seed).sample(sorted(articles.items()),
                                        min(SEARCH_SAMPLE, len(articles)))
    handler = functools.partial(_QuietHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    found: list[dict[str, Any]] = []
    try:
        with sync_playwright() as driver:
            browser = driver.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                             args=CHROMIUM_ARGS)
            try:
                page = browser.new_page()
                start = time.perf_counter()
                page.goto(base)
                page.evaluate(SEARCH_WATCH_JS)
                page.locator("label.md-search__icon, input.md-search__input").first.click()
                box = page.locator("input.md-search__input")

                def query(text: str) -> tuple[list[str], float]:
                    box.fill(text[:-1])
                    box.press_sequentially(text[-1])
                    page.wait_for_function(SEARCH_SETTLED_JS, timeout=60_000)
                    ms = float(page.evaluate("() => __kbBench.change - __kbBench.key"))
                    links: list[str] = page.eval_on_selector_all(
                        ".md-search-result__list > .md-search-result__item", SEARCH_LINKS_JS)
                    return [urllib.parse.urlsplit(u).path for u in links], ms

                query("payment")  # the first search waits for the index to load
                ready = time.perf_counter() - start
                prefix = urllib.parse.urlsplit(base).path
                for built, title in sample:
                    url = prefix + built.removesuffix("index.html")
                    try:
                        links, ms = query(title)
                    except BrowserTimeout:  # no results within a minute: not found
                        found.append({"title": title, "url": url, "top": False, "rank": None,
                                      "ms": None})
                        continue
                    # rank among the results Material has rendered (it renders more on scroll)
                    rank = links.index(url) + 1 if url in links else None
                    found.append({"title": title, "url": url,
                                  "top": rank is not None and rank <= SEARCH_TOP, "rank": rank,
                                  "ms": round(ms, 1)})
            finally:
                browser.close()
    except BrowserError as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        (logs / "search-check.log").write_text(str(exc), encoding="utf-8")
        return {"problem": f"{first} (see search-check.log)", "queries": found}
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
    times = [q["ms"] for q in found if q["ms"] is not None]
    return {"sample": len(found), "found": sum(q["top"] for q in found), "top": SEARCH_TOP,
            "median_ms": round(statistics.median(times), 1) if times else None,
            "timed_out": len(found) - len(times), "index_ready_seconds": round(ready, 2),
            "queries": found}


def findability_lines(found: Mapping[str, Mapping[str, Any]], why_not: str) -> list[str]:
    """The findability figures as printed lines (`why_not`: why there are none)."""
    clicks, search = found.get("clicks"), found.get("search")
    lines: list[str] = []
    if clicks is None or "skipped" in clicks:
        reason = clicks["skipped"] if clicks else why_not
        lines.append(f"clicks from the home page: not counted: {reason}")
    else:
        spread = ", ".join(f"{k}: {v:,}" for k, v in clicks["distribution"].items())
        lines.append(f"clicks from the home page (site/index.html) to each of the "
                     f"{clicks['articles']:,} published articles, following links between "
                     f"built pages: at most {clicks['max']}; articles by clicks {spread or '-'}; "
                     f"unreachable {clicks['unreachable']:,}")
    if search is None:
        lines.append(f"search check skipped: {why_not}")
    elif "skipped" in search:
        lines.append(f"search check skipped: {search['skipped']}")
    elif "problem" in search:
        lines.append(f"search check failed: {search['problem']}")
    else:
        median = "-" if search["median_ms"] is None else f"{search['median_ms']:.0f}"
        late = f"; {search['timed_out']} showed no results within a minute" \
            if search["timed_out"] else ""
        lines.append(f"search finds {search['found']}/{search['sample']} in the top "
                     f"{search['top']}, median {median} ms from the last keystroke to the "
                     f"results (headless Chromium, Material's search; the first results came "
                     f"{search['index_ready_seconds']:.1f} s after the home page was opened"
                     f"{late})")
    return lines



# ---------------------------------------------------------------------------------------------
# Reporting


@dataclass(frozen=True, slots=True)
class Ratio:
    name: str
    value: float | None
    shown: str
    target: str
    ok: bool | None


def ratios(figures: Mapping[str, Figure]) -> list[Ratio]:
    def sec(key: str) -> float | None:
        f = figures.get(key)
        return f.seconds if f is not None and not f.problem and not f.skipped else None

    out: list[Ratio] = []
    lint, test, export, floor = sec("lint"), sec("test"), sec("export"), sec("floor")
    check = sec("check")
    if check is not None and floor:
        out.append(Ratio("PR gate (kb check, one process) / floor", check / floor,
                         f"{check:.2f} s / {floor:.2f} s = {check / floor:.2f}x", "<= 2x",
                         check / floor <= 2))
    if lint is not None and test is not None and export is not None and floor:
        gate = lint + test + export
        out.append(Ratio("kb lint + kb test + kb export, three processes / floor",
                         gate / floor, f"{gate:.2f} s / {floor:.2f} s = {gate / floor:.2f}x",
                         "for comparison", None))
    warm = sec("lint-warm")
    if warm is not None and lint:
        out.append(Ratio("warm re-lint / cold lint", warm / lint,
                         f"{warm:.2f} s / {lint:.2f} s = {warm / lint:.0%}", "<= 10%",
                         warm / lint <= 0.10))
    build = sec("build")
    same = sec("bare-same")
    if build is not None and same:
        out.append(Ratio("kb build / bare build of the same pages (generated pages as files)",
                         build / same, f"{build:.1f} s / {same:.1f} s = {build / same:.2f}x",
                         "<= 1.10x", build / same <= 1.10))
    for key, label in (("bare", "kb build / bare build, authored pages only, MkDocs' own nav"),
                       ("bare-nav", "kb build / bare build, authored pages only, the kb nav")):
        bare = sec(key)
        if build is not None and bare:
            out.append(Ratio(label, build / bare,
                             f"{build:.1f} s / {bare:.1f} s = {build / bare:.2f}x",
                             "for comparison (fewer pages)", None))
    warm_build = sec("build-warm")
    if build is not None and warm_build is not None:
        out.append(Ratio("kb build, warm cache (after kb check) / cold", warm_build / build,
                         f"{warm_build:.1f} s / {build:.1f} s = {warm_build / build:.0%}",
                         "for comparison", None))
    if build is not None:
        out.append(Ratio("kb build, wall clock", build, f"{build:.1f} s", "< 60 s at 5,000",
                         build < 60))
    built = figures.get("build")
    if built is not None and built.peak_tree_mib is not None:
        peak = built.peak_tree_mib
        out.append(Ratio("kb build, peak memory (process tree)", peak,
                         f"{peak:.0f} MiB ({built.tree_measure}, summed over the processes)",
                         "< 1024 MiB", peak < 1024))
    seen = sec("serve-article")
    if seen is not None:
        out.append(Ratio("kb serve, article edit to page", seen, f"{seen:.1f} s",
                         "quick (no target)", None))
    tree = sec("serve-tree")
    if tree is not None:
        out.append(Ratio("kb serve, tree edit to page", tree, f"{tree:.1f} s",
                         "quick (no target)", None))
    return out


def table(headers: Sequence[str], rows: Sequence[Sequence[str]], right: set[int]) -> str:
    widths = [max([len(h), *(len(r[i]) for r in rows)]) for i, h in enumerate(headers)]

    def line(cells: Sequence[str]) -> str:
        return "| " + " | ".join(c.rjust(w) if i in right else c.ljust(w)
                                 for i, (c, w) in enumerate(zip(cells, widths, strict=True))) \
            + " |"

    rule = "|" + "|".join(("-" * (w + 1) + ":") if i in right else "-" * (w + 2)
                          for i, w in enumerate(widths)) + "|"
    return "\n".join([line(headers), rule, *(line(r) for r in rows)])


FIGURE_NAMES = {
    "floor-read": "floor: read every file",
    "floor": "floor: read + libyaml + markdown-it",
    "lint": "kb lint (cold)",
    "lint-warm": "kb lint (warm, one article edited)",
    "test": "kb test",
    "export": "kb export (agent exports)",
    "check": "kb check (PR gate: lint + cases + exports, one process)",
    "build": "kb build (site + exports, cold cache)",
    "build-warm": "kb build, warm cache (after kb check)",
    "bare": "mkdocs build (bare: authored pages only, MkDocs' own nav)",
    "bare-nav": "mkdocs build (bare: authored pages only, the kb nav)",
    "bare-same": "mkdocs build (bare: authored + generated pages as files, the kb nav)",
    "serve-ready": "kb serve: first page served",
    "serve-article": "kb serve: article edit visible",
    "serve-tree": "kb serve: tree edit visible",
}
FIGURE_ORDER = tuple(FIGURE_NAMES)
#: the --only step that times a figure (lint, test and export always run: they check the KB)
STEP_OF = {"floor-read": "floor", "lint-warm": "warm", "build-warm": "build",
           "serve-ready": "serve", "serve-article": "serve", "serve-tree": "serve"}
STEPS = ("floor", "check", "warm", "build", "bare", "bare-nav", "bare-same", "serve",
         "policies")
#: the steps --skip-site leaves out
SITE_STEPS = ("build", "bare", "bare-nav", "bare-same")


def figure_rows(figures: Mapping[str, Figure]) -> list[list[str]]:
    rows: list[list[str]] = []
    for key in FIGURE_ORDER:
        f = figures.get(key)
        if f is None:
            continue
        secs = f"{f.seconds:.2f}" if f.seconds is not None else "-"
        mib = f"{f.peak_mib:.0f}" if f.peak_mib else "-"
        tree = f"{f.peak_tree_mib:.0f}" if f.peak_tree_mib else "-"
        cpu = f"{f.cpu:.2f}" if f.cpu is not None else "-"
        spread = ""
        if len(f.runs) > 1:
            spread = f" (runs {min(r.seconds for r in f.runs):.2f}-" \
                     f"{max(r.seconds for r in f.runs):.2f})"
        status = f.skipped or f.problem or "ok"
        rows.append([f.name, secs + spread, cpu, mib, tree, status])
    return rows


FIGURE_HEADERS = ["step", "wall s (median)", "CPU s", "peak RSS MiB (largest process)",
                  "peak memory MiB (process tree)", "result"]


def memory_note(figures: Mapping[str, Figure]) -> str:
    """Says what the process-tree column sums."""
    used = {m for f in figures.values() for m in f.tree_measure.split("+") if m}
    what = {"PSS": "PSS from /proc/<pid>/smaps_rollup (a page shared by a parent and its "
                   "forked child counted once)",
            "RSS": "VmRSS from /proc/<pid>/status (shared pages counted in every process)"}
    sums = "; some processes: ".join(what[m] for m in ("PSS", "RSS") if m in used) or "-"
    return (f"peak memory (process tree): the largest sum over the process and all its "
            f"descendants, sampled about every {MEMORY_INTERVAL * 1000:.0f} ms, of {sums}; "
            f"peak RSS: "
            f"the largest single process (ru_maxrss)")


def ratio_rows(found: Sequence[Ratio]) -> list[list[str]]:
    verdict = {True: "meets", False: "MISSES", None: "-"}
    return [[r.name, r.shown, r.target, verdict[r.ok]] for r in found]


def code_version() -> str:
    """The git commit of the repository, whether scripts/kb differs from it, and a hash of the
    kb package's files as they are now (read-only git calls)."""
    h = hashlib.sha256()
    package = REPO / "scripts" / "kb"
    for path in sorted(package.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            h.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes())
    commit = dirty = ""
    with contextlib.suppress(OSError, subprocess.SubprocessError):
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, text=True,
                                capture_output=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "scripts/kb"], cwd=REPO,
                               text=True, capture_output=True, check=True).stdout.strip()
    where = f"git {commit}" + (" + uncommitted changes in scripts/kb" if dirty else "") \
        if commit else "not a git checkout"
    return f"{where}; package hash {h.hexdigest()[:12]}"


def machine() -> dict[str, str]:
    model = ""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    versions = {}
    for dist in ("mkdocs", "mkdocs-material", "markdown-it-py", "Markdown", "PyYAML"):
        try:
            versions[dist] = importlib.metadata.version(dist)
        except importlib.metadata.PackageNotFoundError:
            versions[dist] = "missing"
    return {
        "cpus": str(os.cpu_count()),
        "cpu": model or platform.processor(),
        "python": platform.python_version(),
        "libyaml": "yes" if getattr(yaml, "__with_libyaml__", False) else "no",
        **versions,
    }


# ---------------------------------------------------------------------------------------------
# Profiling `kb lint` (--profile)


# --- the safety-policy proof (KB7xx): its share of a cold kb lint, as one self-contained step ---

#: the policy every tree is proven against in this step
BENCH_POLICIES = """\
policies:
  bench-risk:
    title: Bench risk
    why: Every tree raises this signal on its first fact, so every path is proven.
    resolutions: [escalate]
    handled_by: [specialist]
    max_sla_hours: 24
    ask_before_ai: true
"""


def _bench_signal(fact: Mapping[str, Any]) -> object:
    """A `when` that some but not all values of the fact satisfy."""
    if fact.get("type") == "boolean":
        return True
    if fact.get("type") == "choice":
        return fact["options"][0]
    return {"gte": (fact.get("min") or 0) + 1}


def _tree_variants(root: Path) -> dict[Path, tuple[str, str]]:
    """Each generated tree file as (without signals, with a signal on its first fact), both
    written by the same YAML dumper so that parsing costs the same."""
    found: dict[Path, tuple[str, str]] = {}
    for path in sorted((root / "decision_trees").glob("*.yaml")):
        if path.name.endswith(".cases.yaml"):
            continue
        tree = yaml.safe_load(path.read_text(encoding="utf-8"))
        plain = yaml.safe_dump(tree, sort_keys=False, allow_unicode=True, width=100)
        first = next(iter(tree["facts"]))
        tree["facts"][first]["signals"] = {"bench-risk": _bench_signal(tree["facts"][first])}
        found[path] = (plain, yaml.safe_dump(tree, sort_keys=False, allow_unicode=True,
                                             width=100))
    return found


def policy_proof_overhead(bench: Bench) -> None:
    """Cold `kb lint` of the generated KB with every tree raising a signal that one policy
    constrains (KB7xx prove every path), against the same lint of the same trees without the
    signal and the policies file; runs interleaved, the median of each is compared."""
    variants = _tree_variants(bench.root)
    originals = {path: path.read_text(encoding="utf-8") for path in variants}
    policies = bench.root / "decision_trees" / "policies.yaml"

    def use(signalled: bool) -> None:
        for path, texts in variants.items():
            path.write_text(texts[signalled], encoding="utf-8")
        if signalled:
            policies.write_text(BENCH_POLICIES, encoding="utf-8")
        else:
            policies.unlink(missing_ok=True)

    plain = bench.figures.setdefault("lint-plain", Figure("kb lint (cold), trees as dumped"))
    proven = bench.figures.setdefault("lint-policies",
                                      Figure("kb lint (cold), every tree proven against a policy"))
    try:
        for n in range(bench.args.repeat):
            for signalled, figure in ((False, plain), (True, proven)):
                bench.reset_caches()
                use(signalled)
                run = run_process(bench.kb("lint"), bench.root, bench.env,
                                  bench.logs / f"lint-policies-{signalled}-{n + 1}.log",
                                  bench.args.timeout)
                figure.runs.append(run)
                bench._progress(figure.name, run)
    finally:
        for path, text in originals.items():
            path.write_text(text, encoding="utf-8")
        policies.unlink(missing_ok=True)
    base, with_proof = plain.seconds, proven.seconds
    if base and with_proof is not None:
        flagged = re.search(r"(\d+) errors?", proven.runs[-1].output)
        share = (with_proof - base) / base
        bench.checks["policy proof"] = (
            f"{len(variants)} trees proven; cold kb lint {base:.2f} s without, "
            f"{with_proof:.2f} s with ({share:+.1%}; target <= +10%); "
            f"{flagged.group(0) if flagged else 'no error count'} found")
        print(f"policy proof: {bench.checks['policy proof']}", file=bench.out, flush=True)


def profile_lint(bench: Bench, out: TextIO) -> None:
    """cProfile `kb lint` cold and warm in one process, and time the load and each rule."""
    root, logs = bench.root, bench.logs
    print("\n## Where `kb lint` spends its time\n", file=out)
    for label, prepare in (("cold (no cache)", bench.reset_caches),
                           ("warm (cache filled, one article edited)", None)):
        key = "cold" if prepare else "warm"
        undo: Callable[[], None] | None = None
        if prepare is not None:
            prepare()
        else:
            undo = bench.edit(bench.stats.edit_article, "\n\n## ",
                              " Edited for the warm profile.\n\n## ")
        prof = logs / f"lint-{key}.prof"
        try:
            run = run_process([sys.executable, program("profile_kb"), str(prof), "--root",
                               str(root), "lint"], root, bench.env,
                              logs / f"lint-profile-{key}.log", bench.args.timeout)
        finally:
            if undo is not None:
                undo()
        print(f"### {label}: {run.seconds:.1f} s under cProfile, in one process\n", file=out)
        if not prof.exists():
            print(f"no profile written: {run.tail}", file=out)
            continue
        _print_profile(prof, out)
    for mode in ("one", "auto"):
        per_rule = run_process([sys.executable, program("per_rule"), str(root), mode], root,
                               bench.env, logs / f"lint-per-rule-{mode}.log", bench.args.timeout)
        rows: list[tuple[float, str]] = []
        for line in per_rule.output.splitlines():
            parts = line.split()
            if len(parts) >= 2 and re.fullmatch(r"[0-9.]+", parts[-1]):
                rows.append((float(parts[-1]), " ".join(parts[:-1])))
        if per_rule.code or not rows:
            print(f"per-rule timing unavailable: {per_rule.tail}", file=out)
            return
        rows.sort(reverse=True)
        total = sum(sec for sec, _ in rows)
        how = "in one process" if mode == "one" else "with the loader's own parallelism"
        print(f"\n### load, then each rule, {how} (cache as the cold profile left it; rules "
              f"that share a memo: the first pays)\n", file=out)
        print(table(["step", "s", "share"],
                    [[name, f"{sec:.3f}", f"{sec / total:.0%}"] for sec, name in rows[:20]]
                    + [["all", f"{total:.3f}", "100%"]], {1, 2}), file=out)


def _print_profile(prof: Path, out: TextIO) -> None:
    """Our functions by own time and by cumulative time; then the library calls they make."""
    stats = pstats.Stats(str(prof))
    total = stats.total_tt  # type: ignore[attr-defined]
    ours: list[tuple[float, float, int, str]] = []
    others: list[tuple[float, int, str]] = []
    for (filename, line, name), (_, calls, own, cumulative, _) in \
            stats.stats.items():  # type: ignore[attr-defined]
        where = filename.replace("\\", "/")
        short = where.split("/kb/", 1)[-1] if "/kb/" in where else posixpath.basename(where)
        if "/kb/" in where and "site-packages" not in where:
            ours.append((own, cumulative, calls, f"kb/{short}:{line}({name})"))
        else:
            others.append((own, calls, f"{short}:{line}({name})"))
    print(f"total {total:.2f} s\n", file=out)
    ours.sort(reverse=True)
    print(table(["our function (by own time)", "own s", "cumulative s", "calls"],
                [[n, f"{o:.2f}", f"{c:.2f}", f"{k:,}"] for o, c, k, n in ours[:15]],
                {1, 2, 3}), file=out)
    print("", file=out)
    by_cum = sorted(ours, key=lambda row: -row[1])
    print(table(["our function (by cumulative time)", "cumulative s", "share"],
                [[n, f"{c:.2f}", f"{c / total:.0%}"] for _, c, _, n in by_cum[:20]], {1, 2}),
          file=out)
    print("", file=out)
    others.sort(reverse=True)
    print(table(["library or builtin (by own time)", "own s", "calls"],
                [[n, f"{o:.2f}", f"{k:,}"] for o, k, n in others[:12]], {1, 2}), file=out)
    print("", file=out)


# ---------------------------------------------------------------------------------------------
# Command line


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else "")
    p.add_argument("--sizes", default="1000", help="comma-separated article counts "
                   "(default: 1000)")
    p.add_argument("--out", type=Path, default=DEFAULT_OUT,
                   help=f"scratch folder for the knowledge bases, logs and results.json "
                        f"(default: {DEFAULT_OUT})")
    p.add_argument("--keep", action="store_true",
                   help="keep the generated knowledge bases (default: delete them at the end)")
    p.add_argument("--repeat", type=int, default=1, help="runs per step; the median is shown")
    p.add_argument("--skip-site", action="store_true",
                   help="skip the site builds (kb build and the bare mkdocs builds)")
    p.add_argument("--skip-serve", action="store_true", help="skip the kb serve figures")
    p.add_argument("--skip-search", action="store_true",
                   help="skip the search check in Chromium (the click counts still run)")
    p.add_argument("--default-nav-max", type=int, default=10_000, metavar="N",
                   help="skip the bare build with MkDocs' own nav above N articles: with a "
                        "theme that does not prune the nav it grows quadratically (about 16 "
                        "minutes at 5,000 with navigation.sections) (default: 10000)")
    p.add_argument("--only", metavar="STEPS",
                   help=f"time only these of {','.join(STEPS)} (kb lint, kb test and kb "
                        "export always run: they check the generated knowledge base)")
    p.add_argument("--profile", action="store_true",
                   help="also profile `kb lint` at the largest size (cProfile, per rule)")
    p.add_argument("--generate-only", action="store_true",
                   help="generate the knowledge bases and stop")
    p.add_argument("--seed", type=int, default=DEFAULT_SEED)
    p.add_argument("--today", type=dt.date.fromisoformat, default=DEFAULT_TODAY,
                   help=f"the `today` set in the copied mkdocs.yml (default: {DEFAULT_TODAY})")
    p.add_argument("--timeout", type=float, default=1800, help="seconds before a step is "
                   "stopped and reported as timed out (default: 1800)")
    p.add_argument("--config", type=Path, default=REPO / "mkdocs.yml",
                   help="the mkdocs.yml whose theme and vocabularies to copy")
    p.add_argument("--live-code", action="store_true",
                   help="run the kb package in place; by default a copy taken at the start is "
                        "run, so edits made to the code during a long run do not mix versions")
    p.add_argument("-v", "--verbose", action="store_true", help="print each run as it ends")
    args = p.parse_args(argv)
    try:
        args.size_list = [int(s) for s in args.sizes.split(",") if s.strip()]
    except ValueError:
        p.error(f"--sizes takes comma-separated integers, not {args.sizes!r}")
    if not args.size_list or min(args.size_list) < 10:
        p.error("each size must be at least 10 articles")
    if args.repeat < 1:
        p.error("--repeat must be at least 1")
    if args.default_nav_max < 0:
        p.error("--default-nav-max must not be negative")
    args.steps = set(STEPS)
    args.skip_reason = {}
    if args.only is not None:
        chosen = {s.strip() for s in args.only.split(",") if s.strip()}
        if chosen - set(STEPS):
            p.error(f"--only takes steps from {','.join(STEPS)}, not "
                    f"{','.join(sorted(chosen - set(STEPS)))}")
        args.skip_reason.update({s: "not selected (--only)" for s in set(STEPS) - chosen})
        args.steps = chosen
    if args.skip_site:
        args.steps -= set(SITE_STEPS)
        args.skip_reason.update({s: "skipped (--skip-site)" for s in SITE_STEPS})
    if args.skip_serve:
        args.steps.discard("serve")
        args.skip_reason["serve"] = "skipped (--skip-serve)"
    return args


def bench_size(size: int, args: argparse.Namespace, out: TextIO) -> dict[str, Any] | None:
    root = args.out / f"kb-{size}"
    logs = args.out / f"logs-{size}"
    shutil.rmtree(logs, ignore_errors=True)
    logs.mkdir(parents=True)
    t0 = time.perf_counter()
    stats = generate(root, size, args.seed, args.today, args.config)
    generated = time.perf_counter() - t0
    print(f"\n## {size:,} articles\n", file=out)
    print(f"{stats.articles:,} articles ({stats.words:,} words, "
          f"{stats.words // max(1, stats.articles)} per article; {stats.links:,} internal links; "
          f"{stats.macros} macros, {stats.restricted} restricted, {stats.deprecated} deprecated, "
          f"{stats.drafts} drafts) in {stats.sections} sections / {stats.subsections} "
          f"subsections; {stats.trees} trees ({stats.nodes:,} nodes), {stats.cases:,} cases; "
          f"generated in {generated:.1f} s into {root}", file=out, flush=True)
    result: dict[str, Any] = {"size": size, "stats": dataclasses.asdict(stats),
                              "generate_seconds": round(generated, 2)}
    if args.generate_only:
        return result
    bench = Bench(root, logs, stats, args, out)
    load_before = os.getloadavg()
    if "floor" in args.steps:
        bench.floor()
    if not bench.gate():
        return None
    print(f"checked: kb lint reports {bench.checks['lint']}; kb test reports "
          f"{bench.checks['test']}", file=out, flush=True)
    steps: list[tuple[str, Callable[[], None]]] = [
        ("check", bench.check), ("warm", bench.warm_lint), ("build", bench.build),
        ("bare", bench.bare), ("bare-nav", bench.bare_with_kb_nav),
        ("bare-same", bench.bare_same_pages), ("serve", bench.serve),
        ("policies", functools.partial(policy_proof_overhead, bench))]
    for step, run in steps:
        if step in args.steps:
            run()
    for key, name in FIGURE_NAMES.items():
        if key not in bench.figures:
            bench.figures[key] = Figure(name, skipped=args.skip_reason.get(
                STEP_OF.get(key, key), "not run"))
    for check in ("warm lint sees a new error", "kb serve runs mkdocs serve with --dirty"):
        if check in bench.checks:
            print(f"checked: {check}: {bench.checks[check]}", file=out)
    print("", file=out)
    print(table(FIGURE_HEADERS, figure_rows(bench.figures), {1, 2, 3, 4}), file=out)
    print(memory_note(bench.figures), file=out)
    for key in FIGURE_ORDER:
        figure = bench.figures.get(key)
        if figure is not None and figure.note and figure.runs:
            print(f"{figure.name}: {figure.note}", file=out)
    load = os.getloadavg()
    print(f"load average {load_before[0]:.2f} before, {load[0]:.2f} after (1 min; "
          f"{os.cpu_count()} CPUs)" + (" - the machine was busy: wall times are inflated, "
                                       "CPU times less so" if max(load_before[0], load[0])
                                       > 0.75 * (os.cpu_count() or 1) else ""), file=out)
    found = ratios(bench.figures)
    print("", file=out)
    print(table(["ratio", "value", "target", "verdict"], ratio_rows(found), set()), file=out,
          flush=True)
    print("\nFindability of the site `kb build` made (cold cache):", file=out)
    why_not = f"kb build was {args.skip_reason['build']}" if "build" in args.skip_reason \
        else "kb build did not run"
    for line in findability_lines(bench.findability, why_not):
        print(f"- {line}", file=out)
    if args.profile and size == max(args.size_list):
        profile_lint(bench, out)
    result.update({
        "figures": {k: f.as_json() for k, f in bench.figures.items()},
        "ratios": [{"name": r.name, "value": r.value, "shown": r.shown, "target": r.target,
                    "ok": r.ok} for r in found],
        "checks": bench.checks,
        "findability": bench.findability or {"skipped": why_not},
    })
    return result


def main(argv: Sequence[str] | None = None, out: TextIO | None = None) -> int:
    out = out or sys.stdout
    args = parse_args(argv)
    args.out = args.out.resolve()
    args.out.mkdir(parents=True, exist_ok=True)
    info = machine()
    version = code_version()
    info["code"] = version
    args.code_path = ""
    if not args.live_code:
        copy = args.out / "code"
        shutil.rmtree(copy, ignore_errors=True)
        shutil.copytree(REPO / "scripts" / "kb", copy / "kb",
                        ignore=shutil.ignore_patterns("__pycache__"))
        args.code_path = str(copy)
    print("# Knowledge base benchmark\n", file=out)
    print(f"{info['cpus']} CPUs ({info['cpu']}), Python {info['python']}, "
          f"mkdocs {info['mkdocs']}, material {info['mkdocs-material']}, "
          f"markdown-it-py {info['markdown-it-py']}, PyYAML {info['PyYAML']} "
          f"(libyaml: {info['libyaml']}); seed {args.seed}, today {args.today}, "
          f"repeat {args.repeat}", file=out, flush=True)
    print(f"code: {version}" + ("" if args.live_code else
                                f", run from a copy in {args.code_path}"), file=out, flush=True)
    results: list[dict[str, Any]] = []
    code = 0
    try:
        for size in args.size_list:
            found = bench_size(size, args, out)
            if found is None:
                code = 1
                break
            results.append(found)
            (args.out / "results.json").write_text(
                json.dumps({"machine": info, "seed": args.seed, "today": str(args.today),
                            "repeat": args.repeat, "sizes": results}, indent=2) + "\n",
                encoding="utf-8")
    finally:
        if not args.keep:
            for size in args.size_list:
                shutil.rmtree(args.out / f"kb-{size}", ignore_errors=True)
    if args.live_code and code_version() != version:
        print(f"warning: the kb package changed during the run (now {code_version()}); the "
              "figures mix code versions", file=out)
    if len(results) > 1 and not args.generate_only:
        print("\n## Summary\n", file=out)
        print(summary_table(results), file=out)
    print(f"\nresults: {args.out / 'results.json'}", file=out)
    return code


def summary_table(results: Sequence[Mapping[str, Any]]) -> str:
    keys = [k for k in FIGURE_ORDER if any(k in r["figures"] for r in results)]
    rows = []
    for key in keys:
        name = next(r["figures"][key]["name"] for r in results if key in r["figures"])
        cells = [name]
        for r in results:
            f = r["figures"].get(key)
            if f is None or f["seconds"] is None:
                cells.append((f["skipped"] or f["problem"] or "-").split(";")[0] if f else "-")
            else:
                mark = " !" if f["problem"] else ""
                cells.append(f"{f['seconds']:.2f} s{mark}")
        rows.append(cells)
    names: list[str] = []
    for r in results:
        for ratio in r["ratios"]:
            if ratio["name"] not in names:
                names.append(ratio["name"])
    for name in names:
        cells = [name]
        for r in results:
            found = next((x for x in r["ratios"] if x["name"] == name), None)
            cells.append(found["shown"].split(" = ")[-1] if found else "-")
        rows.append(cells)
    rows += findability_rows(results)
    headers = ["figure", *(f"{r['size']:,} articles" for r in results)]
    return table(headers, rows, set(range(1, len(headers)))) + \
        "\n(! = the step ran but failed; see its row above)"


def findability_rows(results: Sequence[Mapping[str, Any]]) -> list[list[str]]:
    """The summary's rows for the click counts and the search check, one cell per size."""
    clicks = ["clicks from the home page to an article: max (unreachable)"]
    search = [f"search: articles found by title in the top {SEARCH_TOP}, median ms"]
    for r in results:
        found = r.get("findability", {})
        c, q = found.get("clicks", {}), found.get("search", {})
        clicks.append(f"{c['max']} ({c['unreachable']:,})" if "max" in c else "-")
        search.append(f"{q['found']}/{q['sample']}, {q['median_ms']:.0f} ms"
                      if q.get("median_ms") is not None else "-")
    return [clicks, search]


if __name__ == "__main__":
    sys.exit(main())
