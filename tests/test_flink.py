"""Flink: a codestack build submitted to a real Flink cluster gives the local runner's release.

The cluster is the one Beam's Flink job server embeds (``FlinkJobServerDriver --flink-master
[local]``: a Flink MiniCluster, a JobManager and a TaskManager in the job server's JVM, started
for each job with as many slots as ``--parallelism``), not a standalone cluster from Flink's
distribution, which the registries this project reaches do not serve. The job server's jars come
from ``.ci/flink`` (Maven, versions pinned in ``.ci/flink-job-server.pom.xml``, SHA-256 checked
against ``.ci/flink-job-server.sha256``); ``.ci/run`` sets CODESTACK_FLINK_JARS to their folder.
The pipeline goes in through Beam's ``PortableRunner`` with ``--parallelism 2``; its Python SDK
workers are started by a worker pool (``--environment_type EXTERNAL``)."""

import json
import os
import shutil
import socket
import subprocess
import sys
import time

import pytest

pytestmark = pytest.mark.slow
QUIET = lambda msg: None  # noqa: E731
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def flink_jars() -> str:
    """The job server's classpath folder: CODESTACK_FLINK_JARS, or what ``.ci/flink --check``
    finds already resolved and checked in the cache (no download at test time)."""
    folder = os.environ.get("CODESTACK_FLINK_JARS")
    if folder:
        return folder
    try:
        out = subprocess.run(["bash", os.path.join(ROOT, ".ci", "flink"), "--check"],
                             capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return ""
    return out.stdout.strip()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port: int, process: subprocess.Popen, seconds: float) -> bool:
    deadline = time.time() + seconds
    while time.time() < deadline and process.poll() is None:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return True
        time.sleep(0.2)
    return False


@pytest.fixture(scope="session")
def flink_job_server(tmp_path_factory):
    """Beam's Flink job server (once per session) and a Python worker pool for its SDK workers:
    yields (job port, worker pool port, job server log path)."""
    jars = flink_jars()
    if not jars or not os.path.isdir(jars):
        pytest.skip("no Flink job server jars (.ci/flink resolves them with Maven; needs Java and Maven)")
    java = shutil.which("java")
    if java is None:
        pytest.skip("no java on PATH for the Flink job server")
    work = tmp_path_factory.mktemp("flink")
    log_path = work / "job-server.log"
    job_port, pool_port = free_port(), free_port()
    with open(log_path, "wb") as log:
        server = subprocess.Popen(
            # -Xss: Flink's job submission deserializes the plan recursively, deeper than 1 MB of stack
            [java, "-Xss16m", "-cp", os.path.join(jars, "*"), "org.apache.beam.runners.flink.FlinkJobServerDriver",
             "--flink-master=[local]", "--job-host=localhost", f"--job-port={job_port}",
             "--artifact-port=0", "--expansion-port=-1", f"--artifacts-dir={work / 'artifacts'}"],
            stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
        )
    # the pool launches `python` from PATH for each SDK worker: this interpreter's
    env = dict(os.environ, PATH=os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", ""))
    pool = subprocess.Popen(
        [sys.executable, "-m", "apache_beam.runners.worker.worker_pool_main", f"--service_port={pool_port}"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL,
    )
    try:
        if not wait_for_port(job_port, server, 120):
            pytest.fail("Flink job server did not start:\n" + log_path.read_text(errors="replace")[-3000:])
        if not wait_for_port(pool_port, pool, 60):
            pytest.fail("worker pool did not start")
        yield job_port, pool_port, log_path
    finally:
        for process in (pool, server):
            process.kill()
            process.wait()


def test_a_build_on_flink_is_the_local_build(tmp_path, flink_job_server):
    """Parallelism 2: two task slots, two SDK workers (kept for the job, not one per task);
    the manifest's stages and SHA256SUMS are the local runner's."""
    from pipeline.build import run_build
    from pipeline.samples import build_samples

    job_port, pool_port, log_path = flink_job_server
    repos = str(tmp_path / "repos")
    build_samples(repos)
    local, flink = str(tmp_path / "local"), str(tmp_path / "flink")
    run_build(f"git:{repos}", local, "0.1.0", log=QUIET)
    manifest = run_build(
        f"git:{repos}", flink, "0.1.0", log=QUIET,
        beam_args=["--runner=PortableRunner", f"--job_endpoint=localhost:{job_port}",
                   "--environment_type=EXTERNAL", f"--environment_config=localhost:{pool_port}",
                   "--parallelism=2", "--sdk_worker_parallelism=2", "--environment_cache_millis=600000"],
    )
    assert manifest["stages"]["source"]["kept"] > 0
    log = log_path.read_text(errors="replace")
    assert "Starting Flink Mini Cluster" in log and "(2/2)" in log  # Flink ran it, tasks 1/2 and 2/2
    with open(os.path.join(local, "manifest.json")) as a, open(os.path.join(flink, "manifest.json")) as b:
        assert json.load(b)["stages"] == json.load(a)["stages"]
    with open(os.path.join(local, "SHA256SUMS")) as a, open(os.path.join(flink, "SHA256SUMS")) as b:
        assert b.read() == a.read()
