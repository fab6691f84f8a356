"""Pipeline options: Beam flags pass through; local runs never download anything.

In Beam 2.77 the plain ``DirectRunner`` first tries to download a Prism binary.
codestack runs local builds on the FnApiRunner (the engine behind the Python
DirectRunner) explicitly: in-process by default, ``--workers N`` processes.
``--runner DataflowRunner|FlinkRunner|PortableRunner ...`` pass through unchanged.

Beam's ``PipelineOptions`` drops a flag it does not know with a log line, so a typo
(``--cahce``, ``--num-workers``) would build as if it were not there:
:func:`check_beam_flags` refuses such flags first, naming the nearest known one.
"""

from __future__ import annotations

import argparse
import difflib
import functools
import importlib
import importlib.util
from typing import Dict, Iterable, List, Optional, Sequence, Tuple

from apache_beam.options.pipeline_options import DirectOptions, PipelineOptions, StandardOptions

from pipeline.errors import UsageError

LOCAL_RUNNERS = {None, "", "DirectRunner", "FnApiRunner", "BundleBasedDirectRunner"}


def make_options(beam_args: List[str], workers: int = 1) -> Tuple[PipelineOptions, Optional[object]]:
    """``(options, runner)``; ``runner`` is a FnApiRunner for local runs, else None
    (Beam picks the runner named by ``--runner``)."""
    options = PipelineOptions(beam_args)
    runner_name = options.view_as(StandardOptions).runner
    if runner_name not in LOCAL_RUNNERS:
        return options, None
    from apache_beam.runners.portability.fn_api_runner import FnApiRunner

    direct = options.view_as(DirectOptions)
    if workers > 1:
        direct.direct_num_workers = workers
        direct.direct_running_mode = "multi_processing"
    else:
        direct.direct_num_workers = 1
        direct.direct_running_mode = "in_memory"
    return options, FnApiRunner()


#: modules defining PipelineOptions that ``apache_beam.options.pipeline_options`` does not
#: import, each with the package it needs (imported only when that is installed)
OPTION_MODULES = (("apache_beam.runners.dask.dask_runner", "dask"),)


def _option_classes() -> List[type]:
    """Every PipelineOptions subclass Beam knows (Beam's own parser takes the direct
    subclasses; their subclasses are walked too), each once."""
    for module, needs in OPTION_MODULES:
        if importlib.util.find_spec(needs) is not None:
            try:
                importlib.import_module(module)
            except Exception:  # an optional runner that does not import adds no flags
                pass
    seen: Dict[type, None] = {}
    todo = list(PipelineOptions.__subclasses__())
    while todo:
        cls = todo.pop(0)
        if cls not in seen:
            seen[cls] = None
            todo.extend(cls.__subclasses__())
    return list(seen)


@functools.lru_cache(maxsize=None)
def beam_flags() -> Dict[str, int]:
    """``{flag: how many values it takes}`` for every flag Beam's options register, as Beam
    registers them (``--job_endpoint``; Beam does not accept ``--job-endpoint``); the count
    is argparse's ``nargs`` read as: 0 none, 1 one, -1 any number."""
    from apache_beam.options.pipeline_options import _BeamArgumentParser

    parser = _BeamArgumentParser(allow_abbrev=False, add_help=False, conflict_handler="resolve")
    for cls in _option_classes():
        if "_add_argparse_args" in vars(cls):  # an inherited one was added with its class
            try:
                cls._add_argparse_args(parser)  # pylint: disable=protected-access
            except (argparse.ArgumentError, TypeError, ValueError):
                continue
    return _flags_of(parser)


def _flags_of(parser: argparse.ArgumentParser) -> Dict[str, int]:
    flags = {}
    for action in parser._actions:  # pylint: disable=protected-access
        if action.nargs == 0:
            count = 0
        elif action.nargs in (None, 1, argparse.OPTIONAL):
            count = 1
        elif isinstance(action.nargs, int):
            count = action.nargs
        else:
            count = -1
        for option in action.option_strings:
            flags[option] = count
    return flags


def flags_of(parser: argparse.ArgumentParser) -> Dict[str, int]:
    """``{flag: how many values it takes}`` of an argparse parser (a command's own flags)."""
    return _flags_of(parser)


def nearest_flag(flag: str, known: Iterable[str]) -> Optional[str]:
    """The known flag ``flag`` most likely meant: the same with ``-``/``_`` swapped, else
    difflib's closest match, else None."""
    known = sorted(set(known))
    body = flag.lstrip("-")
    for candidate in ("--" + body.replace("-", "_"), "--" + body.replace("_", "-")):
        if candidate != flag and candidate in known:
            return candidate
    matches = difflib.get_close_matches(flag if flag.startswith("--") else "--" + body, known, n=1)
    return matches[0] if matches else None


def _is_flag(token: str) -> bool:
    if not token.startswith("-") or token == "-":
        return False
    try:
        float(token)  # a negative number is a value
        return False
    except ValueError:
        return True


def check_beam_flags(args: Sequence[str], own: Optional[Dict[str, int]] = None) -> None:
    """Raise :class:`UsageError` (one line) unless every flag of ``args`` is one Beam's
    options know (``--flag=value`` or ``--flag value``), naming each unknown flag and the
    nearest known one (among Beam's and ``own``, the command's flags): ``unknown flag
    --cahce (did you mean --cache?)``. A value nothing takes (``--dry_run=True extra``,
    or one before any flag) is refused as well: Beam would drop it silently."""
    known = beam_flags()
    suggestable = dict(known, **(own or {}))
    problems: List[str] = []
    takes = 0  # values the last flag may still take (-1: any number)
    for token in args:
        if token == "--":  # Beam reads no flag after it
            break
        if _is_flag(token):
            name, eq, _ = token.partition("=")
            if name in known:
                takes = 0 if eq else known[name]
                continue
            takes = -1  # an unknown flag's values are its own, not strays
            hint = nearest_flag(name, [f for f in suggestable if f not in ("-h", "--help")])
            problems.append(f"unknown flag {name}" + (f" (did you mean {hint}?)" if hint else ""))
        elif takes:
            takes = takes - 1 if takes > 0 else -1
        else:
            problems.append(f"unexpected argument {token!r}")
    if problems:
        raise UsageError("; ".join(problems))
