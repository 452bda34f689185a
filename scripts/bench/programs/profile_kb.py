"""Runs `kb` under cProfile in one process and writes the profile.

    python profile_kb.py PROFILE KB-ARGS...

The loader forks parse workers only from a process with no other threads; a sleeping thread
keeps all the work here, where cProfile can see it.
"""

from __future__ import annotations

import cProfile
import sys
import threading
import time

from kb.cli import main as kb_main


def main(argv: list[str]) -> int:
    threading.Thread(target=time.sleep, args=(3600,), daemon=True).start()
    profile = cProfile.Profile()
    code: int = profile.runcall(kb_main, argv[1:])
    profile.dump_stats(argv[0])
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
