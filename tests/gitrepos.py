"""Builders of git repositories for tests (fixed authors and dates, so fixed ids)."""

import contextlib
import os
import subprocess
from typing import Dict, Union

import pytest

from pipeline.samples import make_repository


def make_repo(root, name: str, files: Dict[str, Union[str, bytes]], origin: str = None):
    """A one-commit repository ``root/name`` with ``files``; origin defaults to GitHub."""
    origin = origin or f"https://github.com/test-owner/{name}"
    folder = os.path.join(str(root), name)
    make_repository(folder, origin, files)
    return folder


def git(folder, *args) -> str:
    return subprocess.run(["git", "-C", str(folder), *args], check=True, capture_output=True, text=True).stdout.strip()


@contextlib.contextmanager
def beam_home(root):
    """HOME and TMPDIR inside ``root`` while a module-scoped fixture builds (Beam writes to
    both); the autouse fixture in conftest.py does the same for each test."""
    with pytest.MonkeyPatch.context() as patch:
        for name in ("home", "tmp"):
            (root / name).mkdir(exist_ok=True)
        patch.setenv("HOME", str(root / "home"))
        patch.setenv("TMPDIR", str(root / "tmp"))
        yield patch
