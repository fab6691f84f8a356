"""Stage ``license``: evidence from one file (license files, README sections, manifests, headers) and
the scanner behind it (transforms/license/evidence.py, engine.py)."""

import pytest

from transforms import license as lic
from transforms.base import DictCounter
from license_cases import canonical, MIT, GPL3, rec, run


@pytest.fixture
def engine(license_engine):
    """ScanCode's index, loaded once per test session (tests/conftest.py)."""
    return license_engine


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


def test_readme_license_section(engine):
    readme = "# tool\n\nDoes things.\n\n## License\n\nReleased under the Apache License 2.0.\n\n## Thanks\n\nGPL folks.\n"
    assert lic.readme_license_section(readme) == "Released under the Apache License 2.0."
    assert lic.readme_license_section("Title\n=====\n\nLicense: MIT\n") == "License: MIT"
    assert lic.readme_license_section("# tool\n\nNo section here.\n") == ""
    out, _ = run([rec("README.md", readme), rec("main.py", "x\n")], engine)
    assert out["main.py"].decision.evidence[0].kind == "readme"
    assert out["main.py"].record.detected_licenses == ["Apache-2.0"]


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


def test_text_that_mentions_spdx_identifiers_declares_nothing(engine):
    doc = '"""Reads ``SPDX-License-Identifier:`` lines of headers."""\nimport re\n'
    assert lic.header_evidence(rec("spdx.py", doc), engine, DictCounter()) is None


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


def test_permission_notices_that_never_say_license_reach_scancode(engine):
    """A grant in other words ("may be used by anyone", "Its use is unrestricted", "Permission to
    use, copy ..."), split over comment lines, is scanned; a bare copyright line or a docstring is not."""
    from transforms.license.evidence import _mentions_a_license

    assert _mentions_a_license("/*\n * This software may be used by anyone for any reason so long as\n * the notice stays.\n */")
    assert _mentions_a_license("# Its use is\n# unrestricted.")
    assert _mentions_a_license("// You can use this code\n// in any manner.")
    assert _mentions_a_license("-- Permission to use, copy, modify and distribute this software")
    assert not _mentions_a_license("/* Copyright (c) 2020 Foo Inc. */")
    assert not _mentions_a_license('"""Parse the input file and return the rows."""')
    count = DictCounter()
    notice = ("/*\n * Copyright 1995 A. Person\n *\n * Permission to use, copy, modify, and distribute this software\n"
              " * and its documentation for any purpose and without fee is hereby granted, provided\n"
              " * that the above copyright notice appear in all copies.\n */\nint x;\n")
    found = lic.header_evidence(rec("src/x.c", notice), engine, count)
    assert count["scans:header"] == 1 and found is not None and engine.spdx.classify(found.expression) == "permissive"


def test_a_notice_that_is_a_named_variant_is_the_variant():
    """SPDX names a variant by its base id and a suffix; a text that is the variant matches the base too."""
    from transforms.license.engine import prefer_variants

    assert prefer_variants(["HPND", "HPND-DEC"]) == ["HPND-DEC"]
    assert prefer_variants(["BSD-3-Clause", "BSD-3-Clause-flex", "MIT"]) == ["BSD-3-Clause-flex", "MIT"]
    assert prefer_variants(["OFL-1.1", "OFL-1.1-no-RFN"]) == ["OFL-1.1-no-RFN"]
    # not a variant: another license, a compound expression, -only / -or-later
    assert prefer_variants(["PSF-2.0", "Python-2.0"]) == ["PSF-2.0", "Python-2.0"]
    assert prefer_variants(["GPL-2.0-only", "GPL-2.0-only WITH Classpath-exception-2.0"]) == [
        "GPL-2.0-only", "GPL-2.0-only WITH Classpath-exception-2.0"]
    assert prefer_variants(["LGPL-2.1-only", "LGPL-2.1-or-later"]) == ["LGPL-2.1-only", "LGPL-2.1-or-later"]


def test_the_spdx_list_s_texts_are_recognised_whole():
    """A text that is one of the SPDX list's texts is that id (transforms/data/spdx_texts.npz, from
    npm's spdx-license-list); ScanCode's own copies of the texts serve as the input here."""
    from transforms.license.spdx_texts import load

    texts = load()
    assert texts is not None and len(texts.ids) > 700 and "spdx-license-list" in texts.source
    assert texts.match(MIT).ids == ("MIT",)
    rewrapped = "/*\n" + "".join(f" * {line}\n" for line in " ".join(MIT.split()).split(". ")) + " */\n"
    assert texts.match(rewrapped).ids == ("MIT",)
    assert texts.match(canonical("cecill-c-en")).ids == ("CECILL-C",)  # ScanCode 32.5 has no SPDX id for it
    assert texts.match(MIT + "\n" + GPL3) is None  # two licenses: neither is the whole text
    assert texts.match("def main():\n    return 0\n") is None
    gpl = texts.match(GPL3).ids
    assert {"GPL-3.0-only", "GPL-3.0-or-later"} <= set(gpl)  # one text, several ids


def test_scancode_s_answer_and_the_spdx_text_together(engine):
    from transforms.license.engine import with_spdx_text

    spdx = engine.spdx
    # nothing definite from ScanCode: the SPDX text's id
    assert with_spdx_text("", ("CECILL-C",), spdx) == "CECILL-C"
    assert with_spdx_text("LicenseRef-scancode-cecill-c-en", ("CECILL-C",), spdx) == "CECILL-C"
    # one license named: it stays, unless the SPDX text is a named variant of it
    assert with_spdx_text("Apache-2.0", ("Pixar",), spdx) == "Apache-2.0"
    assert with_spdx_text("OFL-1.1", ("OFL-1.1-no-RFN",), spdx) == "OFL-1.1-no-RFN"
    assert with_spdx_text("GPL-2.0-or-later", ("GPL-2.0-only", "GPL-2.0-or-later"), spdx) == "GPL-2.0-or-later"
    # several named: the whole text is one of them, or it appends others (bundled parts) and stays
    lgpl = ("LGPL-2.1-only", "LGPL-2.1-or-later")
    assert with_spdx_text("GPL-1.0-or-later AND LGPL-2.1-only", lgpl, spdx) == "LGPL-2.1-only"
    assert with_spdx_text("GPL-2.0-only WITH Classpath-exception-2.0", ("GPL-2.0-only",), spdx) == (
        "GPL-2.0-only WITH Classpath-exception-2.0")
    decision = lic.detect_text("LICENSE", canonical("cecill-c-en"), engine, DictCounter())
    assert decision.expression == "CECILL-C"


def test_a_header_scancode_reads_in_pieces_is_the_spdx_text_it_is(engine):
    """A notice whose comment blocks each match something (ScanCode reads it in pieces) is, as a
    whole, one of the SPDX list's texts: that id (the whole header is matched once, and cached)."""
    paragraphs = [" ".join(p.split()) for p in MIT.split("\n\n") if p.strip()]
    header = "/*\n * Copyright (c) 2024 A. Person\n *\n" + " *\n".join(
        "".join(f" * {line}\n" for line in __import__("textwrap").wrap(p, 76)) for p in paragraphs) + " */\nint x;\n"
    count = DictCounter()
    found = lic.header_evidence(rec("src/x.c", header), engine, count)
    assert found is not None and found.expression == "MIT"


def test_a_notice_longer_than_the_header_window_is_matched_whole(engine):
    """The Academic Free License 1.1 as a header comment is ~70 lines: its blocks in the 60-line
    window match several AFL versions; the whole leading comment is AFL-1.1's text."""
    import textwrap

    text = canonical("afl-1.1")
    lines = ["/*", " * Copyright (c) 2024 A. Person", " *"]
    for paragraph in (" ".join(p.split()) for p in text.split("\n\n")):
        if paragraph:
            lines += [" * " + line for line in textwrap.wrap(paragraph, 77)] + [" *"]
    lines[-1] = " */"
    assert len(lines) > 60
    found = lic.header_evidence(rec("src/x.c", "\n".join(lines) + "\nint x;\n"), engine, DictCounter())
    assert found is not None and found.expression == "AFL-1.1"


def test_a_text_holding_little_of_the_license_scancode_names_is_the_spdx_text(engine):
    from transforms.license.engine import with_spdx_text

    # the PSF license alone is under half of the Python-2.0 text (PSF, BeOpen, CNRI, CWI)
    assert with_spdx_text("Python-2.0", ("PSF-2.0",), engine.spdx, lambda spdx_id: 0.3) == "PSF-2.0"
    # an Apache-2.0 LICENSE without its appendix holds most of the Apache text: Apache-2.0 stays
    assert with_spdx_text("Apache-2.0", ("Pixar",), engine.spdx, lambda spdx_id: 0.88) == "Apache-2.0"
    assert with_spdx_text("Apache-2.0", ("Pixar",), engine.spdx, lambda spdx_id: None) == "Apache-2.0"
