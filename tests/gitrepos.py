"""Builders of git repositories for tests (fixed authors and dates, so fixed ids)."""

import os
import subprocess
from typing import Dict, Union

from pipeline.samples import make_repository


def make_repo(root, name: str, files: Dict[str, Union[str, bytes]], origin: str = None):
    """A one-commit repository ``root/name`` with ``files``; origin defaults to GitHub."""
    origin = origin or f"https://github.com/test-owner/{name}"
    folder = os.path.join(str(root), name)
    make_repository(folder, origin, files)
    return folder


def git(folder, *args) -> str:
    return subprocess.run(["git", "-C", str(folder), *args], check=True, capture_output=True, text=True).stdout.strip()
