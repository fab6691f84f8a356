"""A realistic corpus from real code available offline: the installed Python
distributions of this environment, each laid out as a bare git repository with
its own files (license files included), fixed author and date.

    python bench/corpus.py OUT_DIR --megabytes 50

Deterministic: distributions sorted by name, files sorted by path, taken until
the byte budget is reached; the same environment gives the same repositories.

Past this environment's distributions (about 540 MB here), the corpus goes on
with other real source on the machine, in a fixed order, each found only where
it exists (:func:`extra_sources`): the other Python installations' distributions
and standard libraries, the JDK's ``src.zip`` (one repository per module, with
its ``legal/`` files), Go's source tree, the Google Cloud SDK, ``/usr/include``,
``/usr/share``, global node modules, and last the wheels and source archives
in ``--archives DIR`` (``python bench/corpus.py OUT --archives DIR
--fetch-archives`` downloads the pinned pure-Python wheels :data:`PYPI_ARCHIVES`
there with pip). From these only text files are taken (no NUL byte in the
first 8 KiB, at most 2 MB each). A budget this environment's distributions can
fill gives the same corpus as before these were added.
"""

from __future__ import annotations

import argparse
import glob
import hashlib
import importlib.metadata
import json
import os
import subprocess
import sys
import tarfile
import zipfile
from typing import Callable, Dict, Iterator, List, Optional, Tuple

FIXED_TIME = 1_700_000_000
MAX_FILE = 2_000_000


def distribution_files(dist) -> List[Tuple[str, str]]:
    """``(path in repo, absolute path)`` of a distribution's installed files."""
    out = []
    for f in dist.files or []:
        rel = str(f)
        if rel.startswith("..") or "__pycache__" in rel or rel.endswith((".pyc", ".so")):
            continue
        full = str(f.locate())
        if os.path.isfile(full) and os.path.getsize(full) <= MAX_FILE:
            out.append((rel.replace(os.sep, "/"), full))
    return sorted(out)


def _write_tree(repo, files: Dict[str, bytes]):
    import pygit2

    children: Dict[str, Dict[str, bytes]] = {}
    builder = repo.TreeBuilder()
    for path, data in sorted(files.items()):
        head, _, rest = path.partition("/")
        if rest:
            children.setdefault(head, {})[rest] = data
        else:
            builder.insert(head, repo.create_blob(data), pygit2.GIT_FILEMODE_BLOB)
    for name, sub in sorted(children.items()):
        builder.insert(name, _write_tree(repo, sub), pygit2.GIT_FILEMODE_TREE)
    return builder.write()


def make_bare_repository(folder: str, origin: str, files: Dict[str, bytes]) -> None:
    import pygit2

    repo = pygit2.init_repository(folder, bare=True, initial_head="main")
    repo.remotes.create("origin", origin)
    tree = _write_tree(repo, files)
    sig = pygit2.Signature("Bench Author", "bench@example.org", FIXED_TIME, 0)
    repo.create_commit("refs/heads/main", sig, sig, "import\n", tree, [])


#: pure-Python wheels from PyPI, pinned: the last source after the machine's own (see --fetch-archives);
#: their text is Python source, YAML, docs and translations (~483 MB)
PYPI_ARCHIVES = ("ansible==10.7.0", "ansible-core==2.17.7", "azure-cli==2.67.0", "Django==5.1.4",
                 "homeassistant==2024.12.5", "transformers==4.47.1")

SKIP_DIRS = {"__pycache__", ".git", ".hg", ".svn", "node_modules"}
TEXT_PROBE = 8192

#: a repository to be: (folder name, origin url, label of where it came from, its files when asked)
Candidate = Tuple[str, str, str, Callable[[], Dict[str, bytes]]]


def is_text(data: bytes) -> bool:
    return b"\0" not in data[:TEXT_PROBE]


def tree_files(root: str, skip: Tuple[str, ...] = ()) -> Dict[str, bytes]:
    """The text files under ``root`` (symlinks, binaries, files over MAX_FILE and folders
    named in ``skip`` or :data:`SKIP_DIRS` left out), by path relative to ``root``."""
    files = {}
    for folder, dirs, names in os.walk(root):
        rel_folder = os.path.relpath(folder, root)
        dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS and os.path.normpath(os.path.join(rel_folder, d)) not in skip
                         and not os.path.islink(os.path.join(folder, d)))
        for name in sorted(names):
            full = os.path.join(folder, name)
            if os.path.islink(full) or not os.path.isfile(full) or name.endswith((".pyc", ".so")):
                continue
            size = os.path.getsize(full)
            if not 0 < size <= MAX_FILE:
                continue
            with open(full, "rb") as handle:
                data = handle.read()
            if is_text(data):
                files[os.path.normpath(os.path.join(rel_folder, name)).replace(os.sep, "/")] = data
    return files


def _loose_files(root: str) -> Dict[str, bytes]:
    files = {}
    for name in sorted(os.listdir(root)):
        full = os.path.join(root, name)
        if os.path.isfile(full) and not os.path.islink(full) and 0 < os.path.getsize(full) <= MAX_FILE:
            with open(full, "rb") as handle:
                data = handle.read()
            if is_text(data):
                files[name] = data
    return files


def _slug(text: str) -> str:
    return "".join(c if c.isalnum() or c in "-._" else "-" for c in text).strip("-.").lower() or "root"


def children_candidates(label: str, owner: str, root: str) -> Iterator[Candidate]:
    """Each child folder of ``root`` a repository; ``root``'s own files one more."""
    if not os.path.isdir(root):
        return
    yield (f"{owner}--{_slug(label)}", f"https://github.com/{owner}/{_slug(label)}", label, lambda: _loose_files(root))
    for name in sorted(os.listdir(root)):
        full = os.path.join(root, name)
        if os.path.isdir(full) and not os.path.islink(full) and name not in SKIP_DIRS:
            yield (f"{owner}--{_slug(name)}", f"https://github.com/{owner}/{_slug(name)}", label,
                   lambda full=full: tree_files(full))


def _text_distribution_files(dist) -> Dict[str, bytes]:
    files = {}
    for rel, full in distribution_files(dist):
        with open(full, "rb") as handle:
            data = handle.read()
        if is_text(data):
            files[rel] = data
    return files


def python_candidates(seen: set) -> Iterator[Candidate]:
    """Other Python installations: their distributions not seen yet (by name), and each
    one's standard library as a repository."""
    prefixes = sorted(glob.glob(os.path.expanduser("~/.pyenv/versions/*/lib/python[0-9]*"))) + sorted(
        glob.glob("/usr/lib/python3*")) + sorted(glob.glob("/usr/lib/google-cloud-sdk/platform/bundledpythonunix/lib/python3*"))
    for lib in prefixes:
        if not os.path.isdir(lib) or os.path.realpath(lib) != lib:
            continue
        for sp in ("site-packages", "dist-packages"):
            packages = os.path.join(lib, sp)
            if not os.path.isdir(packages):
                continue
            dists = sorted(importlib.metadata.distributions(path=[packages]),
                           key=lambda d: (d.metadata["Name"] or "").lower())
            for dist in dists:
                name = (dist.metadata["Name"] or "").lower().replace("_", "-")
                if not name or name in seen:
                    continue
                seen.add(name)
                yield (name, f"https://github.com/pypi-bench/{name}", f"distributions in {packages}",
                       lambda dist=dist: _text_distribution_files(dist))
        if os.path.basename(lib) == "python3":
            continue  # /usr/lib/python3: Debian's dist-packages only
        version = os.path.basename(lib)[len("python"):]
        where = os.path.dirname(os.path.dirname(lib))
        slug = _slug(f"cpython-{version}-{where}")
        yield (slug, f"https://github.com/stdlib-bench/{slug}", f"standard library {lib}",
               lambda lib=lib: tree_files(lib, skip=("site-packages", "dist-packages", "lib-dynload")))


def jdk_candidates() -> Iterator[Candidate]:
    """Each module of each JDK's src.zip a repository, with the JDK's legal notices for it."""
    archives = sorted({os.path.realpath(p) for p in glob.glob("/usr/lib/jvm/*/lib/src.zip") if os.path.isfile(p)})
    for archive in archives:
        home = os.path.dirname(os.path.dirname(archive))
        jdk = _slug(os.path.basename(home))
        with zipfile.ZipFile(archive) as z:
            modules = sorted({i.filename.split("/", 1)[0] for i in z.infolist() if "/" in i.filename})

        def files(module, archive=archive, home=home):
            out = {}
            with zipfile.ZipFile(archive) as z:
                for info in sorted(z.infolist(), key=lambda i: i.filename):
                    if info.is_dir() or not info.filename.startswith(module + "/") or not 0 < info.file_size <= MAX_FILE:
                        continue
                    data = z.read(info)
                    if is_text(data):
                        out[info.filename[len(module) + 1:]] = data
            legal = os.path.join(home, "legal", module)
            if os.path.isdir(legal):
                for name, data in tree_files(os.path.realpath(legal)).items():
                    out["legal/" + name] = data
            return out

        for module in modules:
            yield (f"{jdk}--{_slug(module)}", f"https://github.com/{jdk}/{_slug(module)}", f"JDK sources {archive}",
                   lambda module=module, files=files: files(module))


def go_candidates() -> Iterator[Candidate]:
    root = "/usr/local/go"
    if os.path.isdir(os.path.join(root, "src")):
        yield ("golang--go", "https://github.com/golang/go", f"Go source tree {root}",
               lambda: tree_files(root, skip=("bin", "pkg")))


def archive_candidates(folder: Optional[str]) -> Iterator[Candidate]:
    """Each archive in ``folder`` a repository: wheels (.whl) as they are, source archives
    (.tar.gz, .zip) with their top folder stripped."""
    if not folder or not os.path.isdir(folder):
        return
    for name in sorted(os.listdir(folder)):
        path = os.path.join(folder, name)
        suffix = next((s for s in (".whl", ".tar.gz", ".zip") if name.endswith(s)), None)
        if suffix is None:
            continue
        slug = _slug(name[: -len(suffix)].split("-")[0])

        def files(path=path, strip=suffix != ".whl"):
            if path.endswith((".whl", ".zip")):
                with zipfile.ZipFile(path) as z:
                    members = [(i.filename, i.file_size, lambda i=i: z.read(i)) for i in z.infolist() if not i.is_dir()]
                    return _archive_files(members, strip)
            with tarfile.open(path) as t:
                members = [(m.name, m.size, lambda m=m: t.extractfile(m).read()) for m in t.getmembers() if m.isfile()]
                return _archive_files(members, strip)

        yield (f"pypi--{slug}", f"https://github.com/pypi-archives/{slug}", f"archives in {folder}", files)


def _archive_files(members, strip: bool) -> Dict[str, bytes]:
    out = {}
    for name, size, read in sorted(members, key=lambda m: m[0]):
        rel = (name.split("/", 1)[1] if "/" in name else "") if strip else name
        if not rel or not 0 < size <= MAX_FILE or any(part in SKIP_DIRS for part in rel.split("/")):
            continue
        data = read()
        if is_text(data):
            out[rel] = data
    return out


def extra_sources(seen: set, archives: Optional[str] = None) -> Iterator[Candidate]:
    """Real source past this environment's distributions, in a fixed order."""
    yield from python_candidates(seen)
    yield from jdk_candidates()
    yield from go_candidates()
    sdk = "/usr/lib/google-cloud-sdk"
    for sub in ("lib/googlecloudsdk", "lib/surface", "lib/third_party", "platform"):
        yield from children_candidates(f"gcloud-{sub.replace('/', '-')}", "google-cloud-sdk", os.path.join(sdk, sub))
    yield from children_candidates("usr-include", "usr-include", "/usr/include")
    yield from children_candidates("usr-share", "usr-share", "/usr/share")
    yield from children_candidates("node-modules", "node-modules", "/usr/lib/node_modules")
    yield from archive_candidates(archives)


def fetch_archives(folder: str) -> None:
    """Download the pinned :data:`PYPI_ARCHIVES` into ``folder`` with pip (kept when there already)."""
    os.makedirs(folder, exist_ok=True)
    subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary", ":all:", "--python-version",
                    "3.12", "-d", folder, *PYPI_ARCHIVES], check=True)


def build_corpus(out: str, megabytes: float, archives: Optional[str] = None) -> Dict[str, int]:
    budget = int(megabytes * 1_000_000)
    used = repos = files_total = text_bytes = 0
    unique: set = set()
    unique_bytes = 0
    origins: Dict[str, int] = {}
    dists = sorted(importlib.metadata.distributions(), key=lambda d: (d.metadata["Name"] or "").lower())
    seen = set()

    def environment() -> Iterator[Candidate]:
        for dist in dists:
            name = (dist.metadata["Name"] or "").lower().replace("_", "-")
            if not name or name in seen:
                continue
            seen.add(name)

            def files(dist=dist):
                out = {}
                for rel, full in distribution_files(dist):
                    with open(full, "rb") as handle:
                        out[rel] = handle.read()
                return out

            yield name, f"https://github.com/pypi-bench/{name}", "this environment's distributions", files

    def candidates() -> Iterator[Candidate]:
        yield from environment()
        yield from extra_sources(seen, archives)

    folders = set()
    for folder, origin, label, read in candidates():
        if used >= budget:
            break
        if folder in folders:  # a name taken by an earlier source (e.g. two SDK folders named ``dns``): skipped
            continue
        files = read()
        size = sum(map(len, files.values()))
        if not files or used + size > budget * 1.05 and used > 0:
            continue
        folders.add(folder)
        make_bare_repository(os.path.join(out, f"{folder}.git"), origin, files)
        used += size
        repos += 1
        files_total += len(files)
        origins[label] = origins.get(label, 0) + size
        for data in files.values():
            text_bytes += len(data) if is_text(data) else 0
            digest = hashlib.sha1(data).digest()
            if digest not in unique:
                unique.add(digest)
                unique_bytes += len(data)
    return {"repositories": repos, "files": files_total, "bytes": used, "text_bytes": text_bytes,
            "unique_bytes": unique_bytes, "origins": origins}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out")
    parser.add_argument("--megabytes", type=float, default=50)
    parser.add_argument("--archives", default=None, help="a folder of wheels / source archives, the corpus's last source")
    parser.add_argument("--fetch-archives", action="store_true",
                        help="first download the pinned PYPI_ARCHIVES into --archives (pip)")
    args = parser.parse_args(argv)
    if args.fetch_archives:
        fetch_archives(args.archives or parser.error("--fetch-archives needs --archives DIR"))
    print(json.dumps(build_corpus(args.out, args.megabytes, args.archives)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
