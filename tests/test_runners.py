"""Runners: the graph survives portable serialization (PortableRunner + EXTERNAL
worker pool in fresh processes) and gives the same release as the local runner."""

import os
import socket
import subprocess
import sys
import time

import pytest

from pipeline.build import run_build
from pipeline.samples import build_samples

pytestmark = pytest.mark.slow
QUIET = lambda msg: None  # noqa: E731


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def worker_pool():
    """Beam's worker pool, started as its own process (once for this module); it launches
    `python` from PATH."""
    port = free_port()
    env = dict(os.environ, PATH=os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", ""))
    pool = subprocess.Popen(
        [sys.executable, "-m", "apache_beam.runners.worker.worker_pool_main", f"--service_port={port}"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    deadline = time.time() + 60
    while time.time() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                break
        time.sleep(0.2)
    else:
        pool.kill()
        pytest.fail("worker pool did not start")
    yield port
    pool.kill()
    pool.wait()


def test_portable_runner_with_external_worker_pool(tmp_path, worker_pool, request):
    """Decontamination included (its needle table is staged as a file and read in DoFn.setup), and
    the malware stage when a real clamd can be started (else that part is left out, said below)."""
    repos = str(tmp_path / "repos")
    build_samples(repos)
    from gitrepos import make_repo
    from pipeline.samples import MIT_LICENSE
    from transforms.decontaminate.benchmarks import builtin_humaneval, read_rows

    path, raw, _source = builtin_humaneval()
    item = next(row for _where, row in read_rows(path, raw))
    make_repo(repos, "copied", {"LICENSE": MIT_LICENSE, "copied.py": item["prompt"] + item["canonical_solution"]})
    config = tmp_path / "decontaminate.yaml"
    config.write_text("decontaminate:\n  benchmarks: [humaneval]\n")
    try:
        clamd = request.getfixturevalue("clamd")
    except pytest.skip.Exception as exc:
        print(f"malware stage not on the portable runner here: {exc}")
        clamd = None
    if clamd is not None:
        from clamd_daemon import EICAR

        make_repo(repos, "infected", {"LICENSE": MIT_LICENSE, "av_test.py": f"EICAR = r'{EICAR}'\n"})
        config.write_text("decontaminate:\n  benchmarks: [humaneval]\n"
                          f"malware:\n  clamd: '{clamd.unix}'\n")
    local, portable = str(tmp_path / "local"), str(tmp_path / "portable")
    run_build(f"git:{repos}", local, "0.1.0", log=QUIET, config_path=str(config))
    manifest = run_build(
        f"git:{repos}", portable, "0.1.0", log=QUIET, config_path=str(config),
        beam_args=["--runner=PortableRunner", "--job_endpoint=embed", "--environment_type=EXTERNAL",
                   f"--environment_config=localhost:{worker_pool}"],
    )
    assert manifest["totals"]["files"] > 0
    assert manifest["stages"]["decontaminate"]["dropped"] == {"contaminated:humaneval": 1}
    if clamd is not None:
        assert manifest["stages"]["malware"]["dropped"] == {"malware:Codestack.Test.Eicar.UNOFFICIAL": 1}
    local_sums = open(os.path.join(local, "SHA256SUMS")).read()
    assert open(os.path.join(portable, "SHA256SUMS")).read() == local_sums


def test_portable_runner_builds_an_swh_export_the_same(tmp_path, worker_pool):
    """The export source on the portable runner: the big tables are prepared by the
    workers as bucket files under the staging folder, and every lookup reads them
    through a side input; the release is the local runner's, byte for byte."""
    from pipeline.swh_fixtures import build_export

    repos = tmp_path / "repos"
    build_samples(str(repos))
    export, store = str(tmp_path / "export"), str(tmp_path / "content")
    build_export(sorted(str(p) for p in repos.iterdir()), export, store, rows_per_file=9)
    local, portable = str(tmp_path / "local"), str(tmp_path / "portable")
    source = {"content_store": store}
    run_build(f"swh-export:{export}", local, "0.1.0", log=QUIET, source_options=source)
    manifest = run_build(
        f"swh-export:{export}", portable, "0.1.0", log=QUIET, source_options=source,
        beam_args=["--runner=PortableRunner", "--job_endpoint=embed", "--environment_type=EXTERNAL",
                   f"--environment_config=localhost:{worker_pool}"],
    )
    assert manifest["totals"]["files"] > 0
    assert open(os.path.join(portable, "SHA256SUMS")).read() == open(os.path.join(local, "SHA256SUMS")).read()


@pytest.fixture
def s3_bucket(monkeypatch):
    """A real S3-protocol server (moto's server mode) on loopback, with a bucket ``codestack``."""
    import boto3
    from moto.server import ThreadedMotoServer

    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    for key, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                       "AWS_DEFAULT_REGION": "us-east-1"}.items():
        monkeypatch.setenv(key, value)
    client = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1")
    client.create_bucket(Bucket="codestack")
    yield endpoint, client
    server.stop()


def test_remote_staging_location_gives_the_same_release(tmp_path, s3_bucket):
    """Workers of a remote runner write shards to a staging location they can reach
    (here S3); the driver brings them into the release folder. The decontamination
    needle table is staged there too, and read back by the workers."""
    endpoint, client = s3_bucket
    repos = str(tmp_path / "repos")
    build_samples(repos)
    config = tmp_path / "decontaminate.yaml"
    config.write_text("decontaminate:\n  benchmarks: [humaneval]\n")
    local, remote = str(tmp_path / "local"), str(tmp_path / "remote")
    run_build(f"git:{repos}", local, "0.1.0", log=QUIET, config_path=str(config))
    s3_flags = [f"--s3_endpoint_url={endpoint}", "--s3_access_key_id=testing", "--s3_secret_access_key=testing",
                "--s3_region_name=us-east-1"]
    manifest = run_build(f"git:{repos}", remote, "0.1.0", log=QUIET, beam_args=s3_flags,
                         staging_location="s3://codestack/tmp", config_path=str(config))
    assert "decontaminate" in manifest["stages"]
    assert open(os.path.join(remote, "SHA256SUMS")).read() == open(os.path.join(local, "SHA256SUMS")).read()
    assert not os.path.exists(os.path.join(remote, ".staging"))
    assert client.list_objects_v2(Bucket="codestack").get("KeyCount", 0) == 0  # staging cleared


def test_remote_runner_needs_a_staging_location(tmp_path):
    from pipeline.errors import UsageError

    repos = str(tmp_path / "repos")
    build_samples(repos)
    with pytest.raises(UsageError, match="--shard-staging"):
        run_build(f"git:{repos}", str(tmp_path / "out"), "0.1.0", log=QUIET,
                  beam_args=["--runner=DataflowRunner", "--project=p", "--region=r", "--temp_location=gs://b/t"])


def test_export_on_the_portable_runner_gives_the_same_bytes(tmp_path, worker_pool):
    """codestack export is a Beam pipeline too: the same documents from the portable runner."""
    from pipeline.export import run_export

    repos = str(tmp_path / "repos")
    build_samples(repos)
    release = str(tmp_path / "release")
    run_build(f"git:{repos}", release, "0.1.0", log=QUIET)
    local, portable = str(tmp_path / "local"), str(tmp_path / "portable")
    run_export(release, local, max_bytes=4096)
    run_export(release, portable, max_bytes=4096,
               beam_args=["--runner=PortableRunner", "--job_endpoint=embed", "--environment_type=EXTERNAL",
                          f"--environment_config=localhost:{worker_pool}"])
    assert open(os.path.join(portable, "SHA256SUMS")).read() == open(os.path.join(local, "SHA256SUMS")).read()


def test_a_cached_build_on_the_portable_runner_and_a_cache_on_s3(tmp_path, worker_pool, s3_bucket):
    """build --cache: the workers of the portable runner read and write the cache (a folder),
    the local runner reads and writes one on S3; every release is the cold build's, byte for byte,
    and the second build of each takes its answers from the cache."""
    from pipeline.cache import cache_counters

    endpoint, _client = s3_bucket
    repos = str(tmp_path / "repos")
    build_samples(repos)
    cold = str(tmp_path / "cold")
    run_build(f"git:{repos}", cold, "0.1.0", log=QUIET)
    portable = ["--runner=PortableRunner", "--job_endpoint=embed", "--environment_type=EXTERNAL",
                f"--environment_config=localhost:{worker_pool}"]
    s3_flags = [f"--s3_endpoint_url={endpoint}", "--s3_access_key_id=testing", "--s3_secret_access_key=testing",
                "--s3_region_name=us-east-1"]
    for name, flags, cache in (("portable", portable, str(tmp_path / "cache")), ("s3", s3_flags, "s3://codestack/cache")):
        for attempt in ("fill", "cached"):
            out = str(tmp_path / f"{name}-{attempt}")
            seen = {}
            run_build(f"git:{repos}", out, "0.1.0", log=QUIET, beam_args=flags, cache=cache,
                      on_result=lambda result: seen.update(cache_counters(result)))
            assert open(os.path.join(out, "SHA256SUMS")).read() == open(os.path.join(cold, "SHA256SUMS")).read()
        assert seen.get("decode:hit", 0) > 0 and not [k for k in seen if k.endswith(":miss")], (name, seen)
