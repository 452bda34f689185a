"""Property: any bytes as an article, a tree or a case file give findings or a clean load, never
an exception. Fixed seed and bounded examples; KB_FUZZ_EXAMPLES raises the count for a longer
(nightly) run."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kbtest import load_and_lint, make_kb, run_cli

EXAMPLES = int(os.environ.get("KB_FUZZ_EXAMPLES", "60"))
TARGETS = ("docs/guides/refund.md", "docs/guides/index.md", "decision_trees/refund.yaml",
           "decision_trees/refund.cases.yaml")
_ROOT = make_kb(Path(tempfile.mkdtemp(prefix="kb-fuzz-")) / "kb")
_ORIGINAL = {rel: (_ROOT / rel).read_bytes() for rel in TARGETS if (_ROOT / rel).exists()}

#: fragments that reach deeper than random bytes: front matter, YAML and Markdown syntax
_PIECES = st.sampled_from([
    "---\n", "id: x\n", "title: T\n", "visibility: restricted\n", "nodes:\n", "  start:\n",
    "    ask: a\n", "cases:\n  - id: c\n", "[", "]", "(", ")", "{", "}", "- ", ": ", "&a ", "*a",
    "!!python/object ", "# H\n", "```\n", "<script>", "\t", "\n", "\ufeff", "\x00", "é", "yes",
    "999999999999999999999999", "'", '"', "\\", "|\n", ">\n",
])
_CONTENT = st.one_of(st.binary(max_size=600),
                     st.lists(_PIECES, max_size=60).map(lambda parts: "".join(parts).encode()),
                     st.text(max_size=400).map(str.encode))


@settings(derandomize=True, max_examples=EXAMPLES, deadline=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(target=st.sampled_from(TARGETS), content=_CONTENT)
def test_any_bytes_give_findings_never_an_exception(target: str, content: bytes) -> None:
    path = _ROOT / target
    try:
        path.write_bytes(content)
        _, result = load_and_lint(_ROOT)  # raises on any internal error
        assert all(d.path and d.line >= 1 and d.col >= 1 for d in result.diagnostics)
    finally:
        original = _ORIGINAL.get(target)
        if original is None:
            path.unlink(missing_ok=True)
        else:
            path.write_bytes(original)


@settings(derandomize=True, max_examples=max(EXAMPLES // 3, 1), deadline=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(target=st.sampled_from(TARGETS), content=_CONTENT)
def test_any_bytes_through_the_command_line_exit_0_or_1(target: str, content: bytes) -> None:
    """What an author meets: `kb lint` reports content problems (exit 1) or nothing (exit 0);
    exit 2 and a traceback are for usage and internal errors, never for content."""
    path = _ROOT / target
    try:
        path.write_bytes(content)
        code, text = run_cli(_ROOT, "lint", "--no-cache")
        assert code in (0, 1), text
        assert "Traceback" not in text and "internal error" not in text, text
    finally:
        original = _ORIGINAL.get(target)
        if original is None:
            path.unlink(missing_ok=True)
        else:
            path.write_bytes(original)
