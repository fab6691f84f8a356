"""A progress line for people at a terminal: files read and each stage's counts.

Workers (threads of this process, or worker processes with ``--workers N``)
write their counters to ``$CODESTACK_PROGRESS_DIR/<pid>.json`` at most twice a
second (see ``transforms.base.BeamCounter``); a thread of the driver sums them
and redraws one line on stderr. Quiet when stderr is not a TTY. Display only:
nothing here reaches a release.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import sys
import tempfile
import threading
from typing import Dict, Iterator, TextIO

from transforms.base import PROGRESS_ENV, flush_progress


def read_progress(folder: str) -> Dict[str, Dict[str, int]]:
    totals: Dict[str, Dict[str, int]] = {}
    try:
        names = sorted(os.listdir(folder))
    except OSError:
        return totals
    for name in names:
        if not name.endswith(".json"):
            continue
        try:
            with open(os.path.join(folder, name), encoding="utf-8") as handle:
                snapshot = json.load(handle)
        except (OSError, ValueError):
            continue  # being replaced right now
        for stage, counters in snapshot.items():
            into = totals.setdefault(stage, {})
            for counter, value in counters.items():
                into[counter] = into.get(counter, 0) + int(value)
    return totals


def render(totals: Dict[str, Dict[str, int]], order) -> str:
    parts = []
    stages = [s for s in order if s in totals] + sorted(set(totals) - set(order))
    for stage in stages:
        counters = totals[stage]
        kept = counters.get("kept", 0)
        dropped = sum(v for k, v in counters.items() if k.startswith("dropped:"))
        parts.append(f"{stage} {kept:,}" + (f" (-{dropped:,})" if dropped else ""))
    return "codestack: " + " | ".join(parts) if parts else "codestack: starting"


@contextlib.contextmanager
def progress(order, stream: TextIO = None, interval: float = 0.5) -> Iterator[None]:
    stream = stream or sys.stderr
    if not (hasattr(stream, "isatty") and stream.isatty()):
        yield
        return
    folder = tempfile.mkdtemp(prefix="codestack-progress-")
    previous = os.environ.get(PROGRESS_ENV)
    os.environ[PROGRESS_ENV] = folder
    stop = threading.Event()

    def draw():
        width = shutil.get_terminal_size((100, 20)).columns - 1
        while not stop.wait(interval):
            stream.write("\r" + render(read_progress(folder), order)[:width].ljust(width))
            stream.flush()

    thread = threading.Thread(target=draw, name="codestack-progress", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()
        flush_progress()
        stream.write("\r" + render(read_progress(folder), order) + "\n")
        stream.flush()
        if previous is None:
            os.environ.pop(PROGRESS_ENV, None)
        else:
            os.environ[PROGRESS_ENV] = previous
        shutil.rmtree(folder, ignore_errors=True)
