"""The synthetic knowledge base: a fixed-seed plan of articles, trees and cases written with the
project's real schema and vocabularies."""

from __future__ import annotations

import datetime as dt
import itertools
import posixpath
import random
import re
import shutil
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from markdown.extensions.toc import slugify

from kb.config import KbConfig
from kb.loader import load_config
from kb.when import holds

REPO = Path(__file__).resolve().parents[2]
DEFAULT_TODAY = dt.date(2026, 6, 30)
DEFAULT_SEED = 6
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




@dataclass(frozen=True, slots=True)
class Shape:
    """How a synthetic knowledge base is laid out; sizes scale with the article count."""

    name: str
    #: at most this many sections, each with at most `subsections` sub-folders
    sections: int
    subsections: int
    #: level-2 headings per article; `tables`: a table under every one (else under some of a
    #: reference article's), and no level-3 headings
    h2: int
    tables: bool
    #: every article and tree on the configured first product (and its market)
    one_product: bool
    #: nodes per tree, about
    tree_nodes: tuple[int, int]


SHAPES = {
    # articles of six sections with subsections, spread over every product and market
    "varied": Shape("varied", 20, 6, 6, False, False, (18, 22)),
    # issue 19's shape: five sections with a table each, 20 sections x 5 sub-folders, all on
    # one market and one product (so a browse page by market or product lists every article)
    "one-market": Shape("one-market", 20, 5, 5, True, True, (12, 14)),
}
DEFAULT_SHAPE = SHAPES["varied"]


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


def _labelled(fact: Mapping[str, object]) -> dict[str, object]:
    """A fact as authors write it: each choice option with the label people read."""
    options = fact.get("options")
    if not isinstance(options, list):
        return dict(fact)
    return {**fact, "options": [{"value": o, "label": _capital(str(o).replace("-", " "))}
                                for o in options]}


def _pick(config_words: Sequence[str], preferred: Sequence[str], rng: random.Random,
          k: int) -> list[str]:
    """`k` distinct words from the config's vocabulary, preferring those in `preferred`."""
    pool = [w for w in preferred if w in config_words] or list(config_words)
    return sorted(rng.sample(pool, min(k, len(pool))))


class Generator:
    """Writes one synthetic knowledge base. Same seed, size and config: same bytes."""

    def __init__(self, config: KbConfig, size: int, seed: int, today: dt.date,
                 shape: Shape = DEFAULT_SHAPE) -> None:
        self.config = config
        self.size = size
        self.today = today
        self.shape = shape
        self.rng = random.Random(f"{seed}-{size}" if shape == DEFAULT_SHAPE
                                 else f"{seed}-{size}-{shape.name}")
        self.words = Words(self.rng)
        self.subsections = self._plan_sections()
        self.articles: list[ArticlePlan] = []
        self.link_count = 0
        self.word_count = 0
        self._by_sub: dict[Subsection, list[ArticlePlan]] = {}
        self._by_section: dict[str, list[ArticlePlan]] = {}

    # --- plan -----------------------------------------------------------------------------

    def _plan_sections(self) -> list[Subsection]:
        n_sections = min(self.shape.sections, max(1, self.size // 10))
        n_subs = min(self.shape.subsections, max(1, self.size // (n_sections * 5)))
        products = list(self.config.products) or ["general"]
        if self.shape.one_product:
            products = products[:1]
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
            h2 = sorted(r.sample(range(len(pool)), self.shape.h2))
            h3 = iter(r.sample(H3, len(H3)))
            headings: list[tuple[int, str]] = [(1, title)]
            for j, index in enumerate(h2):
                headings.append((2, pool[index]))
                if self.shape.tables:
                    continue
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
        if a.type == "policy":
            # policies need sources (KB520); checked when last reviewed, so never overdue
            meta["sources"] = [{"title": f"Circular behind {a.title.lower()}",
                                "type": "regulation", "circular": f"BENCH/{a.id}",
                                "checked": meta["reviewed"]}]
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
            if level == 2 and (self.shape.tables or (a.type == "reference"
                                                     and r.random() < 0.4)):
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
        target = r.randint(*self.shape.tree_nodes)

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
            "applies_when": f"A customer reports a {label} {problem}.",
            # the case number twice keeps every tree's examples apart (KB331)
            "examples": [f"case {i}: {label} {problem}, message {n} of case {i}"
                         for n in range(1, 9)],
            "start": start,
            "facts": {fid: _labelled(spec) for fid, spec in facts.items()},
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
    """The repository's mkdocs.yml for a synthetic KB: `today` fixed; no explicit `nav`, no
    Quality-page inputs (both name the real content) and no required translations (it has
    none); the theme left exactly as it is."""
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
                    dropping = bool(re.match(r"(today|quality_\w+|translations)\s*:", o.strip()))
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


class AnyTagLoader(yaml.SafeLoader):
    """Reads a mkdocs.yml whatever its tags (`!!python/name:`, `!ENV`): tagged values are None."""


AnyTagLoader.add_multi_constructor("", lambda loader, suffix, node: None)


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
             source_config: Path = REPO / "mkdocs.yml",
             shape: Shape = DEFAULT_SHAPE) -> KbStats:
    """Write a synthetic KB of `size` articles laid out as `shape` into `root` (replaced if it
    exists)."""
    if root.exists():
        shutil.rmtree(root)
    root.mkdir(parents=True)
    text = site_config(source_config.read_text(encoding="utf-8"), today)
    (root / "mkdocs.yml").write_text(text, encoding="utf-8")
    (root / "mkdocs-bare.yml").write_text(bare_config(text), encoding="utf-8")
    config = load_config(root)
    return Generator(config, size, seed, today, shape).write(root)
