"""Crash safety: a build killed with SIGKILL mid-run leaves no manifest and no file at
a final shard path; the next build completes and is byte-identical to an
uninterrupted one."""

import os
import signal
import subprocess
import sys
import time

import pytest

from gitrepos import make_repo

pytestmark = pytest.mark.slow


def corpus(root, repos=12, files=60):
    """Deterministic repositories of generated Python, big enough to take seconds to build."""
    for r in range(repos):
        make_repo(root, f"repo{r:02d}", {
            "LICENSE": "MIT License\n\nPermission is hereby granted, free of charge, to any person obtaining a copy\n",
            **{f"pkg/mod{f:03d}.py": "".join(
                f"def function_{r}_{f}_{i}(value):\n    return value * {i} + {r * f}  # line {i}\n\n"
                for i in range(200)) for f in range(files)},
        })


def build(repos, out):
    return subprocess.Popen(
        [sys.executable, "-m", "pipeline.cli", "build", "--source", f"git:{repos}", "--output", out,
         "--release-version", "0.1.0"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )


def final_files(out):
    found = []
    for dirpath, dirs, files in os.walk(out):
        dirs[:] = [d for d in dirs if d != ".staging"]
        found.extend(os.path.relpath(os.path.join(dirpath, f), out) for f in files)
    return sorted(found)


def test_sigkill_mid_run_then_rebuild(tmp_path):
    repos = str(tmp_path / "repos")
    corpus(repos)
    reference = str(tmp_path / "reference")
    assert build(repos, reference).wait(timeout=600) == 0

    out = str(tmp_path / "killed")
    proc = build(repos, out)
    staging = os.path.join(out, ".staging")
    deadline = time.time() + 120
    while not os.path.isdir(staging) and time.time() < deadline and proc.poll() is None:
        time.sleep(0.05)
    time.sleep(1.0)  # well inside the pipeline: the reference build takes several seconds
    assert proc.poll() is None, "the build finished before it could be killed; make the corpus larger"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert final_files(out) == []  # no manifest, no shard at a final path

    assert build(repos, out).wait(timeout=600) == 0
    with open(os.path.join(out, "SHA256SUMS")) as a, open(os.path.join(reference, "SHA256SUMS")) as b:
        assert a.read() == b.read()
