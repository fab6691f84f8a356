"""Stage ``license``: the Beam graph against the in-memory stage, and the ``detect-license`` command
(transforms/license/stage.py)."""

import json
import os

import apache_beam as beam
import pytest
from apache_beam.metrics.metric import MetricsFilter
from apache_beam.runners.portability.fn_api_runner import FnApiRunner
from apache_beam.testing.util import assert_that, equal_to

from transforms import license as lic
from transforms.base import DictCounter, Drop
from license_cases import vendored_repo, canonical, MIT, GPL3, LGPL_HEADER, rec


@pytest.fixture
def engine(license_engine):
    """ScanCode's index, loaded once per test session (tests/conftest.py)."""
    return license_engine


def _beam_records():
    records = vendored_repo("snap-1") + vendored_repo("snap-2")[:3] + [
        rec("lib/lgpl.c", LGPL_HEADER, "snap-2"),
        rec("deep/a/b/c/d/e.py", "# SPDX-License-Identifier: Apache-2.0\n", "snap-3"),
        rec("deep/a/b/other.py", "x\n", "snap-3"),
    ]
    # a repository whose license is the trailing notice of its main header: keyed to the root in the join
    notice = "/*\n" + "".join(f" * {line}\n" for line in ("Copyright (C) 2020 Example.org.\n\n" + MIT).splitlines()) + " */\n"
    records += [rec("src/lang.h", "/* lang.h: the API */\nint f(void);\n\n" + notice, "snap-4", repo="lang/lang"),
                rec("src/lapi.c", "/* See Copyright Notice in lang.h */\nint f(void) { return 0; }\n", "snap-4",
                    repo="lang/lang"),
                rec("Makefile", "all:\n\tcc src/*.c\n", "snap-4", repo="lang/lang")]
    return records


@pytest.mark.slow
def test_beam_stage_matches_the_in_memory_stage(engine):
    records = _beam_records()
    config = lic.LicenseConfig()
    expected = [a.outcome for a in lic.license_records(records, engine, DictCounter())]
    expected_kept = sorted((r.snapshot_id, r.path, tuple(r.detected_licenses), r.license_type)
                           for r in expected if not isinstance(r, Drop))
    memory_count = DictCounter()
    list(lic.license_records(records, lic.Engine(config, engine.spdx, lic.Scanner(engine.scanner._index, 10)), memory_count))

    pipeline = beam.Pipeline(runner=FnApiRunner())
    kept, rejects = pipeline | beam.Create(records) | lic.License(config)
    assert_that(kept | beam.Map(lambda r: (r.snapshot_id, r.path, tuple(r.detected_licenses), r.license_type)),
                equal_to(expected_kept))
    assert_that(rejects, equal_to([]), label="NoRejects")
    result = pipeline.run()
    result.wait_until_finish()
    counters = {}
    runtime = {}
    for item in result.metrics().query(MetricsFilter())["counters"]:
        if item.key.metric.namespace == "codestack.license":
            counters[item.key.metric.name] = counters.get(item.key.metric.name, 0) + item.committed
        elif item.key.metric.namespace == lic.RUNTIME_NAMESPACE:
            runtime[item.key.metric.name] = runtime.get(item.key.metric.name, 0) + item.committed
    assert counters == dict(memory_count)
    assert counters["kept"] == len(expected_kept) == 11
    assert counters["evidence:repo_notice"] == 1
    assert runtime["scan:cache_hit"] + runtime["scan:cache_miss"] == (
        counters["scans:license_file"] + counters["scans:header_block"] + counters["scans:trailing_notice"])
    assert runtime.get("scan:exact_only", 0) <= runtime["scan:cache_miss"]


def _cli(capsys, *argv):
    from pipeline.cli import main

    code = main(list(argv))
    captured = capsys.readouterr()
    return code, [json.loads(line) for line in captured.out.splitlines()], captured.err


def test_cli_detect_license_paths(tmp_path, capsys):
    (tmp_path / "LICENSE").write_text(canonical("apache-2.0"))
    (tmp_path / "a.c").write_text(LGPL_HEADER)
    (tmp_path / "bin.dat").write_bytes(b"\x00\x01COPYING\x00")
    code, rows, _ = _cli(capsys, "detect-license", str(tmp_path / "LICENSE"), str(tmp_path / "a.c"), str(tmp_path / "bin.dat"))
    assert code == 0
    assert [(r["detected_licenses"], r["license_type"]) for r in rows] == [
        (["Apache-2.0"], "permissive"), (["LGPL-2.1-or-later"], "non_permissive"), ([], None)]
    assert rows[0]["evidence"] == [{"kind": "license_file", "path": str(tmp_path / "LICENSE").replace(os.sep, "/"),
                                    "expression": "Apache-2.0"}]
    assert rows[2]["skipped"] == "binary"


def test_cli_50mb_license_is_read_by_its_head_and_skipped_in_a_repo(tmp_path, capsys):
    big = tmp_path / "big" / "LICENSE"
    big.parent.mkdir()
    with open(big, "w") as handle:
        for _ in range(50_000_000 // len(MIT) + 1):
            handle.write(MIT + "\n")
    code, rows, err = _cli(capsys, "detect-license", str(big))
    assert code == 0
    assert rows[0]["detected_licenses"] == ["MIT"] and rows[0]["truncated_from_bytes"] > 50_000_000
    (tmp_path / "big" / "a.py").write_text("x = 1\n")
    code, rows, err = _cli(capsys, "detect-license", "--repo", str(tmp_path / "big"))
    assert code == 0
    assert {r["path"]: r.get("skipped") for r in rows} == {"LICENSE": "too_large", "a.py": None}
    assert "skipped:too_large 1" in err


def test_cli_detect_license_repo(tmp_path, capsys):
    from gitrepos import make_repo

    repo = make_repo(tmp_path, "vendored", {
        "LICENSE": MIT,
        "src/app.py": "print(1)\n",
        "vendor/lib/COPYING": GPL3,
        "vendor/lib/lib.c": "int x;\n",
        "vendor/lib/blob.bin": b"\x00\x01\x02",
        "package.json": '{"license": ',
    })
    code, rows, err = _cli(capsys, "detect-license", "--repo", repo)
    assert code == 0
    by_path = {r["path"]: r for r in rows}
    assert sorted(by_path) == ["LICENSE", "package.json", "src/app.py", "vendor/lib/COPYING", "vendor/lib/blob.bin",
                               "vendor/lib/lib.c"]
    assert by_path["src/app.py"]["released"] is True and by_path["src/app.py"]["detected_licenses"] == ["MIT"]
    assert by_path["vendor/lib/lib.c"]["released"] is False
    assert by_path["vendor/lib/lib.c"]["license_type"] == "non_permissive"
    assert by_path["vendor/lib/blob.bin"]["skipped"] == "binary"
    assert "skipped:binary 1" in err


def test_cli_detect_license_usage_errors(tmp_path, capsys):
    from pipeline.cli import main

    assert main(["detect-license"]) == 2
    assert main(["detect-license", str(tmp_path)]) == 2
    assert main(["detect-license", str(tmp_path / "missing")]) == 2
    assert "no such file" in capsys.readouterr().err


def test_build_flag_include_no_license_reaches_the_config(tmp_path, monkeypatch):
    import pipeline.build
    from pipeline.cli import main

    seen = {}

    def fake_run_build(*args, **kwargs):
        seen["config"] = kwargs.get("config")
        raise SystemExit(0)

    monkeypatch.setattr(pipeline.build, "run_build", fake_run_build)
    with pytest.raises(SystemExit):
        main(["build", "--source", f"git:{tmp_path}", "--output", str(tmp_path / "out"), "--release-version", "0.1.0",
              "--include-no-license"])
    assert seen["config"].license.include_no_license is True
    with pytest.raises(SystemExit):
        main(["build", "--source", f"git:{tmp_path}", "--output", str(tmp_path / "out"), "--release-version", "0.1.0"])
    assert seen["config"] is None  # run_build loads the defaults: include_no_license false
