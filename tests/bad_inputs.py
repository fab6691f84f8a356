"""The bad-input catalogue: what a 60 TB archive holds, built as real git
repositories (written object by object, so names may be any bytes) and as a
Software Heritage export of them (ORC tables + a gzip content store), then
damaged the ways real ones are.

:func:`build_catalogue` writes everything under one folder and returns a
:class:`Catalogue`: where the git repositories, the export and the content
store are, and for every item its ``(repo_name, path)`` as a release or a
reject names it. Everything is a function of fixed seeds, so the bytes are the
same on every machine. What each item should become is the test's business
(``tests/test_bad_inputs.py``), not this module's.
"""

from __future__ import annotations

import os
import random
from typing import Dict, List, NamedTuple, Optional, Tuple

from pipeline.samples import FIXED_TIME

OWNER = "bad-inputs"
MAX_BYTES = 10_000_000  # the decode stage's default size guard

_BLOB, _TREE, _LINK = 0o100644, 0o040000, 0o120000

#: words the generated code is made of (many, so two generated files share few 5-word shingles)
WORDS = tuple("""
    able acid aged also area army away baby back ball band bank base bath bear beat been beer bell belt
    best bill bird blow blue boat body bomb bond bone book boom born boss both bowl bulk burn bush busy
    cafe cake call calm came camp card care case cash cast cell chat chip city club coal coat code cold
    come cook cool cope copy core cost crew crop dark data date dawn days dead deal dean dear debt deep
    deny desk dial diet disc disk does done door dose down draw drew drop drug dual duke dust duty each
    earn ease east easy edge else even ever exit face fact fail fair fall farm fast fate fear feed feel
    feet fell felt file fill film find fine fire firm fish five flat flow food foot ford form fort four
    free from fuel full fund gain game gate gave gear gene gift girl give glad goal goes gold golf gone
    good gray grew grey grow gulf hair half hall hand hang hard harm hate have head hear heat held hell
    help here hero high hill hire hold hole holy home hope host hour huge hung hunt hurt idea inch into
    iron item jack jane jean john join jump jury just keen keep kent kept kick kind king knee knew know
    lack lady laid lake land lane last late lead left less life lift like line link list live load loan
    lock long look lord lose loss lost love luck made mail main make male many mark mass matt meal mean
""".split())


def _code_line(rng: random.Random) -> str:
    a, b, c, d = rng.sample(WORDS, 4)
    return rng.choice((
        f"{a}_{b} = {c}_{d}({rng.randint(1, 999)})",
        f"if {a}_{b} is not None: {c}_{d}.append({a}_{b})",
        f"for {a} in {b}_{c}: {d} += {a}",
        f"# {a} {b} {c} {d} {rng.choice(WORDS)} {rng.choice(WORDS)}",
        f"{a}, {b} = {c}.get('{d}'), {rng.randint(1, 99)}",
    ))


def good_python(seed: str, functions: int = 6, header: bool = True) -> bytes:
    """A small, ordinary, MIT-headed Python module, different for every seed."""
    rng = random.Random(seed)
    w = rng.sample(WORDS, 3)
    lines = (["# SPDX-License-Identifier: MIT"] if header else []) + [f'"""Helpers for the {w[0]} {w[1]} {w[2]}."""', ""]
    for _ in range(functions):
        a, b, c, d = rng.sample(WORDS, 4)
        lines += ["", f"def {a}_{b}({c}, {d}=None):",
                  f'    """Return the {a} {b} of {c}, or {d} when it is missing."""']
        lines += [f"    {_code_line(rng)}" for _ in range(rng.randint(2, 5))]
        lines += [f"    return {c} if {d} is None else {d}", ""]
    return ("\n".join(lines) + "\n").encode("ascii")


def python_of_size(seed: str, size: int, line_bytes: int) -> bytes:
    """``size`` bytes of MIT-headed Python: comment lines of exactly ``line_bytes`` bytes
    (newline included) drawn from a pool of a few thousand; the last line is cut to fit."""
    rng = random.Random(seed)
    width = line_bytes - 1
    pool = []
    for _ in range(4000):
        line = "# " + " ".join(rng.choices(WORDS, k=width // 3))
        pool.append(line[:width].rstrip().ljust(width, "x") + "\n")
    header = "# SPDX-License-Identifier: MIT\n"
    body = "".join(rng.choices(pool, k=(size - len(header)) // line_bytes + 1))
    return (header + body).encode("ascii")[:size]


def python_lines(seed: str, lines: int) -> bytes:
    """MIT-headed Python of exactly ``lines`` lines (the header counts), drawn from a pool."""
    rng = random.Random(seed)
    pool = [_code_line(rng) for _ in range(4000)]
    return ("# SPDX-License-Identifier: MIT\n" + "\n".join(rng.choices(pool, k=lines - 1)) + "\n").encode("ascii")


def one_long_line(seed: str, size: int) -> bytes:
    """An MIT header, then a single line of ``size`` bytes (a string literal of words)."""
    rng = random.Random(seed)
    words = " ".join(rng.choices(WORDS, k=size // 4))
    line = ('DATA = "' + words)[: size - 2] + '"\n'
    return b"# SPDX-License-Identifier: MIT\n" + line.encode("ascii")


ISC = """ISC License

Copyright (c) 2023 The bad-inputs authors

Permission to use, copy, modify, and/or distribute this software for any
purpose with or without fee is hereby granted, provided that the above
copyright notice and this permission notice appear in all copies.

THE SOFTWARE IS PROVIDED "AS IS" AND THE AUTHOR DISCLAIMS ALL WARRANTIES
WITH REGARD TO THIS SOFTWARE INCLUDING ALL IMPLIED WARRANTIES OF
MERCHANTABILITY AND FITNESS. IN NO EVENT SHALL THE AUTHOR BE LIABLE FOR
ANY SPECIAL, DIRECT, INDIRECT, OR CONSEQUENTIAL DAMAGES OR ANY DAMAGES
WHATSOEVER RESULTING FROM LOSS OF USE, DATA OR PROFITS, WHETHER IN AN
ACTION OF CONTRACT, NEGLIGENCE OR OTHER TORTIOUS ACTION, ARISING OUT OF
OR IN CONNECTION WITH THE USE OR PERFORMANCE OF THIS SOFTWARE.
"""

LATIN1_TEXT = '''# SPDX-License-Identifier: MIT
# Gestion des réservations du théâtre municipal.
# Auteur : François Lefèvre, été 2019.


def réserver(place, numéro):
    """Réserve la place demandée si elle est libre ; lève une erreur sinon."""
    if place.occupée:
        raise ValueError("place déjà réservée")
    place.occupée = True
    return numéro


def annuler(place):
    """Libère la place ; à appeler avant la fermeture des caisses."""
    place.occupée = False
'''

UTF16_TEXT = '''# SPDX-License-Identifier: MIT
"""Grüße: a greeting table, saved by an editor in UTF-16."""

GREETINGS = {"de": "Grüße", "fr": "Salut à toi", "ja": "こんにちは"}


def greet(language):
    return GREETINGS.get(language, "hello")
'''

#: mostly UTF-8 (its accents are UTF-8) with one byte that cannot be UTF-8 (a torn edit)
INVALID_UTF8 = ('# SPDX-License-Identifier: MIT\n"""Naïve café helpers."""\n\n\ndef menu():\n'
                '    return ["crème brûlée", "über toast"]\n').encode("utf-8").replace(b"toast", b"to\xffast")


def _binary_without_nul(seed: str, size: int = 4096) -> bytes:
    rng = random.Random(seed)
    return bytes(rng.randrange(1, 256) for _ in range(size))


class Item(NamedTuple):
    """One catalogue entry, by the names a release or a reject gives it."""

    repo_name: str  # ``bad-inputs/<repo>``; empty for what is not in a repository
    path: str  # '/'-separated, bytes that are not UTF-8 as ``\\xNN``


class Catalogue(NamedTuple):
    git: str  # folder of git repositories (``--source git:``)
    export: str  # SWH graph export of the same repositories (``--source swh-export:``)
    store: str  # its content store
    items: Dict[str, Item]  # catalogue name -> where it is
    files: Dict[Tuple[str, str], bytes]  # (repo_name, path) -> bytes (a symlink's: its target), every entry
    good: List[Tuple[str, str]]  # (repo_name, path) of the good files around the bad ones


# --- writing git objects directly ------------------------------------------------------

Tree = Dict[bytes, object]  # name -> (mode, bytes) | Tree


def _insert(tree: Tree, path: bytes, mode: int, data: bytes) -> None:
    head, _, rest = path.partition(b"/")
    if rest:
        _insert(tree.setdefault(head, {}), rest, mode, data)
    else:
        tree[head] = (mode, data)


def _write_tree(repo, tree: Tree):
    """Write ``tree`` as raw git tree objects (any byte names); returns its oid."""
    import pygit2

    entries = []
    for name, node in tree.items():
        if isinstance(node, dict):
            entries.append((name + b"/", name, _TREE, _write_tree(repo, node)))
        else:
            mode, data = node
            entries.append((name, name, mode, repo.create_blob(data)))
    raw = b"".join(b"%o %s\x00" % (mode, name) + oid.raw for _key, name, mode, oid in sorted(entries))
    return repo.odb.write(pygit2.enums.ObjectType.TREE, raw)


def make_bare_repo(folder: str, origin: str, files: Dict[bytes, Tuple[int, bytes]]):
    """A bare repository with one commit on ``main`` holding ``files`` ({path: (mode, data)})."""
    import pygit2

    repo = pygit2.init_repository(folder, bare=True, initial_head="main")
    repo.remotes.create("origin", origin)
    tree: Tree = {}
    for path, (mode, data) in sorted(files.items()):
        _insert(tree, path, mode, data)
    root = _write_tree(repo, tree)
    author = pygit2.Signature("Catalogue Author", "author@example.org", FIXED_TIME, 0)
    repo.create_commit("refs/heads/main", author, author, "Import\n", root, [])
    return repo


def _loose_object(folder: str, oid: str) -> str:
    return os.path.join(folder, "objects", oid[:2], oid[2:])


# --- the catalogue ------------------------------------------------------------------------

def _good(repo: str, count: int = 3, header: bool = True) -> Dict[str, bytes]:
    return {f"good_{i}.py": good_python(f"{repo}/{i}", header=header) for i in range(count)}


def _repositories() -> Tuple[Dict[str, Dict[bytes, Tuple[int, bytes]]], Dict[str, Item]]:
    """``({repo: {path: (mode, data)}}, {item name: Item})``."""
    repos: Dict[str, Dict[bytes, Tuple[int, bytes]]] = {}
    items: Dict[str, Item] = {}

    def add(repo: str, path, data: bytes, mode: int = _BLOB, item: Optional[str] = None) -> None:
        raw = path if isinstance(path, bytes) else path.encode("utf-8")
        repos.setdefault(repo, {})[raw] = (mode, data)
        if item:
            items[item] = Item(f"{OWNER}/{repo}", raw.decode("utf-8", "backslashreplace"))

    # good files in every repository; the manifests repository's take their license from its LICENSE
    for repo in ("encodings", "sizes", "paths", "manifests", "objects", "store"):
        for path, data in _good(repo, header=repo != "manifests").items():
            add(repo, path, data)

    add("encodings", "payload.bin", _binary_without_nul("payload"), item="binary without NUL")
    add("encodings", "utf16_bom.py", b"\xff\xfe" + UTF16_TEXT.encode("utf-16-le"), item="UTF-16 with BOM")
    add("encodings", "utf16_no_bom.py", UTF16_TEXT.encode("utf-16-le"), item="UTF-16 without BOM")
    add("encodings", "latin1.py", LATIN1_TEXT.encode("latin-1"), item="Latin-1")
    add("encodings", "invalid_utf8.py", INVALID_UTF8, item="invalid UTF-8")
    add("encodings", "empty.py", b"", item="empty file")

    add("sizes", "big_9_9mb.py", python_of_size("9.9", 9_900_000, 100), item="9.9 MB file")
    add("sizes", "big_10mb.py", python_of_size("10", MAX_BYTES, 100), item="10 MB file")
    add("sizes", "lines_100k.py", python_lines("100k", 100_000), item="100k-line file")
    add("sizes", "lines_100k_plus_1.py", python_lines("100k+1", 100_001), item="100,001-line file")
    add("sizes", "one_line_5mb.py", one_long_line("5mb", 5_000_000), item="single 5 MB line")

    at_limit = "/".join(["d"] * 64)
    add("paths", f"{at_limit}/at_depth_64.py", good_python("depth 64"), item="file in 64 nested folders")
    add("paths", f"{at_limit}/d/at_depth_65.py", good_python("depth 65"), item="file in 65 nested folders")
    add("paths", "link_to_good.py", b"good_0.py", _LINK, item="symlink")
    add("paths", "loop_a", b"loop_b", _LINK, item="symlink loop (a -> b)")
    add("paths", "loop_b", b"loop_a", _LINK, item="symlink loop (b -> a)")
    add("paths", "self_loop", b"self_loop", _LINK, item="symlink to itself")
    add("paths", b"caf\xe9.py", good_python("latin-1 name"), item="non-UTF-8 file name")
    add("paths", b"r\xe9pertoire/inside.py", good_python("latin-1 folder"), item="file in a non-UTF-8 folder")
    add("paths", "new\nline.py", good_python("newline name"), item="newline in a file name")
    add("paths", "tab\tand\rreturn/x.py", good_python("control characters"), item="tab and CR in a folder name")

    add("manifests", "LICENSE", ISC.encode("ascii"), item="LICENSE next to broken manifests")
    add("manifests", "package.json", b'{"name": "broken-package", "version": "1.0.0", "license": "GPL-3.0",\n',
        item="unparseable package.json")
    add("manifests", "Cargo.toml", b'[package]\nname = "broken-crate\nversion = "0.1.0"\nlicense = "GPL-3.0"\n',
        item="unparseable Cargo.toml")

    # objects the git repository loses after it is exported (intact in the export)
    add("objects", "lost_blob.py", good_python("lost blob"), item="missing git blob")
    add("objects", "lost_tree/inside.py", good_python("lost tree"), item="file in a missing git tree")

    # blobs the content store damages (intact in git)
    add("store", "corrupt_gzip.py", good_python("corrupt gzip"), item="corrupt gzip blob")
    add("store", "truncated_gzip.py", good_python("truncated gzip"), item="truncated gzip blob")
    add("store", "missing_blob.py", good_python("missing blob"), item="missing blob in the content store")
    return repos, items


def build_catalogue(root: str) -> Catalogue:
    """Write the catalogue under ``root``: ``git/`` (bare repositories, some damaged after
    the export was taken), ``export/`` and ``content/`` (the SWH export, then damaged)."""
    import hashlib

    import pygit2

    from pipeline.swh_fixtures import build_export

    git_root = os.path.join(root, "git")
    export, store = os.path.join(root, "export"), os.path.join(root, "content")
    os.makedirs(git_root)
    specs, items = _repositories()
    folders: Dict[str, str] = {}
    for name, files in sorted(specs.items()):
        folders[name] = os.path.join(git_root, f"{name}.git")
        make_bare_repo(folders[name], f"https://github.com/{OWNER}/{name}", files)
    build_export(sorted(folders.values()), export, store)

    # the git repository loses a blob and a tree
    tree = pygit2.Repository(folders["objects"]).revparse_single("main").tree
    os.remove(_loose_object(folders["objects"], str(tree["lost_blob.py"].id)))
    os.remove(_loose_object(folders["objects"], str(tree["lost_tree"].id)))

    # the content store: a blob that is not gzip, one cut short, one missing
    def stored(path: str) -> str:
        return os.path.join(store, hashlib.sha1(specs["store"][path.encode()][1]).hexdigest())

    with open(stored("corrupt_gzip.py"), "wb") as handle:
        handle.write(b"this is not gzip at all\n" * 8)
    with open(stored("truncated_gzip.py"), "rb") as handle:
        whole = handle.read()
    with open(stored("truncated_gzip.py"), "wb") as handle:
        handle.write(whole[: len(whole) // 2])
    os.remove(stored("missing_blob.py"))

    # a torn upload: a second file of the revision table, cut in half (its rows are in the whole one)
    folder = os.path.join(export, "orc", "revision")
    (whole_table,) = sorted(os.listdir(folder))
    with open(os.path.join(folder, whole_table), "rb") as handle:
        data = handle.read()
    with open(os.path.join(folder, "revision-00000000-0000-0000-0000-0000000000ff.orc"), "wb") as handle:
        handle.write(data[: len(data) // 2])
    items["truncated ORC file"] = Item("", "")

    # next to the repositories: a symlink loop, and a symlink to a repository elsewhere
    os.symlink("loop", os.path.join(git_root, "loop"))
    items["symlink loop in the source folder"] = Item("", "loop")
    elsewhere = os.path.join(root, "elsewhere", "linked.git")
    make_bare_repo(elsewhere, f"https://github.com/{OWNER}/linked", {b"good_0.py": (_BLOB, good_python("linked"))})
    os.symlink(elsewhere, os.path.join(git_root, "linked.git"))
    items["symlink to a repository elsewhere"] = Item("", "linked.git")

    files = {(f"{OWNER}/{repo}", path.decode("utf-8", "backslashreplace")): data
             for repo, entries in specs.items() for path, (_mode, data) in entries.items()}
    good = sorted(key for key in files if key[1].startswith("good_"))
    return Catalogue(git_root, export, store, items, files, good)
