"""What the export source's Beam steps share: the stage name, limits, the DoFn base and
how a source reject is made."""

from __future__ import annotations

import apache_beam as beam

from pipeline.sources.swhid import repo_name_of
from transforms.base import BeamCounter
from transforms.record import Reject

STAGE = "source"
MAX_DEPTH = 64
MAX_ENTRIES = 1_000_000


class _Fn(beam.DoFn):
    """A DoFn whose outputs come from the generator ``_results`` (free to return early:
    Beam warns about ``return`` in a ``process`` that yields), with the source's counters."""

    def setup(self):
        self._count = BeamCounter(STAGE)

    def finish_bundle(self):
        yield from self._count.emit()

    def process(self, element, *args, **kwargs):
        return self._results(element, *args, **kwargs)


def _reject(reason: str, detail: str = "", origin: str = "", **fields) -> Reject:
    return Reject(stage=STAGE, reason=reason, detail=detail[:500], repo_name=repo_name_of(origin) if origin else "",
                  origin_url=origin, **fields)


def _portable(detail: str, export: str) -> str:
    """A reject detail without the export's location: the same on every machine and mirror."""
    root = export.rstrip("/")
    return detail.replace(root + "/", "").replace(root, ".")
