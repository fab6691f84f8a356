"""codestack export --format repo-documents: imports, order, cuts, and the export of a real release."""

import json
import os
import shutil

import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gitrepos import make_repo
from manifests.verify import verify_release
from pipeline.build import run_build
from pipeline.cli import main
from pipeline.export import run_export
from pipeline.samples import MIT_LICENSE
from transforms.views.documents import Markers, dependency_order, plan_documents, render, split_text
from transforms.views.imports import RepoIndex, dependency_graph, import_specs, resolve

QUIET = lambda msg: None  # noqa: E731


# ---------------------------------------------------------------------------- imports


def test_imports_are_read_and_resolved_per_language():
    index = RepoIndex([
        "src/pkg/__init__.py", "src/pkg/core.py", "src/pkg/sub/helpers.py", "web/util.js", "web/lib/index.ts",
        "web/app.js", "go/internal/store/store.go", "go/internal/store/db.go", "go/cmd/main.go",
        "java/com/acme/Model.java", "java/com/acme/util/Strings.java", "java/com/acme/App.java",
        "c/include/net.h", "c/src/net.c", "c/src/local.h", "rs/src/lib.rs", "rs/src/parser.rs",
        "rs/src/parser/lexer.rs", "rs/src/ast/mod.rs", "rb/lib/gem/version.rb", "rb/lib/gem.rb"])
    py = import_specs("Python", "src/pkg/core.py",
                      "import os, pkg.sub.helpers\nfrom . import sub\nfrom .sub.helpers import x\nfrom pkg import core\n")
    assert resolve(index, "src/pkg/core.py", py) == ["src/pkg/__init__.py", "src/pkg/sub/helpers.py"]
    js = import_specs("JavaScript", "web/app.js",
                      "import a from './util';\nconst l = require('./lib');\nimport('react');\n")
    assert resolve(index, "web/app.js", js) == ["web/lib/index.ts", "web/util.js"]
    go = import_specs("Go", "go/cmd/main.go", 'package main\nimport (\n\t"fmt"\n\ts "example.com/x/internal/store"\n)\n')
    assert resolve(index, "go/cmd/main.go", go) == ["go/internal/store/db.go", "go/internal/store/store.go"]
    java = import_specs("Java", "java/com/acme/App.java",
                        "package com.acme;\nimport com.acme.Model;\nimport com.acme.util.*;\nimport java.util.List;\n")
    assert resolve(index, "java/com/acme/App.java", java) == ["java/com/acme/Model.java",
                                                               "java/com/acme/util/Strings.java"]
    c = import_specs("C", "c/src/net.c", '#include <stdio.h>\n#include "local.h"\n#include "net.h"\n')
    assert resolve(index, "c/src/net.c", c) == ["c/include/net.h", "c/src/local.h"]
    rs = import_specs("Rust", "rs/src/lib.rs", "pub mod parser;\nmod ast;\nuse crate::parser::lexer::Token;\n")
    assert resolve(index, "rs/src/lib.rs", rs) == ["rs/src/ast/mod.rs", "rs/src/parser.rs", "rs/src/parser/lexer.rs"]
    assert resolve(index, "rs/src/parser.rs", import_specs("Rust", "rs/src/parser.rs", "mod lexer;\n")) == \
        ["rs/src/parser/lexer.rs"]
    rb = import_specs("Ruby", "rb/lib/gem.rb", "require 'gem/version'\nrequire 'json'\n")
    assert resolve(index, "rb/lib/gem.rb", rb) == ["rb/lib/gem/version.rb"]
    assert import_specs("Markdown", "README.md", "import x") == []
    assert resolve(index, "web/app.js", [("rel", "../../../etc/passwd")]) == []  # never outside the repository


def test_dependency_order_puts_imports_first_and_breaks_cycles_by_path():
    order = dependency_order({"main.py": ["util.py", "db.py"], "db.py": ["util.py"], "util.py": [], "a.py": []})
    assert order == ["a.py", "util.py", "db.py", "main.py"]
    cycle = {"a": ["b"], "b": ["c"], "c": ["a"], "d": ["a"]}
    assert dependency_order(cycle) == ["a", "c", "b", "d"] == dependency_order(dict(reversed(list(cycle.items()))))


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.sampled_from("abcdefghij"), st.lists(st.sampled_from("abcdefghij"), max_size=4), max_size=10))
def test_dependency_order_respects_every_edge_outside_a_cycle(graph):
    order = dependency_order(graph)
    assert sorted(order) == sorted(graph)
    position = {p: i for i, p in enumerate(order)}

    def reaches(start, goal):
        seen, todo = set(), [start]
        while todo:
            node = todo.pop()
            for dep in graph.get(node, []):
                if dep == goal:
                    return True
                if dep in graph and dep not in seen:
                    seen.add(dep)
                    todo.append(dep)
        return False

    for path, deps in graph.items():
        for dep in deps:
            if dep in graph and dep != path and not reaches(dep, path):  # not on a cycle with it
                assert position[dep] < position[path], (path, dep, order)


def test_documents_are_cut_at_file_boundaries_and_a_big_file_goes_alone():
    plans = plan_documents(["a", "b", "c", "d", "e"], {"a": 40, "b": 40, "c": 500, "d": 30, "e": 30}, None,
                           10, 0, 100, 0)
    assert [(p.document, p.position, p.alone) for p in plans.values()] == \
        [(0, 0, False), (0, 1, False), (1, 0, True), (2, 0, False), (2, 1, False)]
    tokens = plan_documents(["a", "b"], {"a": 1, "b": 1}, {"a": 6, "b": 6}, 0, 1, 0, 10)
    assert tokens["a"].document != tokens["b"].document


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet=st.sampled_from("ab \n\u00e9"), max_size=300), st.integers(1, 40))
def test_split_text_keeps_every_character_within_the_limit(text, limit):
    pieces = split_text(text, limit, lambda s: len(s.encode("utf-8")))
    assert "".join(pieces) == text
    assert all(len(p.encode("utf-8")) <= max(limit, 2) for p in pieces)  # a 2-byte character may not fit in 1


def test_render_uses_starcoder2_markers():
    assert render(Markers(), "o/r", [("a.py", "x = 1\n"), ("b.py", "y\n")]) == \
        "<repo_name>o/r<file_sep>a.py\nx = 1\n<file_sep>b.py\ny\n"


# ---------------------------------------------------------------------------- a real release


def _package_files(package):
    """The .py files of an installed package (real code with real imports), under src/."""
    import importlib

    root = os.path.dirname(importlib.import_module(package).__file__)
    files = {}
    for folder, _dirs, names in os.walk(root):
        for name in sorted(names):
            if name.endswith(".py"):
                full = os.path.join(folder, name)
                files["src/" + os.path.relpath(full, os.path.dirname(root))] = open(full, encoding="utf-8").read()
    return files


@pytest.fixture(scope="module")
def release(tmp_path_factory):
    root = tmp_path_factory.mktemp("export")
    repos = root / "repos"
    for package in ("idna", "packaging", "attr"):
        make_repo(repos, package, dict(_package_files(package), LICENSE=MIT_LICENSE))
    make_repo(repos, "webapp", {"LICENSE": MIT_LICENSE, "src/app.js": "import { add } from './math';\nadd(1, 2);\n",
                                "src/math.js": "export function add(a, b) { return a + b; }\n"})
    out = str(root / "release")
    run_build(f"git:{repos}", out, "1.0.0", log=QUIET)
    return out


def _documents(folder):
    rows = []
    for name in sorted(os.listdir(os.path.join(folder, "data"))):
        rows.extend(pq.read_table(os.path.join(folder, "data", name)).to_pylist())
    return rows


def _released(folder):
    out = {}
    for dirpath, _dirs, files in os.walk(os.path.join(folder, "data")):
        for name in files:
            for row in pq.read_table(os.path.join(dirpath, name), columns=["repo_name", "path", "content",
                                                                            "language"]).to_pylist():
                out[(row["repo_name"], row["path"])] = row
    return out


def test_every_file_once_imports_first_and_byte_identical(release, tmp_path):
    one, two, multi = str(tmp_path / "one"), str(tmp_path / "two"), str(tmp_path / "multi")
    manifest = run_export(release, one, max_bytes=60_000)
    run_export(release, two, max_bytes=60_000)
    run_export(release, multi, max_bytes=60_000, workers=2)
    sums = open(os.path.join(one, "SHA256SUMS")).read()
    assert open(os.path.join(two, "SHA256SUMS")).read() == sums == open(os.path.join(multi, "SHA256SUMS")).read()
    assert verify_release(one) == [] and main(["verify", one]) == 0
    released = _released(release)
    docs = _documents(one)
    assert manifest["totals"]["documents"] == len(docs) > len({d["repo_name"] for d in docs})
    too_big = {k for k, r in released.items() if len(r["content"].encode("utf-8")) > 60_000}
    assert too_big  # real files over the limit alone (attr's _make.py, ...)
    assert manifest["totals"]["files"] == len(released) and manifest["totals"]["files_split"] == len(too_big)
    seen = {}
    markers = Markers()
    for doc in docs:
        assert len(doc["text"].encode("utf-8")) <= 60_000
        head = f"{markers.repo}{doc['repo_name']}"
        assert doc["text"].startswith(head)
        parts = doc["text"][len(head):].split(markers.file)[1:]
        assert [p.split("\n", 1)[0] for p in parts] == doc["files"]
        for part in parts:
            path, body = part.split("\n", 1)
            seen.setdefault((doc["repo_name"], path), []).append(body)
    assert set(seen) == set(released)
    for key, bodies in seen.items():
        assert "".join(bodies) == released[key]["content"]  # once, or in consecutive pieces of its own
        assert (len(bodies) > 1) == (key in too_big)
    # a file that imports another comes after it, where both are in one document (unless they are on a cycle)
    from transforms.views.documents import strongly_connected

    checked = 0
    for repo in sorted({r for r, _p in released}):
        files = {p: row for (r, p), row in released.items() if r == repo}
        graph = dependency_graph({p: import_specs(row["language"], p, row["content"]) for p, row in files.items()})
        cycle_of = {m: i for i, comp in enumerate(strongly_connected(graph)) for m in comp}
        for doc in (d for d in docs if d["repo_name"] == repo):
            where = {p: i for i, p in enumerate(doc["files"])}
            for path, deps in graph.items():
                for dep in deps:
                    if path in where and dep in where and cycle_of[path] != cycle_of[dep]:
                        assert where[dep] < where[path], (repo, path, dep)
                        checked += 1
    assert checked > 20


def test_tokens_and_token_limit(release, tmp_path):
    from test_tokens import tokenizer_json

    tokenizer = tmp_path / "tokenizer.json"
    tokenizer.write_bytes(tokenizer_json())
    out = str(tmp_path / "tok")
    manifest = run_export(release, out, max_bytes=0, max_tokens=2000, tokenizer=str(tokenizer))
    docs = _documents(out)
    assert all(d["num_tokens"] is not None and d["num_tokens"] <= 2000 for d in docs)
    assert manifest["totals"]["tokens"] == sum(d["num_tokens"] for d in docs)
    assert manifest["options"]["tokenizer"]["kind"] == "tokenizers"


def test_bad_input_is_one_line(release, tmp_path, capsys):
    broken = str(tmp_path / "broken")
    shutil.copytree(release, broken)
    with open(os.path.join(broken, "README.md"), "a") as handle:
        handle.write("tampered\n")
    assert main(["export", broken, "--output", str(tmp_path / "o1")]) == 2
    assert main(["export", release, "--output", str(tmp_path / "o2"), "--max-tokens", "10"]) == 2
    (tmp_path / "bad.json").write_text("{}")
    assert main(["export", release, "--output", str(tmp_path / "o3"), "--tokenizer", str(tmp_path / "bad.json")]) == 2
    err = capsys.readouterr().err
    assert err.count("codestack: error:") == 3 and "does not verify" in err and "Traceback" not in err
    assert main(["export", release, "--output", str(tmp_path / "o4"), "--max-bytes", "30000"]) == 0
    assert json.load(open(tmp_path / "o4" / "manifest.json"))["kind"] == "repo-documents"
