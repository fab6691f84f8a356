"""``codestack plan``: an export's cost from its metadata alone (ORC footers or published
table sizes), with one-line errors for what is not an export."""

import json
import os

import pytest

from pipeline.cli import main
from pipeline.errors import UsageError
from pipeline.plan import DATA, load_data
from pipeline.plan.model import CONTENT_STAGES, plan
from pipeline.plan.stats import TABLES, ExportStats, TableStats, load_table_stats, read_export_stats
from pipeline.samples import build_samples
from pipeline.swh_fixtures import build_export


@pytest.fixture(scope="module")
def export(tmp_path_factory):
    root = tmp_path_factory.mktemp("plan")
    repos = root / "repos"
    build_samples(str(repos))
    out = str(root / "export")
    summary = build_export(sorted(str(p) for p in repos.iterdir()), out, str(root / "content"), rows_per_file=7)
    return out, summary


def test_footers_give_rows_and_bytes_of_every_table(export, monkeypatch):
    path, summary = export
    import pyarrow.orc

    monkeypatch.setattr(pyarrow.orc.ORCFile, "read_stripe", lambda *a, **k: pytest.fail("a stripe was read"))
    monkeypatch.setattr(pyarrow.orc.ORCFile, "read", lambda *a, **k: pytest.fail("a table was read"))
    stats = read_export_stats(path)
    assert sorted(stats.tables) == sorted(TABLES)
    for table in TABLES:
        files = [os.path.join(path, "orc", table, name) for name in os.listdir(os.path.join(path, "orc", table))]
        assert stats.tables[table].rows == summary.rows.get(table, 0)
        assert stats.tables[table].bytes == sum(os.path.getsize(f) for f in files)
        assert stats.tables[table].files == len(files) > 0


def test_plan_names_core_hours_from_metadata_alone(export, capsys):
    path, _summary = export
    assert main(["plan", "--source", f"swh-export:{path}", "--content-store", "s3://softwareheritage/content"]) == 0
    out = capsys.readouterr().out
    assert "core-hours" in out and "Dataflow at list prices of" in out and "assumptions:" in out
    assert main(["plan", "--table-stats", "2023-09-06", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert [s["stage"] for s in result["stages"]] == ["source", *CONTENT_STAGES]
    assert result["low"]["cpu_seconds"] <= result["total"]["cpu_seconds"] <= result["high"]["cpu_seconds"]
    assert result["total"]["get_requests"] == result["workload"]["unique_blobs"]  # one GET per unique blob
    assert result["prices"]["date"] and "arXiv:2402.19173" in " ".join(result["export"]["notes"])


def test_costs_follow_the_tables_and_the_reachable_set():
    costs, prices, assumptions = load_data("costs.json"), load_data("prices.yaml"), load_data("assumptions.yaml")
    small = load_table_stats(os.path.join(DATA, "swh-2023-09-06.yaml"))
    big = ExportStats(name="x2", source="test", tables={
        name: TableStats(rows=t.rows * 2, bytes=t.bytes * 2) for name, t in small.tables.items()})
    one, two = plan(small, costs, assumptions, prices), plan(big, costs, assumptions, prices)
    assert two["total"]["cpu_seconds"] == pytest.approx(2 * one["total"]["cpu_seconds"], rel=1e-9)
    assert two["workload"]["unique_blobs"] == pytest.approx(2 * one["workload"]["unique_blobs"])
    newest = plan(load_table_stats(os.path.join(DATA, "swh-2025-10-08.yaml")), costs, assumptions, prices)
    assert newest["total"]["cpu_seconds"] > one["total"]["cpu_seconds"]


@pytest.mark.parametrize("damage, message", [
    ("no_orc", "not an SWH graph export"),
    ("missing", "table release is missing"),
    ("parquet", "holds no .orc file"),
    ("garbage", "unreadable ORC footer"),
])
def test_bad_exports_are_one_line_errors(export, tmp_path, capsys, damage, message):
    import shutil

    path = str(tmp_path / "export")
    shutil.copytree(export[0], path)
    release = os.path.join(path, "orc", "release")
    if damage == "no_orc":
        shutil.rmtree(os.path.join(path, "orc"))
    elif damage == "missing":
        shutil.rmtree(release)
    elif damage == "parquet":
        for name in os.listdir(release):
            os.rename(os.path.join(release, name), os.path.join(release, name[:-4] + ".parquet"))
    else:
        with open(os.path.join(path, "orc", "content", "content-dead.orc"), "wb") as handle:
            handle.write(b"not an orc file at all")
    with pytest.raises(UsageError, match=message):
        read_export_stats(path)
    assert main(["plan", "--source", f"swh-export:{path}"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and message in err


def test_table_stats_must_cite_a_source_and_name_every_table(tmp_path, capsys):
    bad = tmp_path / "stats.yaml"
    bad.write_text("name: x\ntables: {}\n")
    assert main(["plan", "--table-stats", str(bad)]) == 2
    assert "source" in capsys.readouterr().err
    bad.write_text("name: x\nsource: my listing\ntables: {content: {rows: 1, bytes: 2}}\n")
    assert main(["plan", "--table-stats", str(bad)]) == 2
    assert "is missing" in capsys.readouterr().err
    assert main(["plan", "--source", "git:./repos"]) == 2
