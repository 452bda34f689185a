"""Times the load and then each rule, in one process, through the runner's own entry point.

    python per_rule.py ROOT one|auto

`one` keeps the load in this process (a sleeping thread stops the loader forking workers);
`auto` lets it fork as `kb lint` does. Prints `load SECONDS`, then `CODE NAME SECONDS` per rule.
"""

from __future__ import annotations

import gc
import sys
import threading
import time
from pathlib import Path

from kb.lint.registry import all_rules
from kb.lint.runner import LintContext, run_rules
from kb.loader import load, load_config


def main(argv: list[str]) -> int:
    if argv[1] == "one":
        threading.Thread(target=time.sleep, args=(3600,), daemon=True).start()
    t = time.perf_counter()
    loaded = load(load_config(Path(argv[0])))
    print(f"load {time.perf_counter() - t:.3f}")
    kb = loaded.kb
    gc.collect()
    gc.freeze()  # a collection over the loaded KB would land in whichever rule runs then
    ctx = LintContext(kb, kb.config.judged_on(), loaded.ambiguous)
    for r in all_rules():
        t = time.perf_counter()
        run_rules(ctx, [r])
        print(f"{r.code} {r.name} {time.perf_counter() - t:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
