"""Static SVG charts for the Quality pages, drawn with matplotlib and readable without colour.

Every series differs by more than its colour: bars carry hatches and their values as direct
labels, lines carry distinct markers and dash patterns and are labelled at their ends. Colours
are the Okabe-Ito palette (safe for the common colour-vision deficiencies).

Output is deterministic: no date or creator in the metadata, `svg.hashsalt` fixed per chart
(so element ids differ between the charts of one page but never between builds), and text kept
as text (`svg.fonttype: none`), so it stays selectable and small. `inline_svg` turns a chart
into markup that can sit inside a Markdown page: no XML prolog or DOCTYPE, no global `<style>`,
a `<title>` for screen readers, and a width that follows the page.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from html import escape

import matplotlib

matplotlib.use("Agg")

from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import PercentFormatter

__all__ = ["Series", "bar_chart", "calibration_chart", "confusion_chart", "inline_svg",
           "line_chart"]

PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442")
HATCHES = ("", "///", "...", "xx", "\\\\\\", "++")
MARKERS = ("o", "s", "^", "D", "v", "P")
DASHES = ("-", "--", "-.", ":", (0, (5, 1, 1, 1)), (0, (1, 1)))
INK = "#222222"


@dataclass(frozen=True, slots=True)
class Series:
    name: str
    values: Sequence[float | None]


@contextmanager
def _style(salt: str) -> Iterator[None]:
    with matplotlib.rc_context({
        "svg.hashsalt": f"kb-{salt}",
        "svg.fonttype": "none",
        # with text kept as text, the browser picks the font: name a generic fallback too
        "font.family": ["DejaVu Sans", "sans-serif"],
        "font.sans-serif": ["DejaVu Sans", "Arial", "Helvetica"],
        "font.size": 9,
        "axes.edgecolor": INK,
        "axes.labelcolor": INK,
        "xtick.color": INK,
        "ytick.color": INK,
        "text.color": INK,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "hatch.linewidth": 0.8,
    }):
        yield


def _svg(fig: Figure, title: str) -> str:
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", bbox_inches="tight",
                metadata={"Date": None, "Creator": None})
    return buffer.getvalue()


def bar_chart(salt: str, title: str, labels: Sequence[str], values: Sequence[float | None],
              value_format: str = "{:.0%}", xlabel: str = "", limit: float | None = 1.0) -> str:
    """Horizontal bars, one per label (top to bottom in the order given), each labelled with
    its value; None draws no bar and says "n/a"."""
    with _style(salt):
        fig = Figure(figsize=(7.2, 0.42 * max(len(labels), 1) + 0.9))
        ax = fig.add_subplot()
        positions = list(range(len(labels)))[::-1]
        shown = [v if v is not None else 0.0 for v in values]
        ax.barh(positions, shown, color=PALETTE[0], edgecolor=INK, hatch=HATCHES[1],
                linewidth=0.6, height=0.6)
        top = limit if limit is not None else max([*shown, 1e-9]) * 1.15
        for y, v in zip(positions, values, strict=True):
            text = "n/a" if v is None else value_format.format(v)
            ax.text((v or 0.0) + top * 0.01, y, text, va="center", ha="left", fontsize=8)
        ax.set_yticks(positions, labels)
        ax.set_xlim(0, top * 1.12)
        if limit == 1.0:
            ax.xaxis.set_major_formatter(PercentFormatter(1.0))
        ax.set_xlabel(xlabel)
        ax.set_title(title, loc="left", fontsize=10)
        return _svg(fig, title)


def line_chart(salt: str, title: str, x_labels: Sequence[str], series: Sequence[Series],
               ylabel: str = "", percent: bool = True) -> str:
    """Lines over shared x positions, each with its own marker and dash, named at its end."""
    with _style(salt):
        fig = Figure(figsize=(7.2, 3.4))
        ax = fig.add_subplot()
        xs = list(range(len(x_labels)))
        ends: list[tuple[float, float, str]] = []
        for i, s in enumerate(series):
            points = [(x, v) for x, v in zip(xs, s.values, strict=True) if v is not None]
            if not points:
                continue
            ax.plot([p[0] for p in points], [p[1] for p in points],
                    color=PALETTE[i % len(PALETTE)], marker=MARKERS[i % len(MARKERS)],
                    linestyle=DASHES[i % len(DASHES)], linewidth=1.6, markersize=5,
                    label=s.name)
            ends.append((points[-1][0], points[-1][1], s.name))
        top = 1.0 if percent else max([y for _, y, _ in ends] + [1.0]) * 1.1
        for x, y, name in _spread(ends, gap=top * 0.06):
            ax.text(x + 0.25, y, name, va="center", fontsize=8, color=INK)
        _x_axis(ax, x_labels)
        ax.set_xlim(-0.5, len(xs) - 0.5 + max(1.0, len(xs) * 0.28))
        if percent:
            ax.set_ylim(0, 1)
            ax.yaxis.set_major_formatter(PercentFormatter(1.0))
        else:
            ax.set_ylim(bottom=0)
        ax.set_ylabel(ylabel)
        ax.grid(axis="y", color="#dddddd", linewidth=0.6)
        ax.set_title(title, loc="left", fontsize=10)
        return _svg(fig, title)


def calibration_chart(salt: str, title: str, confidence: Sequence[float],
                      accuracy: Sequence[float], counts: Sequence[int]) -> str:
    """A reliability diagram: accuracy against mean confidence per bucket, the diagonal marking
    perfect calibration, each point labelled with its case count."""
    with _style(salt):
        fig = Figure(figsize=(4.8, 4.2))
        ax = fig.add_subplot()
        ax.plot([0, 1], [0, 1], color="#777777", linestyle="--", linewidth=1)
        ax.annotate("perfectly calibrated", (0.62, 0.55), rotation=38, fontsize=8,
                    color="#555555")
        ax.plot(confidence, accuracy, color=PALETTE[0], marker="o", linewidth=1.6,
                markersize=6)
        for x, y, n in zip(confidence, accuracy, counts, strict=True):
            ax.annotate(f"n={n}", (x, y), xytext=(5, -10), textcoords="offset points",
                        fontsize=7)
        ax.set_xlim(0, 1.05)
        ax.set_ylim(0, 1.05)
        ax.xaxis.set_major_formatter(PercentFormatter(1.0))
        ax.yaxis.set_major_formatter(PercentFormatter(1.0))
        ax.set_xlabel("mean confidence in bucket")
        ax.set_ylabel("accuracy in bucket")
        ax.set_title(title, loc="left", fontsize=10)
        return _svg(fig, title)


def confusion_chart(salt: str, title: str, labels: Sequence[str],
                    counts: Sequence[Sequence[int]]) -> str:
    """A confusion matrix: a row per expected label, a column per predicted one, each cell
    shaded by its share of its row and labelled with its count (readable without the shade)."""
    with _style(salt):
        size = 0.55 * max(len(labels), 1) + 2.6
        fig = Figure(figsize=(size + 1.2, size))
        ax = fig.add_subplot()
        shares = [[n / (sum(row) or 1) for n in row] for row in counts]
        ax.imshow(shares, cmap="Blues", vmin=0.0, vmax=1.0, aspect="equal")
        for y, row in enumerate(counts):
            for x, n in enumerate(row):
                if n:
                    ax.text(x, y, str(n), ha="center", va="center", fontsize=8,
                            color="white" if shares[y][x] > 0.6 else INK,
                            fontweight="bold" if x == y else "normal")
        ax.set_xticks(range(len(labels)), labels, rotation=45, ha="right")
        ax.set_yticks(range(len(labels)), labels)
        ax.set_xlabel("routed to")
        ax.set_ylabel("expected")
        ax.set_title(title, loc="left", fontsize=10)
        return _svg(fig, title)


def _spread(ends: list[tuple[float, float, str]], gap: float
            ) -> list[tuple[float, float, str]]:
    """End labels moved apart vertically (at least `gap`) so close lines stay readable."""
    placed: list[tuple[float, float, str]] = []
    for x, y, name in sorted(ends, key=lambda e: e[1]):
        if placed and y < placed[-1][1] + gap:
            y = placed[-1][1] + gap
        placed.append((x, y, name))
    return placed


def _x_axis(ax: Axes, labels: Sequence[str]) -> None:
    xs = list(range(len(labels)))
    step = max(1, len(labels) // 12)
    ax.set_xticks(xs[::step], [labels[i] for i in xs[::step]], rotation=45, ha="right")


_PROLOG = re.compile(r"^\s*<\?xml[^>]*\?>\s*(<!DOCTYPE[^>]*>\s*)?", re.S)
_STYLE = re.compile(r"<style[^>]*>.*?</style>\s*", re.S)
_METADATA = re.compile(r"<metadata>.*?</metadata>\s*", re.S)
_SVG_OPEN = re.compile(r"<svg\b([^>]*)>")
#: matplotlib's automatic ids (figure_1, patch_2, ...) repeat in every chart; nothing uses them
_AUTO_ID = re.compile(r'\sid="[A-Za-z][A-Za-z0-9.]*_\d+"')


def inline_svg(svg: str, title: str, chart_id: str) -> str:
    """The chart as markup for inside an HTML page, on lines without blank ones (so Markdown
    keeps it as one raw HTML block)."""
    body = _AUTO_ID.sub("", _METADATA.sub("", _STYLE.sub("", _PROLOG.sub("", svg))))
    match = _SVG_OPEN.search(body)
    if match is None:
        raise ValueError("not an SVG document")
    attributes = re.sub(r'\s(width|height)="[^"]*"', "", match.group(1))
    title_id = f"{chart_id}-title"
    opening = (f'<svg{attributes} width="100%" role="img" aria-labelledby="{title_id}" '
               f'style="max-width: 46rem; height: auto; stroke-linejoin: round;">'
               f'<title id="{title_id}">{escape(title)}</title>')
    body = body[:match.start()] + opening + body[match.end():]
    return "\n".join(line for line in body.splitlines() if line.strip())
