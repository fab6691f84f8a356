"""The demo's sample repositories, built as real git repositories.

Several languages, three licenses (MIT, Apache-2.0, a vendored GPL-3.0 folder),
an exact duplicate file across two repositories, a near-duplicate, an email
address and a fake API key, a binary file, a Latin-1 file, an empty
repository, and ``Opted-Out-Dev/notes``, which the demo registry opts out.
Commits have fixed authors and dates, so every id is the same on every machine.
"""

from __future__ import annotations

import os
from typing import Dict, Union

FIXED_TIME = 1_700_000_000  # 2023-11-14T22:13:20Z

#: the MIT license text (``MIT_LICENSE.format(year=..., holder=...)``)
MIT_LICENSE = """MIT License

Copyright (c) {year} {holder}

Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the "Software"), to deal
in the Software without restriction, including without limitation the rights
to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE.
"""



def mit_license(holder: str) -> str:
    """The MIT license text with a 2023 copyright line for ``holder`` (samples and tests)."""
    return MIT_LICENSE.format(year=2023, holder=holder)


_APACHE_NOTICE = """Copyright 2023 {holder}

Licensed under the Apache License, Version 2.0 (the "License");
you may not use this file except in compliance with the License.
You may obtain a copy of the License at

    http://www.apache.org/licenses/LICENSE-2.0

Unless required by applicable law or agreed to in writing, software
distributed under the License is distributed on an "AS IS" BASIS,
WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
See the License for the specific language governing permissions and
limitations under the License.
"""

_GPL3_NOTICE = """{name} -- a small helper library.
Copyright (C) 2023 {holder}

This program is free software: you can redistribute it and/or modify
it under the terms of the GNU General Public License as published by
the Free Software Foundation, either version 3 of the License, or
(at your option) any later version.

This program is distributed in the hope that it will be useful,
but WITHOUT ANY WARRANTY; without even the implied warranty of
MERCHANTABILITY or FITNESS FOR A PARTICULAR PURPOSE.  See the
GNU General Public License for more details.

You should have received a copy of the GNU General Public License
along with this program.  If not, see <https://www.gnu.org/licenses/>.
"""

_SHARED_UTIL_JS = """'use strict';

/**
 * Clamp a number into the closed interval [low, high].
 * Returns low when the value is not a finite number.
 */
function clamp(value, low, high) {
  if (!Number.isFinite(value)) {
    return low;
  }
  return Math.min(high, Math.max(low, value));
}

/**
 * Split an array into chunks of at most `size` items, keeping order.
 */
function chunk(items, size) {
  if (size <= 0) {
    throw new RangeError('chunk size must be positive');
  }
  const out = [];
  for (let i = 0; i < items.length; i += size) {
    out.push(items.slice(i, i + size));
  }
  return out;
}

module.exports = { clamp, chunk };
"""

_TOKENIZE_PY = '''"""Tokenizers for short English texts."""

import re
from typing import Iterable, List

WORD = re.compile(r"[A-Za-z][A-Za-z'-]*|\\d+(?:\\.\\d+)?")


def tokenize(text: str) -> List[str]:
    """Split ``text`` into lowercase word and number tokens."""
    return [match.group(0).lower() for match in WORD.finditer(text)]


def ngrams(tokens: Iterable[str], n: int = 2) -> List[tuple]:
    """Consecutive ``n``-grams of ``tokens``."""
    items = list(tokens)
    if n <= 0:
        raise ValueError("n must be positive")
    return [tuple(items[i : i + n]) for i in range(len(items) - n + 1)]


def vocabulary(texts: Iterable[str], min_count: int = 1) -> List[str]:
    """Sorted tokens that occur at least ``min_count`` times across ``texts``."""
    counts = {}
    for text in texts:
        for token in tokenize(text):
            counts[token] = counts.get(token, 0) + 1
    return sorted(token for token, count in counts.items() if count >= min_count)
'''

# A near-duplicate of _TOKENIZE_PY: a renamed constant and one extra function.
_TOKENIZE_FORK_PY = _TOKENIZE_PY.replace("WORD = ", "TOKEN_RE = ").replace("WORD.finditer", "TOKEN_RE.finditer") + '''

def count_tokens(text: str) -> int:
    """Number of tokens in ``text``."""
    return len(tokenize(text))
'''

SampleFile = Union[str, bytes]

#: origin URL -> {path: text or bytes}
SAMPLES: Dict[str, Dict[str, SampleFile]] = {
    "https://github.com/codestack-demo/textkit": {
        "LICENSE": MIT_LICENSE.format(year=2023, holder="The textkit authors"),
        "README.md": "# textkit\n\nSmall, dependency-free text utilities.\n\n"
        "Questions: write to maintainer.textkit@example-mail.org.\n",
        "textkit/__init__.py": '"""textkit: small text utilities."""\n\nfrom textkit.tokenize import ngrams, tokenize, vocabulary\n\n__all__ = ["ngrams", "tokenize", "vocabulary"]\n',
        "textkit/tokenize.py": _TOKENIZE_PY,
        "textkit/settings.py": '"""Settings for the hosted spell-check service."""\n\n'
        'SERVICE_URL = "https://spell.example.com/v2/check"\n'
        'OPENAI_API_KEY = "sk-proj-Tq8vX2mLw9RkZs4NbYc7HdJf3GpVaE6uQy1WnKoB5tMxSiFl"\n'
        "TIMEOUT_SECONDS = 10\n",
        "tests/test_tokenize.py": "from textkit.tokenize import ngrams, tokenize\n\n\n"
        "def test_tokenize_lowercases_words_and_numbers():\n"
        '    assert tokenize("Hello, World 3.5") == ["hello", "world", "3.5"]\n\n\n'
        "def test_bigrams():\n"
        '    assert ngrams(["a", "b", "c"]) == [("a", "b"), ("b", "c")]\n',
        "docs/logo.png": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde",
    },
    "https://github.com/codestack-demo/webgauge": {
        "LICENSE": _APACHE_NOTICE.format(holder="The webgauge authors"),
        "package.json": '{\n  "name": "webgauge",\n  "version": "1.2.0",\n  "license": "Apache-2.0",\n  "main": "src/index.js"\n}\n',
        "src/index.js": "'use strict';\n\nconst { clamp } = require('./util');\n\n"
        "/** Render a gauge value as a percentage string. */\n"
        "function percent(value, max) {\n  return `${Math.round(clamp(value / max, 0, 1) * 100)}%`;\n}\n\n"
        "module.exports = { percent };\n",
        "src/util.js": _SHARED_UTIL_JS,
        "vendor/libgauge/COPYING": _GPL3_NOTICE.format(name="libgauge", holder="Gauge Hackers"),
        "vendor/libgauge/gauge.c": "/* libgauge: draw gauges on a terminal. GPL-3.0-or-later, see COPYING. */\n"
        "#include <stdio.h>\n\nvoid gauge_draw(double fraction, int width) {\n"
        "    int filled = (int)(fraction * width);\n    putchar('[');\n"
        "    for (int i = 0; i < width; i++) putchar(i < filled ? '#' : ' ');\n    puts(\"]\");\n}\n",
    },
    "https://github.com/codestack-demo/fastmath": {
        "LICENSE": MIT_LICENSE.format(year=2023, holder="Fastmath contributors"),
        "include/fastmath.h": "#ifndef FASTMATH_H\n#define FASTMATH_H\n\n"
        "/* Integer square root (floor) of n. */\nunsigned long fm_isqrt(unsigned long n);\n\n"
        "/* Greatest common divisor of a and b. */\nunsigned long fm_gcd(unsigned long a, unsigned long b);\n\n#endif\n",
        "src/fastmath.c": '#include "fastmath.h"\n\n'
        "unsigned long fm_isqrt(unsigned long n) {\n    unsigned long x = n, y = (x + 1) / 2;\n"
        "    while (y < x) {\n        x = y;\n        y = (x + n / x) / 2;\n    }\n    return x;\n}\n\n"
        "unsigned long fm_gcd(unsigned long a, unsigned long b) {\n"
        "    while (b != 0) {\n        unsigned long t = a % b;\n        a = b;\n        b = t;\n    }\n    return a;\n}\n",
        "Makefile": "CFLAGS ?= -O2 -Wall -Iinclude\n\nlibfastmath.a: src/fastmath.o\n\t$(AR) rcs $@ $^\n\n"
        "clean:\n\trm -f src/*.o libfastmath.a\n",
        "tools/bench.sh": "#!/bin/sh\n# Benchmark the library on this machine.\nset -eu\nmake -s\n"
        "echo \"server: 93.184.216.34\"\n",
        "docs/notes-latin1.txt": "Notes de version: amélioration du calcul de la racine carrée.\n".encode("latin-1"),
    },
    "https://github.com/Opted-Out-Dev/notes": {
        "LICENSE": MIT_LICENSE.format(year=2023, holder="Opted-Out Dev"),
        "main.go": 'package main\n\nimport "fmt"\n\n// main prints the notes index.\nfunc main() {\n\tfmt.Println("notes")\n}\n',
        "util.js": _SHARED_UTIL_JS,
    },
    "https://gitlab.com/codestack-demo/textkit-fork": {
        "LICENSE": MIT_LICENSE.format(year=2023, holder="The textkit-fork authors"),
        "textkit_fork/tokenize.py": _TOKENIZE_FORK_PY,
    },
    "https://github.com/codestack-demo/empty": {},
}


def _folder_name(origin: str) -> str:
    return origin.split("://", 1)[1].replace("/", "__")


def make_repository(folder: str, origin: str, files: Dict[str, SampleFile]):
    """A git repository at ``folder`` with one commit holding ``files`` on ``main``."""
    import pygit2

    repo = pygit2.init_repository(folder, bare=False, initial_head="main")
    repo.remotes.create("origin", origin)
    if not files:
        return repo
    for path, data in sorted(files.items()):
        full = os.path.join(folder, path)
        os.makedirs(os.path.dirname(full), exist_ok=True)
        with open(full, "wb") as handle:
            handle.write(data if isinstance(data, bytes) else data.encode("utf-8"))
    repo.index.add_all()
    repo.index.write()
    tree = repo.index.write_tree()
    author = pygit2.Signature("Demo Author", "author@example.org", FIXED_TIME, 0)
    repo.create_commit("HEAD", author, author, "Initial import\n", tree, [])
    return repo


def build_samples(root: str) -> Dict[str, str]:
    """Create every sample repository under ``root``; returns {origin: folder}."""
    made = {}
    for origin, files in sorted(SAMPLES.items()):
        folder = os.path.join(root, _folder_name(origin))
        make_repository(folder, origin, files)
        made[origin] = folder
    return made
