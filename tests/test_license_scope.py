"""Stage ``license``: a repository's evidence combined per folder and assigned to its files
(transforms/license/scope.py)."""

import pytest

from transforms import license as lic
from transforms.base import DictCounter
from license_cases import vendored_repo, canonical, MIT, GPL3, LGPL_HEADER, MPL_HEADER, RESERVED_HEADER, rec, run, kept_paths


@pytest.fixture
def engine(license_engine):
    """ScanCode's index, loaded once per test session (tests/conftest.py)."""
    return license_engine


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
