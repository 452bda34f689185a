"""KB7xx: safety policies: the risk signals facts raise (`signals`), the policies file that says
what an outcome reached with each signal raised must be (`definition`), and the proof of every
policy over every path of every tree (`paths`, `proof`)."""

from kb.lint.rules.policies import definition, proof, signals

__all__ = ["definition", "proof", "signals"]
