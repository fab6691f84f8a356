"""What the license tests share: ScanCode's canonical texts, headers, records, the in-memory stage."""

import dataclasses
import os

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
