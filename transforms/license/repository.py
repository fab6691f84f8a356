"""Repository-wide notices: a project's license stated outside a LICENSE file.

Some projects state their license once for the whole software, not in a LICENSE file: Lua ends
``lua.h`` with its MIT notice (every other file says "See Copyright Notice in lua.h") and gives it
again in the license section of ``doc/readme.html``; SQLite's blessing heads ``sqlite3.h``. Such a
notice is evidence of kind ``repo_notice``, keyed to the repository's root folder, and the weakest
tier there (:data:`transforms.license.scope._TIERS`): it applies to a file only when nothing nearer
says otherwise -- the file's own header, a license file, manifest, NOTICE or README license section
in its folder or any folder above it, the root's included.

What counts (each rule reads one file; the Beam scope join carries the evidence to the root):

* **a license section of a README in ``doc/`` or ``docs/``** (at the top of the tree; Markdown,
  RST or HTML headings: ``<h2>License</h2>``);
* **a trailing notice**: the last comment block of a source file at the root or in ``src/``,
  ``include/`` or ``lib/`` that holds a license notice, when the file's header declares none --
  a notice at the end of a file is about the software, headers are about the file;
* **the main header**: the header notice of a source file in those folders named like the
  repository (``lua.h`` in ``lua``, ``sqlite3.h`` in ``sqlite``).

A vendored single-file library with its own trailing notice in ``src/`` would lend its license
to a repository that states none; ``bench/bench_license_repository.py`` counts how many files
change class on the bench corpus because of these rules and shows a sample.
"""

from __future__ import annotations

import posixpath
import re
from typing import Optional

from transforms.base import Count
from transforms.license.engine import Engine, _noop, _scan_expression, _sha1
from transforms.license.evidence import _BLOCKS, _LINE_MARKERS, _comment_blocks, _header_lines, _mentions_a_license
from transforms.license.names import _CODE_EXTENSIONS, folder_of, is_license_file
from transforms.license.spdx import Evidence
from transforms.record import CodeFile

REPO_NOTICE = "repo_notice"
#: documentation folders whose README speaks for the repository
DOC_FOLDERS = frozenset({"doc", "docs"})
#: folders whose source files' trailing notices and main header speak for the repository
MAIN_FOLDERS = frozenset({"", "src", "include", "lib"})
#: the lines at the end of a file where a trailing notice is looked for
TAIL_LINES = 60
_SOURCE_EXTENSIONS = frozenset(_CODE_EXTENSIONS - {
    "json", "yaml", "yml", "toml", "xml", "xsd", "xsl", "lock", "png", "jpg", "jpeg", "gif", "svg", "ico", "pdf", "gz",
    "zip", "jar", "so", "dll", "o", "a", "ipynb", "bib", "cfg", "conf", "ini", "class", "pyc"})


def _extension(path: str) -> str:
    name = posixpath.basename(path).lower()
    return name.rsplit(".", 1)[1] if "." in name else ""


def _stem(name: str) -> str:
    """``sqlite3.h`` -> ``sqlite``, ``lua-5.4`` -> ``lua``: a name without its extension and version."""
    name = name.lower()
    if "." in name:
        name = name.rsplit(".", 1)[0]
    return re.sub(r"[\d._\-]+$", "", name)


def repository_stem(repo_name: str) -> str:
    """The repository's short name: ``lua/lua`` -> ``lua``, ``https://x.org/git/sqlite.git`` -> ``sqlite``."""
    last = repo_name.rstrip("/").rsplit("/", 1)[-1]
    if last.endswith(".git"):
        last = last[:-4]
    return re.sub(r"[\d._\-]+$", "", last.lower())


def trailing_block(text: str, max_lines: int = TAIL_LINES) -> str:
    """The last comment block of ``text`` within its last ``max_lines`` lines that mentions a license."""
    window = text.splitlines()[-max_lines:]
    found = ""
    i = 0
    while i < len(window):
        stripped = window[i].strip()
        if stripped.startswith(tuple(o for o, _c in _BLOCKS)) or stripped.lower().startswith(_LINE_MARKERS):
            lines = _header_lines("\n".join(window[i:]), max_lines, 16384)
            blocks = _comment_blocks(lines)
            if blocks:
                if _mentions_a_license(blocks[0]):
                    found = blocks[0]
                i += max(1, sum(1 for number, _line in lines if number == 0))
                continue
        i += 1
    return found


def notice_role(path: str, repo_name: str) -> str:
    """What of a file's place decides what :func:`repo_notice_evidence` does (the cache's path role)."""
    folder = folder_of(path)
    if folder in DOC_FOLDERS:
        return "doc"
    if folder not in MAIN_FOLDERS or _extension(path) not in _SOURCE_EXTENSIONS or is_license_file(path):
        return ""
    stem = repository_stem(repo_name)
    return "main:named" if stem and _stem(posixpath.basename(path)) == stem else "main"


def repo_notice_evidence(record: CodeFile, header: Optional[Evidence], readme: Optional[Evidence], engine: Engine,
                         count: Count, runtime: Count = _noop) -> Optional[Evidence]:
    """Evidence of the repository's license from this file (see the module docstring), or None.
    ``header``/``readme``: the file's own header and README evidence, already read."""
    if not engine.config.repository_notices:
        return None
    path = record.path
    role = notice_role(path, record.repo_name)
    if role == "doc":
        if readme is not None and readme.expression:
            return Evidence(REPO_NOTICE, path, readme.expression, "doc license section")
        return None
    if not role:
        return None
    if header is not None and header.expression:
        if role == "main:named":
            return Evidence(REPO_NOTICE, path, header.expression, "main header")
        return None
    block = trailing_block(record.content)
    if not block:
        return None
    count("scans:trailing_notice")
    expression, _matched = _scan_expression(engine, ("trailing", _sha1(block)), block, count, runtime)
    if expression:
        return Evidence(REPO_NOTICE, path, expression, "trailing notice")
    return None
