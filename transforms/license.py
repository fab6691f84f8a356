"""Stage ``license``: which licenses apply to each file, and is it permissive.

Evidence, from strongest to weakest for a file:

1. **its own header** (the first comment block): ``SPDX-License-Identifier:``
   lines, else a license notice ScanCode recognizes (only when the header holds
   a license keyword), else "All rights reserved" with no license and no pointer
   to a license file (``LicenseRef-codestack-all-rights-reserved``, proprietary);
2. **its folder's evidence, or the nearest ancestor folder's**: license-like files
   (LICENSE, LICENCE, COPYING, COPYRIGHT, NOTICE, UNLICENSE in any case and with
   any non-code extension, ``MIT-LICENSE``; a README's license section) scanned
   with ScanCode, and package manifests' declared licenses (package.json,
   Cargo.toml, pyproject.toml, setup.cfg, PKG-INFO, ``*.gemspec``, composer.json,
   pom.xml, ``*.cabal``, DESCRIPTION) as SPDX expressions. In one folder the
   strongest tier that names a license speaks (license files and manifests, else
   NOTICE/COPYRIGHT files, else the README) and what it names is ANDed, unless a
   manifest declares how the license files combine (``MIT OR GPL-3.0-or-later``
   beside LICENSE-MIT and LICENSE-GPL). A nested folder's evidence overrides its
   ancestors' for its subtree (a vendored library's COPYING), a header overrides
   for its file. Lists of third-party licenses (``LICENSES_bundled.txt``,
   ``THIRD-PARTY-NOTICES``) describe code elsewhere and are not evidence;
3. the repository's ``gha_license_id`` (GitHub's own detection), when present.

Expressions are SPDX, validated and normalized with license-expression
(deprecated ids become current ones, ``GPL-2.0`` -> ``GPL-2.0-only``;
``LicenseRef-scancode-*`` ids are kept as such; an id that does not exist becomes
``LicenseRef-scancode-unknown-spdx``). ``transforms/data/license_policy.yaml``
classifies ids; ``OR`` is permissive if any branch is, ``AND``/``WITH`` only if
all parts are; no evidence at all is ``no_license``. Releases keep ``permissive``
files, and ``no_license`` ones only with ``include_no_license``; the others are
dropped (``dropped:non_permissive`` / ``dropped:no_license``). License files and
manifests are records like any other: they go on, with their folder's verdict.

Speed: ScanCode runs only on license-like files, README license sections,
declared names that are not SPDX and headers holding a license keyword, never on
every file (the benchmark's peer, ScanCode on every file, is ~900x slower);
texts longer than ``max_scan_chars`` are cut (``scan:truncated``). License files
get ScanCode's full matching (exact, then approximate sequence matching for
modified texts: ~0.1-0.5 s each); headers, README sections and declared names get
its exact matchers only (hash, SPDX ids, Aho-Corasick over ~37,000 rules, notices
included: ~1 ms, and on notices no less right).
Results are cached per worker process (LRU) by what was scanned: a license file
by its ``blob_id``, a header or a declared name by the sha1 of its text, so a
LICENSE met a million times, or the Apache header on a thousand files, is scanned
once per worker. The ScanCode index (about 1.4 GB) and that cache live in one
:class:`Engine` per worker process, built on a worker's first license bundle and shared by the
process's threads through :class:`transforms.memory.Resident`, which drops it
(``release_idle_seconds`` after the last license bundle) so that later stages do
not run beside an index nobody uses.

Scope in Beam, without any worker holding a repository. A repository's license
evidence is tiny next to its files (a handful of license-like files and manifests
in a tree of thousands of files), so only evidence and folder names travel to
where they are needed, and each file is joined with one small verdict:

- ``Extract`` (ParDo, per file): computes the file's header evidence and, for a
  license-like file or manifest, its folder evidence ``((snapshot_id, folder),
  Evidence)``; the file itself goes on keyed by ``(snapshot_id, its folder)``.
- ``Folders`` / ``Ancestors``: the distinct ``(snapshot_id, folder)`` keys of
  files (folders, not files: ten or more times fewer), each asking every ancestor
  ``((snapshot_id, ancestor), folder)``.
- ``Reach`` (GroupByKey on ``(snapshot_id, ancestor)``): an ancestor with
  evidence combines it into one verdict and answers each asking folder
  ``((snapshot_id, folder), (depth, verdict))``; ``Nearest`` keeps the deepest
  answer per folder: the nearest license wins.
- ``Assign`` (GroupByKey on ``(snapshot_id, folder)``): one folder's files and
  its verdict. The grouped values are read twice (Beam's grouped iterables are
  re-iterable, and runners page large groups in lazily): the first pass finds the
  verdict, the second assigns the files one by one, so even a folder with very
  many files is never held in memory; a repository never is.

A side input per repository is not available in Beam (side inputs are global),
and a global map of every folder's verdict would not fit a worker on a full
run; grouping every file of a repository under one key would put a whole
repository on one worker, which is what this design avoids.

Counters (namespace ``codestack.license``, deterministic: per record, never per
cache state): ``kept``, ``dropped:<license_type>``, ``license_type:<type>``,
``assigned_by:<header|folder|gha|none>``, ``evidence:<kind>``, ``scans:<kind>``,
``scan:truncated``, ``manifest:malformed``, ``spdx:invalid``. Cache hits and
misses depend on which worker saw what, so they are counted apart, in
``codestack-runtime.license``, which releases do not record.
"""

from __future__ import annotations

import collections
import configparser
import dataclasses
import email.parser
import functools
import hashlib
import itertools
import json
import os
import posixpath
import re
import threading
import tomllib
import uuid
import xml.etree.ElementTree as ElementTree
from typing import Callable, Dict, Iterable, Iterator, List, NamedTuple, Optional, Tuple

import apache_beam as beam
import yaml
from apache_beam.metrics import Metrics

from transforms.memory import Resident, release_free_memory
from transforms.base import REJECTS, BeamCounter, Count, Drop, Outcome
from transforms.record import CodeFile, pack, reject_for, unpack

STAGE = "license"
#: counter namespace for figures that depend on scheduling (cache hits): not in releases
RUNTIME_NAMESPACE = "codestack-runtime." + STAGE

PERMISSIVE = "permissive"
NON_PERMISSIVE = "non_permissive"
NO_LICENSE = "no_license"
LICENSE_TYPES = (PERMISSIVE, NO_LICENSE, NON_PERMISSIVE)

#: a header or license file that reserves all rights and grants none
ALL_RIGHTS_RESERVED = "LicenseRef-codestack-all-rights-reserved"
#: license-like text that names no license ScanCode knows
UNKNOWN = "LicenseRef-scancode-unknown"
#: an SPDX id that does not exist (ScanCode's own convention)
UNKNOWN_SPDX = "LicenseRef-scancode-unknown-spdx"
#: npm's "UNLICENSED": not licensed for use by others
PROPRIETARY = "LicenseRef-scancode-proprietary-license"

POLICY_PATH = os.path.join(os.path.dirname(__file__), "data", "license_policy.yaml")


@dataclasses.dataclass(frozen=True)
class LicenseConfig:
    #: also release files with no license evidence at all (``--include-no-license``)
    include_no_license: bool = False
    #: ScanCode sees at most this many characters of a text (the rest is cut)
    max_scan_chars: int = 131_072
    #: a file's header is its first comment block within these many lines ...
    header_max_lines: int = 60
    #: ... and characters
    header_max_chars: int = 8_192
    #: manifests larger than this are not parsed (counted as malformed)
    max_manifest_bytes: int = 1_000_000
    #: ScanCode results kept per worker process (least recently used evicted)
    cache_entries: int = 65_536
    #: a license file whose exact matches (hash, SPDX ids, ScanCode's rule automaton) cover
    #: at least this fraction of its tokens is not matched approximately as well
    exact_coverage: float = 0.95
    #: a worker drops the ScanCode index once no license bundle has used it for this long
    #: (it is rebuilt if one comes later); 0 keeps it for the life of the worker
    release_idle_seconds: float = 30.0


# --------------------------------------------------------------------------- names

#: extensions of source and data files: ``license.py`` is code, not a license
_CODE_EXTENSIONS = frozenset(
    """py pyc pyi js mjs cjs ts tsx jsx java class c h cc cpp cxx hpp hh go rs rb php cs fs vb swift kt kts
    scala sc m mm sh bash zsh fish ps1 bat cmd pl pm t lua r dart ex exs erl hrl hs lhs ml mli clj cljs
    groovy gradle vue svelte json yaml yml toml xml xsd xsl css scss sass less sql proto tf jl nim zig v
    sv vhd vhdl f f90 asm s cmake mk ini cfg conf lock png jpg jpeg gif svg ico pdf gz zip jar so dll o a
    ipynb tex bib el vim coffee elm purs re res d pas""".split()
)
_LICENSE_STEM = re.compile(r"^(?:un)?licen[cs]e[sd]?(?:[-_. ].*)?$|^copying(?:[-_. ].*)?$|^copyright(?:[-_. ].*)?$"
                           r"|^notice(?:[-_. ].*)?$|^[^.]*[-_.]licen[cs]e$")
#: names whose file exists only to state a license: unidentified text there is a license we cannot name
_STRONG_STEM = re.compile(r"^(?:un)?licen[cs]e|^copying|licen[cs]e$")
#: attributions for bundled third-party code that lives elsewhere (its folder carries its own license)
_THIRD_PARTY = re.compile(r"third[-_ .]?party|3rd[-_ .]?party|bundled|vendored|dependencies")
_README = re.compile(r"^readme(?:[-_. ].*)?$")
_MANIFEST_NAMES = {
    "package.json": "package.json",
    "cargo.toml": "Cargo.toml",
    "pyproject.toml": "pyproject.toml",
    "setup.cfg": "setup.cfg",
    "pkg-info": "PKG-INFO",
    "composer.json": "composer.json",
    "pom.xml": "pom.xml",
    "description": "DESCRIPTION",
}


def _split_name(path: str) -> Tuple[str, str]:
    """``('license', 'md')`` for ``a/LICENSE.md``: lowercased base name and last extension."""
    name = posixpath.basename(path).lower()
    ext = name.rsplit(".", 1)[1] if "." in name.lstrip(".") else ""
    return name, ext


def is_license_file(path: str) -> bool:
    """LICENSE, LICENCE, COPYING, COPYRIGHT, NOTICE, UNLICENSE (+ variants), not code,
    not a list of third-party licenses (``LICENSES_bundled.txt``, ``NOTICE-3rd-party``)."""
    name, ext = _split_name(path)
    if ext in _CODE_EXTENSIONS or _THIRD_PARTY.search(name):
        return False
    stem = name[: -len(ext) - 1] if ext and ext in ("txt", "md", "markdown", "rst", "text", "html", "htm", "adoc", "org") else name
    return bool(_LICENSE_STEM.match(stem))


def _is_strong_license_file(path: str) -> bool:
    name, ext = _split_name(path)
    stem = name[: -len(ext) - 1] if ext else name
    return bool(_STRONG_STEM.search(stem)) or bool(_STRONG_STEM.search(name))


def is_readme(path: str) -> bool:
    name, ext = _split_name(path)
    return ext not in _CODE_EXTENSIONS and bool(_README.match(name))


def manifest_kind(path: str) -> Optional[str]:
    """The manifest format of ``path`` (``'package.json'``, ``'*.gemspec'``, ...) or None."""
    name, ext = _split_name(path)
    if name in _MANIFEST_NAMES:
        return _MANIFEST_NAMES[name]
    if name == "metadata" and posixpath.basename(posixpath.dirname(path)).endswith((".dist-info", ".egg-info")):
        return "PKG-INFO"
    if ext == "gemspec":
        return "*.gemspec"
    if ext == "cabal":
        return "*.cabal"
    return None


def folder_of(path: str) -> str:
    return posixpath.dirname(path)


def ancestors(folder: str) -> List[str]:
    """``'a/b'`` -> ``['', 'a', 'a/b']``: the folder and every folder above it."""
    out = [""]
    if folder:
        parts = folder.split("/")
        out.extend("/".join(parts[: i + 1]) for i in range(len(parts)))
    return out


def depth_of(folder: str) -> int:
    return folder.count("/") + 1 if folder else 0


# --------------------------------------------------------------------------- SPDX and policy


class Evidence(NamedTuple):
    """One piece of license evidence: what said it, where, and which expression.

    ``expression`` is a normalized SPDX expression, or ``''`` when a file that
    exists to state a license names none that can be identified."""

    kind: str  # license_file | notice_file | readme | manifest | header_spdx | header_notice | gha
    path: str  # the file the evidence comes from ('' for gha)
    expression: str
    detail: str = ""

    def as_dict(self) -> dict:
        out = {"kind": self.kind, "path": self.path, "expression": self.expression or None}
        if self.detail:
            out["detail"] = self.detail
        return out


class Verdict(NamedTuple):
    """The combined evidence of one folder (applies to it and below)."""

    folder: str
    expression: str
    evidence: Tuple[Evidence, ...]


class Decision(NamedTuple):
    expression: str
    license_type: str
    detected_licenses: Tuple[str, ...]
    evidence: Tuple[Evidence, ...]
    by: str  # header | folder | gha | none


@dataclasses.dataclass(frozen=True)
class Policy:
    version: int
    default: str
    non_permissive_ids: frozenset
    non_permissive_prefixes: Tuple[str, ...]
    ignore: frozenset
    permissive_ids: frozenset
    categories: Dict[str, str]


class Spdx:
    """SPDX expressions: parse, validate, normalize, list ids, classify by the policy.

    Light (no ScanCode index): built from license-expression's bundled ScanCode
    LicenseDB index, which also gives each id its ScanCode category."""

    def __init__(self, policy_path: str = POLICY_PATH):
        from license_expression import get_license_index, get_spdx_licensing

        self.licensing = get_spdx_licensing()
        # parsing an expression costs ~0.1 ms and a run meets the same few hundred again and
        # again: normalize, ids and classify remember their answers (plain values, bounded)
        self._memo: Dict[Tuple, object] = {}
        self._category: Dict[str, str] = {}
        for entry in get_license_index():
            category = entry.get("category") or ""
            keys = [entry.get("spdx_license_key") or "", f"LicenseRef-scancode-{entry['license_key']}"]
            keys += list(entry.get("other_spdx_license_keys") or [])
            for key in keys:
                if key:
                    self._category.setdefault(key.lower(), category)
        self.policy = self._load_policy(policy_path)
        self._memo.clear()  # nothing remembered while the policy was being read

    def _load_policy(self, path: str) -> Policy:
        with open(path, encoding="utf-8") as handle:
            raw = yaml.safe_load(handle)
        classes = {PERMISSIVE, NON_PERMISSIVE}

        def ids(values) -> frozenset:
            out = set()
            for value in values or ():
                out.add(str(value).lower())
                normalized, _ = self.normalize(str(value), drop_ignored=False)
                if normalized:
                    out.add(normalized.lower())
            return frozenset(out)

        categories = dict(raw.get("scancode_categories") or {})
        if raw.get("default") not in classes or any(v not in classes for v in categories.values()):
            raise ValueError(f"{path}: classes must be one of {sorted(classes)}")
        self.policy = Policy(  # ``normalize`` below reads ``ignore`` only with drop_ignored=True
            version=int(raw.get("version", 0)),
            default=raw["default"],
            non_permissive_ids=frozenset(),
            non_permissive_prefixes=(),
            ignore=frozenset(str(v).lower() for v in raw.get("ignore") or ()),
            permissive_ids=frozenset(),
            categories=categories,
        )
        non_permissive = raw.get("non_permissive") or {}
        permissive = raw.get("permissive") or {}
        return dataclasses.replace(
            self.policy,
            non_permissive_ids=ids(non_permissive.get("ids")),
            non_permissive_prefixes=tuple(str(p).lower() for p in non_permissive.get("prefixes") or ()),
            permissive_ids=ids(list(permissive.get("blue_oak") or ()) + list(permissive.get("ids") or ())),
        )

    # -- parsing ------------------------------------------------------------------

    def _symbol(self, key: str, invalid: List[str], drop_ignored: bool) -> Optional[str]:
        known = self.licensing.known_symbols.get(key) or self.licensing.known_symbols_lowercase.get(key.lower())
        if known is not None:
            key = known.key
        elif key.lower().startswith("licenseref-"):
            key = "LicenseRef-" + key[len("licenseref-"):]
        else:
            invalid.append(key)
            key = UNKNOWN_SPDX
        if drop_ignored and key.lower() in self.policy.ignore:
            return None
        return key

    def _tree(self, node, invalid: List[str], drop_ignored: bool):
        """A parsed expression as ``str`` (a symbol) or ``(operator, [children])``, with
        symbols normalized, ignored ones dropped, same-operator nesting flattened and
        duplicates removed (``MIT AND (MIT AND BSD-2-Clause)`` -> ``MIT AND BSD-2-Clause``)."""
        from license_expression import LicenseSymbol, LicenseWithExceptionSymbol

        if isinstance(node, LicenseWithExceptionSymbol):
            lic = self._symbol(node.license_symbol.key, invalid, drop_ignored)
            exc = self._symbol(node.exception_symbol.key, invalid, drop_ignored)
            if lic is None:
                return None
            return f"{lic} WITH {exc}" if exc else lic
        if isinstance(node, LicenseSymbol):
            return self._symbol(node.key, invalid, drop_ignored)
        operator = "AND" if isinstance(node, self.licensing.AND) else "OR"
        children: list = []
        for arg in node.args:
            child = self._tree(arg, invalid, drop_ignored)
            if child is None:
                continue
            for part in child[1] if isinstance(child, tuple) and child[0] == operator else [child]:
                if part not in children:
                    children.append(part)
        if not children:
            return None
        return children[0] if len(children) == 1 else (operator, children)

    @classmethod
    def _text(cls, tree, top: bool = True) -> str:
        if isinstance(tree, str):
            return tree
        joined = f" {tree[0]} ".join(cls._text(child, False) for child in tree[1])
        return joined if top else f"({joined})"

    _MEMO_ENTRIES = 50_000

    def _remembered(self, key: Tuple, compute: Callable[[], object]):
        memo = self._memo
        if key in memo:
            return memo[key]
        value = compute()
        if len(memo) >= self._MEMO_ENTRIES:
            memo.clear()
        memo[key] = value
        return value

    def normalize(self, text: str, drop_ignored: bool = True) -> Tuple[str, Tuple[str, ...]]:
        """``(expression, invalid ids)``; ``''`` when there is nothing (or nothing parseable).

        Unknown ids become ``LicenseRef-scancode-unknown-spdx``; ids the policy
        ignores are dropped (``MIT AND LicenseRef-scancode-warranty-disclaimer`` -> ``MIT``)."""
        return self._remembered(("normalize", text, drop_ignored), lambda: self._normalize(text, drop_ignored))

    def _normalize(self, text: str, drop_ignored: bool) -> Tuple[str, Tuple[str, ...]]:
        text = (text or "").strip()
        if not text:
            return "", ()
        try:
            parsed = self.licensing.parse(text, validate=False, strict=False)
        except Exception:  # license-expression raises several types (and AttributeError on odd keys)
            return UNKNOWN_SPDX, (text,)
        if parsed is None:
            return "", ()
        invalid: List[str] = []
        tree = self._tree(parsed, invalid, drop_ignored)
        return (self._text(tree) if tree is not None else ""), tuple(invalid)

    def combine(self, expressions: Iterable[str], relation: str = "AND") -> str:
        """Join expressions with AND/OR: unique, sorted (arrival order never matters)."""
        unique = sorted({e for e in expressions if e})
        if not unique:
            return ""
        if len(unique) == 1:
            return unique[0]
        joined = f" {relation} ".join(f"({e})" if (" AND " in e or " OR " in e) else e for e in unique)
        return self.normalize(joined)[0]

    def ids(self, expression: str) -> Tuple[str, ...]:
        """The SPDX ids (licenses and exceptions) of an expression, sorted, unique."""
        return self._remembered(("ids", expression), lambda: self._ids(expression))

    def _ids(self, expression: str) -> Tuple[str, ...]:
        if not expression:
            return ()
        parsed = self.licensing.parse(expression, validate=False, strict=False)
        keys = set()
        for symbol in self.licensing.license_symbols(parsed, unique=True, decompose=True):
            keys.add(symbol.key)
        return tuple(sorted(keys, key=lambda k: (k.lower(), k)))

    # -- classification -------------------------------------------------------------

    def classify_id(self, key: str) -> str:
        low = key.lower()
        policy = self.policy
        if low in policy.non_permissive_ids or low.startswith(policy.non_permissive_prefixes):
            return NON_PERMISSIVE
        if low in policy.permissive_ids:
            return PERMISSIVE
        category = self._category.get(low)
        if category in policy.categories:
            return policy.categories[category]
        return policy.default

    def classify(self, expression: str) -> str:
        """``permissive`` / ``non_permissive`` for an expression; ``no_license`` for none."""
        return self._remembered(("classify", expression), lambda: self._classify(expression))

    def _classify(self, expression: str) -> str:
        if not expression:
            return NO_LICENSE
        from license_expression import LicenseSymbol, LicenseWithExceptionSymbol

        def permissive(node) -> bool:
            if isinstance(node, LicenseWithExceptionSymbol):
                return permissive(node.license_symbol) and permissive(node.exception_symbol)
            if isinstance(node, LicenseSymbol):
                return self.classify_id(node.key) == PERMISSIVE
            if isinstance(node, self.licensing.OR):
                return any(permissive(arg) for arg in node.args)
            return all(permissive(arg) for arg in node.args)

        try:
            parsed = self.licensing.parse(expression, validate=False, strict=False)
        except Exception:
            return NON_PERMISSIVE
        return PERMISSIVE if parsed is not None and permissive(parsed) else NON_PERMISSIVE


# --------------------------------------------------------------------------- ScanCode


class ScanResult(NamedTuple):
    expressions: Tuple[str, ...]  # ScanCode's SPDX expression of each detection, in text order
    matched: bool  # ScanCode matched anything at all (even a mere reference or clue)
    exact_only: bool = False  # approximate matching was asked for but the exact matches covered the text


class Scanner:
    """ScanCode license detection behind a thread-safe LRU cache (one per worker process)."""

    def __init__(self, index, cache_entries: int, exact_coverage: float = 0.95):
        self._index = index
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
        key = (*key, approximate)
        with self._lock:
            cached = self._cache.get(key)
            if cached is not None:
                self._cache.move_to_end(key)
                self.hits += 1
                return cached, True
        result = self.detect(text, cut, approximate)
        with self._lock:
            self.misses += 1
            self.scanned_chars += len(text)
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


@functools.lru_cache(maxsize=None)
def _detection_class():
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
        install_candidate_filter(index)
        install_lazy_false_positive()
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
    return Engine(config, Spdx(), Scanner(index, config.cache_entries, config.exact_coverage))


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
    expression = engine.spdx.combine(engine.spdx.normalize(e)[0] for e in result.expressions)
    return expression, result.matched


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


# --------------------------------------------------------------------------- license files and READMEs


def license_file_evidence(record: CodeFile, engine: Engine, count: Count, runtime: Count = _noop) -> Optional[Evidence]:
    text = record.content
    if not text.strip():
        count("evidence:empty_license_file")
        return None
    text = _cut(text, engine.config.max_scan_chars, count)
    cut = len(text) < len(record.content)
    count("scans:license_file")
    key = ("cut", _sha1(text)) if cut else ("file", record.blob_id or _sha1(text))
    # ScanCode's approximate matching finds modified license texts, which LICENSE / COPYING
    # files hold; NOTICE and COPYRIGHT files hold attributions and references to licenses,
    # which its exact matchers find (on bench/e2e's corpus: same expression for every
    # NOTICE file, at a sixth of the time)
    strong = _is_strong_license_file(record.path)
    expression, matched = _scan_expression(engine, key, text, count, runtime, cut, approximate=strong)
    kind = "license_file" if strong else "notice_file"
    if expression:
        return Evidence(kind, record.path, expression)
    if _reserved_only(text, matched):
        return Evidence(kind, record.path, ALL_RIGHTS_RESERVED, "all rights reserved")
    if strong:
        count("evidence:unidentified")
        return Evidence(kind, record.path, "", "unidentified")
    return None


_ATX = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)[\s#]*$")
_UNDERLINE = re.compile(r"^\s*([=\-~^*+#`'\".:_])\1{2,}\s*$")
_LICENSE_TITLE = re.compile(r"\b(?:licen[cs](?:e|es|ing)|copying|copyright)\b", re.I)
_LICENSE_LINE = re.compile(r"^\s*(?:[*_]{2})?licen[cs]e(?:[*_]{2})?\s*[:：]\s*\S", re.I)
_README_SECTION_LINES = 200


def readme_license_section(text: str) -> str:
    """The license section(s) of a README (Markdown/RST/AsciiDoc headings, ``License: X`` lines)."""
    lines = text.splitlines()
    headings = []  # (line index, level, title, first body line)
    for i, line in enumerate(lines):
        atx = _ATX.match(line)
        if atx:
            headings.append((i, len(atx.group(1)), atx.group(2), i + 1))
        elif i + 1 < len(lines) and line.strip() and not _UNDERLINE.match(line) and _UNDERLINE.match(lines[i + 1]) \
                and len(lines[i + 1].strip()) >= min(3, len(line.strip())):
            level = 1 if lines[i + 1].strip()[0] == "=" else 2
            headings.append((i, level, line.strip(), i + 2))
    sections: List[str] = []
    taken = set()
    for n, (index, level, title, body) in enumerate(headings):
        if not _LICENSE_TITLE.search(title):
            continue
        end = len(lines)
        for later in headings[n + 1:]:
            if later[1] <= level:
                end = later[0]
                break
        end = min(end, body + _README_SECTION_LINES)
        sections.append("\n".join(lines[body:end]))
        taken.update(range(index, end))
    for i, line in enumerate(lines):
        if i not in taken and _LICENSE_LINE.match(line):
            sections.append(line.strip())
    return "\n\n".join(s for s in sections if s.strip()).strip()


def readme_evidence(record: CodeFile, engine: Engine, count: Count, runtime: Count = _noop) -> Optional[Evidence]:
    section = readme_license_section(_cut(record.content, engine.config.max_scan_chars, count))
    if not section:
        return None
    count("scans:readme")
    expression, _ = _scan_expression(engine, ("readme", _sha1(section)), section, count, runtime)
    if expression:
        return Evidence("readme", record.path, expression, "license section")
    return None


# --------------------------------------------------------------------------- manifests


class ManifestError(ValueError):
    """A manifest that cannot be parsed."""


class Declared(NamedTuple):
    field: str
    values: Tuple[str, ...]
    relation: str  # how several values combine: AND or OR


_CABAL_NAMES = {
    "gpl-2": "GPL-2.0-only", "gpl-3": "GPL-3.0-only", "lgpl-2": "LGPL-2.0-only", "lgpl-2.1": "LGPL-2.1-only",
    "lgpl-3": "LGPL-3.0-only", "agpl-3": "AGPL-3.0-only", "bsd2": "BSD-2-Clause", "bsd3": "BSD-3-Clause",
    "bsd4": "BSD-4-Clause", "mit": "MIT", "isc": "ISC", "mpl-2.0": "MPL-2.0", "apache-2.0": "Apache-2.0",
    "apache": "Apache-2.0", "publicdomain": "LicenseRef-scancode-public-domain",
    "allrightsreserved": ALL_RIGHTS_RESERVED, "unspecifiedlicense": "", "otherlicense": UNKNOWN,
}
_R_NAMES = {
    "gpl-2": "GPL-2.0-only", "gpl-3": "GPL-3.0-only", "gpl (>= 2)": "GPL-2.0-or-later", "gpl (>= 3)": "GPL-3.0-or-later",
    "gpl (>= 2.0)": "GPL-2.0-or-later", "gpl": "GPL-2.0-or-later", "lgpl-2": "LGPL-2.0-only", "lgpl-2.1": "LGPL-2.1-only",
    "lgpl-3": "LGPL-3.0-only", "lgpl (>= 2)": "LGPL-2.0-or-later", "lgpl (>= 2.1)": "LGPL-2.1-or-later",
    "lgpl (>= 3)": "LGPL-3.0-or-later", "agpl-3": "AGPL-3.0-only", "bsd_2_clause": "BSD-2-Clause",
    "bsd_3_clause": "BSD-3-Clause", "mit": "MIT", "cc0": "CC0-1.0", "apache license 2.0": "Apache-2.0",
    "apache license (== 2.0)": "Apache-2.0", "apache license (>= 2)": "Apache-2.0", "artistic-2.0": "Artistic-2.0",
    "mpl-2.0": "MPL-2.0", "unlimited": "LicenseRef-scancode-public-domain",
}
_NONE_VALUES = {"", "unknown", "none", "noassertion", "n/a", "na", "null", "other", "undefined", "see license", "license"}
_GEM_LICENSE = re.compile(r"\.licen[cs]es?\s*=\s*(%w[\[(][^\])]*[\])]|\[[^\]]*\]|\"[^\"]*\"|'[^']*')", re.S)
_QUOTED = re.compile(r"\"([^\"]*)\"|'([^']*)'")


def _text_values(value, where: str) -> Tuple[str, ...]:
    """A license field that is a string, a {type|name: ...} object, or a list of either."""
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    if isinstance(value, dict):
        inner = value.get("type") or value.get("name") or value.get("text")
        return (inner,) if isinstance(inner, str) else ()
    if isinstance(value, list):
        out: List[str] = []
        for item in value:
            out.extend(_text_values(item, where))
        return tuple(out)
    raise ManifestError(f"{where}: unexpected {type(value).__name__}")


def declared_licenses(kind: str, text: str) -> List[Declared]:
    """What a manifest declares, unnormalized. Raises :class:`ManifestError` when it cannot be parsed."""
    try:
        if kind in ("package.json", "composer.json"):
            data = json.loads(text)
            if not isinstance(data, dict):
                raise ManifestError("not a JSON object")
            out = []
            if "license" in data:
                # composer: a list of licenses is a choice (documented as disjunctive)
                out.append(Declared("license", _text_values(data["license"], "license"), "OR" if kind == "composer.json" else "AND"))
            if "licenses" in data:
                out.append(Declared("licenses", _text_values(data["licenses"], "licenses"), "AND"))
            return out
        if kind in ("Cargo.toml", "pyproject.toml"):
            data = tomllib.loads(text)
            out = []
            if kind == "Cargo.toml":
                value = (data.get("package") or {}).get("license")
                if isinstance(value, str):  # legacy Cargo: "MIT/Apache-2.0" means OR
                    out.append(Declared("package.license", (re.sub(r"\s*/\s*", " OR ", value),), "AND"))
            else:
                value = (data.get("project") or {}).get("license")
                if isinstance(value, str):
                    out.append(Declared("project.license", (value,), "AND"))
                elif isinstance(value, dict) and isinstance(value.get("text"), str):
                    out.append(Declared("project.license.text", (value["text"],), "AND"))
                poetry = ((data.get("tool") or {}).get("poetry") or {}).get("license")
                if isinstance(poetry, str):
                    out.append(Declared("tool.poetry.license", (poetry,), "AND"))
            return out
        if kind == "setup.cfg":
            parser = configparser.ConfigParser(interpolation=None, strict=False)
            parser.read_string(text)
            value = parser.get("metadata", "license", fallback=None)
            return [Declared("metadata.license", (value,), "AND")] if value else []
        if kind == "PKG-INFO":
            message = email.parser.HeaderParser().parsestr(text)
            if not message.get("Metadata-Version") and not message.get("Name"):
                raise ManifestError("no Metadata-Version or Name header")
            if message.get("License-Expression"):
                return [Declared("License-Expression", (message["License-Expression"],), "AND")]
            out = []
            license_text = (message.get("License") or "").strip()
            if license_text:
                out.append(Declared("License", (license_text,), "AND"))
            classifiers = tuple(c.strip() for c in message.get_all("Classifier") or ()
                                if c.strip().startswith("License ::") and c.strip() != "License :: OSI Approved")
            if classifiers:
                out.append(Declared("Classifier", classifiers, "AND"))
            return out
        if kind == "*.gemspec":
            values: List[str] = []
            for raw in _GEM_LICENSE.findall(text):
                if raw.startswith("%w"):
                    values.extend(raw[3:-1].split())
                else:
                    values.extend(a or b for a, b in _QUOTED.findall(raw))
            return [Declared("licenses", tuple(values), "AND")] if values else []
        if kind == "pom.xml":
            root = ElementTree.fromstring(text)
            names: List[str] = []
            for element in root.iter():
                if element.tag.rsplit("}", 1)[-1] != "license":
                    continue
                fields = {child.tag.rsplit("}", 1)[-1]: (child.text or "").strip() for child in element}
                if fields.get("name") or fields.get("url"):
                    names.append(fields.get("name") or fields.get("url"))
            # Maven: several licenses listed means the user may pick any of them
            return [Declared("licenses", tuple(names), "OR")] if names else []
        if kind == "*.cabal":
            match = re.search(r"^license\s*:\s*(.+)$", text, re.I | re.M)
            if not match:
                return []
            value = match.group(1).strip()
            mapped = _CABAL_NAMES.get(value.lower().replace(" ", ""), value)
            return [Declared("license", (mapped,), "AND")] if mapped else []
        if kind == "DESCRIPTION":
            fields: Dict[str, str] = {}
            last = None
            for line in text.splitlines():
                if line[:1] in (" ", "\t") and last:
                    fields[last] += " " + line.strip()
                elif ":" in line:
                    last, _, value = line.partition(":")
                    last = last.strip()
                    fields[last] = value.strip()
            if "Package" not in fields:
                raise ManifestError("no Package field")
            value = fields.get("License", "")
            alternatives = []
            for part in value.split("|"):
                part = re.sub(r"\+\s*file\s+LICEN[CS]E\b", "", part, flags=re.I).strip()
                if part:
                    alternatives.append(_R_NAMES.get(part.lower(), part))
            return [Declared("License", tuple(alternatives), "OR")] if alternatives else []
    except ManifestError:
        raise
    except (ValueError, tomllib.TOMLDecodeError, configparser.Error, ElementTree.ParseError, TypeError, AttributeError) as exc:
        raise ManifestError(f"{type(exc).__name__}: {exc}") from exc
    return []


def declared_expression(value: str, engine: Engine, count: Count, runtime: Count = _noop) -> Optional[str]:
    """A declared license (SPDX or free text: ``'Apache License, Version 2.0'``) as SPDX;
    ``''`` when it names a license nobody can identify; None when it states none
    (``UNKNOWN``, ``SEE LICENSE IN <file>``: the license file speaks)."""
    value = value.strip()
    if value.lower() in _NONE_VALUES or value.upper().startswith("SEE LICEN"):
        return None
    if value.upper() == "UNLICENSED":
        return PROPRIETARY
    expression, invalid = engine.spdx.normalize(value)
    if expression and not invalid:
        return expression
    text = _cut(value, engine.config.max_scan_chars, count)
    count("scans:declared")
    scanned, _ = _scan_expression(engine, ("declared", _sha1(text)), text, count, runtime)
    return scanned


def manifest_evidence(record: CodeFile, kind: str, engine: Engine, count: Count, runtime: Count = _noop) -> Optional[Evidence]:
    if record.length_bytes > engine.config.max_manifest_bytes or len(record.content) > engine.config.max_manifest_bytes:
        count("manifest:malformed")
        return None
    try:
        declared = declared_licenses(kind, record.content)
    except ManifestError:
        count("manifest:malformed")
        return None
    parts: List[str] = []
    fields: List[str] = []
    unidentified = False
    for item in declared:
        found = [declared_expression(v, engine, count, runtime) for v in item.values if isinstance(v, str)]
        unidentified = unidentified or "" in found
        expressions = [e for e in found if e]
        if expressions:
            parts.append(engine.spdx.combine(expressions, item.relation))
            fields.append(item.field)
    if not parts:
        return Evidence("manifest", record.path, "", f"{kind}: unidentified") if unidentified else None
    return Evidence("manifest", record.path, engine.spdx.combine(parts, "AND"), f"{kind}: {', '.join(fields)}")


# --------------------------------------------------------------------------- headers

_BLOCKS = (("/*", "*/"), ("<!--", "-->"), ('"""', '"""'), ("'''", "'''"), ("{-", "-}"), ("(*", "*)"),
           ("=begin", "=end"), ("--[[", "]]"), ("#|", "|#"), ("%{", "%}"))
_LINE_MARKERS = ("#", "//", "--", ";", "%", "!", "*", "'", "rem ", "::", "dnl ", "@rem")
_PREAMBLE = re.compile(r"^(?:#!|<\?php|<\?xml|<\?|@echo\s+off|[\"']use strict[\"'])", re.I)
_SPDX_LINE = re.compile(r"SPDX-License-Identifier\s*:\s*(.+?)\s*(?:\*/|-->|\*\)|-\}|\"\"\"|\'\'\'|$)", re.I | re.M)
#: what an SPDX expression can hold (a docstring that mentions ``SPDX-License-Identifier:`` is no declaration)
_SPDX_VALUE = re.compile(r"[A-Za-z0-9(][A-Za-z0-9.+\-:() ]*")
_SPDX_WORD = re.compile(r"SPDX-License-Identifier", re.I)
_KEYWORDS = re.compile(
    r"licen[cs]|spdx|all\s+rights\s+reserved|public\s+domain|\bgnu\b|\bgpl|mozilla|permission\s+is\s+hereby\s+granted"
    r"|redistribution\s+and\s+use|free\s+software|proprietary|confidential|warrant",
    re.I,
)


def _header_lines(text: str, max_lines: int, max_chars: int) -> List[Tuple[int, str]]:
    """The lines of a file's leading comments as ``(block number, line)``: a delimited
    block (``/* ... */``, a docstring, ...) is one block, and so is a run of line
    comments; blank lines between them are kept (block number -1)."""
    out: List[Tuple[int, str]] = []
    end: Optional[str] = None
    started = False
    number = -1
    in_run = False  # inside a run of line comments
    for line in text[:max_chars].splitlines()[:max_lines]:
        stripped = line.strip()
        if end is not None:
            out.append((number, line))
            if end in stripped:
                end = None
            continue
        if not stripped:
            if started:
                out.append((-1, line))
            continue
        if not started and _PREAMBLE.match(stripped):
            continue
        block = next(((o, c) for o, c in _BLOCKS if stripped.startswith(o)), None)
        if block is not None:
            started, in_run = True, False
            number += 1
            out.append((number, line))
            if block[1] not in stripped[len(block[0]):]:
                end = block[1]
            continue
        if stripped.lower().startswith(_LINE_MARKERS):
            if not in_run:
                number += 1
                in_run = True
            started = True
            out.append((number, line))
            continue
        break
    return out


def _header_text(lines: List[Tuple[int, str]]) -> str:
    return "\n".join(line for _number, line in lines).strip()


def _comment_blocks(lines: List[Tuple[int, str]]) -> List[str]:
    blocks: Dict[int, List[str]] = {}
    for number, line in lines:
        if number >= 0:
            blocks.setdefault(number, []).append(line)
    return [text for text in ("\n".join(block).strip() for _n, block in sorted(blocks.items())) if text]


def header_block(text: str, max_lines: int = 60, max_chars: int = 8192) -> str:
    """The first comment block of a file (after a shebang, ``<?php`` or ``<?xml``), any comment syntax."""
    return _header_text(_header_lines(text, max_lines, max_chars))


def header_blocks(text: str, max_lines: int = 60, max_chars: int = 8192) -> List[str]:
    """:func:`header_block` cut into its comment blocks (each stripped, empty ones left out)."""
    return _comment_blocks(_header_lines(text, max_lines, max_chars))


def header_evidence(record: CodeFile, engine: Engine, count: Count, runtime: Count = _noop) -> Optional[Evidence]:
    """The license a file's own header declares: SPDX lines first, else a notice ScanCode knows."""
    lines = _header_lines(record.content, engine.config.header_max_lines, engine.config.header_max_chars)
    head = _header_text(lines)
    if not head:
        return None
    declared = [m.group(1).strip() for m in _SPDX_LINE.finditer(head) if _SPDX_VALUE.fullmatch(m.group(1).strip())]
    if declared:
        expressions = []
        for value in declared:
            expression, invalid = engine.spdx.normalize(value)
            if invalid:
                count("spdx:invalid")
            expressions.append(expression)
        expression = engine.spdx.combine(expressions, "AND")
        if expression:
            count("evidence:header_spdx")
            return Evidence("header_spdx", record.path, expression, "SPDX-License-Identifier")
    # SPDX lines were read above; what is left of one is prose about them, not a declaration
    head = _SPDX_WORD.sub("SPDX identifier", head)
    if not _KEYWORDS.search(head):
        return None
    count("scans:header")
    # Each comment block that mentions a license is scanned (and cached) on its own: the
    # license notice of a project is the same block in every file, while the module
    # docstring after it differs; scanning whole headers scanned each file anew (on
    # bench/e2e's corpus: 331 block scans instead of 1,448 header scans, same expressions).
    expressions, matched = [], False
    for block in _comment_blocks(lines):
        block = _SPDX_WORD.sub("SPDX identifier", block)
        if not _KEYWORDS.search(block):
            continue
        count("scans:header_block")
        found, block_matched = _scan_expression(engine, ("header", _sha1(block)), block, count, runtime)
        expressions.append(found)
        matched = matched or block_matched
    expression = engine.spdx.combine(expressions)
    if expression:
        count("evidence:header_notice")
        return Evidence("header_notice", record.path, expression, "header notice")
    if _reserved_only(head, matched):
        count("evidence:header_notice")
        return Evidence("header_notice", record.path, ALL_RIGHTS_RESERVED, "all rights reserved")
    return None


# --------------------------------------------------------------------------- per file, per folder


def extract(record: CodeFile, engine: Engine, count: Count, runtime: Count = _noop) -> Tuple[Optional[Evidence], List[Evidence]]:
    """``(header evidence for the file, evidence for the file's folder)``."""
    items: List[Evidence] = []
    header = None
    if not record.content:
        return None, items
    if is_license_file(record.path):
        item = license_file_evidence(record, engine, count, runtime)
        if item is not None:
            items.append(item)
    else:
        if is_readme(record.path):
            item = readme_evidence(record, engine, count, runtime)
            if item is not None:
                items.append(item)
        kind = manifest_kind(record.path)
        if kind is not None:
            item = manifest_evidence(record, kind, engine, count, runtime)
            if item is not None:
                items.append(item)
        header = header_evidence(record, engine, count, runtime)
    for item in items:
        count(f"evidence:{item.kind}")
    return header, items


#: kinds of folder evidence, strongest first
_TIERS = (("license_file", "manifest"), ("notice_file",), ("readme",))


def _license_family(spdx_id: str) -> str:
    """``GPL-3.0-only`` and ``GPL-3.0-or-later`` -> ``GPL-3.0``: a license text names no such suffix."""
    return re.sub(r"-(?:only|or-later)$", "", spdx_id)


def folder_verdict(folder: str, items: Iterable[Evidence], spdx: Spdx) -> Optional[Verdict]:
    """One folder's evidence, combined.

    The strongest tier with an identified license speaks for the folder: license
    files (LICENSE, COPYING, UNLICENSE, ...) and manifests, else NOTICE / COPYRIGHT
    files, else a README's license section (a NOTICE naming the licenses of bundled
    parts, or a README restating the license, does not add to a LICENSE). Within the
    tier identified expressions are ANDed (every license found applies), except that
    when the manifests declare every license the license files hold, the manifests'
    expression says how they combine (LICENSE-MIT and LICENSE-GPL beside
    ``license = "MIT OR GPL-3.0-or-later"``: a choice, not both). Only unidentified
    license files (a license nobody can name) -> ``LicenseRef-scancode-unknown``."""
    items = tuple(sorted(set(items)))
    if not items:
        return None
    identified = []
    for tier in _TIERS:
        identified = [item for item in items if item.expression and item.kind in tier]
        if identified:
            break
    if not identified:
        return Verdict(folder, UNKNOWN, items)
    manifests = [item.expression for item in identified if item.kind == "manifest"]
    found = [item.expression for item in identified if item.kind != "manifest"]
    if manifests and found:
        declared = {_license_family(i) for e in manifests for i in spdx.ids(e)}
        if all(_license_family(i) in declared for e in found for i in spdx.ids(e)):
            return Verdict(folder, spdx.combine(manifests, "AND"), items)
    return Verdict(folder, spdx.combine([item.expression for item in identified], "AND"), items)


def gha_evidence(record: CodeFile, spdx: Spdx) -> Optional[Evidence]:
    value = (record.gha_license_id or "").strip()
    if value.lower() in _NONE_VALUES:
        return None
    expression, invalid = spdx.normalize(value)
    if not expression or invalid:
        return None
    return Evidence("gha", "", expression, "gha_license_id")


def decide(record: CodeFile, header: Optional[Evidence], verdict: Optional[Verdict], spdx: Spdx) -> Decision:
    """Header, else the nearest folder's verdict, else ``gha_license_id``, else nothing."""
    if header is not None and header.expression:
        expression, evidence, by = header.expression, (header,), "header"
    elif verdict is not None:
        expression, evidence, by = verdict.expression, verdict.evidence, "folder"
    else:
        gha = gha_evidence(record, spdx)
        if gha is not None:
            expression, evidence, by = gha.expression, (gha,), "gha"
        else:
            expression, evidence, by = "", (), "none"
    return Decision(expression, spdx.classify(expression), spdx.ids(expression), evidence, by)


def assign(record: CodeFile, header: Optional[Evidence], verdict: Optional[Verdict], spdx: Spdx,
           config: LicenseConfig, count: Count) -> Outcome:
    """Fill ``detected_licenses`` / ``license_type``; keep what the release policy keeps."""
    return release(record, decide(record, header, verdict, spdx), config, count)


def release(record: CodeFile, decision: Decision, config: LicenseConfig, count: Count) -> Outcome:
    """The record with its licenses, or ``Drop(license_type)`` when releases leave it out."""
    count(f"license_type:{decision.license_type}")
    count(f"assigned_by:{decision.by}")
    out = record._replace(detected_licenses=list(decision.detected_licenses), license_type=decision.license_type)
    if decision.license_type == PERMISSIVE or (decision.license_type == NO_LICENSE and config.include_no_license):
        return out
    return Drop(decision.license_type)


def nearest_verdict(snapshot_id: str, folder: str, verdicts: Dict[Tuple[str, str], Verdict]) -> Optional[Verdict]:
    for ancestor in reversed(ancestors(folder)):
        verdict = verdicts.get((snapshot_id, ancestor))
        if verdict is not None:
            return verdict
    return None


class Assigned(NamedTuple):
    record: CodeFile  # with detected_licenses / license_type filled in
    decision: Optional[Decision]  # None when the record could not be processed
    outcome: object  # the CodeFile kept, or a Drop


def license_records(records: Iterable[CodeFile], engine: Engine, count: Count, runtime: Count = _noop) -> Iterator[Assigned]:
    """The whole stage in memory (tests, ``codestack detect-license --repo``): the same
    functions the Beam graph runs, joined with a dict instead of a shuffle."""
    extracted: List[Tuple[CodeFile, Optional[Evidence]]] = []
    evidence: Dict[Tuple[str, str], List[Evidence]] = collections.defaultdict(list)
    for record in records:
        try:
            header, items = extract(record, engine, count, runtime)
        except Exception as exc:  # one bad file never stops the stage
            count("dropped:error")
            yield Assigned(record, None, Drop("error", f"{type(exc).__name__}: {exc}", True))
            continue
        extracted.append((record, header))
        evidence[(record.snapshot_id, folder_of(record.path))].extend(items)
    verdicts = {key: folder_verdict(key[1], items, engine.spdx) for key, items in evidence.items() if items}
    for record, header in extracted:
        verdict = nearest_verdict(record.snapshot_id, folder_of(record.path), verdicts)
        decision = decide(record, header, verdict, engine.spdx)
        outcome = release(record, decision, engine.config, count)
        if isinstance(outcome, Drop):
            count(f"dropped:{outcome.reason}")
        else:
            count("kept")
        yield Assigned(record._replace(detected_licenses=list(decision.detected_licenses),
                                       license_type=decision.license_type), decision, outcome)


def detect_text(path: str, text: str, engine: Engine, count: Count = _noop) -> Decision:
    """What one file's text declares, on its own (``codestack detect-license PATH``)."""
    record = CodeFile(blob_id="", content_id="", directory_id="", path=path, repo_name="", snapshot_id="",
                      revision_id="", branch_name="", content=text, length_bytes=len(text.encode("utf-8", "surrogatepass")))
    header, items = extract(record, engine, count)
    verdict = folder_verdict(folder_of(path), items, engine.spdx)
    return decide(record, header, verdict, engine.spdx)


# --------------------------------------------------------------------------- Beam

EVIDENCE = "evidence"


class _RuntimeCounter:
    def __init__(self):
        self._counters = {}

    def __call__(self, name: str, n: int = 1) -> None:
        counter = self._counters.get(name)
        if counter is None:
            counter = self._counters[name] = Metrics.counter(RUNTIME_NAMESPACE, name)
        counter.inc(n)


class _ExtractFn(beam.DoFn):
    """file -> ``((snapshot, folder), (packed file, header))`` + tagged ``((snapshot, folder), evidence)``."""

    def __init__(self, engine: Resident):
        self._resident = engine

    def setup(self):
        self._count = BeamCounter(STAGE)
        self._runtime = _RuntimeCounter()

    def start_bundle(self):
        self._engine = self._resident.acquire()

    def finish_bundle(self):
        self._engine = None
        self._resident.release()

    def process(self, record: CodeFile):
        try:
            header, items = extract(record, self._engine, self._count, self._runtime)
        except Exception as exc:  # one bad file never stops the run
            self._count("dropped:error")
            yield beam.pvalue.TaggedOutput(REJECTS, reject_for(record, STAGE, "error", f"{type(exc).__name__}: {exc}"))
            return
        key = (record.snapshot_id, folder_of(record.path))
        for item in items:
            yield beam.pvalue.TaggedOutput(EVIDENCE, (key, item))
        yield key, (pack(record), header)  # every file of the input crosses the folder join: packed


def _ask_ancestors(key: Tuple[str, str]) -> Iterator[Tuple[Tuple[str, str], str]]:
    snapshot, folder = key
    for ancestor in ancestors(folder):
        yield (snapshot, ancestor), folder


#: tags of the two unions grouped by key: (asking folder | evidence), (file | verdict)
_ASK, _EVIDENCE = 0, 1
_FILE, _VERDICT = 0, 1


class _ReachFn(beam.DoFn):
    """``(snapshot, ancestor)``: its evidence and the folders below asking for it ->
    ``((snapshot, folder), (depth, verdict))`` for each asking folder."""

    def __init__(self, spdx_factory: Callable[[], Spdx]):
        self._spdx_factory = spdx_factory

    def setup(self):
        self._spdx = self._spdx_factory()

    def process(self, element):
        (snapshot, ancestor), values = element
        items = [value for tag, value in values if tag == _EVIDENCE]  # first pass: the evidence only
        if not items:
            return
        verdict = folder_verdict(ancestor, items, self._spdx)
        depth = depth_of(ancestor)
        for tag, folder in values:  # second pass: the asking folders
            if tag == _ASK:
                yield (snapshot, folder), (depth, verdict)


def _deepest(answers: Iterable[Tuple[int, Verdict]]) -> Optional[Tuple[int, Verdict]]:
    """The nearest ancestor's verdict (depths of one folder's ancestors are distinct)."""
    best = None
    for answer in answers:
        if answer is not None and (best is None or answer[0] > best[0]):
            best = answer
    return best


class _AssignFn(beam.DoFn):
    def __init__(self, config: LicenseConfig, spdx_factory: Callable[[], Spdx]):
        self._config = config
        self._spdx_factory = spdx_factory

    def setup(self):
        self._spdx = self._spdx_factory()
        self._count = BeamCounter(STAGE)

    def process(self, element):
        _key, values = element
        verdict = None
        for tag, value in values:  # first pass: the folder's verdict (at most one)
            if tag == _VERDICT:
                verdict = value[1]
        for tag, value in values:  # second pass: the files, one at a time
            if tag != _FILE:
                continue
            packed, header = value
            record = unpack(packed)
            try:
                out = assign(record, header, verdict, self._spdx, self._config, self._count)
            except Exception as exc:
                self._count("dropped:error")
                yield beam.pvalue.TaggedOutput(REJECTS, reject_for(record, STAGE, "error", f"{type(exc).__name__}: {exc}"))
                continue
            if isinstance(out, Drop):
                self._count(f"dropped:{out.reason}")
                continue
            self._count("kept")
            yield out


def _tag(tag: int):
    def tagged(element):
        key, value = element
        return key, (tag, value)

    return tagged


class License(beam.PTransform):
    """``kept, rejects = records | License(config)``: see the module docstring for the graph."""

    def __init__(self, config: LicenseConfig = LicenseConfig(), engine_factory: Optional[Callable[[], Engine]] = None,
                 spdx_factory: Callable[[], Spdx] = Spdx):
        super().__init__(label=STAGE)
        self._config = config
        self._engine_factory = engine_factory or functools.partial(make_engine, config)
        self._spdx_factory = spdx_factory

    def expand(self, records):
        engine = Resident(f"license-engine-{uuid.uuid4().hex}", self._engine_factory,
                          self._config.release_idle_seconds, forget_scancode_cache)
        extracted = records | "Extract" >> beam.ParDo(_ExtractFn(engine)).with_outputs(
            EVIDENCE, REJECTS, main="files"
        )
        files = extracted.files
        asks = (
            files
            | "FolderKeys" >> beam.Keys()
            | "Folders" >> beam.Distinct()
            | "Ancestors" >> beam.FlatMap(_ask_ancestors)
        )
        answers = (
            (
                extracted[EVIDENCE] | "TagEvidence" >> beam.Map(_tag(_EVIDENCE)),
                asks | "TagAsks" >> beam.Map(_tag(_ASK)),
            )
            | "EvidenceAndAsks" >> beam.Flatten()
            | "ByAncestor" >> beam.GroupByKey()
            | "Reach" >> beam.ParDo(_ReachFn(self._spdx_factory))
            | "Nearest" >> beam.CombinePerKey(_deepest)
        )
        assigned = (
            (
                files | "TagFiles" >> beam.Map(_tag(_FILE)),
                answers | "TagVerdicts" >> beam.Map(_tag(_VERDICT)),
            )
            | "FilesAndVerdicts" >> beam.Flatten()
            | "ByFolder" >> beam.GroupByKey()
            | "Assign" >> beam.ParDo(_AssignFn(self._config, self._spdx_factory))
            .with_output_types(CodeFile)
            .with_outputs(REJECTS, main="kept")
        )
        rejects = (extracted[REJECTS], assigned[REJECTS]) | "Rejects" >> beam.Flatten()
        return assigned.kept, rejects
