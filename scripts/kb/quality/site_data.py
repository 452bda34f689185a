"""The quality data a site build shows, loaded once per KnowledgeBase.

`quality_data(kb)` reads the files that `quality_predictions` and `quality_cases` name (paths
relative to the repository root) the first time it is asked for a KnowledgeBase and returns the
same object afterwards, so the Quality pages, every tree page and the diagrams of one build
read each data file once. A file that cannot be used is not fatal: its error is kept and the
pages say what is wrong.
"""

from __future__ import annotations

import posixpath
import weakref
from dataclasses import dataclass
from pathlib import Path

from kb.model import KnowledgeBase
from kb.quality import has_quality_data
from kb.quality.agreement import AgreementReport, agreement_report
from kb.quality.casedata import CaseDataError, detect_format
from kb.quality.evaluation import EvalReport, evaluate
from kb.quality.metrics import MetricsReport, compute_metrics
from kb.quality.predictions import read_predictions
from kb.quality.sample import SAMPLE_CASES, SAMPLE_PREDICTIONS

__all__ = ["DataFile", "QualityData", "quality_data"]

#: bad rows listed on the pages (all are counted)
LISTED_ROWS = 100
#: how many KnowledgeBase objects keep their data (`mkdocs serve` makes one per rebuild)
_CACHE_SIZE = 4


@dataclass(frozen=True, slots=True)
class DataFile:
    #: as configured, relative to the repository root
    path: str
    #: True when it is the shipped synthetic sample
    sample: bool
    #: why it could not be used ('' when it could)
    error: str
    #: its path relative to docs_dir when the site publishes it ('' when it is outside docs/)
    published_as: str


@dataclass(frozen=True, slots=True)
class QualityData:
    predictions: DataFile | None
    cases: DataFile | None
    evaluation: EvalReport | None
    metrics: MetricsReport | None
    agreement: AgreementReport

    @property
    def sample(self) -> bool:
        """True when any configured file is the shipped sample."""
        return any(f is not None and f.sample for f in (self.predictions, self.cases))


#: weak references: a cached KnowledgeBase is freed as soon as nothing else holds it
_cache: list[tuple[weakref.ref[KnowledgeBase], QualityData | None]] = []


def quality_data(kb: KnowledgeBase) -> QualityData | None:
    """The quality data for `kb`, or None when the config names no data file."""
    for known, data in _cache:
        if known() is kb:
            return data
    data = _load(kb)
    _cache[:] = [(k, d) for k, d in _cache if k() is not None][-(_CACHE_SIZE - 1):]
    _cache.append((weakref.ref(kb), data))
    return data


def _load(kb: KnowledgeBase) -> QualityData | None:
    config = kb.config
    if not has_quality_data(config):
        return None
    evaluation: EvalReport | None = None
    metrics: MetricsReport | None = None
    predictions = cases = None
    if config.quality_predictions:
        rel = config.quality_predictions
        error = ""
        try:
            evaluation = evaluate(kb, read_predictions(config.root / rel, kb, source=rel))
        except OSError as exc:
            error = f"cannot read {rel}: {exc.strerror or exc}"
        predictions = _file(kb, rel, rel == SAMPLE_PREDICTIONS, error)
    if config.quality_cases:
        rel = config.quality_cases
        error = ""
        try:
            metrics = compute_metrics(kb, config.root / rel, detect_format(Path(rel)),
                                      max_listed=LISTED_ROWS, source=rel)
        except (CaseDataError, ValueError) as exc:
            error = str(exc)
        cases = _file(kb, rel, rel == SAMPLE_CASES, error)
    return QualityData(predictions, cases, evaluation, metrics, agreement_report(kb))


def _file(kb: KnowledgeBase, rel: str, sample: bool, error: str) -> DataFile:
    docs = kb.config.docs_dir.strip("/") + "/"
    normal = posixpath.normpath(rel)
    published = normal[len(docs):] if normal.startswith(docs) else ""
    return DataFile(rel, sample, error, published)
