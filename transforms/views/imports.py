"""Which files of a repository a file imports, where that can be read cheaply.

Two steps, so that a file's text is read once and a repository's dependency graph
is built from small values:

1. :func:`import_specs` (per file, from its text and language): the raw import
   statements, as ``(kind, target)`` pairs — e.g. ``("py", "pkg.mod")``,
   ``("rel", "./util")``, ``("include", "net/http.h")``.
2. :func:`resolve` (per repository, from every file's path and specs): the paths
   of the repository each spec can name. Only files of the same repository count;
   a spec naming nothing there (the standard library, a dependency) is dropped.

Languages and what is read (regular expressions over the text, comments not
excluded: a commented-out import still orders a file after its target, which is
harmless):

- Python: ``import a.b``, ``from a.b import c``, relative ``from .x import y``
  (a module ``a.b`` is ``a/b.py`` or ``a/b/__init__.py``, anywhere in the tree: src
  layouts included);
- JavaScript/TypeScript: ``import … from './x'``, ``import './x'``, ``require('./x')``,
  ``import('./x')``, relative only (``x``, ``x.js``/``.ts``/…, ``x/index.*``);
- Go: ``import "mod/path/pkg"`` (the repository's files of the folder whose path
  ends with the import path's longest matching suffix);
- Java: ``import a.b.C;`` (``…/a/b/C.java``), ``import a.b.*;`` (that folder's files);
- C/C++ (and Objective-C, CUDA): ``#include "x/y.h"`` (relative to the file, else
  any path ending with it);
- Rust: ``mod x;`` (``x.rs`` or ``x/mod.rs`` beside the file, or below it for a
  non-root file), ``use crate::a::b`` (``src/a/b.rs``, ``src/a.rs``, ``mod.rs`` forms);
- Ruby: ``require_relative 'x'``, ``require 'x'`` (``lib/x.rb`` or ``x.rb``).
"""

from __future__ import annotations

import posixpath
import re
from typing import Dict, Iterable, List, Mapping, Sequence, Set, Tuple

Spec = Tuple[str, str]

_PY_IMPORT = re.compile(r"^[ \t]*import[ \t]+([\w.]+(?:[ \t]*,[ \t]*[\w.]+)*)", re.M)
_PY_FROM = re.compile(r"^[ \t]*from[ \t]+(\.*[\w.]*)[ \t]+import[ \t]+\(?[ \t]*([\w.*, \t]+)", re.M)
_JS = re.compile(r"""(?:\bfrom\s*|\bimport\s*\(?\s*|\brequire\s*\(\s*)["'](\.{1,2}/[^"'\n]+)["']""")
_GO_BLOCK = re.compile(r"^import\s*\(([^)]*)\)", re.M | re.S)
_GO_ONE = re.compile(r'^import\s+(?:[\w.]+\s+)?"([^"\n]+)"', re.M)
_GO_PATH = re.compile(r'"([^"\n]+)"')
_JAVA = re.compile(r"^\s*import\s+(?:static\s+)?([\w.]+(?:\.\*)?)\s*;", re.M)
_INCLUDE = re.compile(r'^\s*#\s*(?:include|import)\s*"([^"\n]+)"', re.M)
_RUST_MOD = re.compile(r"^\s*(?:pub(?:\([^)]*\))?\s+)?mod\s+(\w+)\s*;", re.M)
_RUST_USE = re.compile(r"^\s*(?:pub(?:\([^)]*\))?\s+)?use\s+crate::([\w:]+)", re.M)
_RUBY = re.compile(r"""^\s*(require_relative|require)\s*\(?\s*["']([^"'\n]+)["']""", re.M)

_JS_LANGUAGES = {"JavaScript", "TypeScript", "TSX", "JSX", "Vue", "Svelte"}
_C_LANGUAGES = {"C", "C++", "Objective-C", "Objective-C++", "Cuda"}
_JS_SUFFIXES = (".js", ".ts", ".tsx", ".jsx", ".mjs", ".cjs", ".mts", ".cts", ".vue", ".svelte")
#: what an import line of a language holds (only those lines are read with the expressions)
_WORDS = {"Python": ("import",), "Cython": ("import",), "Java": ("import",), "Kotlin": ("import",),
          "Scala": ("import",), "Groovy": ("import",), "Rust": ("mod", "use"), "Ruby": ("require",)}
#: a file's text read for imports: imports sit at the top
MAX_CHARS = 200_000


def _lines_with(text: str, words: Sequence[str]) -> str:
    """The lines of ``text`` holding any of ``words``, joined by newlines: found with
    ``str.find`` (C speed), so the regular expressions then read a few lines, not the file."""
    spans = set()
    for word in words:
        at = text.find(word)
        while at >= 0:
            start = text.rfind("\n", 0, at) + 1
            end = text.find("\n", at)
            end = len(text) if end < 0 else end
            spans.add((start, end))
            at = text.find(word, end)
    return "\n".join(text[a:b] for a, b in sorted(spans))


def import_specs(language: str, path: str, text: str) -> List[Spec]:
    """The import statements of a file, as ``(kind, target)`` (sorted, distinct)."""
    text = text[:MAX_CHARS]
    specs: Set[Spec] = set()
    words = _WORDS.get(language) or (("include", "import") if language in _C_LANGUAGES else None)
    if words:
        text = _lines_with(text, words)
    if language in ("Python", "Cython"):
        for match in _PY_IMPORT.finditer(text):
            for name in match.group(1).split(","):
                specs.add(("py", name.strip()))
        for match in _PY_FROM.finditer(text):
            module, names = match.group(1), match.group(2)
            specs.add(("py", module))
            for name in names.replace("(", " ").split(","):  # from pkg import mod: mod may be a module
                name = name.strip().split(" ")[0]
                if name and name != "*":
                    specs.add(("py", f"{module}.{name}" if not module.endswith(".") else module + name))
    elif language in _JS_LANGUAGES:
        specs.update(("rel", m.group(1)) for m in _JS.finditer(text))
    elif language == "Go":
        for block in _GO_BLOCK.finditer(text):
            specs.update(("go", m.group(1)) for m in _GO_PATH.finditer(block.group(1)))
        specs.update(("go", m.group(1)) for m in _GO_ONE.finditer(text))
    elif language in ("Java", "Kotlin", "Scala", "Groovy"):
        specs.update(("java", m.group(1)) for m in _JAVA.finditer(text))
    elif language in _C_LANGUAGES:
        specs.update(("include", m.group(1)) for m in _INCLUDE.finditer(text))
    elif language == "Rust":
        specs.update(("rustmod", m.group(1)) for m in _RUST_MOD.finditer(text))
        specs.update(("rustuse", m.group(1)) for m in _RUST_USE.finditer(text))
    elif language == "Ruby":
        for kind, target in _RUBY.findall(text):
            specs.add(("rbrel" if kind == "require_relative" else "rb", target))
    return sorted(specs)


class RepoIndex:
    """A repository's paths, indexed for :func:`resolve`."""

    def __init__(self, paths: Iterable[str]):
        self.paths: Set[str] = set(paths)
        self.by_suffix: Dict[str, List[str]] = {}
        self.by_folder: Dict[str, List[str]] = {}
        for path in sorted(self.paths):
            parts = path.split("/")
            for i in range(len(parts)):
                self.by_suffix.setdefault("/".join(parts[i:]), []).append(path)
            self.by_folder.setdefault(posixpath.dirname(path), []).append(path)
        #: a folder's path and each of its tails -> the folders ending so
        self.folders_by_tail: Dict[str, List[str]] = {}
        for folder in sorted(self.by_folder):
            parts = folder.split("/") if folder else []
            for i in range(len(parts)):
                self.folders_by_tail.setdefault("/".join(parts[i:]), []).append(folder)

    def ending_with(self, suffix: str) -> List[str]:
        return self.by_suffix.get(suffix.strip("/"), [])

    def folder_ending_with(self, suffix: str, extension: str) -> List[str]:
        """Files with ``extension`` of the folder(s) whose path ends with the longest
        matching tail of ``suffix``."""
        parts = suffix.strip("/").split("/")
        for i in range(len(parts)):
            folders = self.folders_by_tail.get("/".join(parts[i:]))
            if folders:
                return [p for f in folders for p in self.by_folder[f] if p.endswith(extension)]
        return []


def _normalize(path: str) -> str:
    """A repository path, or "" when it leaves the repository."""
    normal = posixpath.normpath(path) if path else ""
    return "" if normal in (".", "..") or normal.startswith("../") or normal.startswith("/") else normal


def _python(index: RepoIndex, path: str, module: str) -> List[str]:
    if module.startswith("."):
        level = len(module) - len(module.lstrip("."))
        base = posixpath.dirname(path)
        for _ in range(level - 1):
            base = posixpath.dirname(base)
        rest = module.lstrip(".").replace(".", "/")
        stem = posixpath.join(base, rest) if rest else base
        candidates = [stem + ".py", posixpath.join(stem, "__init__.py")]
        return [c for c in (_normalize(c) for c in candidates) if c in index.paths]
    stem = module.replace(".", "/")
    found = index.ending_with(stem + ".py") + index.ending_with(stem + "/__init__.py")
    return found if len(found) <= 8 else []  # a name found everywhere (utils.py) says nothing


def _relative(index: RepoIndex, path: str, target: str, suffixes: Sequence[str]) -> List[str]:
    stem = _normalize(posixpath.join(posixpath.dirname(path), target))
    candidates = [stem] + [stem + s for s in suffixes] + [posixpath.join(stem, "index" + s) for s in suffixes]
    for candidate in candidates:
        if candidate in index.paths:
            return [candidate]
    return []


def _rust_mod(index: RepoIndex, path: str, name: str) -> List[str]:
    folder, base = posixpath.dirname(path), posixpath.basename(path)
    root = base in ("lib.rs", "main.rs", "mod.rs")
    where = folder if root else posixpath.join(folder, base[:-3] if base.endswith(".rs") else base)
    candidates = [posixpath.join(where, name + ".rs"), posixpath.join(where, name, "mod.rs")]
    return [c for c in (_normalize(c) for c in candidates) if c in index.paths]


def _rust_use(index: RepoIndex, path: str, dotted: str) -> List[str]:
    parts = [p for p in dotted.split("::") if p and p != "self"]
    src = path.split("/src/")[0] + "/src" if "/src/" in path else ("src" if path.startswith("src/") else "")
    for n in range(len(parts), 0, -1):
        stem = posixpath.join(src, *parts[:n]) if src else posixpath.join(*parts[:n])
        for candidate in (stem + ".rs", posixpath.join(stem, "mod.rs")):
            if candidate in index.paths:
                return [candidate]
    return []


def resolve(index: RepoIndex, path: str, specs: Iterable[Spec]) -> List[str]:
    """The repository's paths ``path``'s import specs name (sorted, without ``path``)."""
    found: Set[str] = set()
    for kind, target in specs:
        if kind == "py":
            found.update(_python(index, path, target))
        elif kind == "rel":
            found.update(_relative(index, path, target, _JS_SUFFIXES))
        elif kind == "go":
            found.update(index.folder_ending_with(target, ".go"))
        elif kind == "java":
            if target.endswith(".*"):
                found.update(index.folder_ending_with(target[:-2].replace(".", "/"), ".java"))
            else:
                stem = target.replace(".", "/")
                for ext in (".java", ".kt", ".scala", ".groovy"):
                    found.update(index.ending_with(stem + ext))
        elif kind == "include":
            local = _normalize(posixpath.join(posixpath.dirname(path), target))
            found.update([local] if local in index.paths else index.ending_with(target)[:8])
        elif kind == "rustmod":
            found.update(_rust_mod(index, path, target))
        elif kind == "rustuse":
            found.update(_rust_use(index, path, target))
        elif kind == "rbrel":
            found.update(_relative(index, path, target, (".rb",)))
        elif kind == "rb":
            for candidate in (f"lib/{target}.rb", f"{target}.rb"):
                found.update(index.ending_with(candidate)[:8])
    found.discard(path)
    return sorted(found)


def dependency_graph(files: Mapping[str, Sequence[Spec]]) -> Dict[str, List[str]]:
    """``{path: [paths it imports]}`` for one repository's ``{path: specs}``."""
    index = RepoIndex(files)
    return {path: resolve(index, path, files[path]) for path in sorted(files)}
