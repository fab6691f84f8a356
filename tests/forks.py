"""A corpus of forks: git repositories that are clones of one another with mostly the same files.

One upstream and six forks of it (a plain clone, a mirror, forks that edit a
file, add one, copy a file under another name or extension, or change the
LICENSE holder). Shared blobs include the empty file (twice in every
repository), a binary file, a Latin-1 file and a stock MIT LICENSE, so a blob
occurs in many trees and at several paths of one tree. Commits have fixed
authors and dates (``pipeline.samples.make_repository``): every id is the same on
every machine.
"""

from __future__ import annotations

import os
import subprocess
from typing import Dict, List, Tuple, Union

from pipeline.samples import make_repository, mit_license

Files = Dict[str, Union[str, bytes]]

TOKENIZE = '''"""Split text into words."""

import re

WORD = re.compile(r"[A-Za-z0-9_]+")


def tokenize(text):
    """The lowercased words of ``text``."""
    return [word.lower() for word in WORD.findall(text)]
'''

UTIL = '''"""Small helpers shared by textkit modules."""


def chunks(items, size):
    """``items`` in lists of ``size`` (the last may be shorter)."""
    return [items[i:i + size] for i in range(0, len(items), size)]


def flatten(lists):
    return [item for inner in lists for item in inner]
'''

UPSTREAM: Files = {
    "LICENSE": mit_license("Acme Text Tools"),
    "README.md": "# textkit\n\nTokenize and count words in plain text.\n\n```python\nfrom textkit import tokenize\n```\n",
    "textkit/__init__.py": "from textkit.tokenize import tokenize\n\n__all__ = [\"tokenize\"]\n",
    "textkit/tokenize.py": TOKENIZE,
    "textkit/util.py": UTIL,
    "textkit/py.typed": "",
    "tests/__init__.py": "",
    "tests/test_tokenize.py": "from textkit import tokenize\n\n\ndef test_words():\n"
                              "    assert tokenize(\"Hello, World\") == [\"hello\", \"world\"]\n",
    "docs/notes.md": "Release notes\n=============\n\n0.1: first release, tokenize and chunks.\n",
    "assets/logo.png": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01",
    "legacy/readme-fr.txt": "Boîte à outils : découpe un texte en mots, même accentués.\n".encode("latin-1"),
}


def _with(changes: Files = None, drop: Tuple[str, ...] = ()) -> Files:
    """The upstream's files with ``changes`` (path -> data) and without ``drop``."""
    files = {path: data for path, data in UPSTREAM.items() if path not in drop}
    files.update(changes or {})
    return files


#: origin -> files, upstream first
FORKS: Dict[str, Files] = {
    "https://github.com/acme/textkit": UPSTREAM,
    "https://github.com/alice/textkit": _with(),  # a plain fork
    "https://github.com/mirror-bot/textkit": _with(),  # a mirror
    "https://github.com/bob/textkit": _with({  # edits one file, adds one
        "textkit/tokenize.py": TOKENIZE.replace("lowercased", "lower-cased"),
        "textkit/stem.py": "def stem(word):\n    return word[:-1] if word.endswith(\"s\") else word\n",
    }),
    "https://github.com/carol/textkit": _with({  # the notes again as .txt; util.py vendored elsewhere
        "NOTES.txt": UPSTREAM["docs/notes.md"],
        "vendor/textkit/util.py": UTIL,
    }),
    "https://github.com/dave/textkit": _with({"LICENSE": mit_license("Dave Example")},  # another holder
                                             drop=("assets/logo.png",)),
    "https://github.com/erin/textkit-lite": _with(drop=("docs/notes.md", "legacy/readme-fr.txt")),  # trimmed
}


def build_forks(root: str) -> Dict[str, str]:
    """Create every repository of :data:`FORKS` under ``root``; returns ``{origin: folder}``."""
    made = {}
    for origin, files in sorted(FORKS.items()):
        folder = os.path.join(root, origin.split("://", 1)[1].replace("/", "__"))
        make_repository(folder, origin, files)
        made[origin] = folder
    return made


def tree_blobs(folder: str) -> List[Tuple[str, str]]:
    """``(path, git blob id)`` of every file at the head of a repository, as git lists them."""
    out = subprocess.run(["git", "-C", folder, "ls-tree", "-r", "-z", "HEAD"], check=True, capture_output=True).stdout
    entries = []
    for line in out.decode("utf-8").split("\0"):
        if line:
            meta, path = line.split("\t", 1)
            _mode, kind, oid = meta.split()
            if kind == "blob":
                entries.append((path, oid))
    return sorted(entries)
