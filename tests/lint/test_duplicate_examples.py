"""KB331 compares only candidate pairs of examples: it finds exactly what comparing every pair
finds."""

from __future__ import annotations

import random

import pytest

from kb.lint.rules.routing.duplicates import _alike, _twins


@pytest.mark.parametrize("seed", range(20))
def test_candidates_find_every_near_identical_pair(seed: int) -> None:
    rng = random.Random(seed)
    vocabulary = [f"w{k}" for k in range(12)]
    base = [[rng.choice(vocabulary) for _ in range(rng.randint(0, 14))] for _ in range(25)]
    read = [*base]
    for words in base:  # near twins: one word changed, dropped or added
        twin = list(words)
        if twin and rng.random() < 0.5:
            twin[rng.randrange(len(twin))] = rng.choice(vocabulary)
        else:
            twin.insert(rng.randint(0, len(twin)), rng.choice(vocabulary))
        read.append(twin)
    owners = [str(rng.randrange(6)) for _ in read]
    every = [(i, j) for i in range(len(read)) for j in range(len(read))
             if owners[i] != owners[j] and _alike(read[i], read[j])]
    assert every, "the data must hold near-identical pairs"
    assert sorted(_twins(read, owners)) == every
