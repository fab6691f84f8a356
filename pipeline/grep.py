"""``codestack query --grep``: Python ``re.search`` over a release, with an Arrow prefilter.

The answer is always Python's: a row is kept when ``regex.search(content)`` finds a
match. Arrow (RE2) only decides which rows are worth asking, by testing conditions
derived from the parsed Python regex (``re._parser``) that every matching row meets;
only the rows that meet them are turned into Python strings and confirmed with
``regex.search``. Two kinds of condition, tested per record batch with
``pyarrow.compute.match_substring_regex``, literals first:

1. Literals (:func:`necessary_condition`): a boolean formula of literals
   (:class:`Lit`, each position a set of characters) that the content of every
   matching row contains, tested as RE2 patterns made of nothing but escaped
   characters, so RE2's regex semantics never decide a row. Every node of the parse
   tree gets ``exact`` (all the strings it can match, when there are few) and ``cond``
   (a formula the whole content meets whenever the node matches). A literal matches one
   character of its class; a concatenation's text is its parts' texts in a row; an
   alternation matches one branch (a union, or the OR of the branches' conditions); a
   repeat with ``min >= 1`` matches its body at least once, one with ``min == 0`` may
   match nothing (nothing derived); a positive lookaround matches its body somewhere in
   the content (its condition holds, its own text is empty); anything else (``.``,
   ``\\d``, negated classes, backreferences, negative lookarounds, unknown nodes)
   derives nothing.
2. A superset pattern (:func:`superset_re2`): the regex rewritten for RE2 so that it
   matches wherever Python's does, and maybe more: every character position becomes
   the explicit code points Python matches there; anchors, lookarounds and
   backreferences are relaxed to what matches more. This is what narrows rows for
   patterns without a useful literal (``\\d{4}-\\d{2}-\\d{2}``).

Character sets are never RE2's or ours: under IGNORECASE, and for ``\\d``, ``\\w``,
``\\s``, negated classes, a position's set is found by running Python's engine itself
over code points (:func:`_folded`, :func:`_python_class`), so Unicode rules (``K`` and
the Kelvin sign, ``ı``, ``ſ``, Arabic-Indic digits) are ``re``'s. Dropping a literal or
replacing any part by TRUE only weakens a condition, so every simplification below is
of that kind; when nothing is derived, every row goes to Python
(:attr:`Grep.prefilter` is then None).
"""

from __future__ import annotations

import itertools
import re
import time
from dataclasses import dataclass, field
from functools import lru_cache
from typing import FrozenSet, Iterable, List, NamedTuple, Optional, Tuple, Union

#: at most this many strings in a node's exact set (alternations multiply)
MAX_EXACT = 16
#: a character class larger than this is not a literal position
MAX_CLASS = 128
#: an AND is tested with at most this many of its (best) parts
MAX_AND_PARTS = 4
#: an OR of more literals than this is tested with one RE2 alternation
MAX_OR_PASSES = 3
#: literals at least this selective (:func:`_score`) are tested alone; weaker ones are
#: followed by the superset pattern (RE2 compiles it per batch: a cost worth it only then)
STRONG_LITERALS = 3.0

#: the flags that change which characters a position matches, as plain ints (enum arithmetic is slow)
_IGNORECASE, _CASE_FLAGS, _CLASS_FLAGS = int(re.I), int(re.I | re.A), int(re.I | re.A | re.U)

Chars = FrozenSet[str]
Seq = Tuple[Chars, ...]


class Lit(NamedTuple):
    """The content contains a string whose i-th character is in ``chars[i]``."""

    chars: Seq


class Re2(NamedTuple):
    """The content has a match of this RE2 pattern (one :func:`superset_re2` made)."""

    pattern: str


class All(NamedTuple):
    parts: Tuple["Cond", ...]


class Any(NamedTuple):
    parts: Tuple["Cond", ...]


Cond = Union[Lit, Re2, All, Any]
TRUE = All(())


class _Info(NamedTuple):
    exact: Optional[FrozenSet[Seq]]  # every string the node can match (None: too many, or unknown)
    cond: Cond  # holds on the whole content whenever the node matches


_EMPTY = frozenset({()})
_NOTHING = _Info(None, TRUE)


# ---------------------------------------------------------------------------
# the regex -> a necessary condition
# ---------------------------------------------------------------------------


def parse(regex: "re.Pattern[str]"):
    """The parse tree ``re.compile`` itself builds (CPython 3.11+: ``re._parser``)."""
    from re import _parser

    return _parser.parse(regex.pattern, regex.flags)


def necessary_condition(regex: "re.Pattern[str]", parsed=None) -> Cond:
    """A formula of literals that the content of every row ``regex.search`` matches
    satisfies (TRUE when nothing could be derived)."""
    try:
        parsed = parse(regex) if parsed is None else parsed
        info = _Walker().sequence(list(parsed), parsed.state.flags)
        return simplify(All((info.cond, _any_of(info.exact))))
    except Exception:  # pylint: disable=broad-except  # an unknown shape: derive nothing (always sound)
        return TRUE


def _any_of(exact: Optional[FrozenSet[Seq]]) -> Cond:
    if exact is None:
        return TRUE
    return Any(tuple(Lit(seq) for seq in sorted(exact, key=_seq_key)))


def _seq_key(seq: Seq):
    return tuple(tuple(sorted(chars)) for chars in seq)


class _Walker:
    def __init__(self):
        from re import _constants as c

        self.c = c

    def sequence(self, items: Iterable, flags: int) -> _Info:
        """A concatenation: exact strings are multiplied out while they stay few; what
        cannot be carried on is flushed into the condition as an OR of literals."""
        conds: List[Cond] = []
        acc: Optional[FrozenSet[Seq]] = _EMPTY
        whole = True  # acc still describes the whole matched text
        for op, av in items:
            info = self.node(op, av, flags)
            if info.cond != TRUE:
                conds.append(info.cond)
            if info.exact is not None and acc is not None and len(acc) * len(info.exact) <= MAX_EXACT:
                if len(acc) == 1 and len(info.exact) == 1:  # the common case: a run of literals
                    acc = frozenset((next(iter(acc)) + next(iter(info.exact)),))
                else:
                    acc = frozenset(a + b for a in acc for b in info.exact)
                continue
            if acc is not None:
                conds.append(_any_of(acc))
            whole = False
            acc = info.exact  # None: an unknown part; the next literal run starts after it
        if whole:
            return _Info(acc, All(tuple(conds)))
        if acc is not None:
            conds.append(_any_of(acc))
        return _Info(None, All(tuple(conds)))

    def node(self, op, av, flags: int) -> _Info:
        c = self.c
        if op is c.LITERAL:
            return _literal_info(av, int(flags) & _CASE_FLAGS)
        if op is c.IN:
            chars = _class_of(tuple(av), flags)
            return _Info(frozenset({(chars,)}), TRUE) if chars else _NOTHING
        if op is c.AT:
            return _Info(_EMPTY, TRUE)  # an anchor matches the empty string
        if op is c.SUBPATTERN:
            _group, add, remove, body = av
            return self.sequence(body, (flags | add) & ~remove)
        if op is c.ATOMIC_GROUP:
            return self.sequence(av, flags)
        if op is c.BRANCH:
            return self.alternatives([self.sequence(branch, flags) for branch in av[1]])
        if op is c.GROUPREF_EXISTS:
            _group, yes, no = av
            return self.alternatives([self.sequence(yes, flags),
                                      self.sequence(no, flags) if no is not None else _Info(_EMPTY, TRUE)])
        if op in (c.MAX_REPEAT, c.MIN_REPEAT, getattr(c, "POSSESSIVE_REPEAT", c.MAX_REPEAT)):
            low, high, body = av
            info = self.sequence(body, flags)
            if low == 0:
                if high == 1 and info.exact is not None:
                    return _Info(info.exact | _EMPTY, TRUE)  # x? : x or nothing
                return _NOTHING
            if low == high and info.exact is not None and len(info.exact) ** low <= MAX_EXACT and low <= 8:
                exact = _EMPTY
                for _ in range(low):
                    exact = frozenset(a + b for a in exact for b in info.exact)
                return _Info(exact, info.cond)
            return _Info(None, All((info.cond, _any_of(info.exact))))
        if op is c.ASSERT:
            direction, body = av
            info = self.sequence(body, flags)  # the body matches somewhere in the content
            return _Info(_EMPTY, All((info.cond, _any_of(info.exact))))
        if op is c.ASSERT_NOT:
            return _Info(_EMPTY, TRUE)
        return _NOTHING  # ANY, NOT_LITERAL, GROUPREF, CATEGORY, FAILURE, ...: nothing known

    @staticmethod
    def alternatives(infos: List[_Info]) -> _Info:
        if all(i.exact is not None for i in infos):
            exact = frozenset().union(*(i.exact for i in infos))
            if len(exact) <= MAX_EXACT:
                return _Info(exact, Any(tuple(i.cond for i in infos)))
        return _Info(None, Any(tuple(All((i.cond, _any_of(i.exact))) for i in infos)))


@lru_cache(maxsize=4096)
def _literal_info(point: int, flags: int) -> _Info:
    from re import _constants as c

    chars = _class_of(((c.LITERAL, point),), flags) if flags & _IGNORECASE else frozenset((chr(point),))
    return _Info(frozenset({(chars,)}), TRUE) if chars else _NOTHING


def _class_of(items: Tuple, flags: int) -> Optional[Chars]:
    """Every character one position (a LITERAL, or an IN's items) can match; None when
    unknown (negated, a category such as \\d) or larger than MAX_CLASS."""
    from re import _constants as c

    chars = set()
    for op, av in items:
        if op is c.LITERAL:
            chars.add(chr(av))
        elif op is c.RANGE:
            if av[1] - av[0] >= MAX_CLASS:
                return None
            chars.update(map(chr, range(av[0], av[1] + 1)))
        else:  # NEGATE, CATEGORY
            return None
    if flags & _IGNORECASE:
        chars |= _folded(items, flags & _CASE_FLAGS)
    if not chars or len(chars) > MAX_CLASS:
        return None
    return frozenset(chars)


@lru_cache(maxsize=4096)
def _folded(items: Tuple, flags: int) -> Chars:
    """The characters other than ``items`` themselves that Python matches against this
    position under ``flags`` (IGNORECASE): Python's engine is run on every character of
    :func:`_case_universe`, outside which a character only ever matches itself."""
    from re import _constants as c

    if len(items) == 1 and items[0][0] is c.LITERAL:
        pattern = _py_escape(items[0][1])  # a bare literal compiles as LITERAL, not IN
    else:
        parts = [_py_escape(av) if op is c.LITERAL else f"{_py_escape(av[0])}-{_py_escape(av[1])}" for op, av in items]
        pattern = "[" + "".join(parts) + "]"
    return frozenset(m.group() for m in re.compile(pattern, flags).finditer(_case_universe()))


@lru_cache(maxsize=1)
def _case_universe() -> str:
    """Every character that can match a character other than itself under IGNORECASE.

    Python's engine (``_sre``) compares ``tolower(text char)`` with the pattern's
    lowered characters (plus ``re._casefix`` equivalents, themselves cased): a text
    character that is not cased (``tolower(x) == toupper(x) == x``) matches another
    character only if it is the lowercase of one. So: every cased character and every
    lowercase of a character. (ASCII mode only folds ASCII letters, a subset.) Without
    ``_sre``'s helpers: every code point (slower, still exact)."""
    try:
        from _sre import unicode_iscased, unicode_tolower
    except ImportError:
        return _every_character()
    try:
        from re._casefix import _EXTRA_CASES  # the compiler's extra equivalences (ı ~ i, ſ ~ s, ...)
    except ImportError:
        _EXTRA_CASES = {}
    found = set(_EXTRA_CASES)
    found.update(itertools.chain.from_iterable(_EXTRA_CASES.values()))
    for point in itertools.chain(range(0xD800), range(0xE000, 0x110000)):
        if unicode_iscased(point):
            found.add(point)
            found.add(unicode_tolower(point))
    return "".join(map(chr, sorted(found)))


def _py_escape(point: int) -> str:
    return "\\U%08x" % point


# ---------------------------------------------------------------------------
# the regex -> an RE2 pattern matching a superset of its matches
# ---------------------------------------------------------------------------

#: counted repeats above this are relaxed to ``{n,}`` (RE2's limit is 1000; large counts make big automata)
MAX_RE2_REPEAT = 32
#: a superset pattern longer than this is not used (RE2's memory for it)
MAX_RE2_PATTERN = 20_000


def superset_re2(regex: "re.Pattern[str]", parsed=None) -> Optional[str]:
    """An RE2 pattern that finds a match in every text ``regex.search`` matches (and maybe
    more); None when the regex can match the empty string (every row) or has a shape
    not handled. Each character position becomes the explicit set of code points Python
    matches there (found by running ``re`` over all code points, so ``\\d``, ``\\w`` and
    IGNORECASE are Python's); what RE2 cannot say, or says differently, is relaxed to
    something that matches more: anchors and lookarounds match the empty string, a
    backreference any text, atomic and lazy parts their plain forms, large counts ``{n,}``."""
    try:
        parsed = parse(regex) if parsed is None else parsed
        pattern, shortest = _Relaxer().sequence(list(parsed), parsed.state.flags)
    except Exception:  # pylint: disable=broad-except  # an unknown shape: no superset pattern
        return None
    if pattern is None or shortest == 0 or len(pattern) > MAX_RE2_PATTERN:
        return None
    return pattern


class _Relaxer:
    """Python parse tree -> (RE2 pattern, length of the shortest match); None: give up."""

    def __init__(self):
        from re import _constants as c

        self.c = c
        self.size = 0  # characters of the character sets written: past MAX_RE2_PATTERN, give up early

    def sequence(self, items, flags: int):
        out, shortest = [], 0
        for op, av in items:
            pattern, n = self.node(op, av, int(flags))
            if pattern is None:
                return None, 0
            if n == 1 and op in (self.c.LITERAL, self.c.NOT_LITERAL, self.c.IN, self.c.ANY):
                self.size += len(pattern)
                if self.size > MAX_RE2_PATTERN:
                    return None, 0
            out.append(pattern)
            shortest += n
        return "".join(out), shortest

    def node(self, op, av, flags: int):
        c = self.c
        if op in (c.LITERAL, c.NOT_LITERAL, c.IN, c.ANY):
            if op is c.ANY:
                return "(?s:.)", 1
            if op is c.LITERAL:  # a bare literal: itself, or what IGNORECASE matches against it
                chars = _literal_info(av, flags & _CASE_FLAGS).exact
                if chars is None:
                    return None, 0
                points = sorted(ord(ch) for (position,) in chars for ch in position)
                return _re2_class([(p, p) for p in points if not 0xD800 <= p <= 0xDFFF]), 1
            items = ((c.NEGATE, None), (c.LITERAL, av)) if op is c.NOT_LITERAL else tuple(av)
            ranges = _python_class(items, flags & _CLASS_FLAGS)
            return (_re2_class(ranges), 1) if ranges is not None else (None, 0)
        if op is c.AT or op is c.ASSERT or op is c.ASSERT_NOT:
            return "", 0  # relaxed: the empty string
        if op is c.SUBPATTERN:
            _group, add, remove, body = av
            pattern, n = self.sequence(body, (flags | add) & ~remove)
            return (None, 0) if pattern is None else (f"(?:{pattern})", n)
        if op is c.ATOMIC_GROUP:
            pattern, n = self.sequence(av, flags)
            return (None, 0) if pattern is None else (f"(?:{pattern})", n)
        if op is c.BRANCH or op is c.GROUPREF_EXISTS:
            branches = av[1] if op is c.BRANCH else [av[1], av[2] or []]
            done = [self.sequence(branch, flags) for branch in branches]
            if any(p is None for p, _ in done):
                return None, 0
            return "(?:" + "|".join(p for p, _ in done) + ")", min(n for _, n in done)
        if op in (c.MAX_REPEAT, c.MIN_REPEAT, getattr(c, "POSSESSIVE_REPEAT", c.MAX_REPEAT)):
            low, high, body = av
            pattern, n = self.sequence(body, flags)
            if pattern is None:
                return None, 0
            if not pattern:
                return "", 0
            if low > MAX_RE2_REPEAT:
                low = MAX_RE2_REPEAT  # fewer repeats required: more texts match
            count = f"{{{low},}}" if high is c.MAXREPEAT or high > MAX_RE2_REPEAT else f"{{{low},{high}}}"
            return f"(?:{pattern}){count}", low * n
        if op is c.GROUPREF:
            return "(?s:.*)", 0  # relaxed: any text
        return None, 0


def _re2_class(ranges: List[Tuple[int, int]]) -> str:
    if not ranges:
        return "[^\\x{0}-\\x{10ffff}]"  # no character: matches nothing
    if len(ranges) == 1 and ranges[0][0] == ranges[0][1]:
        return _re2_char(ranges[0][0])
    return "[" + "".join(_re2_char(a) if a == b else f"{_re2_char(a)}-{_re2_char(b)}" for a, b in ranges) + "]"


def _re2_char(point: int) -> str:
    ch = chr(point)
    return ch if ch.isascii() and ch.isalnum() else "\\x{%x}" % point


_CATEGORIES = {"CATEGORY_DIGIT": "\\d", "CATEGORY_NOT_DIGIT": "\\D", "CATEGORY_SPACE": "\\s",
               "CATEGORY_NOT_SPACE": "\\S", "CATEGORY_WORD": "\\w", "CATEGORY_NOT_WORD": "\\W"}


@lru_cache(maxsize=1024)
def _python_class(items: Tuple, flags: int) -> Optional[List[Tuple[int, int]]]:
    """The code points (ranges, surrogates left out) Python matches at one position whose
    parse is ``items`` (an IN's), found by running ``re`` on a string of every code point."""
    from re import _constants as c

    parts = []
    for op, av in items:
        if op is c.LITERAL:
            parts.append(_py_escape(av))
        elif op is c.RANGE:
            parts.append(f"{_py_escape(av[0])}-{_py_escape(av[1])}")
        elif op is c.NEGATE:
            parts.insert(0, "^")
        elif op is c.CATEGORY and str(av) in _CATEGORIES:
            parts.append(_CATEGORIES[str(av)])
        else:
            return None
    ranges = []
    for m in re.compile("[" + "".join(parts) + "]+", flags).finditer(_every_character()):
        first, last = ord(m.group()[0]), ord(m.group()[-1])
        if first < 0xD800 < last:  # the string skips the surrogates: two ranges
            ranges += [(first, 0xD7FF), (0xE000, last)]
        else:
            ranges.append((first, last))
    return ranges


@lru_cache(maxsize=1)
def _every_character() -> str:
    """Every code point but the surrogates (no UTF-8 text holds them), in order."""
    import numpy

    points = numpy.concatenate([numpy.arange(0, 0xD800), numpy.arange(0xE000, 0x110000)]).astype("<u4")
    return points.tobytes().decode("utf-32-le")


# ---------------------------------------------------------------------------
# simplification (each step keeps the condition necessary: it only weakens it)
# ---------------------------------------------------------------------------


def simplify(cond: Cond) -> Cond:
    """Flattened, deduplicated; TRUE absorbed; a literal implied by another dropped."""
    if isinstance(cond, Lit):
        return cond if cond.chars else TRUE
    if isinstance(cond, Re2):
        return cond
    parts: List[Cond] = []
    seen = set()
    for part in map(simplify, cond.parts):
        for sub in (part.parts if type(part) is type(cond) else (part,)):
            if sub not in seen:
                seen.add(sub)
                parts.append(sub)
    if isinstance(cond, Any):
        if TRUE in parts:
            return TRUE
        parts = _prune(parts, lambda p, q: _holds(p, q))  # A or B, B in every text holding A: B says it
    else:
        if Any(()) in parts:
            return Any(())
        parts = _prune(parts, lambda p, q: _holds(q, p))  # A and B, B in every text holding A: A says it
    if len(parts) == 1:
        return parts[0]
    return type(cond)(tuple(parts))


def _prune(parts: List[Cond], redundant) -> List[Cond]:
    """``parts`` less each literal ``p`` that another literal ``q`` makes redundant
    (``redundant(p, q)``); of literals redundant to each other the first stays. The
    relation is transitive, so every dropped literal leaves one that covers it."""
    if len(parts) > 64:  # pairwise checks: only for short lists (pruning is optional)
        return parts
    kept = []
    for i, p in enumerate(parts):
        if isinstance(p, Lit) and any(
                isinstance(q, Lit) and redundant(p, q) and (j < i or not redundant(q, p))
                for j, q in enumerate(parts) if j != i):
            continue
        kept.append(p)
    return kept


def _holds(a: Lit, b: Lit) -> bool:
    """Every text that contains ``a`` contains ``b``: ``b`` stands inside ``a`` with each of
    its positions allowing at least what ``a``'s position there allows."""
    x, y = a.chars, b.chars
    return any(all(x[i + j] <= y[j] for j in range(len(y))) for i in range(len(x) - len(y) + 1))


def _score(cond: Cond) -> float:
    """How selective a part is likely to be: a fixed character counts 1, a class of k, 1/k."""
    if isinstance(cond, Lit):
        return sum(1.0 / len(chars) for chars in cond.chars)
    if isinstance(cond, Re2):
        return 0.0
    if isinstance(cond, All):
        return max(map(_score, cond.parts), default=0.0)
    return min(map(_score, cond.parts), default=0.0)


def plan(cond: Cond, min_score: float = 1.0) -> Cond:
    """``cond`` trimmed for testing: a literal weaker than ``min_score`` (e.g. one class of
    many letters) becomes TRUE, an AND keeps its MAX_AND_PARTS best parts, best first."""
    if isinstance(cond, Lit):
        return cond if _score(cond) >= min_score else TRUE
    if isinstance(cond, Re2):
        return cond
    parts = [plan(p, min_score) for p in cond.parts]
    if isinstance(cond, All):
        parts = sorted((p for p in parts if p != TRUE), key=_score, reverse=True)[:MAX_AND_PARTS]
    return simplify(type(cond)(tuple(parts)))


def describe(cond: Cond) -> str:
    """``"def" and "test_"``, ``("TODO" or "FIXME")``, ``"copyr[Iiİı]ght"``."""
    if isinstance(cond, Lit):
        shown = "".join(_shown(next(iter(c))) if len(c) == 1 else
                        ("[" + "".join(map(_shown, sorted(c))) + "]" if len(c) <= 4 else f"[{len(c)} chars]")
                        for c in cond.chars)
        return f'"{shown}"'
    if isinstance(cond, Re2):
        shown = cond.pattern if len(cond.pattern) <= 60 else f"{cond.pattern[:50]}... ({len(cond.pattern)} chars)"
        return f"re2:{shown}"
    if not cond.parts:
        return "true" if isinstance(cond, All) else "false"
    words = [describe(p) for p in cond.parts]
    if isinstance(cond, All):
        return " and ".join(words)
    return "(" + " or ".join(words) + ")"


def _shown(ch: str) -> str:
    return ch if ch.isprintable() and ch not in '"\\' else repr(ch)[1:-1] if ch != '"' else '\\"'


# ---------------------------------------------------------------------------
# testing the condition with Arrow
# ---------------------------------------------------------------------------


def to_re2(lit: Lit) -> Optional[str]:
    """An RE2 pattern of escaped characters and classes of escaped characters only, so it
    matches exactly where the literal occurs. None when a position allows no character
    valid UTF-8 can hold (lone surrogates): then it is not tested (TRUE)."""
    out = []
    for chars in lit.chars:
        points = sorted(ord(ch) for ch in chars if not 0xD800 <= ord(ch) <= 0xDFFF)
        if not points:
            return None
        escaped = "".join(chr(p) if chr(p).isascii() and chr(p).isalnum() else "\\x{%x}" % p for p in points)
        out.append(escaped if len(points) == 1 else "[" + escaped + "]")
    return "".join(out)


def keep_mask(cond: Cond, column):
    """A numpy bool array: the rows of ``column`` (an Arrow string array) that satisfy
    ``cond`` (rows whose content is null: False)."""
    import numpy

    return _eval(cond, column, numpy)


def _regex_mask(column, pattern: Optional[str], numpy):
    import pyarrow as pa
    import pyarrow.compute as pc

    if pattern is None:
        return numpy.ones(len(column), dtype=bool)
    try:
        hits = pc.match_substring_regex(column, pattern)
    except pa.ArrowInvalid:  # beyond RE2's limits (Grep drops such parts up front): not tested
        return numpy.ones(len(column), dtype=bool)
    if hits.null_count:
        hits = pc.fill_null(hits, False)
    return hits.to_numpy(zero_copy_only=False)


def _eval(cond: Cond, column, numpy):
    if isinstance(cond, Lit):
        return _regex_mask(column, to_re2(cond), numpy)
    if isinstance(cond, Re2):
        return _regex_mask(column, cond.pattern, numpy)
    if isinstance(cond, Any):
        lits = [p for p in cond.parts if isinstance(p, Lit)]
        rest = [p for p in cond.parts if not isinstance(p, Lit)]
        mask = numpy.zeros(len(column), dtype=bool)
        if len(lits) > MAX_OR_PASSES:  # one pass of an alternation of literals
            patterns = [to_re2(p) for p in lits]
            if None in patterns:
                return numpy.ones(len(column), dtype=bool)
            mask |= _regex_mask(column, "|".join(patterns), numpy)
        else:
            rest = lits + rest
        for part in rest:
            mask |= _eval(part, column, numpy)
        return mask
    mask = numpy.ones(len(column), dtype=bool)  # All: each part tested on the rows still in
    for part in cond.parts:
        rows = numpy.flatnonzero(mask)
        if len(rows) == 0:
            break
        if len(rows) * 4 < len(column):
            mask[rows] = _eval(part, column.take(rows), numpy)
        else:
            mask &= _eval(part, column, numpy)
    return mask


# ---------------------------------------------------------------------------
# the search
# ---------------------------------------------------------------------------


@dataclass
class GrepStats:
    rows: int = 0  # rows scanned (the other filters applied)
    bytes: int = 0  # their content, UTF-8 bytes
    candidates: int = 0  # rows the prefilter passed on to Python's re
    matched: int = 0
    started: float = field(default_factory=time.perf_counter)

    def summary(self) -> str:
        seconds = max(time.perf_counter() - self.started, 1e-9)
        return (f"{self.rows:,} rows scanned, {self.matched:,} matched ({self.candidates:,} checked with Python re), "
                f"{_size(self.bytes)} in {seconds:.1f} s: {self.rows / seconds:,.0f} rows/s, "
                f"{self.bytes / seconds / 1e6:,.0f} MB/s")


def _size(n: int) -> str:
    for unit, scale in (("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if n >= scale:
            return f"{n / scale:.2f} {unit}"
    return f"{n} B"


def _compilable(cond: Cond) -> Cond:
    """``cond`` with each literal or pattern RE2 refuses (too large) replaced by TRUE."""
    import pyarrow as pa
    import pyarrow.compute as pc

    def compiles(pattern: Optional[str]) -> bool:
        try:
            if pattern is not None:
                pc.match_substring_regex(pa.array([""]), pattern)
            return True
        except pa.ArrowInvalid:
            return False

    if isinstance(cond, (Lit, Re2)):
        return cond if compiles(to_re2(cond) if isinstance(cond, Lit) else cond.pattern) else TRUE
    lits = [p for p in cond.parts if isinstance(p, Lit)]
    if isinstance(cond, Any) and len(lits) > MAX_OR_PASSES:  # tested as one alternation (see _eval)
        patterns = [to_re2(p) for p in lits]
        if None not in patterns and not compiles("|".join(patterns)):
            return TRUE
        return simplify(Any(tuple(lits) + tuple(_compilable(p) for p in cond.parts if not isinstance(p, Lit))))
    return simplify(type(cond)(tuple(map(_compilable, cond.parts))))


class Grep:
    """``regex.search`` over Arrow content columns, prefiltered when a condition exists."""

    def __init__(self, pattern: str, ignore_case: bool = False, flags: int = 0):
        self.regex = re.compile(pattern, flags | (re.IGNORECASE if ignore_case else 0))
        #: literals every match's row holds
        try:
            parsed = parse(self.regex)
        except Exception:  # pylint: disable=broad-except  # no parse tree: nothing derived
            parsed = None
        self.condition = necessary_condition(self.regex, parsed) if parsed is not None else TRUE
        #: an RE2 pattern every match's row matches (None: none made)
        self.superset = superset_re2(self.regex, parsed) if parsed is not None else None
        literals = plan(self.condition)
        use_superset = self.superset is not None and _score(literals) < STRONG_LITERALS
        planned = _compilable(simplify(All((literals,) + ((Re2(self.superset),) if use_superset else ()))))
        #: what Arrow tests, literals first (None: nothing derived, every row goes to Python)
        self.prefilter: Optional[Cond] = None if planned == TRUE else planned
        self.stats = GrepStats()

    def matching(self, column):
        """Indices (numpy) of the rows of ``column`` whose content ``regex.search`` matches."""
        import numpy
        import pyarrow.compute as pc

        self.stats.rows += len(column)
        self.stats.bytes += pc.sum(pc.binary_length(column)).as_py() or 0
        if self.prefilter is None:
            rows = numpy.arange(len(column))
            texts = column.to_pylist()
        else:
            rows = numpy.flatnonzero(keep_mask(self.prefilter, column))
            texts = column.take(rows).to_pylist() if len(rows) else []
        self.stats.candidates += len(rows)
        search = self.regex.search
        hits = numpy.fromiter((i for i, text in zip(rows, texts) if text is not None and search(text)),
                              dtype=numpy.int64)
        self.stats.matched += len(hits)
        return hits
