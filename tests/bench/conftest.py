"""The benchmark is a package in scripts/ that is not installed: put scripts/ on the path."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))
