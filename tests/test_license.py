"""Stage ``license``: evidence, scope, SPDX logic, policy, the Beam graph, the CLI.

The ScanCode index loads once for the module (about 8 s): every test shares it.
"""

import dataclasses
import json
import os

import apache_beam as beam
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
import yaml
from apache_beam.metrics.metric import MetricsFilter
from apache_beam.runners.portability.fn_api_runner import FnApiRunner
from apache_beam.testing.util import assert_that, equal_to

from transforms import license as lic
from transforms.base import DictCounter, Drop
from transforms.record import CodeFile

LICENSES_DIR = os.path.join(os.path.dirname(__import__("licensedcode").__file__), "data", "licenses")


def canonical(key: str) -> str:
    """The license text ScanCode ships for ``key`` (its ``.LICENSE`` file without the YAML front matter)."""
    with open(os.path.join(LICENSES_DIR, f"{key}.LICENSE"), encoding="utf-8") as handle:
        text = handle.read()
    if text.startswith("---"):
        text = text.split("---", 2)[2]
    return text.lstrip("\n")


MIT = canonical("mit")
GPL3 = canonical("gpl-3.0")

LGPL_HEADER = """/* This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Lesser General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version. */
int lgpl;
"""
MPL_HEADER = """/* This Source Code Form is subject to the terms of the Mozilla Public
 * License, v. 2.0. If a copy of the MPL was not distributed with this
 * file, You can obtain one at http://mozilla.org/MPL/2.0/. */
var mpl = 1;
"""
RESERVED_HEADER = "/*\n * Copyright (c) 2020 Acme Corp. All rights reserved.\n */\nint reserved;\n"


@pytest.fixture(scope="module")
def engine():
    return lic.make_engine(lic.LicenseConfig())


def rec(path, content, snapshot="snap-1", repo="o/r", gha=None, blob_id=None):
    import hashlib

    raw = content.encode("utf-8", "surrogatepass")
    return CodeFile(
        blob_id=blob_id or hashlib.sha1(raw).hexdigest(), content_id="", directory_id="", path=path, repo_name=repo,
        snapshot_id=snapshot, revision_id="", branch_name="", gha_license_id=gha, content=content,
        length_bytes=len(raw),
    )


def run(records, engine, **config):
    """The stage in memory: ``({path: Assigned}, counter)``."""
    engine = lic.Engine(dataclasses.replace(engine.config, **config), engine.spdx, engine.scanner)
    count = DictCounter()
    out = {a.record.path: a for a in lic.license_records(records, engine, count)}
    return out, dict(count)


def kept_paths(out):
    return sorted(path for path, a in out.items() if not isinstance(a.outcome, Drop))


# --------------------------------------------------------------------------- the judged scenarios


def vendored_repo(snapshot="snap-1"):
    return [
        rec("LICENSE", MIT, snapshot),
        rec("README.md", "# app\n\nA small app.\n", snapshot),
        rec("src/app.py", "import os\n\nprint(os.getcwd())\n", snapshot),
        rec("src/util/strings.py", "def up(s):\n    return s.upper()\n", snapshot),
        rec("vendor/libfoo/COPYING", GPL3, snapshot),
        rec("vendor/libfoo/foo.c", "int foo(void) { return 1; }\n", snapshot),
        rec("vendor/libfoo/sub/bar.c", "int bar(void) { return 2; }\n", snapshot),
    ]


def test_mit_root_with_vendored_gpl3_subfolder(engine):
    out, count = run(vendored_repo(), engine)
    for path in ("vendor/libfoo/COPYING", "vendor/libfoo/foo.c", "vendor/libfoo/sub/bar.c"):
        assert out[path].record.license_type == "non_permissive"
        assert out[path].record.detected_licenses == ["GPL-3.0-only"]
        assert out[path].decision.evidence[0].path == "vendor/libfoo/COPYING"
    for path in ("LICENSE", "README.md", "src/app.py", "src/util/strings.py"):
        assert out[path].record.license_type == "permissive"
        assert out[path].record.detected_licenses == ["MIT"]
    assert kept_paths(out) == ["LICENSE", "README.md", "src/app.py", "src/util/strings.py"]
    assert count == {
        "scans:license_file": 2, "evidence:license_file": 2,
        "license_type:permissive": 4, "license_type:non_permissive": 3, "assigned_by:folder": 7,
        "kept": 4, "dropped:non_permissive": 3,
    }


def test_lgpl_mpl_and_all_rights_reserved_headers_are_non_permissive_in_an_mit_repo(engine):
    records = [
        rec("LICENSE", MIT),
        rec("lib/lgpl.c", LGPL_HEADER),
        rec("lib/mpl.js", MPL_HEADER),
        rec("lib/reserved.c", RESERVED_HEADER),
        rec("lib/go.go", "// Copyright 2009 The Go Authors. All rights reserved.\n// Use of this source code is "
            "governed by a BSD-style\n// license that can be found in the LICENSE file.\npackage x\n"),
        rec("lib/pointer.py", "# Copyright 2020 X. All rights reserved. See LICENSE for details.\nx = 1\n"),
        rec("lib/plain.py", "x = 2\n"),
    ]
    out, count = run(records, engine)
    assert out["lib/lgpl.c"].record.detected_licenses == ["LGPL-2.1-or-later"]
    assert out["lib/mpl.js"].record.detected_licenses == ["MPL-2.0"]
    assert out["lib/reserved.c"].record.detected_licenses == [lic.ALL_RIGHTS_RESERVED]
    for path in ("lib/lgpl.c", "lib/mpl.js", "lib/reserved.c"):
        assert out[path].record.license_type == "non_permissive", path
        assert out[path].decision.by == "header"
    # "All rights reserved" next to a license, or pointing at the license file, is boilerplate
    assert out["lib/go.go"].record.detected_licenses == ["BSD-3-Clause"]
    assert out["lib/pointer.py"].decision.by == "folder"
    assert out["lib/pointer.py"].record.detected_licenses == ["MIT"]
    assert kept_paths(out) == ["LICENSE", "lib/go.go", "lib/plain.py", "lib/pointer.py"]
    assert count["dropped:non_permissive"] == 3
    assert count["evidence:header_notice"] == 4
    assert count["scans:header"] == 5


def test_text_that_mentions_spdx_identifiers_declares_nothing(engine):
    doc = '"""Reads ``SPDX-License-Identifier:`` lines of headers."""\nimport re\n'
    assert lic.header_evidence(rec("spdx.py", doc), engine, DictCounter()) is None


def test_dual_mit_or_gpl2_is_permissive(engine):
    out, _ = run([rec("dual.py", "# SPDX-License-Identifier: MIT OR GPL-2.0\nx = 1\n")], engine)
    assert out["dual.py"].decision.expression == "MIT OR GPL-2.0-only"
    assert out["dual.py"].record.detected_licenses == ["GPL-2.0-only", "MIT"]
    assert out["dual.py"].record.license_type == "permissive"
    out, _ = run([rec("both.py", "# SPDX-License-Identifier: MIT AND GPL-2.0\nx = 1\n")], engine)
    assert out["both.py"].record.license_type == "non_permissive"


def test_spdx_header_in_a_repo_without_license(engine):
    records = [rec("src/lib.rs", "// SPDX-License-Identifier: Apache-2.0\npub fn f() {}\n"), rec("src/other.rs", "fn g() {}\n")]
    out, count = run(records, engine)
    assert out["src/lib.rs"].record.license_type == "permissive"
    assert out["src/lib.rs"].record.detected_licenses == ["Apache-2.0"]
    assert out["src/other.rs"].record.license_type == "no_license"
    assert kept_paths(out) == ["src/lib.rs"]
    assert count == {
        "evidence:header_spdx": 1, "license_type:permissive": 1, "license_type:no_license": 1,
        "assigned_by:header": 1, "assigned_by:none": 1, "kept": 1, "dropped:no_license": 1,
    }
    out, count = run(records, engine, include_no_license=True)
    assert kept_paths(out) == ["src/lib.rs", "src/other.rs"]
    assert count["kept"] == 2


CANONICAL = [
    ("mit", "MIT", "permissive"),
    ("bsd-simplified", "BSD-2-Clause", "permissive"),
    ("bsd-new", "BSD-3-Clause", "permissive"),
    ("apache-2.0", "Apache-2.0", "permissive"),
    ("isc", "ISC", "permissive"),
    ("zlib", "Zlib", "permissive"),
    ("unlicense", "Unlicense", "permissive"),
    ("gpl-2.0", "GPL-2.0-only", "non_permissive"),
    ("gpl-3.0", "GPL-3.0-only", "non_permissive"),
    ("lgpl-2.1", "LGPL-2.1-only", "non_permissive"),
    ("lgpl-3.0", "LGPL-3.0-only", "non_permissive"),
    ("agpl-3.0", "AGPL-3.0-only", "non_permissive"),
    ("mpl-1.1", "MPL-1.1", "non_permissive"),
    ("mpl-2.0", "MPL-2.0", "non_permissive"),
]


@pytest.mark.parametrize("key, spdx_id, license_type", CANONICAL, ids=[c[0] for c in CANONICAL])
def test_canonical_license_texts(engine, key, spdx_id, license_type):
    decision = lic.detect_text("LICENSE", canonical(key), engine)
    assert decision.expression == spdx_id
    assert decision.license_type == license_type


def test_malformed_manifest_50mb_license_and_binary_copying_are_counted_not_fatal(engine):
    big = (MIT + "\n") * (50_000_000 // len(MIT) + 1)
    assert len(big) > 50_000_000
    junk = bytes(range(256)).decode("latin-1") * 64  # a binary COPYING that reached the stage as text
    records = [
        rec("package.json", '{"name": "x", "license": '),
        rec("LICENSE", big),
        rec("sub/COPYING", junk),
        rec("sub/a.py", "x = 1\n"),
    ]
    out, count = run(records, engine)
    assert count["manifest:malformed"] == 1
    assert count["scan:truncated"] == 1
    assert out["LICENSE"].record.detected_licenses == ["MIT"]
    # COPYING exists to state a license; unreadable, it is a license nobody can name
    assert out["sub/a.py"].decision.expression == lic.UNKNOWN
    assert out["sub/a.py"].record.license_type == "non_permissive"
    assert count["evidence:unidentified"] == 1
    assert sorted(out) == ["LICENSE", "package.json", "sub/COPYING", "sub/a.py"]


# --------------------------------------------------------------------------- scope


def test_nested_overrides_header_overrides_and_snapshots_stay_apart(engine):
    records = vendored_repo("snap-1") + [
        rec("vendor/libfoo/mit_file.c", "// SPDX-License-Identifier: MIT\nint m;\n", "snap-1"),
        rec("vendor/libfoo/sub/LICENSE", canonical("bsd-new"), "snap-1"),
        # same paths, another repository snapshot: no license at all
        rec("src/app.py", "print(1)\n", "snap-2"),
        rec("vendor/libfoo/foo.c", "int foo;\n", "snap-2"),
    ]
    out = {}
    engine_ = lic.Engine(engine.config, engine.spdx, engine.scanner)
    for a in lic.license_records(records, engine_, DictCounter()):
        out[(a.record.snapshot_id, a.record.path)] = a.record
    assert out[("snap-1", "vendor/libfoo/mit_file.c")].license_type == "permissive"
    assert out[("snap-1", "vendor/libfoo/sub/bar.c")].detected_licenses == ["BSD-3-Clause"]
    assert out[("snap-1", "vendor/libfoo/foo.c")].detected_licenses == ["GPL-3.0-only"]
    assert out[("snap-2", "src/app.py")].license_type == "no_license"
    assert out[("snap-2", "vendor/libfoo/foo.c")].license_type == "no_license"


def test_gha_license_id_is_the_last_resort(engine):
    records = [rec("a.py", "x = 1\n", gha="mit"), rec("b.py", "x = 2\n", snapshot="s2", gha="other"),
               rec("LICENSE", canonical("gpl-2.0"), snapshot="s3", gha="mit"), rec("c.py", "x\n", snapshot="s3", gha="mit")]
    out, count = run(records, engine)
    assert (out["a.py"].decision.by, out["a.py"].record.license_type) == ("gha", "permissive")
    assert out["b.py"].record.license_type == "no_license"
    assert out["c.py"].record.detected_licenses == ["GPL-2.0-only"]  # the scanned license beats GitHub's id
    assert count["assigned_by:gha"] == 1


def test_folder_evidence_is_anded_and_unidentified_files_lose_to_identified_ones(engine):
    records = [
        rec("LICENSE", MIT),
        rec("package.json", '{"license": "Apache-2.0"}'),
        rec("x.js", "1;\n"),
        rec("lib/LICENSE", "This is my own license: use it only on Tuesdays.\n"),
        rec("lib/package.json", '{"license": "ISC"}'),
        rec("lib/y.js", "2;\n"),
    ]
    out, _ = run(records, engine)
    assert out["x.js"].decision.expression == "Apache-2.0 AND MIT"
    assert out["x.js"].record.license_type == "permissive"
    assert out["lib/y.js"].decision.expression == "ISC"
    assert [e.kind for e in out["lib/y.js"].decision.evidence] == ["license_file", "manifest"]


def test_a_manifest_says_how_the_license_files_of_its_folder_combine(engine):
    dual = [rec("LICENSE-MIT", MIT), rec("LICENSE-GPL", GPL3), rec("src/lib.rs", "fn f() {}\n")]
    manifest = rec("Cargo.toml", '[package]\nname = "x"\nlicense = "MIT OR GPL-3.0-or-later"\n')
    out, _ = run(dual + [manifest], engine)
    assert out["src/lib.rs"].decision.expression == "MIT OR GPL-3.0-or-later"
    assert out["src/lib.rs"].record.license_type == "permissive"
    out, _ = run(dual, engine)  # without it, both licenses apply
    assert out["src/lib.rs"].decision.expression == "GPL-3.0-only AND MIT"
    assert out["src/lib.rs"].record.license_type == "non_permissive"
    # a manifest that leaves out a license the files hold does not explain them
    out, _ = run(dual + [rec("package.json", '{"license": "MIT"}')], engine)
    assert out["src/lib.rs"].decision.expression == "GPL-3.0-only AND MIT"


def test_a_notice_or_readme_speaks_only_where_no_license_file_does(engine):
    notice = "This product bundles certifi's cacert.pem, licensed under the Mozilla Public License 2.0.\n"
    records = [
        rec("LICENSE", canonical("apache-2.0")), rec("NOTICE", notice), rec("README.md", "## License\n\nGPL-3.0\n"),
        rec("a.py", "x\n"),
        rec("docs/NOTICE", notice), rec("docs/b.py", "y\n"),
        rec("tools/README.rst", "License\n-------\n\nReleased under the MIT License.\n"), rec("tools/c.py", "z\n"),
    ]
    out, count = run(records, engine)
    assert out["a.py"].decision.expression == "Apache-2.0"
    assert [e.kind for e in out["a.py"].decision.evidence] == ["license_file", "notice_file", "readme"]
    assert out["docs/b.py"].decision.expression == "MPL-2.0"
    assert out["tools/c.py"].decision.expression == "MIT"
    assert count["evidence:notice_file"] == 2 and count["evidence:readme"] == 2


def test_expressions_are_flattened_and_deduplicated(engine):
    spdx = engine.spdx
    assert spdx.normalize("BSD-3-Clause AND (BSD-3-Clause AND (BSD-3-Clause AND BSD-2-Clause))") == (
        "BSD-3-Clause AND BSD-2-Clause", ())
    assert spdx.normalize("MIT OR (Apache-2.0 AND (MIT OR ISC))") == ("MIT OR (Apache-2.0 AND (MIT OR ISC))", ())
    assert spdx.combine(["MIT", "ISC OR MIT", "MIT"]) == "(ISC OR MIT) AND MIT"


def test_readme_license_section(engine):
    readme = "# tool\n\nDoes things.\n\n## License\n\nReleased under the Apache License 2.0.\n\n## Thanks\n\nGPL folks.\n"
    assert lic.readme_license_section(readme) == "Released under the Apache License 2.0."
    assert lic.readme_license_section("Title\n=====\n\nLicense: MIT\n") == "License: MIT"
    assert lic.readme_license_section("# tool\n\nNo section here.\n") == ""
    out, _ = run([rec("README.md", readme), rec("main.py", "x\n")], engine)
    assert out["main.py"].decision.evidence[0].kind == "readme"
    assert out["main.py"].record.detected_licenses == ["Apache-2.0"]


# --------------------------------------------------------------------------- pieces


@pytest.mark.parametrize("path, expected", [
    ("LICENSE", True), ("LICENSE.md", True), ("licence.txt", True), ("COPYING", True), ("COPYING.LESSER", True),
    ("a/b/LICENSE-MIT", True), ("LICENSE.APACHE2", True), ("MIT-LICENSE", True), ("NOTICE", True),
    ("COPYRIGHT.txt", True), ("UNLICENSE", True), ("Licenses.rst", True),
    ("license.py", False), ("src/License.java", False), ("licensing.md", False), ("README.md", False),
    ("copyright_test.go", False), ("notice.json", False), ("LICENSES_bundled.txt", False),
    ("THIRD-PARTY-NOTICES", False), ("NOTICE-3rd-party.txt", False),
])
def test_license_file_names(path, expected):
    assert lic.is_license_file(path) is expected


def test_manifest_kinds():
    assert lic.manifest_kind("a/package.json") == "package.json"
    assert lic.manifest_kind("Cargo.toml") == "Cargo.toml"
    assert lic.manifest_kind("x/foo.gemspec") == "*.gemspec"
    assert lic.manifest_kind("pkg.cabal") == "*.cabal"
    assert lic.manifest_kind("foo-1.0.dist-info/METADATA") == "PKG-INFO"
    assert lic.manifest_kind("docs/METADATA") is None
    assert lic.manifest_kind("src/main.py") is None


MANIFESTS = [
    ("package.json", '{"license": "(MIT OR Apache-2.0)"}', "MIT OR Apache-2.0"),
    ("package.json", '{"licenses": [{"type": "MIT"}, {"type": "BSD-3-Clause"}]}', "BSD-3-Clause AND MIT"),
    ("package.json", '{"license": "UNLICENSED"}', lic.PROPRIETARY),
    ("Cargo.toml", '[package]\nname = "x"\nlicense = "MIT/Apache-2.0"\n', "MIT OR Apache-2.0"),
    ("pyproject.toml", '[project]\nname = "x"\nlicense = "BSD-2-Clause"\n', "BSD-2-Clause"),
    ("pyproject.toml", '[tool.poetry]\nname = "x"\nlicense = "GPL-3.0-or-later"\n', "GPL-3.0-or-later"),
    ("setup.cfg", "[metadata]\nname = x\nlicense = Apache License, Version 2.0\n", "Apache-2.0"),
    ("PKG-INFO", "Metadata-Version: 2.1\nName: x\nLicense: BSD\nClassifier: License :: OSI Approved :: BSD License\n",
     "BSD-3-Clause"),
    ("PKG-INFO", "Metadata-Version: 2.4\nName: x\nLicense-Expression: MIT\n", "MIT"),
    ("x.gemspec", "Gem::Specification.new do |s|\n  s.license = 'MIT'\nend\n", "MIT"),
    ("composer.json", '{"license": ["LGPL-2.1-only", "GPL-3.0-or-later"]}', "GPL-3.0-or-later OR LGPL-2.1-only"),
    ("pom.xml", '<project xmlns="http://maven.apache.org/POM/4.0.0"><licenses><license><name>Apache License, '
                'Version 2.0</name></license></licenses></project>', "Apache-2.0"),
    ("x.cabal", "name: x\nversion: 1\nlicense: BSD3\n", "BSD-3-Clause"),
    ("DESCRIPTION", "Package: x\nLicense: GPL-2 | MIT + file LICENSE\n", "GPL-2.0-only OR MIT"),
]


@pytest.mark.parametrize("path, text, expression", MANIFESTS, ids=[f"{m[0]}-{i}" for i, m in enumerate(MANIFESTS)])
def test_manifest_declared_licenses(engine, path, text, expression):
    count = DictCounter()
    item = lic.manifest_evidence(rec(path, text), lic.manifest_kind(path), engine, count)
    assert item.expression == expression
    assert "manifest:malformed" not in count


@pytest.mark.parametrize("path, text", [
    ("package.json", "{not json"), ("package.json", "[1, 2]"), ("Cargo.toml", "[package\nlicense = 1"),
    ("pom.xml", "<project><licenses>"), ("PKG-INFO", "just some words\n"), ("DESCRIPTION", "Title: no package\n"),
    ("setup.cfg", "license = MIT\n[metadata\n"),
])
def test_malformed_manifests(engine, path, text):
    count = DictCounter()
    assert lic.manifest_evidence(rec(path, text), lic.manifest_kind(path), engine, count) is None
    assert dict(count) == {"manifest:malformed": 1}


def test_header_block_syntaxes():
    assert lic.header_block("#!/bin/sh\n# SPDX-License-Identifier: MIT\n\necho hi\n") == "# SPDX-License-Identifier: MIT"
    assert lic.header_block("<?php\n/**\n * Licensed MIT\n */\nfunction f() {}\n") == "/**\n * Licensed MIT\n */"
    assert lic.header_block('"""Module.\n\nMIT licensed.\n"""\nimport os\n') == '"""Module.\n\nMIT licensed.\n"""'
    assert lic.header_block("<!-- SPDX-License-Identifier: CC0-1.0 -->\n<p>x</p>\n") == "<!-- SPDX-License-Identifier: CC0-1.0 -->"
    assert lic.header_block("-- Lua\n-- MIT\nlocal x = 1\n") == "-- Lua\n-- MIT"
    assert lic.header_block("import os\n# MIT\n") == ""


def test_spdx_normalization_and_classification(engine):
    spdx = engine.spdx
    assert spdx.normalize("GPL-2.0+") == ("GPL-2.0-or-later", ())
    assert spdx.normalize("mit") == ("MIT", ())
    assert spdx.normalize("LicenseRef-scancode-public-domain") == ("LicenseRef-scancode-public-domain", ())
    assert spdx.normalize("Foo-1.0 OR MIT") == (f"{lic.UNKNOWN_SPDX} OR MIT", ("Foo-1.0",))
    assert spdx.normalize("MIT AND LicenseRef-scancode-warranty-disclaimer") == ("MIT", ())
    assert spdx.normalize("(MIT")[0] == lic.UNKNOWN_SPDX
    table = {
        "MIT": "permissive", "GPL-2.0-only": "non_permissive", "MIT OR GPL-2.0-only": "permissive",
        "MIT AND GPL-2.0-only": "non_permissive", "Apache-2.0 WITH LLVM-exception": "permissive",
        "GPL-2.0-only WITH Classpath-exception-2.0": "non_permissive", "EPL-2.0": "non_permissive",
        "CDDL-1.0": "non_permissive", "LGPL-3.0-only OR Apache-2.0": "permissive",
        "LicenseRef-scancode-public-domain": "permissive", "CC0-1.0": "permissive",
        lic.ALL_RIGHTS_RESERVED: "non_permissive", lic.PROPRIETARY: "non_permissive",
        "LicenseRef-somebody-custom": "non_permissive", "": "no_license",
    }
    assert {e: spdx.classify(e) for e in table} == table


def test_policy_file_is_consistent(engine):
    with open(lic.POLICY_PATH, encoding="utf-8") as handle:
        policy = yaml.safe_load(handle)
    blue_oak = policy["permissive"]["blue_oak"]
    assert len(blue_oak) == len(set(blue_oak)) == 224
    assert all(engine.spdx.classify_id(i) == "permissive" for i in blue_oak)
    prefixes = tuple(p.lower() for p in policy["non_permissive"]["prefixes"])
    assert not [i for i in blue_oak if i.lower().startswith(prefixes) or i in policy["non_permissive"]["ids"]]
    for family in ("LGPL-2.1-only", "MPL-2.0", "EPL-1.0", "CDDL-1.1", "AGPL-3.0-or-later", "EUPL-1.2"):
        assert engine.spdx.classify_id(family) == "non_permissive"


def test_scan_cache_by_blob_id_and_lru(engine):
    fresh = lic.Engine(engine.config, engine.spdx, lic.Scanner(engine.scanner._index, cache_entries=1))
    records = [rec("LICENSE", MIT, snapshot=f"s{i}", blob_id="b" * 40) for i in range(3)]
    _, count = run(records, fresh)
    assert (fresh.scanner.hits, fresh.scanner.misses) == (2, 1)
    assert count["scans:license_file"] == 3  # deterministic counters count requests, not cache state
    runtime = DictCounter()
    lic.license_file_evidence(rec("COPYING", GPL3), fresh, DictCounter(), runtime)  # evicts MIT
    lic.license_file_evidence(records[0], fresh, DictCounter(), runtime)
    assert dict(runtime) == {"scan:cache_miss": 2, "scan:exact_only": 2}  # both are whole license texts


def test_exact_coverage_skips_approximate_only_for_covered_texts(engine):
    index = engine.scanner._index
    exact_first = lic.Scanner(index, cache_entries=0)
    always = lic.Scanner(index, cache_entries=0, exact_coverage=2.0)  # > 1: approximate every time
    mit = "Copyright (c) 2024 Jane Doe\n\n" + MIT
    covered = exact_first.detect(mit, approximate=True)
    assert covered.exact_only and covered.expressions == always.detect(mit, approximate=True).expressions
    # a BSD-3-Clause text reworded so that ScanCode's exact rules cover little of it: the
    # approximate pass still runs and finds the license
    reworded = (
        "Copyright (c) 2019, Someone\nAll rights reserved.\n\n"
        "Redistribution and use in source and binary forms, with or without modification, are permitted "
        "provided that the following conditions are satisfied:\n"
        "* Redistributions of source code must keep the above copyright notice, this list of conditions "
        "and the following disclaimer.\n"
        "* Redistributions in binary form must reproduce the above copyright notice, this list of conditions "
        "and the following disclaimer in the documentation and/or other materials provided with the "
        "distribution.\n"
        "* Neither the name of the author nor the names of its contributors may be used to endorse or promote "
        "products derived from this software without specific prior written permission.\n\n"
        "THIS SOFTWARE IS PROVIDED BY THE COPYRIGHT HOLDERS AND CONTRIBUTORS \"AS IS\" AND ANY EXPRESS OR "
        "IMPLIED WARRANTIES ARE DISCLAIMED. IN NO EVENT SHALL THE COPYRIGHT HOLDER BE LIABLE FOR ANY DAMAGES.\n"
    )
    partial = exact_first.detect(reworded, approximate=True)
    assert not partial.exact_only
    assert partial.expressions == always.detect(reworded, approximate=True).expressions
    assert "BSD-3-Clause" in " ".join(partial.expressions)


# --------------------------------------------------------------------------- Beam


def _beam_records():
    records = vendored_repo("snap-1") + vendored_repo("snap-2")[:3] + [
        rec("lib/lgpl.c", LGPL_HEADER, "snap-2"),
        rec("deep/a/b/c/d/e.py", "# SPDX-License-Identifier: Apache-2.0\n", "snap-3"),
        rec("deep/a/b/other.py", "x\n", "snap-3"),
    ]
    return records


@pytest.mark.slow
def test_beam_stage_matches_the_in_memory_stage(engine):
    records = _beam_records()
    config = lic.LicenseConfig()
    expected = [a.outcome for a in lic.license_records(records, engine, DictCounter())]
    expected_kept = sorted((r.snapshot_id, r.path, tuple(r.detected_licenses), r.license_type)
                           for r in expected if not isinstance(r, Drop))
    memory_count = DictCounter()
    list(lic.license_records(records, lic.Engine(config, engine.spdx, lic.Scanner(engine.scanner._index, 10)), memory_count))

    pipeline = beam.Pipeline(runner=FnApiRunner())
    kept, rejects = pipeline | beam.Create(records) | lic.License(config)
    assert_that(kept | beam.Map(lambda r: (r.snapshot_id, r.path, tuple(r.detected_licenses), r.license_type)),
                equal_to(expected_kept))
    assert_that(rejects, equal_to([]), label="NoRejects")
    result = pipeline.run()
    result.wait_until_finish()
    counters = {}
    runtime = {}
    for item in result.metrics().query(MetricsFilter())["counters"]:
        if item.key.metric.namespace == "codestack.license":
            counters[item.key.metric.name] = counters.get(item.key.metric.name, 0) + item.committed
        elif item.key.metric.namespace == lic.RUNTIME_NAMESPACE:
            runtime[item.key.metric.name] = runtime.get(item.key.metric.name, 0) + item.committed
    assert counters == dict(memory_count)
    assert counters["kept"] == len(expected_kept) == 8
    assert runtime["scan:cache_hit"] + runtime["scan:cache_miss"] == (
        counters["scans:license_file"] + counters["scans:header_block"])
    assert runtime.get("scan:exact_only", 0) <= runtime["scan:cache_miss"]


# --------------------------------------------------------------------------- CLI


def _cli(capsys, *argv):
    from pipeline.cli import main

    code = main(list(argv))
    captured = capsys.readouterr()
    return code, [json.loads(line) for line in captured.out.splitlines()], captured.err


def test_cli_detect_license_paths(tmp_path, capsys):
    (tmp_path / "LICENSE").write_text(canonical("apache-2.0"))
    (tmp_path / "a.c").write_text(LGPL_HEADER)
    (tmp_path / "bin.dat").write_bytes(b"\x00\x01COPYING\x00")
    code, rows, _ = _cli(capsys, "detect-license", str(tmp_path / "LICENSE"), str(tmp_path / "a.c"), str(tmp_path / "bin.dat"))
    assert code == 0
    assert [(r["detected_licenses"], r["license_type"]) for r in rows] == [
        (["Apache-2.0"], "permissive"), (["LGPL-2.1-or-later"], "non_permissive"), ([], None)]
    assert rows[0]["evidence"] == [{"kind": "license_file", "path": str(tmp_path / "LICENSE").replace(os.sep, "/"),
                                    "expression": "Apache-2.0"}]
    assert rows[2]["skipped"] == "binary"


def test_cli_50mb_license_is_read_by_its_head_and_skipped_in_a_repo(tmp_path, capsys):
    big = tmp_path / "big" / "LICENSE"
    big.parent.mkdir()
    with open(big, "w") as handle:
        for _ in range(50_000_000 // len(MIT) + 1):
            handle.write(MIT + "\n")
    code, rows, err = _cli(capsys, "detect-license", str(big))
    assert code == 0
    assert rows[0]["detected_licenses"] == ["MIT"] and rows[0]["truncated_from_bytes"] > 50_000_000
    (tmp_path / "big" / "a.py").write_text("x = 1\n")
    code, rows, err = _cli(capsys, "detect-license", "--repo", str(tmp_path / "big"))
    assert code == 0
    assert {r["path"]: r.get("skipped") for r in rows} == {"LICENSE": "too_large", "a.py": None}
    assert "skipped:too_large 1" in err


def test_cli_detect_license_repo(tmp_path, capsys):
    from gitrepos import make_repo

    repo = make_repo(tmp_path, "vendored", {
        "LICENSE": MIT,
        "src/app.py": "print(1)\n",
        "vendor/lib/COPYING": GPL3,
        "vendor/lib/lib.c": "int x;\n",
        "vendor/lib/blob.bin": b"\x00\x01\x02",
        "package.json": '{"license": ',
    })
    code, rows, err = _cli(capsys, "detect-license", "--repo", repo)
    assert code == 0
    by_path = {r["path"]: r for r in rows}
    assert sorted(by_path) == ["LICENSE", "package.json", "src/app.py", "vendor/lib/COPYING", "vendor/lib/blob.bin",
                               "vendor/lib/lib.c"]
    assert by_path["src/app.py"]["released"] is True and by_path["src/app.py"]["detected_licenses"] == ["MIT"]
    assert by_path["vendor/lib/lib.c"]["released"] is False
    assert by_path["vendor/lib/lib.c"]["license_type"] == "non_permissive"
    assert by_path["vendor/lib/blob.bin"]["skipped"] == "binary"
    assert "skipped:binary 1" in err


def test_cli_detect_license_usage_errors(tmp_path, capsys):
    from pipeline.cli import main

    assert main(["detect-license"]) == 2
    assert main(["detect-license", str(tmp_path)]) == 2
    assert main(["detect-license", str(tmp_path / "missing")]) == 2
    assert "no such file" in capsys.readouterr().err


def test_build_flag_include_no_license_reaches_the_config(tmp_path, monkeypatch):
    import pipeline.build
    from pipeline.cli import main

    seen = {}

    def fake_run_build(*args, **kwargs):
        seen["config"] = kwargs.get("config")
        raise SystemExit(0)

    monkeypatch.setattr(pipeline.build, "run_build", fake_run_build)
    with pytest.raises(SystemExit):
        main(["build", "--source", f"git:{tmp_path}", "--output", str(tmp_path / "out"), "--release-version", "0.1.0",
              "--include-no-license"])
    assert seen["config"].license.include_no_license is True
    with pytest.raises(SystemExit):
        main(["build", "--source", f"git:{tmp_path}", "--output", str(tmp_path / "out"), "--release-version", "0.1.0"])
    assert seen["config"] is None  # run_build loads the defaults: include_no_license false


def test_header_blocks_are_scanned_and_cached_one_by_one(engine):
    notice = "# Licensed under the MIT License.\n# See the LICENSE file for details.\n"
    first = notice + '\n"""Parse the input.\n\nThe licensing of inputs is not checked here.\n"""\nimport os\n'
    second = notice + '"""Write the output."""\nimport sys\n'
    assert lic.header_blocks(first) == ["# Licensed under the MIT License.\n# See the LICENSE file for details.",
                                        '"""Parse the input.\n\nThe licensing of inputs is not checked here.\n"""']
    assert lic.header_block(first) == "\n".join(lic.header_blocks(first)[:1]) + '\n\n' + lic.header_blocks(first)[1]
    assert lic.header_blocks("/* a */\n/* b */\n// c\n// d\n\n// e\nint x;\n") == ["/* a */", "/* b */",
                                                                                   "// c\n// d\n// e"]
    fresh = lic.Engine(engine.config, engine.spdx, lic.Scanner(engine.scanner._index, cache_entries=16))
    count = DictCounter()
    found = [lic.header_evidence(rec(name, text), fresh, count) for name, text in (("a.py", first), ("b.py", second))]
    assert [e.expression for e in found] == ["MIT", "MIT"]
    # the notice block is scanned once, the docstring that mentions licensing once; the second docstring never
    assert count["scans:header"] == 2 and count["scans:header_block"] == 3
    assert (fresh.scanner.misses, fresh.scanner.hits) == (2, 1)


def test_candidate_filter_gives_scancode_s_own_candidates(engine):
    from licensedcode import match_set
    from licensedcode.query import build_query

    index = engine.scanner._index
    original = match_set.compute_candidates.scancode_original
    assert match_set.compute_candidates is not original  # installed by make_engine
    texts = [MIT.replace("Permission is hereby granted", "Permission is granted"), GPL3[:6000],
             canonical("bsd-new").replace("Redistributions", "Copies"), canonical("apache-2.0")[:5000],
             "This program is free software; you may use it under the terms of the licence below.\n" + MIT[200:]]
    compared = 0
    for text in texts:
        query = build_query(query_string=text, idx=index)
        for run in [query.whole_query_run()] + list(query.query_runs):
            for top, high in ((70, False), (10, True)):
                expected = original(run, index, index.approx_matchable_rids, top=top, high_resemblance=high)
                assert match_set.compute_candidates(run, index, index.approx_matchable_rids, top=top,
                                                    high_resemblance=high) == expected
                compared += bool(expected)
    assert compared >= 5
    high = match_set.high_tids_set_subset
    assert high is not high.scancode_original
    from intbitset import intbitset

    for tids in (intbitset(), intbitset([0, 5, index.len_legalese - 1, index.len_legalese, 20000]),
                 intbitset(range(0, 30000, 7))):
        assert high(tids, index.len_legalese) == high.scancode_original(tids, index.len_legalese)
    from collections import defaultdict

    multi = match_set.multisets_intersector
    assert multi is not multi.scancode_original
    rule_msets = [m for m in index.msets_by_rid[:3000:7] if m is not None]
    for query in ({}, {1: 2, 5: 1}, dict(list(rule_msets[3].items())[:40]), {k: 3 for k in range(0, 5000, 3)},
                  {**{k: 1 for k in range(200)}, 7: 0}):
        for mset in rule_msets + [{}, {7: 0, 9: 2}]:
            expected = multi.scancode_original(defaultdict(int, query), defaultdict(int, mset))
            assert multi(defaultdict(int, query), defaultdict(int, mset)) == expected


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.integers(1, 60) | st.integers(1, 3000), st.integers(1, 60) | st.integers(1, 3000)),
                min_size=2, max_size=80),
       st.integers(1, 120) | st.integers(1, 5000), st.sampled_from([0.8, 0.85, 0.5]), st.integers(1, 40))
def test_best_ranked_holds_scancode_s_best(rules, distinct, resemblant, keep):
    """_best_ranked keeps every rule ScanCode's first step ranks among its best ``keep``
    (small lengths: many exact and rounded ties, and half tenths)."""
    import numpy as np

    lengths = np.array([length for length, _ in rules], dtype=np.int64)
    matched = np.array([min(m, length, distinct) for length, m in rules], dtype=np.int64)
    rids = np.arange(len(rules), dtype=np.int64) * 3
    resemblance = matched / (distinct + lengths - matched)
    containment = matched / lengths
    keep = min(keep, len(rules))
    kept = set(rids[lic._best_ranked(rids, resemblance, containment, matched, keep, resemblant)].tolist())

    def scancode_rank(i):  # match_set.compare_token_sets's ScoresVectors, then the rid
        m, length = int(matched[i]), int(lengths[i])
        res = m / (distinct + length - m)
        cont = m / length
        return ((round(res, 1) >= resemblant, round(cont, 1), round(res ** 2, 1), round(m / 20, 1)),
                (res >= resemblant, cont, res ** 2, m)), int(rids[i])

    best = sorted(range(len(rules)), key=scancode_rank, reverse=True)[:keep]
    assert {int(rids[i]) for i in best} <= kept


def test_lazy_false_positive_check_agrees_with_scancode(engine):
    """is_false_positive renders matched texts only when its rule checks would say True:
    same answers as ScanCode's own on matches that are and are not false positives."""
    from licensedcode import detection

    index = engine.scanner._index
    lazy = detection.is_false_positive
    original = lazy.scancode_original
    assert lazy is not original  # installed by make_engine
    filler = "x = 1\n" * 1001
    texts = [MIT, "# SPDX-License-Identifier: MIT\n", "Licensed under the GPL.\n", filler + "gpl\n",
             filler + "license: gpl\n", filler + "GPL GPL\n", "Copyright (c) 2020 A. Person\nlicense: gpl\n",
             filler + "This is freeware.\n", filler + "public domain\n", "licence: BSD\n" + filler + "GPL\n"]
    answers = []
    for text in texts:
        matches = index.match(query_string=text)
        for group in [matches] + [[m] for m in matches]:
            for package in (False, True):
                expected = original(group, package)
                assert lazy(group, package) == expected
                answers.append(expected)
    assert lazy([], False) == original([], False)
    assert True in answers and False in answers
