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



@pytest.fixture(scope="session")
def clamd():
    """A real clamd (Debian's clamav-daemon) with a test signature database, once per session."""
    from clamd_daemon import FILE_MAX, STREAM_MAX, Clamd, clamd_binary

    binary = clamd_binary()
    if binary is None:
        pytest.skip("clamd not found: the malware tests need a real ClamAV daemon "
                    "(apt-get install clamav-daemon); no stand-in is used")
    daemon = Clamd(binary, stream_max=STREAM_MAX, file_max=FILE_MAX)
    try:
        daemon.wait_ready()
    except RuntimeError as exc:
        pytest.fail(str(exc))
    yield daemon
    daemon.stop()


@pytest.fixture(scope="session")
def license_engine():
    """ScanCode's index behind codestack's license engine, loaded once per test session (seconds)."""
    from transforms.license import LicenseConfig, make_engine

    return make_engine(LicenseConfig())
