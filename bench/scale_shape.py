"""The scale model's exports: fork families with the archive's shape, written in the SWH
export layout (see bench/scale_model.py, which runs and reports them)."""

from __future__ import annotations

import collections
import datetime
import gzip
import hashlib
import os
import random
import shutil
import sys
import time
from typing import Dict, List, Optional, Tuple

from pipeline.samples import MIT_LICENSE
from bench_swh_export import WORDS, text
from bench_unreachable import Ids, write_inflated

#: (upstream files, forks) of the fork families of one block; ``chain``/``prs``/``submodule``:
#: the block's family that carries that feature
FAMILIES = [
    {"files": 30, "forks": 0},
    {"files": 45, "forks": 0, "submodule": True},
    {"files": 18, "forks": 0},
    {"files": 90, "forks": 1},
    {"files": 60, "forks": 2, "prs": True},
    {"files": 150, "forks": 3},
    {"files": 22, "forks": 0},
    {"files": 110, "forks": 5, "chain": True},
    {"files": 38, "forks": 1},
    {"files": 225, "forks": 8},
]
MAX_TREE_DEPTH = 12
CHAIN_DEPTH = 60
#: file names' extensions (``.cs`` of this text needs the language stage's content model: ~1 in 12)
EXTENSIONS = (".py", ".py", ".py", ".js", ".go", ".cpp", ".java", ".rb", ".c", ".md", ".ts", ".cs")
BASE_TIME_US = 1_700_000_000 * 1_000_000
_MODE_DIR, _MODE_FILE, _MODE_LINK, _MODE_REV = 0o040000, 0o100644, 0o120000, 0o160000

MIT = MIT_LICENSE  # pipeline/samples.py: "MIT License ... Copyright (c) {year} {holder} ..."


# --- the model ------------------------------------------------------------------------------

def _when(us: int) -> datetime.datetime:
    return datetime.datetime(1970, 1, 1) + datetime.timedelta(microseconds=us)


def _tree_key(entry) -> bytes:
    name, kind = entry[0], entry[1]
    return name + b"/" if kind == "dir" else name


class Model:
    """The rows of one plain export (reachable objects only) and its content store, as built."""

    def __init__(self, store: str, seed: int, historic: int):
        from pipeline.swh_fixtures import _schemas

        self.store = store
        self.ids = Ids(seed)  # the same ids bench_unreachable.historic_rows gives historic versions
        self.historic = historic
        self.rows: Dict[str, Dict[tuple, tuple]] = {t: {} for t in _schemas()}
        self.listing: Dict[str, List[tuple]] = {}  # directory -> [(name, kind, target, perms)]
        self.blob_length: Dict[str, int] = {}  # sha1_git -> length
        self.blob_bytes = 0  # bytes of the unique blobs
        self.roots: Dict[str, str] = {}  # origin -> root directory of its latest snapshot
        self.visits: Dict[str, List[Tuple[str, str]]] = {}  # origin -> [(status, snapshot)] of its visits
        os.makedirs(store, exist_ok=True)

    # objects
    def blob(self, raw: bytes) -> str:
        sha1_git = hashlib.sha1(b"blob %d\x00" % len(raw) + raw).hexdigest()
        if sha1_git not in self.blob_length:
            sha1 = hashlib.sha1(raw).hexdigest()
            self.rows["content"][(sha1_git,)] = (
                sha1, sha1_git, hashlib.sha256(raw).hexdigest(), hashlib.blake2s(raw).hexdigest(), len(raw),
                "visible", None)
            with open(os.path.join(self.store, sha1), "wb") as handle:
                handle.write(gzip.compress(raw, compresslevel=1, mtime=0))
            self.blob_length[sha1_git] = len(raw)
            self.blob_bytes += len(raw)
        return sha1_git

    def raw(self, sha1_git: str) -> bytes:
        with open(os.path.join(self.store, self.rows["content"][(sha1_git,)][0]), "rb") as handle:
            return gzip.decompress(handle.read())

    def directory(self, entries: List[tuple]) -> str:
        """``entries``: ``(name bytes, kind, target hex, perms)``; its git tree id."""
        entries = sorted(entries, key=_tree_key)
        body = b"".join(b"%o %s\x00" % (perms, name) + bytes.fromhex(target) for name, _k, target, perms in entries)
        tree = hashlib.sha1(b"tree %d\x00" % len(body) + body).hexdigest()
        if tree not in self.listing:
            self.listing[tree] = entries
            self.rows["directory"][(tree,)] = (tree, None)
            for name, kind, target, perms in entries:
                self.rows["directory_entry"][(tree, name)] = (tree, name, kind, target, perms)
        return tree

    def tree(self, files: Dict[str, tuple]) -> str:
        """``{path: (kind, target, perms)}`` -> root directory id (subtrees shared by id)."""
        here, below = [], collections.defaultdict(dict)
        for path, leaf in files.items():
            head, sep, rest = path.partition("/")
            if sep:
                below[head][rest] = leaf
            else:
                here.append((head.encode(), leaf[0], leaf[1], leaf[2]))
        for name, sub in below.items():
            here.append((name.encode(), "dir", self.tree(sub), _MODE_DIR))
        return self.directory(here)

    def revision(self, key: str, root: str, when_us: int, message: bytes) -> str:
        rev = self.ids("head", key)
        author = hashlib.sha256(f"{key} <dev@example.org>".encode()).digest()
        self.rows["revision"][(rev,)] = (rev, message, author, _when(when_us), 0, b"+0000", author, _when(when_us), 0,
                                         b"+0000", root, "git", None)
        if self.historic:  # its parent: the newest historic version (bench_unreachable.historic_rows' ids)
            self.rows["revision_history"][(rev, 0)] = (rev, self.ids("rev", rev, self.historic - 1), 0)
        return rev

    def old_rev(self, rev: str, version: int) -> str:
        """A historic revision of ``rev`` (written by ``historic_rows``), or ``rev`` without history."""
        return self.ids("rev", rev, version % self.historic) if self.historic else rev

    def release(self, name: bytes, target: str, when_us: int) -> str:
        rel = self.ids("release", name, target)
        self.rows["release"][(rel,)] = (rel, name, b"release " + name + b"\n", target, "revision",
                                        hashlib.sha256(b"tagger").digest(), _when(when_us), 0, b"+0000", None)
        return rel

    def snapshot(self, branches: Dict[bytes, tuple]) -> str:
        from pipeline.sources.swhid import snapshot_id

        snap = snapshot_id(branches)
        if (snap,) not in self.rows["snapshot"]:
            self.rows["snapshot"][(snap,)] = (snap,)
            for name, (kind, target) in sorted(branches.items()):
                self.rows["snapshot_branch"][(snap, name)] = (snap, name, target.hex(), kind)
        return snap

    def origin(self, url: str, snapshots: List[Tuple[str, str]], when_us: int) -> None:
        """``snapshots``: ``[(status, snapshot or "")]`` of its visits 1, 2, ..., an hour apart."""
        self.rows["origin"][(url,)] = (hashlib.sha1(url.encode()).hexdigest(), url)
        for visit, (status, snap) in enumerate(snapshots, 1):
            at = when_us + visit * 3_600 * 1_000_000
            self.rows["origin_visit"][(url, visit)] = (url, visit, _when(at), "git")
            self.rows["origin_visit_status"][(url, visit, 0)] = (url, visit, _when(at), "created", None, "git")
            if status != "created":
                self.rows["origin_visit_status"][(url, visit, 1)] = (url, visit, _when(at + 60_000_000), status,
                                                                     snap or None, "git")

    # what the walk reaches
    def reachable(self) -> Tuple[int, int, int]:
        """``(entries, files, file bytes)`` reached from the distinct latest roots (each
        occurrence of a shared subtree counts)."""
        memo: Dict[str, Tuple[int, int, int]] = {}

        def size(directory: str) -> Tuple[int, int, int]:
            if directory in memo:
                return memo[directory]
            entries, files, nbytes = 0, 0, 0
            for _name, kind, target, perms in self.listing.get(directory, ()):
                entries += 1
                if kind == "dir":
                    sub = size(target)
                    entries, files, nbytes = entries + sub[0], files + sub[1], nbytes + sub[2]
                elif kind == "file" and perms != _MODE_LINK:
                    files += 1
                    nbytes += self.blob_length[target]
            memo[directory] = (entries, files, nbytes)
            return memo[directory]

        sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))
        totals = [size(root) for root in set(self.roots.values())]
        return tuple(sum(t[i] for t in totals) for i in range(3))

    def write(self, export: str) -> Dict[str, int]:
        from pipeline.swh_fixtures import write_table

        counts = {}
        for table, rows in sorted(self.rows.items()):
            keys = sorted(rows)
            write_table(export, table, [rows[k] for k in keys], keys)
            counts[table] = len(keys)
        return counts


def _file_text(rng: random.Random, flags: Tuple[bool, bool]) -> bytes:
    body = text(rng)
    email, ip = flags
    if email:
        body += b"# maintainer: %s.%s@example.org\n" % (rng.choice(WORDS).encode(), rng.choice(WORDS).encode())
    if ip:
        body += b"HOST = \"203.0.%d.%d\"\n" % (rng.randint(0, 255), rng.randint(1, 254))
    return body


def _upstream(model: Model, rng: random.Random, n_files: int, pool: List[str], holder: str, year: int,
              template: dict) -> Dict[str, tuple]:
    """The file map ``{path: (kind, target, perms)}`` of an upstream repository."""
    folders = [""]
    for _ in range(max(1, n_files // rng.choice((4, 6, 8, 10)))):
        parent = rng.choice(folders)
        if parent.count("/") < MAX_TREE_DEPTH:
            folders.append(f"{parent}{rng.choice(WORDS)}{len(folders)}/")
    files: Dict[str, tuple] = {
        "LICENSE": ("file", model.blob(MIT.format(year=year, holder=holder).encode()), _MODE_FILE),
        "README.md": ("file", model.blob(b"# %s\n\n%s" % (holder.encode(), text(rng))), _MODE_FILE),
    }
    for folder in folders[1:]:
        if rng.random() < 0.15:
            files[f"{folder}__init__.py"] = ("file", model.blob(b""), _MODE_FILE)
    while len(files) < n_files:
        folder = rng.choice(folders)
        if rng.random() < 0.02:
            target = rng.choice(pool)
        else:
            target = model.blob(_file_text(rng, (rng.random() < 0.05, rng.random() < 0.02)))
        files[f"{folder}{rng.choice(WORDS)}{len(files)}{rng.choice(EXTENSIONS)}"] = ("file", target, _MODE_FILE)
    if template.get("chain"):  # a 60-deep folder chain, a file every tenth level
        path = "deps"
        for level in range(1, CHAIN_DEPTH):
            path += f"/n{level}"
            if level % 10 == 0 or level == CHAIN_DEPTH - 1:
                files[f"{path}/mod{level}.js"] = ("file", model.blob(_file_text(rng, (False, False))), _MODE_FILE)
    if template.get("submodule"):
        files["third_party/lib"] = ("rev", hashlib.sha1(holder.encode()).hexdigest(), _MODE_REV)
        files["docs/link.md"] = ("file", model.blob(b"../README.md"), _MODE_LINK)
    return files


def _fork(model: Model, rng: random.Random, files: Dict[str, tuple], changes: int) -> Dict[str, tuple]:
    """A fork of ``files``: ``changes`` edits (a line of a file, a new file, a file gone)."""
    out = dict(files)
    plain = [p for p, (kind, _t, perms) in sorted(out.items()) if kind == "file" and perms == _MODE_FILE
             and p != "LICENSE" and not p.endswith("__init__.py")]
    for change in range(changes):
        kind = change % 3
        path = plain.pop(rng.randrange(len(plain)))
        if kind == 0:  # one line of the file changed: a near duplicate
            lines = model.raw(out[path][1]).splitlines(keepends=True) or [b"\n"]
            lines[rng.randrange(len(lines))] = b"# fork edit %d\n" % rng.randint(0, 1 << 30)
            out[path] = ("file", model.blob(b"".join(lines)), _MODE_FILE)
        elif kind == 1:  # a new file beside it
            folder = path.rsplit("/", 1)[0] + "/" if "/" in path else ""
            out[f"{folder}fork{rng.randint(0, 1 << 30)}.py"] = ("file", model.blob(_file_text(rng, (False, False))),
                                                                 _MODE_FILE)
        else:
            out.pop(path, None)
    return out


def make_model(work: str, scale: int, seed: int, historic: int, huge_entries: int, pr_refs: int) -> Model:
    """The plain model at ``scale`` (blocks of :data:`FAMILIES`, one huge directory)."""
    model = Model(os.path.join(work, "content"), seed, historic)
    visit_base = BASE_TIME_US + 400 * 86_400 * 1_000_000

    def publish(url: str, files: Optional[Dict[str, tuple]], rng: random.Random, template: dict, key: str,
                same_as: Optional[str] = None):
        """A repository's revision, snapshots and visits; ``same_as``: share that origin's snapshot."""
        if same_as is not None:
            snaps = model.visits[same_as]
            model.roots[url] = model.roots[same_as]
        else:
            root = model.tree(files)
            rev = model.revision(key, root, BASE_TIME_US + rng.randint(0, 300) * 86_400 * 1_000_000,
                                 b"release of " + key.encode() + b"\n")
            main = b"refs/heads/main" if rng.random() < 0.7 else b"refs/heads/master"
            branches = {b"HEAD": ("alias", main), main: ("revision", bytes.fromhex(rev)),
                        b"refs/heads/dev": ("revision", bytes.fromhex(model.old_rev(rev, 7)))}
            for tag in range(2):
                name = b"v0.%d" % tag
                rel = model.release(name, model.old_rev(rev, 3 + tag), BASE_TIME_US)
                branches[b"refs/tags/" + name] = ("release", bytes.fromhex(rel))
            if template.get("prs"):
                for pr in range(pr_refs):
                    branches[b"refs/pull/%d/head" % pr] = ("revision", bytes.fromhex(model.old_rev(rev, pr)))
            latest = model.snapshot(branches)
            older = [model.snapshot({b"HEAD": ("alias", main), main: ("revision", bytes.fromhex(model.old_rev(rev, v)))})
                     for v in (2, 5)]
            snaps = [("full", older[0]), ("full", older[1]), ("full", latest)]
            if rng.random() < 0.2:
                snaps += [("partial", older[0]), ("failed", "")]
            model.roots[url] = root
        model.visits[url] = snaps
        model.origin(url, snaps, visit_base)

    for block in range(scale):
        prng = random.Random(f"{seed}/pool/{block}")
        pool = [model.blob(_file_text(prng, (False, False))) for _ in range(20)]
        for index, template in enumerate(FAMILIES):
            rng = random.Random(f"{seed}/family/{block}/{index}")
            name = f"b{block}f{index}"
            holder = f"The {name} authors"
            upstream = _upstream(model, rng, template["files"], pool, holder, 2000 + index, template)
            up_url = f"https://github.com/org-{name}/project-{name}"
            publish(up_url, upstream, rng, template, up_url)
            for fork in range(template["forks"]):
                url = f"https://github.com/user{fork}-{name}/project-{name}"
                if fork % 3 == 2:
                    publish(url, None, rng, template, url, same_as=up_url)
                else:
                    publish(url, _fork(model, rng, upstream, 1 + fork % 3), rng, template, url)
    rng = random.Random(f"{seed}/huge")
    files = {"LICENSE": ("file", model.blob(MIT.format(year=2010, holder="Fixture Makers").encode()), _MODE_FILE),
             "README.md": ("file", model.blob(b"# fixtures\n\n" + text(rng)), _MODE_FILE)}
    for case in range(huge_entries * scale):
        words = " ".join(rng.choice(WORDS) for _ in range(rng.randint(4, 12)))
        files[f"cases/case{case:07d}.txt"] = ("file", model.blob(
            b"case %d\ninput: %s\nexpected: %d\n" % (case, words.encode(), rng.randint(0, 1 << 20))), _MODE_FILE)
    publish("https://github.com/fixtures/huge-corpus", files, rng, {}, "huge-corpus")
    return model


def table_figures(export: str) -> Tuple[Dict[str, int], Dict[str, int], Dict[str, int]]:
    """``(rows, ORC bytes, shuffled IPC bytes)`` per table. The IPC bytes are the Arrow pieces
    the source shuffles for each bucketed table, made here with the source's own functions
    (``origin_visit_status``: its projected Arrow bytes; it is reduced before its combine)."""
    import pyarrow.orc

    from pipeline.sources.swh_export.buckets import BUCKET_BYTES, PIECE_DIGITS, TABLE_KEYS, digits_for, split_by_bucket, to_ipc
    from pipeline.sources.swh_export.tables import TABLES, _columns, canonical

    rows, sizes, ipc = {}, {}, {}
    for table in sorted(os.listdir(os.path.join(export, "orc"))):
        folder = os.path.join(export, "orc", table)
        paths = sorted(os.path.join(folder, n) for n in os.listdir(folder) if n.endswith(".orc"))
        sizes[table] = sum(os.path.getsize(p) for p in paths)
        rows[table] = 0
        if table not in TABLES:
            for path in paths:
                rows[table] += pyarrow.orc.ORCFile(path).nrows
            continue
        ipc[table] = 0
        digits = min(digits_for(sizes[table], BUCKET_BYTES), PIECE_DIGITS)
        for path in paths:
            orc = pyarrow.orc.ORCFile(path)
            rows[table] += orc.nrows
            for stripe in range(orc.nstripes):
                batch = orc.read_stripe(stripe, columns=_columns(table, orc.schema.names))
                if table in TABLE_KEYS:
                    pieces, _ = split_by_bucket(canonical(table, batch), TABLE_KEYS[table], digits)
                    ipc[table] += sum(len(to_ipc(piece)) for _bucket, piece in pieces)
                else:
                    ipc[table] += batch.nbytes
    return rows, sizes, ipc


def make_export(work: str, scale: int, args) -> dict:
    """The model at ``scale`` as an export (``work/export``) and content store (``work/content``)."""
    started = time.process_time()
    model = make_model(work, scale, args.seed, args.historic, args.huge_entries, args.pr_refs)
    entries, files, file_bytes = model.reachable()
    plain = os.path.join(work, "plain")
    plain_rows = model.write(plain)
    export = os.path.join(work, "export")
    write_inflated(plain, export, args.historic, args.seed, args.change, args.files_per_table, args.stripe_kb * 1024)
    shutil.rmtree(plain)
    rows, sizes, ipc = table_figures(export)
    depths = _depths(model)
    info = {
        "scale": scale, "table_rows": rows, "table_bytes": sizes, "table_shuffle_ipc_bytes": ipc,
        "reachable_entries": entries, "files": files, "blob_bytes": file_bytes,
        "unique_blobs": len(model.blob_length), "unique_blob_bytes": model.blob_bytes,
        "origins": len(model.roots), "distinct_roots": len(set(model.roots.values())),
        "reachable_directories": plain_rows["directory"], "historic_directories": rows["directory"] - plain_rows["directory"],
        "reachable_directory_entry_rows": plain_rows["directory_entry"],
        "max_depth": depths[0], "depth_p95": depths[1], "max_entries": depths[2], "median_entries": depths[3],
        "generate_cpu_seconds": time.process_time() - started,
    }
    return dict(info, export=export, store=model.store)


def _depths(model: Model) -> Tuple[int, int, int, int]:
    """(deepest folder, 95th percentile of file depths, largest directory, median directory size)
    over the distinct roots' trees."""
    file_depths: List[int] = []
    seen = set()
    stack = [(root, 0) for root in set(model.roots.values())]
    while stack:
        directory, depth = stack.pop()
        if (directory, depth) in seen:
            continue
        seen.add((directory, depth))
        for _name, kind, target, _perms in model.listing.get(directory, ()):
            if kind == "dir":
                stack.append((target, depth + 1))
            else:
                file_depths.append(depth)
    file_depths.sort()
    sizes = sorted(len(v) for v in model.listing.values())
    return (max(d for _dir, d in seen), file_depths[int(0.95 * (len(file_depths) - 1))], sizes[-1],
            sizes[len(sizes) // 2])
