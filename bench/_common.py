"""What every benchmark prints with its figures: the commit it measured."""

import os
import subprocess


def commit() -> str:
    """Short id of the commit the benchmarks sit in (``unknown`` outside a checkout)."""
    try:
        here = os.path.dirname(os.path.abspath(__file__))
        return subprocess.run(["git", "-C", here, "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                              check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
