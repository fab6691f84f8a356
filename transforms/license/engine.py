"""ScanCode behind a cache (:class:`Scanner`), the worker's :class:`Engine` and the scan helpers."""

from __future__ import annotations

import collections
import hashlib
import re
import threading
from typing import Callable, Dict, NamedTuple, Optional, Tuple

from transforms.memory import release_free_memory
from transforms.base import Count
from transforms.cache.memo import dumps as memo_dumps, loads as memo_loads
from transforms.license.config import LicenseConfig
from transforms.license.spdx import Spdx
from transforms.license.scancode import _detection_class, install_speedups

# --------------------------------------------------------------------------- ScanCode


class ScanResult(NamedTuple):
    expressions: Tuple[str, ...]  # ScanCode's SPDX expression of each detection, in text order
    matched: bool  # ScanCode matched anything at all (even a mere reference or clue)
    exact_only: bool = False  # approximate matching was asked for but the exact matches covered the text
    spdx_text: Tuple[str, ...] = ()  # the SPDX ids whose canonical text the whole text is (spdx_texts.py)


class Scanner:
    """ScanCode license detection behind a thread-safe LRU cache (one per worker process)."""

    def __init__(self, index, cache_entries: int, exact_coverage: float = 0.95, spdx_texts=None):
        self._index = index
        self.spdx_texts = spdx_texts  # transforms.license.spdx_texts.SpdxTexts, or None
        self._exact_coverage = exact_coverage
        self._entries = max(0, cache_entries)
        self._cache: "collections.OrderedDict[Tuple[str, str], ScanResult]" = collections.OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0
        self.scanned_chars = 0

    def scan(self, key: Tuple[str, str], text: str, cut: bool = False, approximate: bool = True) -> Tuple[ScanResult, bool]:
        """``(result, cache_hit)`` for ``text``; ``key`` identifies the text exactly;
        ``cut``: the text is the head of a longer one; ``approximate``: see :meth:`detect`."""
        def compute() -> ScanResult:
            result = self.detect(text, cut, approximate)
            self.scanned_chars += len(text)
            return result if cut else self._with_spdx_text(result, text)

        return self._cached((*key, approximate), compute)

    def spdx_text(self, key: Tuple[str, str], text: str) -> Tuple[ScanResult, bool]:
        """``(result, cache_hit)``: only whether ``text`` is one of the SPDX list's texts
        (``spdx_text``; no ScanCode), cached like :meth:`scan`."""
        return self._cached((*key, False), lambda: self._with_spdx_text(ScanResult((), False), text))

    def _with_spdx_text(self, result: ScanResult, text: str) -> ScanResult:
        match = self.spdx_texts.match(text) if self.spdx_texts is not None else None
        if match is None:
            return result
        return result._replace(spdx_text=match.ids)

    def _cached(self, key: Tuple, compute: Callable[[], ScanResult]) -> Tuple[ScanResult, bool]:
        """``(result, cache_hit)`` from the LRU cache, else ``compute()`` (then kept)."""
        with self._lock:
            cached = self._cache.get(key)
            if cached is not None:
                self._cache.move_to_end(key)
                self.hits += 1
                return cached, True
        result = compute()
        with self._lock:
            self.misses += 1
            if self._entries:
                self._cache[key] = result
                while len(self._cache) > self._entries:
                    self._cache.popitem(last=False)
        return result, False

    def detect(self, text: str, cut: bool = False, approximate: bool = True) -> ScanResult:
        """ScanCode's own detection (``licensedcode.detection.detect_licenses``), except that
        for a cut text the matches on its last line, a fragment of whatever was cut, are
        left out (a lone "Permission is hereby granted" matches a proprietary rule).

        ``approximate=False`` keeps ScanCode's exact matchers (whole-text hash, SPDX ids,
        Aho-Corasick over its ~37,000 rules, notices included) and skips its sequence
        matching, which costs up to a second per text in pure Python: headers, README
        sections and declared names are matched exactly, license files approximately."""
        from licensedcode.cache import get_licensing
        from licensedcode.detection import group_matches, process_detections

        if not text.strip():
            return ScanResult((), False)
        matches, exact_only = self._matches(text, approximate)
        matched = bool(matches)
        if cut and matches:
            last_line = text.count("\n") + (0 if text.endswith("\n") else 1)
            matches = [m for m in matches if m.end_line < last_line]
        detection = _detection_class()
        detections = [detection.from_matches(matches=group) for group in group_matches(matches)]
        detections = list(process_detections(detections=detections, licensing=get_licensing()))
        expressions = tuple(d.license_expression_spdx for d in detections if d.license_expression_spdx)
        return ScanResult(expressions, matched, exact_only)

    def _matches(self, text: str, approximate: bool) -> Tuple[list, bool]:
        """ScanCode's matches of ``text``. Approximate (sequence) matching ranks candidates
        among all ~37,000 rules in pure Python: a fifth of a second to seconds per license
        file. It is skipped when the exact matchers alone already cover ``exact_coverage``
        of the text's tokens, i.e. the text is a known license text plus a few words (its
        copyright line): on bench/e2e's corpus every such file got the same expression
        either way, and half the license files needed no approximate pass."""
        if not approximate or self._exact_coverage > 1:
            return self._index.match(query_string=text, approximate=approximate), False
        from licensedcode.query import build_query
        from licensedcode.spans import Span

        query = build_query(query_string=text, idx=self._index, text_line_threshold=15, bin_line_threshold=50)
        if not query:
            return [], False
        tokens = len(query.tokens)
        exact = self._index.match_query(qry=query, approximate=False)
        covered = Span()
        for match in exact:
            covered = covered | match.qspan
        if tokens and len(covered) >= self._exact_coverage * tokens:
            return exact, True
        return self._index.match(query_string=text, approximate=True), False


class MemoScanner:
    """The scanner as one file sees it, with the per-blob cache (:mod:`transforms.cache`):
    every ScanCode result the file needs comes from ``cached`` (the payload of an earlier
    build) when it is there, else from ``scanner()`` (the worker's :class:`Scanner`; asking
    for it loads ScanCode's index, so a file whose scans are all cached never does). The
    results it gave (``payload()``) are the file's cache entry; ``new`` says one was computed."""

    def __init__(self, scanner: Callable[[], "Scanner"], cached: Optional[bytes] = None):
        self._scanner = scanner
        self.results: Dict[Tuple, ScanResult] = {}
        self.new = False
        self.from_cache = 0
        self.computed = 0
        if cached is not None:
            for key0, key1, approximate, expressions, matched, exact_only, spdx_text in memo_loads(cached):
                self.results[(key0, key1, bool(approximate))] = ScanResult(
                    tuple(expressions), bool(matched), bool(exact_only), tuple(spdx_text))

    def scan(self, key: Tuple[str, str], text: str, cut: bool = False, approximate: bool = True) -> Tuple[ScanResult, bool]:
        return self._lookup((*key, approximate), lambda scanner: scanner.scan(key, text, cut, approximate))

    def spdx_text(self, key: Tuple[str, str], text: str) -> Tuple[ScanResult, bool]:
        return self._lookup((*key, False), lambda scanner: scanner.spdx_text(key, text))

    def _lookup(self, full: Tuple, ask: Callable[["Scanner"], Tuple[ScanResult, bool]]) -> Tuple[ScanResult, bool]:
        """The result the cache gave for ``full``, else the worker's scanner's (``ask``), then kept."""
        found = self.results.get(full)
        if found is not None:
            self.from_cache += 1
            return found, True
        result, hit = ask(self._scanner())
        self.results[full] = result
        self.new = True
        self.computed += 1
        return result, hit

    def results_list(self) -> list:
        """Every result it gave or holds, as the cache keeps them (JSON lists)."""
        return [[k0, k1, approximate, list(r.expressions), r.matched, r.exact_only, list(r.spdx_text)]
                for (k0, k1, approximate), r in sorted(self.results.items())]

    def payload(self) -> bytes:
        return memo_dumps(self.results_list())


class Engine:
    """What ``Extract`` needs on a worker: SPDX logic, ScanCode with its cache, the config."""

    def __init__(self, config: LicenseConfig, spdx: Spdx, scanner: Scanner):
        self.config = config
        self.spdx = spdx
        self.scanner = scanner


def make_engine(config: LicenseConfig = LicenseConfig()) -> Engine:
    """Factory run once per worker process: loads the ScanCode index (seconds, ~1.4 GB).

    The index is some 1.4 million Python objects that live as long as the process;
    ``gc.freeze()`` takes them out of the cyclic collector's full passes, which
    otherwise walk them all again and again while ScanCode allocates (it halves the
    time of a license file scan). It also sets the process's collector thresholds
    (see below): this runs once per worker process, before its first file."""
    import gc

    from licensedcode.cache import get_index

    enabled = gc.isenabled()
    gc.disable()  # unpickling 1.4 million objects triggers a full collection after full collection: 2x slower
    try:
        index = get_index()
        install_speedups(index)  # on verified scancode-toolkit versions; ScanCode's own code elsewhere
        # frozen without a full collection first (0.3 s over the index): unpickling and the
        # filter's arrays leave no reference cycles behind for one to find
        gc.freeze()
    finally:
        if enabled:
            gc.enable()
    # a young collection every 50,000 net allocations instead of 700: the stages allocate
    # millions of short-lived containers that reference counting frees anyway (bench/e2e at
    # 207 MB: 1,856 collections and ~1.9 s -> 19 and ~1.0 s)
    gc.set_threshold(50_000, 10, 10)
    release_free_memory()  # what unpickling the index freed goes back to the system
    from transforms.license.spdx_texts import load as load_spdx_texts

    return Engine(config, Spdx(), Scanner(index, config.cache_entries, config.exact_coverage, load_spdx_texts()))


def forget_scancode_cache() -> None:
    """ScanCode keeps its loaded index in a module global (``licensedcode.cache``):
    forgotten when the engine is dropped, so that the index can be freed."""
    import licensedcode.cache

    if hasattr(licensedcode.cache, "_LICENSE_CACHE"):
        licensedcode.cache._LICENSE_CACHE = None


def _noop(name: str, n: int = 1) -> None:
    del name, n


def _sha1(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8", "surrogatepass")).hexdigest()


def _scan_expression(engine: Engine, key: Tuple[str, str], text: str, count: Count, runtime: Count,
                     cut: bool = False, approximate: bool = False) -> Tuple[str, bool]:
    """``(normalized expression, matched anything)`` of ``text`` via the cached scanner."""
    result, hit = engine.scanner.scan(key, text, cut, approximate)
    runtime("scan:cache_hit" if hit else "scan:cache_miss")
    if result.exact_only and not hit:
        runtime("scan:exact_only")
    expressions = prefer_variants([engine.spdx.normalize(e)[0] for e in result.expressions])
    expression = engine.spdx.combine(expressions)
    if result.spdx_text:
        from transforms.license.spdx_texts import load as load_spdx_texts

        texts = load_spdx_texts()  # the same data with or without the cache's MemoScanner
        expression = with_spdx_text(expression, result.spdx_text, engine.spdx,
                                    None if texts is None else (lambda spdx_id: texts.containment_of(text, spdx_id)))
    return expression, result.matched


def _preferred(ids):
    """Of ids with one text: a current ``-only`` id before a deprecated bare or ``+`` one, then the shortest."""
    return sorted(ids, key=lambda i: (not i.endswith("-only"), i.endswith("+"), len(i), i))[0]


def with_spdx_text(expression: str, ids: Tuple[str, ...], spdx: Spdx,
                   containment: Optional[Callable[[str], Optional[float]]] = None) -> str:
    """ScanCode's expression, given that the text is the canonical text of ``ids`` (one SPDX
    text, or several with the same text; spdx_texts.py).

    * It named nothing definite (no license, ``LicenseRef-*`` only): the SPDX id.
    * It named one license: that stays (one of ``ids``, or another: a plain Apache-2.0 LICENSE
      without the appendix is nearer the Pixar license's text than the Apache text with it,
      and is Apache-2.0), unless the SPDX id is a named variant of it (``OFL-1.1`` ->
      ``OFL-1.1-no-RFN``), or the text holds under half of the named license's own text
      (``containment(id)``: the PSF license alone, which ScanCode names ``Python-2.0``, the
      text of the PSF, BeOpen, CNRI and CWI licenses together).
    * It named several: the one of ``ids`` it named (the ``GPL-1.0-or-later`` it adds for the
      LGPL's mention of the GPL goes), else the SPDX id. (A match means the text is that text
      and at most a few words more, :data:`transforms.license.spdx_texts.MAX_EXTRA`: a LICENSE
      that appends the licenses of bundled parts is no match and keeps ScanCode's answer.)
    * With an exception (``WITH``): ScanCode's (the list's texts are licenses)."""
    if " WITH " in expression:
        return expression
    named = list(spdx.ids(expression)) if expression else []
    if not [i for i in named if not i.startswith("LicenseRef-")]:
        return _preferred(ids)
    if len(named) == 1:
        if named[0].lower() in {i.lower() for i in ids}:
            return expression
        variants = [i for i in ids if i.lower().startswith(named[0].lower() + "-")]
        if variants:
            return _preferred(variants)
        held = containment(named[0]) if containment is not None else None
        return _preferred(ids) if held is not None and held < 0.5 else expression
    lowered = {i.lower() for i in named}
    return _preferred([i for i in ids if i.lower() in lowered] or ids)


def prefer_variants(expressions):
    """One text's detections without a license whose named variant was detected too: SPDX names
    a variant by its base id and a suffix (``HPND-DEC``, ``BSD-3-Clause-flex``, ``OFL-1.1-no-RFN``,
    ``W3C-19980720``), and a variant's text holds most of its base's, so a notice that is the
    variant also matches the base. Only plain ids are compared (not ``WITH`` or compound ones)."""
    plain = {e.lower() for e in expressions if e and " " not in e}
    return [e for e in expressions
            if not (e and " " not in e and any(other.startswith(e.lower() + "-") for other in plain))]


def _cut(text: str, limit: int, count: Count) -> str:
    if len(text) > limit:
        count("scan:truncated")
        cut = text[:limit]
        newline = cut.rfind("\n")
        return cut[: newline + 1] if newline > limit // 2 else cut
    return text


_ALL_RIGHTS_RESERVED = re.compile(r"all\s+rights\s+reserved", re.I)
_REFERS_TO_FILE = re.compile(
    r"\b(?:licen[cs]e|copying)(?:\.\w+)?\s+file\b|\bfile\s+(?:called\s+|named\s+)?[\"'`]?(?:licen[cs]e|copying)"
    r"|\bsee\s+(?:the\s+)?(?:accompanying\s+|included\s+|enclosed\s+)?[\"'`]?(?:licen[cs]e|copying)",
    re.I,
)


def _reserved_only(text: str, matched: bool) -> bool:
    """'All rights reserved' with no license matched and no pointer to a license file."""
    return not matched and bool(_ALL_RIGHTS_RESERVED.search(text)) and not _REFERS_TO_FILE.search(text)
