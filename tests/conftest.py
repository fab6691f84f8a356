"""Shared test setup: Beam writes to HOME and TMPDIR, so both point inside the test's temp dir."""

import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(__file__))


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path, monkeypatch):
    home = tmp_path / "home"
    tmp = tmp_path / "tmp"
    home.mkdir()
    tmp.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("TMPDIR", str(tmp))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(tmp))
    yield


def pytest_configure(config):
    config.addinivalue_line("markers", "slow: a test that runs a whole pipeline or takes more than a few seconds")
