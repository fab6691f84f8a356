"""Person names in attribution contexts (transforms/redact/names.py): pure, no Beam; synthetic text only."""

from __future__ import annotations

import os

import pytest

from transforms.redact.config import RedactConfig
from transforms.redact.names import ANCHORS, NameFinder, load_given_names


@pytest.fixture(scope="module")
def default():
    return NameFinder(RedactConfig())


@pytest.fixture(scope="module")
def high():
    return NameFinder(RedactConfig(sensitivity="high"))


def names(finder, line):
    return [line[s:e] for s, e, _ in finder.find(line, 0, len(line))]


POSITIVES = [
    ("Copyright (c) 2010-2015 Jane Doe, John Smith and Ana María López", ["Jane Doe", "John Smith", "Ana María López"]),
    ("# Copyright 2021 Peter Quill. All rights reserved.", ["Peter Quill"]),
    ("/* Copyright © 1999, 2004-2007 Gregor Samsa <gregor@samsa.example.net> */", ["Gregor Samsa"]),
    ("// (c) 2019 Olivia Brandt", ["Olivia Brandt"]),
    ("Copyright (C) Henrik Vangsgaard 2001.", ["Henrik Vangsgaard"]),
    ("__author__ = 'Guido van Rossum'", ["Guido van Rossum"]),
    (' * @author Jürgen Müller-Lüdenscheidt', ["Jürgen Müller-Lüdenscheidt"]),
    ("Maintainer: J. Arturo Ibáñez", ["J. Arturo Ibáñez"]),
    ("Author: Ronald L. Quigley, 1992", ["Ronald L. Quigley"]),
    ("# Authors: Erwan Le Bihan (erwan.lebihan@mailbox.example.org)", ["Erwan Le Bihan"]),
    ('authors = ["Jane Doe <jane@doe.dev>", "Wei Zhang <wz@zhang.dev>"]', ["Jane Doe", "Wei Zhang"]),
    ("Signed-off-by: Dmitry Orlov <dmitry@orlov.dev>", ["Dmitry Orlov"]),
    ("Co-authored-by: Priya Raman <priya@raman.dev>", ["Priya Raman"]),
    ("Written by Mark Feldman and Jean-loup Marceau", ["Mark Feldman", "Jean-loup Marceau"]),
    ("__author__ = 'kquill@quill.dev (Kenton Quill)'", ["Kenton Quill"]),
    ("Copyright © 2019 Иван Петров", ["Иван Петров"]),
    ("Copyright (c) 2005-2020, [Ilya Marchenko](mailto:ilya@marchenko.dev).", ["Ilya Marchenko"]),
    ("Portions copyright (c) 2004 Mihai Dragomir", ["Mihai Dragomir"]),
    ("The Zed tool is copyright (c) 1992-2017 Paul Fenwick, Richard Coldwell,", ["Paul Fenwick", "Richard Coldwell"]),
    ("Maintainer: Łukasz Wiśniewski", ["Łukasz Wiśniewski"]),
    ("This module was originally written by Hannah Oyelaran.", ["Hannah Oyelaran"]),
    ("Copyright 2003-2009 by Stichting Rekencentrum and M. Stephenfield. See LICENSE.", ["M. Stephenfield"]),
    ('  "author": "Tomás Ferreira <tomas@ferreira.dev>",', ["Tomás Ferreira"]),
    ("Copyright (c) 2016 Marie-Claire O'Donnell", ["Marie-Claire O'Donnell"]),
    ("# TODO(alice): remove once the API is stable", ["alice"]),
    ("// TODO(jdoe-smith) handle unions", ["jdoe-smith"]),
    ("Copyright 2018 Zhang Wei", ["Zhang Wei"]),
    ("Jane Doe <jane@doe.dev> 2020-01-01", ["Jane Doe"]),
    (" -- Ingrid Halvorsen <ingrid@halvorsen.dev>  Mon, 02 Jan 2023 10:00:00 +0100", ["Ingrid Halvorsen"]),
]

NEGATIVES = [
    "# Copyright 2009 The Go Authors. All rights reserved.",
    "Copyright (C) 2007 Free Software Foundation, Inc. <https://fsf.org/>",
    "Copyright (c) 2008-2011, Northwind Capital Management, LLC, Lambda Foundry, Inc. and PyData Development Team",
    "Copyright 2016 Google LLC",
    "Copyright (c) Microsoft Corporation. All rights reserved.",
    "Copyright (c) 2015 Red Hat, Inc.",
    "Copyright (c) 1995-2016 International Business Machines Corporation and others",
    "Copyright (c) 2001-2020 Python Software Foundation; All Rights Reserved",
    "# Copyright (c) Jupyter Development Team.",
    "Copyright (c) 1988, 1993 The Regents of the University of California.",
    "Copyright 2020 The Kubernetes Authors.",
    "Copyright (c) 2017 Mozilla Foundation",
    "Copyright 2006 Sun Microsystems, Inc.",
    "- copyright Mark Wiley & Sons, Inc.",
    "Copyright (C) May, 2000 The Open Group, Metro Link, Incorporated and others.",
    "Copyright (C) <year>  <name of author>",
    "Copyright (c) <year> <copyright holders>",
    "Redistributions of source code must retain the above copyright notice, this list of conditions",
    "THIS SOFTWARE IS PROVIDED BY THE COPYRIGHT HOLDERS AND CONTRIBUTORS \"AS IS\"",
    "Licensed under the GNU General Public License, see COPYING; copyright law applies",
    "author_name = get_author(commit)",
    "self.author = author",
    'headers["Authorization"] = "Bearer " + token',
    "if not user.is_authorized(): raise PermissionError",
    "@property",
    "@Override",
    "# TODO(perf): cache this",
    "# TODO(b/123456): flaky",
    "# TODO(#4412): remove",
    "// TODO(ONNX): infer the output type",
    "# TODO(py311): use StrEnum",
    '  "name": "left-pad",',
    "<name>commons-lang3</name>",
    "__author__ = 'Astral Software Inc.'",
    'author="Jupyter Development Team",',
    'authors = ["The Rust Project Developers"]',
    "Maintainer: Debian Python Team <team+python@tracker.debian.org>",
    "Contact Support <support@helpdesk.example.org>",
    "The author makes no representations about the suitability of this software.",
    "See the AUTHORS file for the list of authors.",
    "Copyright 2018-2026 Stichting DuckDB Foundation",
    "x = a if b else c  # mail jane.doe@corp.example",
    "Copyright 2021 Zorblax Quimby",  # no known given name: sensitivity high only
    "    return {'Will': 3, 'May': 4}  # author counts",
]


@pytest.mark.parametrize("line,expected", POSITIVES)
def test_positives(default, line, expected):
    assert names(default, line) == expected


@pytest.mark.parametrize("line", NEGATIVES)
def test_negatives(default, line):
    assert names(default, line) == []


@pytest.mark.parametrize("line,_", POSITIVES)
def test_every_positive_is_anchored(line, _):
    assert any(anchor in line.lower() for anchor in ANCHORS)
    assert all(anchor == anchor.lower() for anchor in ANCHORS)


def test_high_sensitivity_needs_no_list(default, high):
    line = "Copyright 2021 Zorblax Quimby"
    assert names(default, line) == [] and names(high, line) == ["Zorblax Quimby"]
    assert names(high, " * @author Zorblax") == ["Zorblax"]
    assert names(default, " * @author Zorblax") == []
    assert names(high, "__author__ = 'Amazon Web Services'") == []
    for line in ("# Copyright 2009 The Go Authors.", "Copyright (C) 2007 Free Software Foundation, Inc.",
                 "Copyright 2016 Google LLC", "// TODO(ONNX): later", "# TODO(perf): later"):
        assert names(high, line) == [], line


def test_offsets_inside_the_line_of_a_larger_text(default):
    text = "import os\n# Copyright 2020 Jane Doe\nx = 1\n"
    start = text.index("#")
    end = text.index("\n", start)
    spans = list(default.find(text, start, end))
    assert [(text[s:e], kind) for s, e, kind in spans] == [("Jane Doe", "name")]
    assert all(start <= s < e <= end for s, e, _ in spans)


def test_manifest_name_after_an_author_key(default):
    text = '{\n  "name": "left-pad",\n  "author": {\n    "name": "Camille Fournier",\n    "email": "c@f.dev"\n  }\n}\n'
    found = []
    pos = 0
    for line in text.split("\n"):
        found += [text[s:e] for s, e, _ in default.find(text, pos, pos + len(line))]
        pos += len(line) + 1
    assert found == ["Camille Fournier"]
    pom = "<developers>\n  <developer>\n    <name>Hiroshi Tanabe</name>\n"
    start = pom.index("    <name>")
    assert [pom[s:e] for s, e, _ in default.find(pom, start, len(pom) - 1)] == ["Hiroshi Tanabe"]


def test_spans_sorted_and_disjoint(default):
    line = "Copyright 2020 Jane Doe <jane@doe.dev>, Author: Jane Doe, written by Jane Doe and Olaf Berg"
    spans = list(default.find(line, 0, len(line)))
    assert spans == sorted(spans)
    assert all(a[1] <= b[0] for a, b in zip(spans, spans[1:]))
    assert [line[s:e] for s, e, _ in spans] == ["Jane Doe", "Jane Doe", "Jane Doe", "Olaf Berg"]


def test_given_names_data():
    given, family = load_given_names()
    assert len(given) > 30000 and {"Jane", "Jörg", "Łukasz", "Dmitry", "Wei", "Hiroshi", "Priya"} <= given
    assert "Zhang" in family
    here = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "transforms", "data")
    with open(os.path.join(here, "given_names.txt"), encoding="utf-8") as handle:
        assert "MIT" in handle.readline()
    assert os.path.exists(os.path.join(here, "NAMES-NOTICE"))


# --- in the redactor ----------------------------------------------------------------------
def test_the_redactor_replaces_names_and_propagates_whole_words_only():
    from transforms.redact import Redactor

    text = ("# Copyright (c) 2019 Jane Doe <jane@posteo.de>\n# TODO(alice): fix malice\n"
            "# Author: The Go Authors\nx = 'Jane Doe'; y = 'MaryJane Doers'\n")
    result = Redactor().redact(text)
    assert result.text == ("# Copyright (c) 2019 <NAME> <<EMAIL>>\n# TODO(<NAME>): fix malice\n"
                           "# Author: The Go Authors\nx = '<NAME>'; y = 'MaryJane Doers'\n")
    assert result.counts()["name"] == 3
    assert Redactor(RedactConfig(sensitivity="low")).redact(text).text.startswith("# Copyright (c) 2019 Jane Doe <<EMAIL>>")


@pytest.mark.parametrize("text,names", [
    ("Author: Ero Carrera", ["Ero Carrera"]),  # an explicit field: no list needed
    ("__maintainer__ = 'Zanele Okafor'", ["Zanele Okafor"]),
    ('authors = [\n  { name = "Olga Rossi", email = "olga@posteo.de" },\n]', ["Olga Rossi"]),
    ("# Written by Seán Svensson, March 2008", ["Seán Svensson"]),  # a known name without its accent
    ("#Author: Cameron Davidson-Pilon, original styles from Bayesian Methods for Hackers", ["Cameron Davidson-Pilon"]),
    ("Reviewed-by: Continuous Integration", []),
    ("OWNERSHIP OF FIRMWARE AND COPYRIGHTS. Firmware and accompanying", []),
])
def test_fields_prose_and_folding(text, names):
    finder = NameFinder(RedactConfig())
    found = []
    pos = 0
    for line in text.split("\n"):
        found += [text[s:e] for s, e, _ in finder.find(text, pos, pos + len(line))]
        pos += len(line) + 1
    assert found == names


def test_lists_of_people_after_a_heading():
    from transforms.redact import Redactor

    text = ("# This is the list of significant contributors.\nArjun Andersen <arjun@posteo.de>\nThandiwe Kim\n"
            "Wei da Silva\nRelease Managers\nGoogle LLC\n- Jane Doe (@jdoe)\nThe Python Software Foundation\n")
    out = Redactor().redact(text).text
    assert out == ("# This is the list of significant contributors.\n<NAME> <<EMAIL>>\n<NAME>\n<NAME>\n"
                   "Release Managers\nGoogle LLC\n- <NAME> (@jdoe)\nThe Python Software Foundation\n")
    code = "def authors():\n    x = compute()\n    Jane Doe\n    return x\n"
    assert Redactor().redact(code).text == code  # a function named authors heads no list
    assert Redactor(RedactConfig(sensitivity="low")).redact(text).text.count("<NAME>") == 0
