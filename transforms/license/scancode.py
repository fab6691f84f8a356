"""Speed-ups of ScanCode internals, installed once per process by :func:`make_engine`:
the candidate filter of approximate matching and the lazy false-positive check.

They replace functions inside ScanCode (``licensedcode.match_set``,
``licensedcode.detection``), so they are used only on the scancode-toolkit versions they
were verified against (:data:`VERIFIED_SCANCODE`: tests/test_license.py compares each
with ScanCode's own function on that version). On any other version a warning says so
once per process, and ScanCode's own functions run: slower, the same results by
construction. ``CODESTACK_SCANCODE_SPEEDUPS=0`` turns them off anywhere."""

from __future__ import annotations

import functools
import itertools
import logging
import os
from typing import Callable, Dict, List, Optional

#: scancode-toolkit versions the speed-ups were verified against
VERIFIED_SCANCODE = ("32.5.0",)
_LOG = logging.getLogger(__name__)
_WARNED: set = set()


@functools.lru_cache(maxsize=None)
def scancode_version() -> str:
    import importlib.metadata

    for name in ("scancode-toolkit", "scancode-toolkit-mini"):
        try:
            return importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            continue
    return "not installed"


def speedups_enabled() -> bool:
    """True on a verified scancode-toolkit version (unless ``CODESTACK_SCANCODE_SPEEDUPS=0``);
    else False, with a warning once per process and version."""
    if os.environ.get("CODESTACK_SCANCODE_SPEEDUPS", "1") == "0":
        return False
    version = scancode_version()
    if version in VERIFIED_SCANCODE:
        return True
    if version not in _WARNED:
        _WARNED.add(version)
        _LOG.warning("scancode-toolkit %s: codestack's speed-ups of ScanCode's internals were verified on %s only; "
                     "using ScanCode's own functions (slower license scans, the same results)", version,
                     ", ".join(VERIFIED_SCANCODE))
    return False


def _detection_class():
    """ScanCode's ``LicenseDetection`` without its ``identifier`` (:func:`_lean_detection_class`)
    where the speed-ups are enabled, else ScanCode's own class."""
    if speedups_enabled():
        return _lean_detection_class()
    from licensedcode.detection import LicenseDetection

    return LicenseDetection


@functools.lru_cache(maxsize=None)
def _lean_detection_class():
    """ScanCode's ``LicenseDetection`` without its ``identifier``: ScanCode computes that
    uuid from the tokenized matched text of every match (a third of a header scan's
    time, measured on bench/e2e's corpus); codestack never reads it. Everything else
    (analysis, expression, SPDX expression, clue handling) is ScanCode's own code."""
    from licensedcode.detection import LicenseDetection

    class Detection(LicenseDetection):
        @property
        def identifier_with_expression(self):
            return None

    return Detection


class CandidateFilter:
    """Leaves out, before ScanCode ranks them, the rules its approximate matching would
    reject anyway; ScanCode then ranks the others with its own code, so the candidates,
    and the matches, are the same.

    ScanCode's ``match_set.compute_candidates`` compares a query's token set with each of
    its ~37,000 rules in turn, in Python (0.2 s to seconds per license file, most of the
    license stage's time). Its first step drops every rule whose intersection with the
    query has fewer tokens than the rule's ``min_matched_length_unique``, fewer
    legalese tokens than its ``min_high_matched_length_unique``, or a containment (the
    share of the rule's tokens in the query) under its minimum; those are computed here
    for all rules at once with numpy, and only the rules that pass go to ScanCode as
    ``matchable_rids``.
    """

    def __init__(self, index):
        import numpy as np

        sets = index.sets_by_rid
        rules = index.rules_by_rid
        lengths = np.fromiter((len(s) if s is not None else 0 for s in sets), np.int64, len(sets))
        tokens = np.fromiter(itertools.chain.from_iterable(s for s in sets if s is not None), np.int64,
                             int(lengths.sum()))
        # postings: for each token id, the rules whose token set holds it (rids in order)
        order = np.argsort(tokens, kind="stable")
        self._postings = np.repeat(np.arange(len(sets), dtype=np.int64), lengths)[order]
        by_token = tokens[order]
        self._vocabulary = int(tokens.max()) + 1 if len(tokens) else 0
        every = np.arange(self._vocabulary)
        self._first = np.searchsorted(by_token, every, side="left")
        self._count = np.searchsorted(by_token, every, side="right") - self._first
        self._len_legalese = index.len_legalese
        self._rules = len(sets)
        self._allowed = (None, None)
        # a rule passes only with at least one token and one legalese token in common
        self._min_matched = np.maximum(1, np.fromiter(
            (r.get_min_matched_length(True) if r is not None else 0 for r in rules), np.int64, len(rules)))
        self._min_high = np.maximum(1, np.fromiter(
            (r.get_min_high_matched_length(True) if r is not None else 0 for r in rules), np.int64, len(rules)))
        self._known = lengths > 0
        self._lengths = np.maximum(lengths, 1)
        self._min_containment = np.fromiter(
            ((r._minimum_containment or 0.0) if r is not None else 0.0 for r in rules), np.float64, len(rules))

    def passing(self, token_ids, matchable_rids, keep: int = 0, resemblant: float = 0.8,
                high_resemblance: bool = False) -> List[int]:
        """The rids (ascending) of ``matchable_rids`` that can pass ScanCode's first step for a query
        run with these token ids (``-1``: a position that cannot match).

        ``high_resemblance``: ScanCode's first step then keeps only the rules whose
        resemblance, and its rounding to a tenth, are at least ``resemblant``; both are
        computed here as Python computes them (see :func:`_tenths`).
        ``keep``: ScanCode's first step keeps only its best ``keep`` rules (``top * 10``);
        rules that ``keep`` others certainly outrank are left out too (see :func:`_best_ranked`);
        the rest is a superset of ScanCode's best ``keep``, which its own ranking then picks."""
        import numpy as np

        ids = np.unique(np.fromiter((t for t in token_ids if t >= 0), np.int64))
        distinct = len(ids)
        ids = ids[ids < self._vocabulary]
        # each distinct query token adds one to the intersection of every rule holding it
        matched = self._intersections(ids)
        high = self._intersections(ids[ids < self._len_legalese])
        ok = self._known & (matched >= self._min_matched) & (high >= self._min_high)
        containment = matched / self._lengths
        # ScanCode: ``if minimum_containment and containment < minimum_containment`` (the same
        # IEEE division and comparison in numpy as in Python)
        ok &= ~((self._min_containment > 0) & (containment < self._min_containment))
        rids = np.flatnonzero(ok & self._allowed_mask(matchable_rids))
        m = matched[rids]
        resemblance = m / (distinct + self._lengths[rids] - m)
        if high_resemblance:
            similar = (resemblance >= resemblant) & (_tenths(resemblance) / 10.0 >= resemblant)
            rids, m, resemblance = rids[similar], m[similar], resemblance[similar]
        if keep and len(rids) > keep:
            rids = rids[_best_ranked(rids, resemblance, containment[rids], m, keep, resemblant)]
        return rids.tolist()

    def _intersections(self, ids):
        """Per rule, how many of the token ``ids`` (distinct) its set holds."""
        import numpy as np

        first, count = self._first[ids], self._count[ids]
        total = int(count.sum())
        if not total:
            return np.zeros(self._rules, dtype=np.int64)
        # positions first[i] .. first[i] + count[i] - 1 of every id, as one array
        offsets = np.repeat(first - (np.cumsum(count) - count), count) + np.arange(total)
        return np.bincount(self._postings[offsets], minlength=self._rules)

    def _allowed_mask(self, matchable_rids):
        """``matchable_rids`` as a mask (ScanCode passes the same set every time: kept)."""
        import numpy as np

        key, mask = self._allowed
        if key is not matchable_rids or len(mask) != self._rules or int(mask.sum()) != len(matchable_rids):
            mask = np.zeros(self._rules, dtype=bool)
            mask[np.fromiter(matchable_rids, np.int64)] = True
            self._allowed = (matchable_rids, mask)
        return mask


def _tenths(values, exact: Optional[Callable[[int], float]] = None):
    """``round(x, 1)`` of Python, in tenths (int64), for each of ``values``. For the few
    within a hair of a half tenth, where a float's last bit decides, Python rounds them
    itself: ``round(values[i], 1)``, or ``exact(i)`` (elsewhere ``x * 10`` rounds the same way)."""
    import numpy as np

    scaled = values * 10
    whole = np.floor(scaled)
    part = scaled - whole
    tenths = whole.astype(np.int64) + (part > 0.5)
    close = np.flatnonzero(np.abs(part - 0.5) <= 1e-6)
    for i in close.tolist():
        tenths[i] = round((exact(i) if exact else round(float(values[i]), 1)) * 10)
    return tenths


def _best_ranked(rids, resemblance, containment, matched, keep: int, resemblant: float):
    """Positions (ascending) of a superset of the ``keep`` candidates ScanCode's first step
    ranks best. It sorts ``(rounded, full), rid`` descending, where ``rounded`` is
    ``(round(resemblance, 1) >= resemblant, round(containment, 1), round(resemblance ** 2, 1),
    round(matched / 20, 1))`` and ``full`` the same four unrounded.

    The rounded part is computed here exactly as Python rounds, and the full part
    exactly but for ``resemblance ** 2`` (C's ``pow``, within a bit of ``r * r``): the
    ``keep``-th best in this order, K, bounds the rest. A candidate ScanCode ranks above
    K has a rounded part and a containment at least K's, and, where both equal K's,
    a squared resemblance at least K's, so a resemblance within a relative 1e-12 of
    K's at least. All of those are kept."""
    import numpy as np

    similar = _tenths(resemblance)
    # one int64 per candidate, its four parts in their own digits (tenths of at most 10, 10, 10, 10**12)
    rounded = (
        (similar / 10.0 >= resemblant).astype(np.int64) * 10**17  # tenths / 10.0: the double round() returns
        + _tenths(containment) * 10**15
        + _tenths(resemblance * resemblance, lambda i: round(float(resemblance[i]) ** 2, 1)) * 10**13
        + _tenths(matched / 20)
    )
    highly = resemblance >= resemblant
    order = np.lexsort((rids, matched, resemblance, containment, highly, rounded))  # last key first, ascending
    k = order[len(order) - keep]
    above = (rounded > rounded[k]) | ((rounded == rounded[k]) & (
        (highly > highly[k]) | ((highly == highly[k]) & (
            (containment > containment[k]) | ((containment == containment[k]) & (
                resemblance >= resemblance[k] * (1 - 1e-12)))))))
    return np.flatnonzero(above)


class _RuleSubset:
    """What ``match_set.compute_candidates`` reads of an index, for some of its rules."""

    __slots__ = ("rules_by_rid", "sets_by_rid", "msets_by_rid", "len_legalese")

    def __init__(self, index, rids: List[int]):
        self.rules_by_rid = [index.rules_by_rid[rid] for rid in rids]
        self.sets_by_rid = [index.sets_by_rid[rid] for rid in rids]
        self.msets_by_rid = [index.msets_by_rid[rid] for rid in rids]
        self.len_legalese = index.len_legalese


_CANDIDATE_FILTERS: Dict[int, CandidateFilter] = {}


def _replace(module, name: str, make: Callable[[Callable], Callable]) -> None:
    """``module.name = make(original)``, where ``original`` is ScanCode's own function (also
    when it was replaced before), kept on the replacement as ``scancode_original``."""
    current = getattr(module, name)
    original = getattr(current, "scancode_original", current)
    replacement = make(original)
    replacement.scancode_original = original
    setattr(module, name, replacement)


def _restore(module, name: str) -> None:
    current = getattr(module, name)
    setattr(module, name, getattr(current, "scancode_original", current))


def uninstall_speedups() -> None:
    """ScanCode's own functions again (what :func:`install_candidate_filter` and
    :func:`install_lazy_false_positive` replaced)."""
    from licensedcode import detection, match_set

    for name in ("compute_candidates", "high_tids_set_subset", "multisets_intersector"):
        _restore(match_set, name)
    _restore(detection, "is_false_positive")
    _CANDIDATE_FILTERS.clear()


def install_speedups(index) -> bool:
    """Both speed-ups, where :func:`speedups_enabled`; returns whether they are installed."""
    if not speedups_enabled():
        return False
    install_candidate_filter(index)
    install_lazy_false_positive()
    return True


def install_candidate_filter(index) -> None:
    """Route ScanCode's ``compute_candidates`` for ``index`` through a :class:`CandidateFilter`
    (once per process; other indexes, and bigram matching, go to ScanCode's code as is)."""
    from licensedcode import match_set

    if id(index) in _CANDIDATE_FILTERS:
        return
    _CANDIDATE_FILTERS[id(index)] = CandidateFilter(index)
    _replace(match_set, "compute_candidates", _filtered_candidates)
    _replace(match_set, "high_tids_set_subset", _legalese_subset)
    _replace(match_set, "multisets_intersector", lambda _original: _multisets_intersection)


def _filtered_candidates(original):
    def compute_candidates(query_run, idx, matchable_rids, *args, **kwargs):
        candidate_filter = _CANDIDATE_FILTERS.get(id(idx))
        if candidate_filter is None or kwargs.get("_use_bigrams") or len(args) >= 4:
            return original(query_run, idx, matchable_rids, *args, **kwargs)
        top = kwargs.get("top", args[0] if args else 50)
        high_resemblance = kwargs.get("high_resemblance", args[1] if len(args) > 1 else False)
        resemblant = kwargs.get("high_resemblance_threshold", args[2] if len(args) > 2 else 0.8)
        # its first step keeps the best top * 10 (of the highly resemblant ones with high_resemblance)
        rids = candidate_filter.passing(query_run.matchable_tokens(), matchable_rids, top * 10, resemblant,
                                        high_resemblance)
        # ScanCode's loop visits every rule of the index to test ``rid in matchable_rids``;
        # it is handed a view of the passing rules only, renumbered in the same order (its
        # ranking breaks ties by rid, which the renumbering keeps), and the rids are mapped back
        subset = _RuleSubset(idx, rids)
        found = original(query_run, subset, range(len(rids)), *args, **kwargs)
        return [(scores, rids[local], rule, intersection) for scores, local, rule, intersection in found]

    return compute_candidates


def _legalese_subset(_original):
    """The legalese part of a rule/query intersection: ScanCode builds it element by element
    in Python for every rule; an intersection with the legalese range is the same set."""
    legalese = {}

    def high_tids_set_subset(tids_set, len_legalese):
        high = legalese.get(len_legalese)
        if high is None:
            from intbitset import intbitset

            high = legalese[len_legalese] = intbitset(range(len_legalese))
        return tids_set & high

    return high_tids_set_subset


def _multisets_intersection(qmset, imset):
    """The multiset intersection of the second step: ScanCode indexes the larger multiset (a
    defaultdict) with every key of the smaller, which also inserts a zero count for each
    key it lacks; ``dict.get`` finds the same counts without writing (2.3x faster)."""
    small, big = (qmset, imset) if len(qmset) < len(imset) else (imset, qmset)
    get = big.get
    out = {}
    for key, count in small.items():
        other = get(key, 0)
        least = count if count < other else other
        if least:
            out[key] = least
    return out


class _NoTextMatch:
    """A ScanCode match whose ``matched_text()`` is empty (everything else is the match's)."""

    __slots__ = ("_match",)

    def __init__(self, match):
        self._match = match

    def __getattr__(self, name):
        return getattr(self._match, name)

    def matched_text(self, *args, **kwargs):
        return ""


def install_lazy_false_positive() -> None:
    """ScanCode's ``detection.is_false_positive`` first renders the matched text of every
    match of a detection (about 3 ms each) to look for a copyright word, and then
    returns False when it finds one; otherwise its other checks, on rule attributes,
    decide. The same function runs here first with empty texts (no copyright word):
    when it says False, the texts could not have changed that; only when it says True
    does ScanCode's function run on the real matches (once per process)."""
    from licensedcode import detection

    def lazy(original):
        def is_false_positive(license_matches, package_license=False):
            if not original([_NoTextMatch(match) for match in license_matches], package_license):
                return False
            return original(license_matches, package_license)

        return is_false_positive

    _replace(detection, "is_false_positive", lazy)
