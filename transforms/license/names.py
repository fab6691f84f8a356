"""Which files matter, by name: license files, READMEs, manifests; folders and their ancestors."""

from __future__ import annotations

import posixpath
import re
from typing import List, Optional, Tuple

# --------------------------------------------------------------------------- names

#: extensions of source and data files: ``license.py`` is code, not a license
_CODE_EXTENSIONS = frozenset(
    """py pyc pyi js mjs cjs ts tsx jsx java class c h cc cpp cxx hpp hh go rs rb php cs fs vb swift kt kts
    scala sc m mm sh bash zsh fish ps1 bat cmd pl pm t lua r dart ex exs erl hrl hs lhs ml mli clj cljs
    groovy gradle vue svelte json yaml yml toml xml xsd xsl css scss sass less sql proto tf jl nim zig v
    sv vhd vhdl f f90 asm s cmake mk ini cfg conf lock png jpg jpeg gif svg ico pdf gz zip jar so dll o a
    ipynb tex bib el vim coffee elm purs re res d pas""".split()
)
_LICENSE_STEM = re.compile(r"^(?:un)?licen[cs]e[sd]?(?:[-_. ].*)?$|^copying(?:[-_. ].*)?$|^copyright(?:[-_. ].*)?$"
                           r"|^notice(?:[-_. ].*)?$|^[^.]*[-_.]licen[cs]e$")
#: names whose file exists only to state a license: unidentified text there is a license we cannot name
_STRONG_STEM = re.compile(r"^(?:un)?licen[cs]e|^copying|licen[cs]e$")
#: attributions for bundled third-party code that lives elsewhere (its folder carries its own license)
_THIRD_PARTY = re.compile(r"third[-_ .]?party|3rd[-_ .]?party|bundled|vendored|dependencies")
_README = re.compile(r"^readme(?:[-_. ].*)?$")
_MANIFEST_NAMES = {
    "package.json": "package.json",
    "cargo.toml": "Cargo.toml",
    "pyproject.toml": "pyproject.toml",
    "setup.cfg": "setup.cfg",
    "pkg-info": "PKG-INFO",
    "composer.json": "composer.json",
    "pom.xml": "pom.xml",
    "description": "DESCRIPTION",
}


def _split_name(path: str) -> Tuple[str, str]:
    """``('license', 'md')`` for ``a/LICENSE.md``: lowercased base name and last extension."""
    name = posixpath.basename(path).lower()
    ext = name.rsplit(".", 1)[1] if "." in name.lstrip(".") else ""
    return name, ext


def is_license_file(path: str) -> bool:
    """LICENSE, LICENCE, COPYING, COPYRIGHT, NOTICE, UNLICENSE (+ variants), not code,
    not a list of third-party licenses (``LICENSES_bundled.txt``, ``NOTICE-3rd-party``)."""
    name, ext = _split_name(path)
    if ext in _CODE_EXTENSIONS or _THIRD_PARTY.search(name):
        return False
    stem = name[: -len(ext) - 1] if ext and ext in ("txt", "md", "markdown", "rst", "text", "html", "htm", "adoc", "org") else name
    return bool(_LICENSE_STEM.match(stem))


def _is_strong_license_file(path: str) -> bool:
    name, ext = _split_name(path)
    stem = name[: -len(ext) - 1] if ext else name
    return bool(_STRONG_STEM.search(stem)) or bool(_STRONG_STEM.search(name))


def is_readme(path: str) -> bool:
    name, ext = _split_name(path)
    return ext not in _CODE_EXTENSIONS and bool(_README.match(name))


def manifest_kind(path: str) -> Optional[str]:
    """The manifest format of ``path`` (``'package.json'``, ``'*.gemspec'``, ...) or None."""
    name, ext = _split_name(path)
    if name in _MANIFEST_NAMES:
        return _MANIFEST_NAMES[name]
    if name == "metadata" and posixpath.basename(posixpath.dirname(path)).endswith((".dist-info", ".egg-info")):
        return "PKG-INFO"
    if ext == "gemspec":
        return "*.gemspec"
    if ext == "cabal":
        return "*.cabal"
    return None


def folder_of(path: str) -> str:
    return posixpath.dirname(path)


def ancestors(folder: str) -> List[str]:
    """``'a/b'`` -> ``['', 'a', 'a/b']``: the folder and every folder above it."""
    out = [""]
    if folder:
        parts = folder.split("/")
        out.extend("/".join(parts[: i + 1]) for i in range(len(parts)))
    return out


def depth_of(folder: str) -> int:
    return folder.count("/") + 1 if folder else 0
