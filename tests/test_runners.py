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


@pytest.fixture
def worker_pool(tmp_path):
    """Beam's worker pool, started as its own process; it launches `python` from PATH."""
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


def test_portable_runner_with_external_worker_pool(tmp_path, worker_pool):
    repos = str(tmp_path / "repos")
    build_samples(repos)
    local, portable = str(tmp_path / "local"), str(tmp_path / "portable")
    run_build(f"git:{repos}", local, "0.1.0", log=QUIET)
    manifest = run_build(
        f"git:{repos}", portable, "0.1.0", log=QUIET,
        beam_args=["--runner=PortableRunner", "--job_endpoint=embed", "--environment_type=EXTERNAL",
                   f"--environment_config=localhost:{worker_pool}"],
    )
    assert manifest["totals"]["files"] > 0
    local_sums = open(os.path.join(local, "SHA256SUMS")).read()
    assert open(os.path.join(portable, "SHA256SUMS")).read() == local_sums
