"""KB331 compares only candidate pairs of examples: it finds exactly what comparing every pair
finds."""

from __future__ import annotations

import random
from collections import Counter

import pytest

from kb.lint.rules.routing.duplicates import _alike, _may_be_alike, _twins


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


@pytest.mark.parametrize("seed", range(20))
def test_the_word_count_bound_never_rules_out_a_near_identical_pair(seed: int) -> None:
    rng = random.Random(seed)
    vocabulary = [f"w{k}" for k in range(6)]
    lists = [[rng.choice(vocabulary) for _ in range(rng.randint(0, 24))] for _ in range(30)]
    for words in list(lists):  # near twins: one word changed, or moved elsewhere
        twin = list(words)
        if twin:
            word = twin.pop(rng.randrange(len(twin)))
            twin.insert(rng.randint(0, len(twin)), word if rng.random() < 0.5
                        else rng.choice(vocabulary))
        lists.append(twin)
    pairs = [(a, b) for a in lists for b in lists]
    assert any(_alike(a, b) and a != b for a, b in pairs), "the data must hold near twins"
    assert any(not _may_be_alike(Counter(a), Counter(b)) for a, b in pairs)
    assert all(_may_be_alike(Counter(a), Counter(b)) for a, b in pairs if _alike(a, b))
