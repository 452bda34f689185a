"""Run the benchmark: `python scripts/bench [options]` (or `python -m bench` from scripts/)."""

import sys
from pathlib import Path

if not __package__:  # run as a folder: put scripts/ on the path so `bench` imports as a package
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.cli import main

if __name__ == "__main__":
    sys.exit(main())
