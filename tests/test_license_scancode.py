"""Stage ``license``: codestack's speed-ups of ScanCode's internals give ScanCode's own answers, and
step aside on versions they were not verified against (transforms/license/scancode.py)."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from transforms import license as lic
from license_cases import canonical, MIT, GPL3


@pytest.fixture
def engine(license_engine):
    """ScanCode's index, loaded once per test session (tests/conftest.py)."""
    return license_engine


def test_candidate_filter_gives_scancode_s_own_candidates(engine):
    from licensedcode import match_set
    from licensedcode.query import build_query

    index = engine.scanner._index
    original = match_set.compute_candidates.scancode_original
    assert match_set.compute_candidates is not original  # installed by make_engine
    texts = [MIT.replace("Permission is hereby granted", "Permission is granted"), GPL3[:6000],
             canonical("bsd-new").replace("Redistributions", "Copies"), canonical("apache-2.0")[:5000],
             "This program is free software; you may use it under the terms of the licence below.\n" + MIT[200:]]
    compared = 0
    for text in texts:
        query = build_query(query_string=text, idx=index)
        for run in [query.whole_query_run()] + list(query.query_runs):
            for top, high in ((70, False), (10, True)):
                expected = original(run, index, index.approx_matchable_rids, top=top, high_resemblance=high)
                assert match_set.compute_candidates(run, index, index.approx_matchable_rids, top=top,
                                                    high_resemblance=high) == expected
                compared += bool(expected)
    assert compared >= 5
    high = match_set.high_tids_set_subset
    assert high is not high.scancode_original
    from intbitset import intbitset

    for tids in (intbitset(), intbitset([0, 5, index.len_legalese - 1, index.len_legalese, 20000]),
                 intbitset(range(0, 30000, 7))):
        assert high(tids, index.len_legalese) == high.scancode_original(tids, index.len_legalese)
    from collections import defaultdict

    multi = match_set.multisets_intersector
    assert multi is not multi.scancode_original
    rule_msets = [m for m in index.msets_by_rid[:3000:7] if m is not None]
    for query in ({}, {1: 2, 5: 1}, dict(list(rule_msets[3].items())[:40]), {k: 3 for k in range(0, 5000, 3)},
                  {**{k: 1 for k in range(200)}, 7: 0}):
        for mset in rule_msets + [{}, {7: 0, 9: 2}]:
            expected = multi.scancode_original(defaultdict(int, query), defaultdict(int, mset))
            assert multi(defaultdict(int, query), defaultdict(int, mset)) == expected


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.integers(1, 60) | st.integers(1, 3000), st.integers(1, 60) | st.integers(1, 3000)),
                min_size=2, max_size=80),
       st.integers(1, 120) | st.integers(1, 5000), st.sampled_from([0.8, 0.85, 0.5]), st.integers(1, 40))
def test_best_ranked_holds_scancode_s_best(rules, distinct, resemblant, keep):
    """_best_ranked keeps every rule ScanCode's first step ranks among its best ``keep``
    (small lengths: many exact and rounded ties, and half tenths)."""
    import numpy as np

    lengths = np.array([length for length, _ in rules], dtype=np.int64)
    matched = np.array([min(m, length, distinct) for length, m in rules], dtype=np.int64)
    rids = np.arange(len(rules), dtype=np.int64) * 3
    resemblance = matched / (distinct + lengths - matched)
    containment = matched / lengths
    keep = min(keep, len(rules))
    kept = set(rids[lic._best_ranked(rids, resemblance, containment, matched, keep, resemblant)].tolist())

    def scancode_rank(i):  # match_set.compare_token_sets's ScoresVectors, then the rid
        m, length = int(matched[i]), int(lengths[i])
        res = m / (distinct + length - m)
        cont = m / length
        return ((round(res, 1) >= resemblant, round(cont, 1), round(res ** 2, 1), round(m / 20, 1)),
                (res >= resemblant, cont, res ** 2, m)), int(rids[i])

    best = sorted(range(len(rules)), key=scancode_rank, reverse=True)[:keep]
    assert {int(rids[i]) for i in best} <= kept


def test_an_unverified_scancode_version_runs_scancode_s_own_functions(engine, monkeypatch, caplog):
    """The speed-ups replace ScanCode internals: on a scancode-toolkit version they were not
    verified against, a warning says so and ScanCode's own functions run, with the same results."""
    from licensedcode import detection, match_set

    from transforms.license import scancode

    index = engine.scanner._index
    texts = [MIT.replace("Permission is hereby granted", "Permission is granted"), GPL3[:6000],
             canonical("bsd-new").replace("Redistributions", "Copies"), "# Licensed under the MIT License.\n"]
    expected = [engine.scanner.detect(text, approximate=True) for text in texts]
    assert lic.speedups_enabled() and scancode.scancode_version() in lic.VERIFIED_SCANCODE
    monkeypatch.setattr(scancode, "scancode_version", lambda: "99.0.0")
    try:
        lic.uninstall_speedups()
        with caplog.at_level("WARNING"):
            assert not lic.install_speedups(index)
            assert not lic.speedups_enabled()
        assert caplog.text.count("scancode-toolkit 99.0.0") == 1  # once per process and version
        assert not hasattr(match_set.compute_candidates, "scancode_original")
        assert not hasattr(detection.is_false_positive, "scancode_original")
        assert scancode._detection_class() is detection.LicenseDetection
        assert [engine.scanner.detect(text, approximate=True) for text in texts] == expected
    finally:
        monkeypatch.undo()
        assert lic.install_speedups(index)
    assert hasattr(match_set.compute_candidates, "scancode_original")
    monkeypatch.setenv("CODESTACK_SCANCODE_SPEEDUPS", "0")
    assert not lic.speedups_enabled()


def test_lazy_false_positive_check_agrees_with_scancode(engine):
    """is_false_positive renders matched texts only when its rule checks would say True:
    same answers as ScanCode's own on matches that are and are not false positives."""
    from licensedcode import detection

    index = engine.scanner._index
    lazy = detection.is_false_positive
    original = lazy.scancode_original
    assert lazy is not original  # installed by make_engine
    filler = "x = 1\n" * 1001
    texts = [MIT, "# SPDX-License-Identifier: MIT\n", "Licensed under the GPL.\n", filler + "gpl\n",
             filler + "license: gpl\n", filler + "GPL GPL\n", "Copyright (c) 2020 A. Person\nlicense: gpl\n",
             filler + "This is freeware.\n", filler + "public domain\n", "licence: BSD\n" + filler + "GPL\n"]
    answers = []
    for text in texts:
        matches = index.match(query_string=text)
        for group in [matches] + [[m] for m in matches]:
            for package in (False, True):
                expected = original(group, package)
                assert lazy(group, package) == expected
                answers.append(expected)
    assert lazy([], False) == original([], False)
    assert True in answers and False in answers
