"""Stage ``language``: Linguist data, evidence order, heuristics, content model, vendor/generated."""

import importlib.util
import json
import os
import re

import apache_beam as beam
import pytest
from apache_beam.testing.test_pipeline import TestPipeline
from apache_beam.testing.util import assert_that, equal_to
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.cli import main
from pipeline.config import config_from_dict
from pipeline.errors import UsageError
from transforms import language
from transforms.base import DictCounter, Stage, apply_core
from transforms.fetch import text_stats
from transforms.language import (
    DATA_FILE,
    EXTRA_HEURISTICS,
    MAGIKA_TO_LINGUIST,
    PRIOR,
    Classifier,
    LanguageConfig,
    Linguist,
    compile_pattern,
    extnames,
    generated_by_content,
    language_types,
    modeline,
    required_literals,
    shebang_interpreter,
)
from transforms.record import CodeFile

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, "data", "language", "files")
MANIFEST = os.path.join(HERE, "data", "language", "manifest.tsv")


@pytest.fixture(scope="module")
def linguist():
    return Linguist.load()


@pytest.fixture(scope="module")
def rules(linguist):
    """Names and heuristics only (no content model): fast and fully deterministic."""
    return Classifier(linguist, LanguageConfig(content_model="none"), None)


@pytest.fixture(scope="module")
def classifier(linguist):
    return Classifier(linguist, LanguageConfig(), language.load_model("magika"))


def rec(path="src/a.py", content="", **kw):
    base = dict(blob_id="b", content_id="c", directory_id="d", path=path, repo_name="o/r", snapshot_id="s",
                revision_id="r", branch_name="main", content=content, **text_stats(content))
    base.update(kw)
    return CodeFile(**base)


# --- the data file -----------------------------------------------------------------------------

def test_data_file_has_every_linguist_language_with_its_type():
    with open(DATA_FILE, encoding="utf-8") as handle:
        data = json.load(handle)
    assert len(data["languages"]) > 800
    types = language_types()
    assert types["C++"] == "programming"
    assert types["Shell"] == "programming"
    assert types["Jupyter Notebook"] == "markup"
    assert types["JSON"] == "data"
    assert types["Text"] == "prose"
    assert set(types.values()) == {"programming", "data", "markup", "prose"}
    assert ".py" in data["languages"]["Python"]["extensions"]
    assert "python3" in data["languages"]["Python"]["interpreters"]
    assert "Makefile" in data["languages"]["Makefile"]["filenames"]
    assert data["heuristics"] and data["vendor"] and data["documentation"] and data["generated_paths"]
    assert os.path.isfile(os.path.join(os.path.dirname(DATA_FILE), "LINGUIST-NOTICE"))


def test_every_rule_compiles_and_every_named_language_exists(linguist):
    types = language_types()
    with open(DATA_FILE, encoding="utf-8") as handle:
        data = json.load(handle)
    for block in data["heuristics"]:
        for rule in block["rules"]:
            assert all(lang in types for lang in rule["languages"]), rule
    for ext, extra in EXTRA_HEURISTICS.items():
        assert all(lang in types for lang, _ in extra), ext
    assert all(name in types for name in PRIOR)
    assert len(set(PRIOR)) == len(PRIOR)
    assert all(name in types for names in MAGIKA_TO_LINGUIST.values() for name in names)


def _regenerate_module():
    path = os.path.join(os.path.dirname(DATA_FILE), "regenerate_linguist.py")
    spec = importlib.util.spec_from_file_location("regenerate_linguist", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("ruby,python", [
    (r"(?im)^\s*movem\.[bwl]\b", r"(?is)^\s*movem\.[bwl]\b"),
    (r"(?-m)^\s*using\s+System;\s*$", r"^\s*using\s+System;\s*$"),
    (r"\A\z", r"\A\Z"),
    (r"(?<v>a+)(?:;\g<v>)*", r"(?<v>a+)(?:;(?&v))*"),
    (r"(?m:.)x", r"(?s:.)x"),
])
def test_ruby_patterns_are_rewritten_for_python(ruby, python):
    assert _regenerate_module().ruby_to_python(ruby) == python


# --- evidence, in Linguist's order ---------------------------------------------------------

@pytest.mark.parametrize("text,mode", [
    ("# -*- mode: ruby -*-\nputs 1\n", "ruby"),
    ("/* -*- C++ -*- */\nint x;\n", "C++"),
    ("x = 1\n# vim: set ft=python:\n", "python"),
    ("x\n// vim: syntax=javascript\n", "javascript"),
    ("# -*- coding: utf-8 -*-\nx = 1\n", None),
    ("nothing here\n", None),
])
def test_modeline(text, mode):
    assert modeline(text) == mode


def test_modeline_only_in_the_first_and_last_five_lines():
    middle = "a\n" * 10 + "# vim: set ft=ruby:\n" + "b\n" * 10
    assert modeline(middle) is None
    assert modeline("a\n" * 10 + "# vim: set ft=ruby:\n") == "ruby"


@pytest.mark.parametrize("line,interpreter", [
    ("#!/usr/bin/python3.11\n", "python3"),
    ("#!/usr/bin/env python3\n", "python3"),
    ("#!/usr/bin/env -S VAR=1 node --harmony\n", "node"),
    ("#! /bin/bash -e\n", "bash"),
    ("#!/bin/sh\nexec tclsh \"$0\" \"$@\"\n", "tclsh"),
    ("#!/usr/bin/env\n", None),
    ("no shebang\n", None),
])
def test_shebang_interpreter(line, interpreter):
    assert shebang_interpreter(line) == interpreter


def test_extnames_longest_first():
    assert extnames("a.tar.gz") == [".tar.gz", ".gz"]
    assert extnames("Makefile") == []
    assert extnames("config.h.in") == [".h.in", ".in"]


@pytest.mark.parametrize("path,text,expected", [
    ("src/app.py", "import os\n", ("Python", "extension")),
    ("Makefile", "all:\n\techo hi\n", ("Makefile", "filename")),
    ("build/Dockerfile", "FROM debian\n", ("Dockerfile", "filename")),
    ("bin/tool", "#!/usr/bin/env python3\nprint(1)\n", ("Python", "shebang")),
    ("notes.txt", "# vim: set ft=python:\nprint(1)\n", ("Python", "modeline")),
    ("layout", "<?xml version=\"1.0\"?>\n<root/>\n", ("XML", "xml")),
    ("include/vec.h", "#include <vector>\nclass V {};\n", ("C++", "heuristics")),
    ("include/io.h", "int read_all(int fd);\n", ("C", "heuristics")),
    ("Cell.h", "#import <Foundation/Foundation.h>\n@interface Cell : NSObject\n@end\n", ("Objective-C", "heuristics")),
    ("rules.pl", ":- module(r, []).\nfoo(X) :- bar(X).\n", ("Prolog", "heuristics")),
    ("app_de.ts", "<?xml version=\"1.0\"?>\n<TS version=\"2.1\">\n</TS>\n", ("XML", "heuristics")),
    ("index.ts", "export const x: number = 1;\n", ("TypeScript", "heuristics")),
    ("top.v", "module top(input a, output b);\nassign b = a;\nendmodule\n", ("Verilog", "heuristics")),
    ("Lists.v", "Require Import List.\nLemma l : True.\nProof. auto. Qed.\n", ("Rocq Prover", "heuristics")),
    ("page.inc", "<?php\necho 1;\n", ("PHP", "heuristics")),
    ("thesis.cls", "\\NeedsTeXFormat{LaTeX2e}\n\\ProvidesClass{thesis}\n", ("TeX", "heuristics")),
    ("Svc.cls", "public with sharing class Svc {\n}\n", ("Apex", "heuristics")),
    ("scan.l", "%{\n#include <stdio.h>\n%}\n%%\n[0-9]+ { return 1; }\n%%\n", ("Lex", "heuristics")),
])
def test_evidence_order_and_heuristics(rules, path, text, expected):
    detection = rules(path, text)
    assert (detection.language, detection.evidence) == expected


def test_shebang_beats_extension_but_narrows_with_it(rules):
    # Linguist: the shebang's languages, narrowed by the extension's
    assert rules("x.pl", "#!/usr/bin/perl\nprint 1;\n").language == "Perl"
    assert rules("tool.sh", "#!/usr/bin/env python\nprint(1)\n").language == "Python"


def test_names_left_open_go_to_the_most_common_candidate_without_a_model(rules):
    detection = rules("notes.m", "x\n")
    assert detection.evidence == "prior"
    assert detection.language == "Objective-C"
    assert "MATLAB" in detection.candidates


def test_content_model_decides_among_the_candidates(classifier):
    matlab = "function y = f(x)\n  y = x.^2;\nend\n"
    detection = classifier("kalman.m", matlab)
    assert detection.evidence == "magika"
    assert detection.language == "MATLAB"
    assert detection.language in detection.candidates


def test_content_model_names_a_file_no_name_classifies_only_where_sure(classifier):
    text = open(os.path.join(FIXTURES, "manage"), encoding="utf-8").read()
    # the model's own confidence would say Python; the calibrated gate asks more of Python (Cython
    # files read as Python on the calibration half), so the file stays unnamed, said so
    assert classifier.model.guess(text)[0] == "Python"
    assert classifier("scripts/manage", text)[:2] == ("unknown", "abstained")
    go = "package main\n\nimport \"fmt\"\n\nfunc main() {\n\tfmt.Println(\"hello, world\")\n}\n" * 3
    name, score = classifier.model.guess(go)
    assert name == "Go" and score >= classifier.gate.minimums["Go"]
    assert classifier("cmd/hello", go)[:2] == ("Go", "magika")
    assert classifier("scripts/manage", "\x01\x02 \x03" * 100)[:2] == ("unknown", "none")
    free = Classifier(classifier.linguist, LanguageConfig(abstain=False), classifier.model)
    assert free("scripts/manage", text)[:2] == ("Python", "magika")  # abstain: false, the old behaviour


def test_gate_needs_calibration_a_score_and_a_content_check():
    from transforms.language.gate import CHECKS, Gate, load_gate

    gate = Gate({"Vue": 0.5, "JSON": 0.5, "Shell": 0.5})
    assert gate.reason("Vue", 0.9, "<testcase>\n<info>\n</info>\n</testcase>\n") == "check_failed"
    assert gate.reason("Vue", 0.9, "<template>\n  <div/>\n</template>\n<script>\nexport default {}\n</script>\n") is None
    assert gate.reason("JSON", 0.9, '{"a": [1, 2]}') is None and gate.reason("JSON", 0.9, "{a: 1") == "check_failed"
    assert gate.reason("Shell", 0.4, "echo hi\n") == "low_score"
    assert gate.reason("Ruby", 0.99, "def x\nend\n") == "uncalibrated"
    assert CHECKS["Shell"]("set -e\nfor f in *; do echo $f; done\n")
    assert load_gate("no such model") is None
    magika = load_gate("magika 1.0.3 standard_v3_3")
    assert magika is not None and "Vue" not in magika.minimums and magika.minimums["JavaScript"] < 1


def test_unnamed_without_a_model_is_unknown(rules):
    assert rules("LICENSE-NOTES", "some words\n")[:2] == ("unknown", "none")


# --- edge cases: classified or unknown, never a crash ------------------------------------------

@pytest.mark.parametrize("path", ["empty.py", "empty.h", "noext", ".hidden", "a.", "dir/.x.y.z", "", "Makefile"])
def test_empty_files(classifier, path):
    detection = classifier(path, "")
    assert detection.language in language_types() or detection.language == "unknown"


def test_binary_looking_text(classifier):
    text = "".join(chr(c) for c in range(1, 32)) * 300 + "\ufffd\u0080" * 100
    for path in ("blob", "blob.h", "blob.js", "blob.dat"):
        detection = classifier(path, text)
        assert detection.language in language_types() or detection.language == "unknown"


def test_hundred_thousand_lines(classifier):
    text = "int x;\n" * 100_000
    assert classifier("big.h", text)[:2] == ("C", "heuristics")
    unnamed = classifier("big", "x = 1\n" * 100_000)
    assert unnamed.language in language_types() or unnamed.language == "unknown"


def test_one_huge_line_is_read_with_a_cap(classifier):
    text = "var a=1;" * 200_000  # 1.6 MB, one line
    detection = classifier("dist/app.min.js", text)
    assert detection.language == "JavaScript"
    assert detection.is_vendor and detection.is_generated


@settings(max_examples=150, deadline=None)
@given(path=st.text(alphabet=st.sampled_from("ab./_-hmtsplvTSX"), max_size=12), text=st.text(max_size=300))
def test_never_crashes(rules, path, text):
    detection = rules(path, text)
    assert detection.language in language_types() or detection.language == "unknown"
    assert detection.evidence in language.EVIDENCE


# --- the literal prefilter is sound ----------------------------------------------------------

def _all_patterns():
    with open(DATA_FILE, encoding="utf-8") as handle:
        data = json.load(handle)
    out = set(data["vendor"]) | set(data["documentation"]) | set(data["generated_paths"])
    for block in data["heuristics"]:
        for rule in block["rules"]:
            for test in rule["all"]:
                out.update(test["any"])
    return sorted(out)


def test_required_literals():
    assert required_literals(r"std::\w+") == (frozenset({"std::"}),)
    assert required_literals(r"^[ \t]*(private|public):$") == (frozenset({"private:", "public:"}),)
    assert required_literals(r"(?i)foo(bar)?baz") == (frozenset({"foo"}), frozenset({"baz"}))
    assert required_literals(r"\w+") is None
    assert required_literals(r"[[:alpha:]]x") is None  # read differently by re and regex: no prefilter


def test_prefilter_never_hides_a_match():
    texts = []
    for name in sorted(os.listdir(FIXTURES)):
        with open(os.path.join(FIXTURES, name), encoding="utf-8") as handle:
            texts.append(handle.read())
        texts.append(name)
    texts += ["node_modules/a/b.js", "vendor/github.com/x/y.go", "docs/index.md", "Pods/A/b.m", "x.min.css"]
    for pattern in _all_patterns():
        literals = required_literals(pattern)
        if literals is None:
            continue
        compiled = compile_pattern(pattern)
        for text in texts:
            if compiled.search(text):
                folded = text.casefold()
                assert all(any(lit in folded for lit in found) for found in literals), (pattern, literals)


def test_compile_pattern_uses_regex_for_ruby_only_syntax():
    assert isinstance(compile_pattern(r"^\s*using\s+System;"), re.Pattern)
    nested = compile_pattern(r"^[\s&&[^\r\n]]*=begin")
    assert not isinstance(nested, re.Pattern)
    assert nested.search("  =begin") and not nested.search("\n=\n")


# --- vendor, documentation, generated --------------------------------------------------------

@pytest.mark.parametrize("path,vendor", [
    ("node_modules/left-pad/index.js", True),
    ("third_party/zlib/inflate.c", True),
    ("vendor/github.com/pkg/errors/errors.go", True),
    ("static/js/jquery-3.6.0.min.js", True),
    ("src/main.c", False),
    ("lib/vendored_name.py", False),
])
def test_is_vendor(linguist, path, vendor):
    assert linguist.is_vendor(path) is vendor


def test_is_documentation(linguist):
    assert linguist.is_documentation("docs/guide.md")
    assert linguist.is_documentation("README.md")
    assert not linguist.is_documentation("src/readme_parser.py")


@pytest.mark.parametrize("path,text", [
    ("package-lock.json", "{}\n"),
    ("Cargo.lock", "# lock\n"),
    ("api/foo.pb.go", "// Code generated by protoc-gen-go. DO NOT EDIT.\npackage api\n"),
    ("gen/x.go", "// Code generated by stringer; DO NOT EDIT.\n\npackage x\n"),
    ("a_pb2.py", "# -*- coding: utf-8 -*-\n# Generated by the protocol buffer compiler.  DO NOT EDIT!\n# source: a.proto\n"),
    ("app.js", "x=" + "1," * 200 + "0;\n"),
    ("app.js", "var a = 1;\n//# sourceMappingURL=app.js.map\n"),
    ("app.js.map", '{"version":3,"sources":[]}'),
    ("Jni.h", "/* DO NOT EDIT THIS FILE - it is machine generated */\n#include <jni.h>\nint x;\n"),
    ("m.c", "/* Generated by Cython 3.0.0 */\nint x;\n"),
    ("doc.html", "<html>\n<head>\n<meta name=\"generator\" content=\"groff -Thtml\">\n</head>\n"),
])
def test_is_generated(linguist, path, text):
    assert linguist.is_generated(path, text)


@pytest.mark.parametrize("path,text", [
    ("src/app.js", "function f() {\n  return 1;\n}\n"),
    ("main.go", "package main\n\nfunc main() {}\n"),
    ("x.py", "print('generated by hand')\n"),
    ("empty.js", ""),
])
def test_is_not_generated(linguist, path, text):
    assert not linguist.is_generated(path, text)
    assert not generated_by_content(path, text)


# --- the core, the stage, the CLI -----------------------------------------------------------

def test_core_counts_evidence_and_flags():
    core = language.make_core(LanguageConfig(content_model="none"))
    count = DictCounter()
    records = [
        rec("src/a.py", "import os\n"),
        rec("Makefile", "all:\n"),
        rec("node_modules/x/i.js", "var a;\n"),
        rec("gen.pb.go", "// Code generated by protoc. DO NOT EDIT.\npackage x\n"),
        rec("blob", "\x01\x02"),
        rec("x.m", ""),
    ]
    out = [r for record in records for r in apply_core(language.STAGE, core, record, count)]
    assert [(r.path, r.language, r.is_vendor, r.is_generated) for r in out] == [
        ("src/a.py", "Python", False, False),
        ("Makefile", "Makefile", False, False),
        ("node_modules/x/i.js", "JavaScript", True, True),
        ("gen.pb.go", "Go", False, True),
        ("blob", "unknown", False, False),
        ("x.m", "Objective-C", False, False),
    ]
    assert count == {"kept": 6, "evidence:extension": 3, "evidence:filename": 1, "evidence:none": 1,
                     "evidence:prior": 1, "vendor": 1, "generated": 2}


def test_unknown_content_model_is_an_error():
    with pytest.raises(ValueError, match="unknown content model"):
        language.load_model("guesslang-v9")
    with pytest.raises(ValueError, match="not one of magika, none"):
        LanguageConfig(content_model="guesslang-v9")
    with pytest.raises(UsageError, match="content_model"):
        config_from_dict({"language": {"content_model": "nope"}})


@pytest.mark.slow
def test_language_stage_in_a_test_pipeline():
    records = [rec("a.py", "print(1)\n"), rec("lib/util.h", "#include <string>\nnamespace u {}\n"), rec("x", "")]
    with TestPipeline(runner="apache_beam.runners.portability.fn_api_runner.FnApiRunner") as p:
        kept, rejects = (p | beam.Create(records)
                         | Stage(language.STAGE, lambda: language.make_core(LanguageConfig())))
        assert_that(kept | beam.Map(lambda r: (r.path, r.language)),
                    equal_to([("a.py", "Python"), ("lib/util.h", "C++"), ("x", "unknown")]), label="kept")
        assert_that(rejects, equal_to([]), label="rejects")


def test_detect_language_cli_walks_a_folder(tmp_path, capsys):
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "main.c").write_text("int main(void) { return 0; }\n")
    (tmp_path / "node_modules" / "x").mkdir(parents=True)
    (tmp_path / "node_modules" / "x" / "i.js").write_text("var a = 1;\n")
    (tmp_path / "run").write_text("#!/bin/sh\necho hi\n")
    (tmp_path / "b.bin").write_bytes(b"\x00\x01\x02")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "config").write_text("[core]\n")
    assert main(["detect-language", "--content-model", "none", str(tmp_path)]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    by_path = {os.path.relpath(r["path"], tmp_path): r for r in rows}
    assert sorted(by_path) == ["b.bin", "node_modules/x/i.js", "run", "src/main.c"]
    assert by_path["src/main.c"]["language"] == "C"
    assert by_path["src/main.c"]["evidence"] == "extension"
    assert by_path["run"]["language"] == "Shell"
    assert by_path["node_modules/x/i.js"]["is_vendor"] is True
    assert by_path["b.bin"] == {"path": str(tmp_path / "b.bin"), "language": "unknown", "is_vendor": False,
                                "is_generated": False, "evidence": "binary", "candidates": [],
                                "is_documentation": False}
    assert set(rows[0]) >= {"path", "language", "is_vendor", "is_generated", "evidence"}


def test_detect_language_cli_missing_path(capsys):
    assert main(["detect-language", "/no/such/file"]) == 2
    assert "no such file" in capsys.readouterr().err


def test_fixtures_of_the_labeled_set_are_classified(classifier):
    """The committed part of bench/bench_language.py's labeled set: a regression floor."""
    rows = []
    with open(MANIFEST, encoding="utf-8") as handle:
        for line in handle:
            if line.startswith("#"):
                continue
            label, path, source = line.rstrip("\n").split("\t")
            if source == "fixture":
                with open(os.path.join(os.path.dirname(MANIFEST), path), encoding="utf-8") as f:
                    rows.append((label, os.path.basename(path), f.read()))
    assert len(rows) >= 100
    right = sum(classifier(name, text).language == label for label, name, text in rows)
    assert right / len(rows) >= 0.97
