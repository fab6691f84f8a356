"""Stage ``decontaminate``: files holding a benchmark item are not released.

After near dedup (a duplicate is never searched) and before redaction (which would
change the text): a file whose normalized text (:mod:`.normalize`: lowercased, no
whitespace) contains a needle of a configured benchmark (:mod:`.benchmarks`) is
dropped, counted ``dropped:contaminated:<benchmark>``, and dead-lettered with a reject
naming the benchmark and the item id (never the content). One Aho-Corasick automaton
over every needle (:mod:`.matcher`), built once per worker from the needle table the
driver staged.

Counters (``codestack.decontaminate``): ``kept``, ``dropped:contaminated:<benchmark>``.
"""

from __future__ import annotations

import dataclasses
import functools
from typing import Tuple

from transforms.base import Count, Drop, Outcome, Stage
from transforms.decontaminate.benchmarks import (
    BUILTIN,
    PRESETS,
    Benchmark,
    BenchmarkError,
    BenchmarkSpec,
    load_benchmarks,
    parse_spec,
    parse_specs,
)
from transforms.decontaminate.matcher import Match, Matcher, NeedleTable, read_table, write_table
from transforms.decontaminate.normalize import normalize
from transforms.record import CodeFile

STAGE = "decontaminate"

__all__ = [
    "BUILTIN", "PRESETS", "STAGE", "Benchmark", "BenchmarkError", "BenchmarkSpec", "DecontaminateConfig", "Match",
    "Matcher", "NeedleTable", "Decontaminate", "decontaminate", "load_benchmarks", "make_core", "normalize",
    "parse_spec", "parse_specs", "read_table", "write_table",
]


@dataclasses.dataclass(frozen=True)
class DecontaminateConfig:
    #: benchmarks whose items no released file may hold (``--benchmark``, repeatable): ``humaneval``,
    #: ``NAME=FILE`` (a preset: mbpp, apps, gsm8k, ds1000, multipl-e, humaneval-x), ``NAME=FILE:FIELD,FIELD``
    benchmarks: Tuple[str, ...] = ()
    #: needles shorter than this many normalized characters (lowercased, whitespace removed) are not
    #: used, so that a one-line ``return x`` (7) or a common idiom never matches on its own. Chosen on
    #: the tuning half of bench/eval_decontaminate.py (18,025 real files): HumanEval needles of up to
    #: 23 characters matched untouched files (``return x + y``-like solutions), none of 24 or more; 32
    #: leaves that margin and still gives every HumanEval item a needle (at 48 one item has none)
    min_chars: int = 32

    def __post_init__(self):
        if self.min_chars < 1:
            raise ValueError(f"min_chars: {self.min_chars} must be at least 1")
        for spec in self.benchmarks:
            if not isinstance(spec, str):
                raise ValueError(f"benchmarks: {spec!r} is not a string")


def decontaminate(record: CodeFile, matcher: Matcher, count: Count) -> Outcome:
    """The stage's core: the record, or a dead-lettered drop naming benchmark and item."""
    found = matcher.first(record.content)
    if found is None:
        return record
    benchmark, item = found
    return Drop(f"contaminated:{benchmark}", f"{benchmark} item {item}", dead_letter=True)


def make_core(table_path: str):
    """Per worker (``DoFn.setup``): reads the staged needle table, builds the automaton."""
    matcher = Matcher(read_table(table_path))
    return functools.partial(_core, matcher)


def _core(matcher: Matcher, record: CodeFile, count: Count) -> Outcome:
    return decontaminate(record, matcher, count)


def Decontaminate(table_path: str) -> Stage:  # noqa: N802 (a PTransform factory)
    """``kept, rejects = records | Decontaminate(path of the staged needle table)``."""
    return Stage(STAGE, functools.partial(make_core, table_path))
