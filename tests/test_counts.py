"""Counters as data (:mod:`transforms.counts`, :mod:`pipeline.counters`): exact whatever the
runner does with bundles: a retried bundle counts once, and Prism's build is the local one."""

from __future__ import annotations

import json
import os
import threading

import apache_beam as beam
import pytest
from apache_beam.testing.util import assert_that, equal_to

from pipeline.counters import WriteCounters, read_counters, stage_counters
from transforms.base import FATES, DictCounter, count_fate
from transforms.counts import COUNTS, Tally, counted, merge
from tests.releases import record


def test_merge_sums_per_namespace_and_name_sorted():
    items = [(("codestack.b", "kept"), 2), (("codestack.a", "x"), 1), (("codestack.b", "kept"), 3),
             (("codestack.a", "dropped:y"), 0)]
    assert merge(items) == {"codestack.a": {"dropped:y": 0, "x": 1}, "codestack.b": {"kept": 5}}
    assert list(merge(items)) == ["codestack.a", "codestack.b"]


def test_tally_emits_its_bundle_counts_once_in_the_global_window():
    tally = Tally()
    tally.tally("codestack.decode", "kept")
    tally.tally("codestack.decode", "kept", 2)
    tally.tally(FATES, "decode:binary", 0)
    out = list(tally.emit())
    assert [o.tag for o in out] == [COUNTS, COUNTS]
    assert [o.value.value for o in out] == [(("codestack-previous", "decode:binary"), 0),
                                          (("codestack.decode", "kept"), 3)]
    assert all(len(o.value.windows) == 1 for o in out)
    assert list(tally.emit()) == []  # the next bundle starts from nothing


def test_fates_are_counted_in_the_tally_of_the_stage_count():
    count = DictCounter()
    released = record("o/r", "a.py", "x", released_before=True)
    count_fate(count, "decode", released, "binary")
    count_fate(count, "decode", released._replace(released_before=False), "binary")
    assert count.tallied == {(FATES, "decode:binary"): 1} and dict(count) == {}


# the first attempt of the bundle holding 3.py fails after counting; the runner retries it
_ATTEMPTS = {"lock": threading.Lock(), "failed": set()}


def _fail_first_attempt(record):
    with _ATTEMPTS["lock"]:
        first = record.path not in _ATTEMPTS["failed"]
        _ATTEMPTS["failed"].add(record.path)
    if first and record.path == "3.py":
        raise RuntimeError("first attempt fails")
    return record


class _CountingFn(beam.DoFn):
    def setup(self):
        from transforms.base import BeamCounter

        self._count = BeamCounter("flaky")

    def process(self, record):
        self._count("seen")
        _fail_first_attempt(record)  # after counting: the failed attempt counted it
        self._count("kept")
        yield record

    def finish_bundle(self):
        yield from self._count.emit()


def test_a_retried_bundle_counts_once(tmp_path):
    """The BundleBasedDirectRunner retries a failed bundle (as Flink or Dataflow do): its
    attempted metrics count the failed attempt too, the counts as data do not."""
    _ATTEMPTS["failed"].clear()
    records = [record("o/r", f"{i}.py", "x") for i in range(6)]
    pipeline = beam.Pipeline(runner="BundleBasedDirectRunner")
    created = pipeline | beam.Create(records, reshuffle=False)
    outputs = counted(created | beam.ParDo(_CountingFn()).with_outputs(COUNTS, main="kept"))
    assert_that(outputs.kept | beam.Map(lambda r: r.path), equal_to([r.path for r in records]))
    pipeline | "Counters" >> WriteCounters(str(tmp_path))
    result = pipeline.run()
    result.wait_until_finish()
    assert "3.py" in _ATTEMPTS["failed"]  # it did fail once
    from apache_beam.metrics.metric import MetricsFilter

    seen = result.metrics().query(MetricsFilter().with_name("seen"))["counters"]
    assert sum(item.attempted for item in seen) > 6  # the metrics counted the failed attempt too
    assert stage_counters(read_counters(str(tmp_path))) == {"flaky": {"kept": 6, "seen": 6}}


#: Beam's Prism runner: .ci/run sets CODESTACK_PRISM to the binary .ci/prism builds (once, cached)
PRISM = os.environ.get("CODESTACK_PRISM") or os.path.expanduser("~/.cache/codestack/prism-v2.77.0/bin/prism")


@pytest.mark.slow
@pytest.mark.skipif(not os.path.exists(PRISM), reason=f"no Prism binary at {PRISM} (.ci/prism builds it; needs Go)")
def test_a_build_on_prism_is_the_local_build(tmp_path):
    """Prism loses some bundles' committed metrics; the manifest's counters, summed from the
    data, are the local runner's, and so are the manifest and SHA256SUMS."""
    from pipeline.build import run_build
    from pipeline.samples import build_samples

    repos = str(tmp_path / "repos")
    build_samples(repos)
    local, prism = str(tmp_path / "local"), str(tmp_path / "prism")
    run_build(f"git:{repos}", local, "0.1.0", log=lambda msg: None)
    manifest = run_build(f"git:{repos}", prism, "0.1.0", log=lambda msg: None,
                         beam_args=["--runner=PrismRunner", f"--prism_location={PRISM}", "--environment_type=LOOPBACK"])
    assert manifest["stages"]["source"]["kept"] > 0
    with open(os.path.join(local, "manifest.json")) as a, open(os.path.join(prism, "manifest.json")) as b:
        assert json.load(b)["stages"] == json.load(a)["stages"]
    with open(os.path.join(local, "SHA256SUMS")) as a, open(os.path.join(prism, "SHA256SUMS")) as b:
        assert b.read() == a.read()
