"""What the text and Markdown reports print alike: number formats and the columns of figures."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from kb.quality.agreement import AgreementFigures, landis_koch
from kb.quality.metrics import Figures


def pct(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1%}"


def number(value: float | None, digits: int = 2) -> str:
    return "n/a" if value is None else f"{value:.{digits}f}"


def seconds(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.0f}s"


@dataclass(frozen=True, slots=True)
class Column:
    """A column of program figures: its heading in text and in Markdown, and its cell."""

    text: str
    markdown: str
    cell: Callable[[Figures], str]


FIGURE_COLUMNS: tuple[Column, ...] = (
    Column("cases", "Cases", lambda f: str(f.cases)),
    Column("containment", "Containment", lambda f: pct(f.containment)),
    Column("deflection", "Deflection", lambda f: pct(f.deflection)),
    Column("escalation", "Escalation", lambda f: pct(f.escalation)),
    Column("FCR", "FCR", lambda f: pct(f.fcr)),
    Column("reopen", "Reopen", lambda f: pct(f.reopen)),
    Column("AHT", "AHT", lambda f: seconds(f.aht)),
    Column("p90", "p90", lambda f: seconds(f.aht_p90)),
    Column("CSAT", "CSAT", lambda f: number(f.csat_mean)),
    Column("CSAT 4-5", "CSAT 4-5", lambda f: pct(f.csat_satisfied_share)),
)


def figure_cells(f: Figures) -> list[str]:
    return [column.cell(f) for column in FIGURE_COLUMNS]


def agreement_cells(f: AgreementFigures, absent: str) -> list[str]:
    """The agreement figures of a tree (or all) after its name; `absent` marks what is not
    known (no method, no band)."""
    return [str(f.cases), str(f.unlabeled), str(f.once), str(f.twice), str(f.more),
            pct(f.observed), pct(f.base_rate), number(f.kappa), f.method or absent,
            landis_koch(f.kappa) or absent]
