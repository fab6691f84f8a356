"""codestack optout add | validate | check | apply: the opt-out registry and the releases that honour it.

``add`` writes an entry in canonical form; ``validate`` prints ``FILE:LINE: what
is wrong`` for each problem and exits 1; ``check`` says whether an origin (or its
owner) is in the registry and whether given releases still hold files from it;
``apply`` makes a patch release of an existing release without the opted-out
repositories: only the shards holding their rows are rewritten (same Parquet
writer as the pipeline, rows in their original order), every other shard is
carried over byte-identical; then the release ends as a build does
(``manifests.publish.finish_release``): CHANGELOG entry (counts removed and the
registry digest, no names), dataset card, manifest, SHA256SUMS.

Releases hold each row's ``repo_name`` and repository ``github_id`` but not its
owner's id: with ``--repo-metadata FILE`` (the build's metadata file, with an
``owner_id`` column) ``check`` and ``apply`` look a row's owner id up there (by
github_id, else by repo_name), so an ``owner`` entry with a ``github_id`` still
covers a renamed account's repositories. A ``repository`` entry's ``github_id``
needs no metadata: the rows carry it.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import re
import shutil
import sys
from typing import Any, Dict, Iterable, Iterator, List, Optional, Set, Tuple

from pipeline.errors import UsageError

EXAMPLES = """examples:
  codestack optout add --registry registry/optout.yaml --owner Some-Dev \\
      --reference https://github.com/codestack-demo/codestack/issues/42
  codestack optout add --registry registry/optout.yaml --origin git@gitlab.com:team/tool.git \\
      --reference https://github.com/codestack-demo/codestack/pull/43 --requested 2024-06-01
  codestack optout validate registry/optout.yaml
  codestack optout check https://github.com/Some-Dev/project --release out/0.1.0 --release out/0.2.0
  codestack optout apply --release out/0.2.0 --output out/0.2.1
  codestack optout apply --release out/0.2.0 --output out/0.2.1 --repo-metadata repos.parquet"""

METADATA_HELP = ("the build's --repo-metadata file (Parquet or CSV with repo_name, github_id, owner_id): "
                 "owner ids of the release's rows, so owner entries with a github_id cover renamed accounts")

def register(sub) -> None:
    parser = sub.add_parser(
        "optout",
        help="the opt-out registry: add, validate, check, apply to a release",
        description="Manage the opt-out registry (registry/optout.yaml) and make releases honour it.",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    actions = parser.add_subparsers(dest="optout_command", metavar="ACTION")
    actions.required = True

    add = actions.add_parser(
        "add",
        help="add an entry (the file is rewritten in canonical form)",
        description="Add an owner, repository or origin to a registry file (created if missing) "
        "and rewrite it in canonical form.",
        epilog="example:\n  codestack optout add --registry registry/optout.yaml --owner Some-Dev "
        "--reference https://github.com/codestack-demo/codestack/issues/42",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add.add_argument("--registry", required=True, metavar="FILE", help="the registry file to change")
    what = add.add_mutually_exclusive_group(required=True)
    what.add_argument("--owner", metavar="NAME",
                      help="a GitHub account or organisation, or HOST/NAME: all its repositories")
    what.add_argument("--repository", metavar="OWNER/NAME", help="one GitHub repository, or HOST/OWNER/NAME")
    what.add_argument("--origin", metavar="URL", help="any origin URL (https, ssh, git, user@host:path)")
    add.add_argument("--reference", required=True, metavar="URL", help="the pull request or issue asking for it")
    add.add_argument("--requested", metavar="YYYY-MM-DD", help="date of the request (default: today, UTC)")
    add.add_argument("--github-id", type=int, metavar="N", help="GitHub numeric id of the account or repository")
    add.set_defaults(func=run_add)

    validate = actions.add_parser(
        "validate",
        help="check a registry file: schema, values, duplicates, canonical order (exit 1 on a problem)",
        description="Print FILE:LINE: what is wrong for each problem and exit 1;\nexit 0 when the file "
        "is valid and in canonical form.",
        epilog="example:\n  codestack optout validate registry/optout.yaml",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    validate.add_argument("file", nargs="?", metavar="FILE", help="default: the packaged registry")
    validate.set_defaults(func=run_validate)

    check = actions.add_parser(
        "check",
        help="is an origin (or its owner) in the registry, and still in these releases?",
        description="ORIGIN is a URL in any form, OWNER/NAME (GitHub) or an account NAME (all its\n"
        "repositories). Matching ignores case.\nExit 1 when the registry names it but a given release "
        "still holds files from it\n(patch that release with `codestack optout apply`).\n"
        "Rows are found by name and by GitHub id: a registry entry's github_id (or, with\n"
        "--repo-metadata, the ids the metadata gives ORIGIN) finds renamed repositories and,\n"
        "through the metadata's owner_id column, renamed accounts.",
        epilog="examples:\n  codestack optout check https://github.com/Some-Dev/project --release out/0.1.0\n"
        "  codestack optout check some-dev --release out/0.1.0 --repo-metadata repos.parquet",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    check.add_argument("origin", metavar="ORIGIN")
    check.add_argument("--release", action="append", default=[], metavar="DIR", help="a release folder (repeatable)")
    check.add_argument("--registry", metavar="FILE", help="default: the packaged registry")
    check.add_argument("--repo-metadata", metavar="FILE", help=METADATA_HELP)
    check.add_argument("--json", action="store_true", help="print one JSON object instead of text")
    check.set_defaults(func=run_check)

    apply = actions.add_parser(
        "apply",
        help="patch release of an existing release without the opted-out repositories",
        description="Write a patch release (patch version + 1) of --release to --output without the\n"
        "repositories the registry names: only the shards holding their rows are rewritten,\nthe others "
        "are copied byte-identical; then a CHANGELOG.md entry, the dataset card,\nmanifest.json and SHA256SUMS.\n"
        "A row is matched by repo_name and github_id; releases hold no owner ids, so an owner\n"
        "entry's github_id (a renamed account) needs --repo-metadata to find the owner's rows.",
        epilog="examples:\n  codestack optout apply --release out/0.2.0 --output out/0.2.1\n"
        "  codestack optout apply --release out/0.2.0 --output out/0.2.1 --repo-metadata repos.parquet",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    apply.add_argument("--release", required=True, metavar="DIR")
    apply.add_argument("--output", required=True, metavar="DIR")
    apply.add_argument("--registry", metavar="FILE", help="default: the packaged registry")
    apply.add_argument("--repo-metadata", metavar="FILE", help=METADATA_HELP)
    apply.set_defaults(func=run_apply)


# --------------------------------------------------------------------------
# add / validate
# --------------------------------------------------------------------------


def load_registry(path: Optional[str]):
    """The registry at ``path`` (default: packaged); a UsageError naming FILE:LINE if unusable."""
    from registry import RegistryError, load

    try:
        return load(path)
    except RegistryError as exc:
        target = f" {path}" if path else ""
        raise UsageError(f"{exc} (see: codestack optout validate{target})") from exc


def run_add(args) -> int:
    from registry import RegistryError, add, make_entry
    from registry.optout import dumps

    kind, value = next((k, getattr(args, k)) for k in ("owner", "repository", "origin") if getattr(args, k))
    requested = args.requested or datetime.datetime.now(datetime.timezone.utc).date().isoformat()
    try:
        entry = make_entry(kind, value, args.reference, requested, args.github_id)
    except ValueError as exc:
        raise UsageError(f"--{kind} / --reference / --requested: {exc}") from exc
    if os.path.isdir(args.registry):
        raise UsageError(f"--registry {args.registry}: is a folder, expected the registry file")
    if os.path.exists(args.registry):
        covering = load_registry(args.registry).matcher().match_key(entry.key)
        if covering and covering != entry.label and entry.kind != "owner":
            print(f"codestack: note: {entry.label} is already covered by {covering}; adding it anyway",
                  file=sys.stderr)
    try:
        registry = add(args.registry, entry)
    except RegistryError as exc:
        raise UsageError(f"{exc} (see: codestack optout validate {args.registry})") from exc
    except ValueError as exc:
        raise UsageError(str(exc)) from exc
    except OSError as exc:
        raise UsageError(f"--registry {args.registry}: cannot write: {exc.strerror or exc}") from exc
    block = dumps([entry]).split("entries:\n", 1)[1]
    sys.stdout.write(block)
    print(f"codestack: added {entry.label} to {args.registry} "
          f"({len(registry)} entries, sha256 {registry.digest})", file=sys.stderr)
    return 0


def run_validate(args) -> int:
    from registry import PACKAGED, Registry, RegistryError, parse
    from registry.optout import read_text

    path = args.file or PACKAGED
    if not os.path.exists(path):
        raise UsageError(f"{path}: no such file")
    if os.path.isdir(path):
        raise UsageError(f"{path}: is a folder, expected the registry file")
    try:
        entries, problems = parse(read_text(path), path)
    except RegistryError as exc:  # unreadable or not UTF-8: still FILE:LINE
        entries, problems = [], exc.problems
    for problem in problems:
        print(problem)
    if problems:
        print(f"codestack: {path}: {len(problems)} problem(s)", file=sys.stderr)
        return 1
    registry = Registry(entries=tuple(entries), path=path)
    print(f"codestack: {path}: OK ({len(registry)} entries, sha256 {registry.digest})", file=sys.stderr)
    return 0


# --------------------------------------------------------------------------
# --repo-metadata: GitHub ids the release rows do not carry
# --------------------------------------------------------------------------


def read_metadata(location: str) -> Iterator[Tuple[str, Any]]:
    """``(repo_name, RepoMeta)`` rows of a ``--repo-metadata`` file (the build's reader);
    a one-line UsageError when it cannot be read."""
    from pipeline.sources.swh_export import read_repo_metadata

    try:
        yield from read_repo_metadata(location)
    except (OSError, ValueError) as exc:
        raise UsageError(f"--repo-metadata {location}: cannot read it as Parquet or CSV: {exc}") from exc


class RepoOwners:
    """Owner ids of repositories, from metadata rows: looked up by the repository's
    github_id, else by its repo_name (case-insensitive, :func:`registry.repo_name_key`).
    A repository with several rows has every owner id they give (an opt-out errs on
    the side of leaving out)."""

    def __init__(self, rows: Iterable[Tuple[str, Any]]):
        from registry import repo_name_key

        by_id: Dict[int, Set[int]] = {}
        by_name: Dict[str, Set[int]] = {}
        self.rows = 0  # metadata rows with an owner id
        for repo_name, meta in rows:
            if meta.owner_id is None:
                continue
            self.rows += 1
            if meta.github_id is not None:
                by_id.setdefault(meta.github_id, set()).add(meta.owner_id)
            key = repo_name_key(repo_name)
            if key:
                by_name.setdefault(key, set()).add(meta.owner_id)
        self._by_id = {k: tuple(sorted(v)) for k, v in by_id.items()}
        self._by_name = {k: tuple(sorted(v)) for k, v in by_name.items()}

    def lookup(self, repo_name: str, github_id: Optional[int] = None) -> Tuple[int, ...]:
        from registry import repo_name_key

        if github_id is not None and github_id in self._by_id:
            return self._by_id[github_id]
        return self._by_name.get(repo_name_key(repo_name) or "", ())


def owners_of(location: str, owner_ids: Iterable[int]) -> RepoOwners:
    """The repositories of the accounts ``owner_ids`` in a metadata file (only those rows
    are kept: a full metadata file has a row per GitHub repository)."""
    wanted = set(owner_ids)
    return RepoOwners((name, meta) for name, meta in read_metadata(location) if meta.owner_id in wanted)


class ReleaseMatcher:
    """The registry's matcher for a release's rows and rejects, which carry no owner id:
    when :class:`RepoOwners` knows the row's owner ids, they are matched too."""

    def __init__(self, matcher, owners: Optional[RepoOwners] = None):
        self._matcher = matcher
        self._owners = owners

    def match(self, origin_url: str = "", repo_name: str = "", github_id: Optional[int] = None,
              owner_github_id: Optional[int] = None) -> Optional[str]:
        hit = self._matcher.match(origin_url=origin_url, repo_name=repo_name, github_id=github_id,
                                  owner_github_id=owner_github_id)
        if hit or self._owners is None:
            return hit
        for owner_id in self._owners.lookup(repo_name, github_id):
            hit = self._matcher.match(owner_github_id=owner_id)
            if hit:
                return hit
        return None


# --------------------------------------------------------------------------
# check
# --------------------------------------------------------------------------


def _release_manifest(release: str) -> Dict[str, Any]:
    from manifests.manifest import MANIFEST, read_manifest

    if not os.path.isdir(release):
        raise UsageError(f"--release {release}: not a folder")
    try:
        return read_manifest(release)
    except FileNotFoundError:
        raise UsageError(f"--release {release}: no {MANIFEST}; not a codestack release") from None
    except (OSError, ValueError) as exc:
        raise UsageError(f"--release {release}: cannot read {MANIFEST}: {exc}") from exc


def repo_name_counts(shard_path: str) -> Dict[Tuple[str, Optional[int]], int]:
    """``{(repo_name, github_id): rows}`` of one shard, reading only those two columns."""
    import pyarrow.parquet as pq

    table = pq.read_table(shard_path, columns=["repo_name", "github_id"])
    if table.num_rows == 0:
        return {}
    groups = table.group_by(["repo_name", "github_id"], use_threads=False).aggregate([([], "count_all")])
    return {(row["repo_name"], row["github_id"]): row["count_all"] for row in groups.to_pylist()}


def find_in_release(release: str, selects) -> Dict[str, Any]:
    """Files of ``release`` whose repository ``selects(repo_name, github_id)``:
    ``{"version", "files", "repositories": {repo_name: files}, "shards": [paths]}``."""
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    manifest = _release_manifest(release)
    found: Dict[str, int] = {}
    shards = []
    for shard in manifest.get("shards", []):
        path = os.path.join(release, shard["path"])
        names = sorted({name for (name, gid) in repo_name_counts(path) if selects(name, gid)})
        if not names:
            continue
        table = pq.read_table(path, columns=["repo_name"], filters=pc.field("repo_name").isin(names))
        for name, rows in sorted(_counts(table.column("repo_name")).items()):
            found[name] = found.get(name, 0) + rows
        shards.append(shard["path"])
    return {
        "release": release,
        "version": manifest.get("version"),
        "files": sum(found.values()),
        "repositories": dict(sorted(found.items())),
        "shards": shards,
    }


def _counts(column) -> Dict[str, int]:
    import pyarrow.compute as pc

    return {item["values"]: item["counts"] for item in pc.value_counts(column.combine_chunks()).to_pylist()}


def query_ids(registry, key: str, is_owner: bool, metadata: Optional[str] = None) -> Dict[str, Set[int]]:
    """The GitHub ids of what ``optout check`` asks about: ``{"repositories", "owners"}``.

    From the registry's entries spelled like the query, and, with ``metadata``, from the
    metadata rows of the query's name (the repository, or every repository of the owner)."""
    from registry import repo_name_key

    ids: Dict[str, Set[int]] = {"repositories": set(), "owners": set()}
    for entry in registry.entries:
        if entry.key == key and entry.github_id is not None:
            ids["owners" if entry.kind == "owner" else "repositories"].add(entry.github_id)
    if metadata:
        for repo_name, meta in read_metadata(metadata):
            name_key = repo_name_key(repo_name)
            if not name_key or not (name_key == key or (is_owner and name_key.startswith(key + "/"))):
                continue
            if meta.github_id is not None and not is_owner:
                ids["repositories"].add(meta.github_id)
            if meta.owner_id is not None:
                ids["owners"].add(meta.owner_id)
    return ids


def covering_entry(matcher, key: str, ids: Dict[str, Set[int]]) -> Tuple[Optional[str], bool]:
    """``(label, by_id)``: the entry that excludes the query, by name first, then by GitHub id."""
    hit = matcher.match_key(key)
    if hit:
        return hit, False
    for github_id in sorted(ids["repositories"]):
        hit = matcher.match(github_id=github_id)
        if hit:
            return hit, True
    for owner_id in sorted(ids["owners"]):
        hit = matcher.match(owner_github_id=owner_id)
        if hit:
            return hit, True
    return None, False


def run_check(args) -> int:
    from registry import query_key, repo_name_key

    registry = load_registry(args.registry)
    try:
        key, is_owner = query_key(args.origin)
    except ValueError as exc:
        raise UsageError(f"ORIGIN {args.origin!r}: {exc}") from exc
    matcher = registry.matcher()
    ids = query_ids(registry, key, is_owner, args.repo_metadata)
    covering, by_id = covering_entry(matcher, key, ids)
    entries = [e for e in registry.entries if e.key == key or e.key.startswith(key + "/") or
               (covering and e.label == covering)]
    # an owner's rows by owner id: the release rows carry none, the metadata gives them
    owners = owners_of(args.repo_metadata, ids["owners"]) if is_owner and args.repo_metadata and ids["owners"] else None

    def selects(repo_name: str, github_id) -> bool:
        name_key = repo_name_key(repo_name)
        if name_key and (name_key == key or (is_owner and name_key.startswith(key + "/"))):
            return True
        if github_id is not None and github_id in ids["repositories"]:
            return True
        return owners is not None and any(o in ids["owners"] for o in owners.lookup(repo_name, github_id))

    releases = [find_in_release(release, selects) for release in args.release]
    result = {
        "origin": args.origin,
        "key": key,
        "registry": registry.summary(),
        "excluded_by": covering,
        "github_ids": {kind: sorted(values) for kind, values in ids.items()},
        "entries": [dict(kind=e.kind, value=e.value, requested=e.requested, reference=e.reference,
                         github_id=e.github_id, line=e.line) for e in entries],
        "releases": releases,
    }
    if args.json:
        print(json.dumps(result, indent=2, sort_keys=True))
    else:
        where = registry.path
        if covering:
            print(f"{args.origin}: in the registry ({covering}{', by GitHub id' if by_id else ''})")
        else:
            print(f"{args.origin}: not in the registry")
        for e in entries:
            print(f"  {where}:{e.line}: {e.label}, requested {e.requested}, {e.reference}")
        for found in releases:
            if found["files"]:
                names = ", ".join(f"{name} ({n})" for name, n in found["repositories"].items())
                print(f"{found['release']} ({found['version']}): {found['files']} files from "
                      f"{len(found['repositories'])} repositories: {names}")
            else:
                print(f"{found['release']} ({found['version']}): no files from it")
    stale = [found["release"] for found in releases if found["files"]]
    if covering and stale:
        print(f"codestack: the registry excludes it but {len(stale)} release(s) still hold files from it; "
              f"patch them with: codestack optout apply --release DIR --output NEW_DIR"
              + (f" --repo-metadata {args.repo_metadata}" if args.repo_metadata else ""), file=sys.stderr)
        return 1
    return 0


# --------------------------------------------------------------------------
# apply
# --------------------------------------------------------------------------

_VERSION = re.compile(r"^(\d+)\.(\d+)\.(\d+)$")


def bump_patch(version: str) -> str:
    match = _VERSION.match(version or "")
    if not match:
        raise UsageError(f"release version {version!r} is not X.Y.Z")
    major, minor, patch = (int(g) for g in match.groups())
    return f"{major}.{minor}.{patch + 1}"


def _sink_config(manifest: Dict[str, Any]):
    import dataclasses

    from pipeline.sink import SinkConfig

    values = (manifest.get("config") or {}).get("sink") or {}
    known = {f.name for f in dataclasses.fields(SinkConfig)}
    return SinkConfig(**{k: v for k, v in values.items() if k in known})


def _records_of(table) -> List[Any]:
    """Rows of a shard as CodeFile records (timestamps back to ISO strings)."""
    from transforms.record import CodeFile

    records = []
    for row in table.to_pylist():
        for name, value in row.items():
            if isinstance(value, datetime.datetime):
                row[name] = value.isoformat()
        records.append(CodeFile(**row))
    return records


def _write(path: str, data: bytes) -> None:
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as handle:
        handle.write(data)


def _prepare_output(output: str, release: str) -> None:
    if os.path.abspath(output) == os.path.abspath(release):
        raise UsageError(f"--output {output}: must differ from --release")
    if os.path.exists(output):
        if not os.path.isdir(output):
            raise UsageError(f"--output {output}: exists and is not a folder")
        if os.listdir(output):
            raise UsageError(f"--output {output}: not empty; choose a new folder for the patch release")
    os.makedirs(output, exist_ok=True)


def repository_key(repo_name: str, origin_url: str = "") -> str:
    """One name per repository, whether read from a shard (repo_name) or a reject (origin too)."""
    from registry import origin_key, repo_name_key

    if origin_url:
        try:
            return origin_key(origin_url)
        except ValueError:
            pass
    return repo_name_key(repo_name) or repo_name


class Removed:
    """What a patch release takes out, in the units of the release's stats
    (``pipeline/stats.py``): per language files, content bytes, tokens and
    repositories; files per license id and license type; repositories."""

    def __init__(self):
        self.languages: Dict[str, Dict[str, Any]] = {}
        self.licenses: Dict[str, int] = {}
        self.license_types: Dict[str, int] = {}
        self.repo_names: set = set()
        self.repositories: set = set()  # normalized, shards and rejects
        self.rejects = 0
        self.rewritten = 0

    def add_rows(self, language: str, table) -> None:
        import pyarrow.compute as pc

        entry = self.languages.setdefault(language, {"files": 0, "content_bytes": 0, "tokens": 0,
                                                     "tokens_unknown": False, "repo_names": set()})
        entry["files"] += table.num_rows
        entry["content_bytes"] += int(pc.sum(pc.binary_length(table.column("content"))).as_py() or 0)
        tokens = table.column("num_tokens")
        entry["tokens_unknown"] = entry["tokens_unknown"] or tokens.null_count > 0
        entry["tokens"] += int(pc.sum(tokens).as_py() or 0)
        names = table.column("repo_name").to_pylist()
        entry["repo_names"].update(names)
        self.repo_names.update(names)
        self.repositories.update(repository_key(name) for name in names)
        for licenses, license_type in zip(table.column("detected_licenses").to_pylist(),
                                          table.column("license_type").to_pylist()):
            for key in sorted(set(licenses or ())) or ["(none)"]:
                self.licenses[key] = self.licenses.get(key, 0) + 1
            self.license_types[license_type] = self.license_types.get(license_type, 0) + 1

    @property
    def files(self) -> int:
        return sum(entry["files"] for entry in self.languages.values())

    def summary(self, shards_total: int) -> Dict[str, Any]:
        return {
            "repositories": len(self.repositories),
            "files": self.files,
            "files_by_language": {lang: e["files"] for lang, e in sorted(self.languages.items())},
            "rejects": self.rejects,
            "shards_rewritten": self.rewritten,
            "shards_total": shards_total,
        }


def patch_shard(src: str, dst: str, matcher, sink_config) -> Optional[Any]:
    """Rewrite one data shard without the opted-out rows (same writer, rows in their
    order); returns the removed rows as a table, or None when it holds none (the
    caller copies it byte-identical)."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    from pipeline.sink import PARQUET_SCHEMA, encode_parquet

    names = sorted({name for (name, gid) in repo_name_counts(src) if matcher.match(repo_name=name, github_id=gid)})
    if not names:
        return None
    table = pq.read_table(src)
    if not table.schema.equals(PARQUET_SCHEMA):
        raise UsageError(f"{src}: its columns differ from this codestack's shard schema; "
                         "patch it with the codestack version that built it")
    drop = pc.is_in(table.column("repo_name"), value_set=pa.array(names, type=pa.string()))
    _write(dst, encode_parquet(_records_of(table.filter(pc.invert(drop))), sink_config))
    return table.filter(drop)


def patch_rejects(src: str, dst: str, matcher) -> Optional[List[str]]:
    """Drop the JSON lines of opted-out repositories from a rejects file (kept lines
    byte-identical, in order); returns the removed lines' repositories, or None."""
    with open(src, "rb") as handle:
        lines = handle.read().splitlines(keepends=True)
    kept, repos = [], []
    for line in lines:
        try:
            row = json.loads(line)
        except ValueError as exc:
            raise UsageError(f"{src}: a line is not JSON: {exc}") from exc
        if matcher.match(origin_url=row.get("origin_url") or "", repo_name=row.get("repo_name") or ""):
            repos.append(repository_key(row.get("repo_name") or "", row.get("origin_url") or ""))
        else:
            kept.append(line)
    if not repos:
        return None
    _write(dst, b"".join(kept))
    return repos


def _shard_entry(root: str, entry: Dict[str, Any], rows: int) -> Dict[str, Any]:
    from manifests.checksums import sha256_file

    full = os.path.join(root, entry["path"])
    return dict(entry, sha256=sha256_file(full), bytes=os.path.getsize(full), rows=rows)


def _minus(value: Optional[int], removed: int) -> Optional[int]:
    return None if value is None else value - removed


def patched_manifest(old: Dict[str, Any], version: str, shards, rejects, removed: Removed, registry,
                     of_manifest_sha256: str) -> Dict[str, Any]:
    """The old manifest with the new version, shard lists and every count that the
    removal changes; fields this module does not know are carried over."""
    import copy

    new = copy.deepcopy(old)
    new.pop("files", None)  # the release's documents: listed again by finish_release
    new["version"] = version
    new["shards"] = sorted(shards, key=lambda s: s["path"])
    new["rejects"] = sorted(rejects, key=lambda s: s["path"])
    languages = {}
    for language in sorted({s["language"] for s in new["shards"]}):
        entry = languages[language] = dict(old.get("languages", {}).get(language, {}))
        mine = [s for s in new["shards"] if s["language"] == language]
        entry["shards"], entry["files"] = len(mine), sum(s["rows"] for s in mine)
        entry["parquet_bytes"] = sum(s["bytes"] for s in mine)
        gone = removed.languages.get(language)
        if gone:
            if "content_bytes" in entry:
                entry["content_bytes"] = _minus(entry["content_bytes"], gone["content_bytes"])
            if "tokens" in entry:
                entry["tokens"] = None if gone["tokens_unknown"] else _minus(entry["tokens"], gone["tokens"])
            if "repositories" in entry:
                entry["repositories"] = _minus(entry["repositories"], len(gone["repo_names"]))
    new["languages"] = dict(sorted(languages.items()))
    totals = new.setdefault("totals", {})
    totals.update(
        files=sum(s["rows"] for s in new["shards"]),
        shards=len(new["shards"]),
        parquet_bytes=sum(s["bytes"] for s in new["shards"]),
        rejects=sum(s["rows"] for s in new["rejects"]),
    )
    for key in ("content_bytes", "tokens"):
        if totals.get(key) is not None:
            values = [entry.get(key) for entry in languages.values()]
            totals[key] = None if any(v is None for v in values) else sum(values)
    if totals.get("repositories") is not None:
        totals["repositories"] -= len(removed.repo_names)
    for key, counts in (("licenses", removed.licenses), ("license_types", removed.license_types)):
        if isinstance(new.get(key), dict):
            left = {k: v - counts.get(k, 0) for k, v in new[key].items()}
            new[key] = {k: v for k, v in sorted(left.items()) if v > 0}
    if isinstance(new.get("inputs"), dict):
        new["inputs"]["registry_digest"] = registry.digest
    new["optout_registry"] = registry.summary()
    new["optout_patch"] = {
        "of_version": old.get("version"),
        "of_manifest_sha256": of_manifest_sha256,
        "removed": removed.summary(len(old.get("shards", [])) + len(old.get("rejects", []))),
    }
    return new


def optout_paragraph(old_version: str, registry, summary: Dict[str, Any]) -> str:
    """The changelog's account of the patch: counts and the registry digest, no names."""
    by_language = ", ".join(f"{lang} {n:,}" for lang, n in summary["files_by_language"].items()) or "none"
    kept = summary["shards_total"] - summary["shards_rewritten"]
    entries = f"{len(registry):,} {'entry' if len(registry) == 1 else 'entries'}"
    return (
        f"Opt-out patch of {old_version}: the registry (sha256 `{registry.digest}`, {entries}) removed "
        f"{summary['files']:,} files ({by_language}) of {summary['repositories']:,} repositories and {summary['rejects']:,} rejects. {summary['shards_rewritten']:,} of "
        f"{summary['shards_total']:,} shards rewritten; the other {kept:,} are byte-identical to {old_version}.\n\n"
    )


def _with_paragraph(entry: str, paragraph: str) -> str:
    marker = "### Opt-out\n\n"
    if marker in entry:
        return entry.replace(marker, marker + paragraph, 1)
    return entry.rstrip("\n") + "\n\n" + paragraph


def apply_registry(release: str, output: str, registry, log=lambda msg: print(msg, file=sys.stderr),
                   owners: Optional[RepoOwners] = None) -> Dict[str, Any]:
    """Write the patch release of ``release`` into ``output``; returns its manifest.
    ``owners``: owner ids of the release's repositories (``--repo-metadata``)."""
    from manifests.changelog import CHANGELOG, release_entry
    from manifests.checksums import SUMS, release_files, sha256_file
    from manifests.manifest import MANIFEST
    from manifests.publish import finish_release
    from manifests.verify import verify_release

    old = _release_manifest(release)
    problems = verify_release(release)
    if problems:
        raise UsageError(f"--release {release}: does not verify ({problems[0]}); fix it before patching it")
    old_version = old.get("version", "")
    version = bump_patch(old_version)
    _prepare_output(output, release)
    matcher = ReleaseMatcher(registry.matcher(), owners)
    sink_config = _sink_config(old)
    removed = Removed()
    # documents the release process writes again (card, plots, changelog), and the checksums
    regenerated = {MANIFEST, SUMS, CHANGELOG} | {f["path"] for f in old.get("files", [])}
    written = set(regenerated)

    shards = []
    for shard in old.get("shards", []):
        gone = patch_shard(os.path.join(release, shard["path"]), os.path.join(output, shard["path"]),
                           matcher, sink_config)
        if gone is None:
            shards.append(dict(shard))
            continue
        written.add(shard["path"])
        removed.rewritten += 1
        removed.add_rows(shard["language"], gone)
        shards.append(_shard_entry(output, shard, shard["rows"] - gone.num_rows))
    # a language left without rows leaves the release; emptied shards of a language
    # that keeps rows stay (0 rows), so the -of-N names remain true
    rows = {}
    for shard in shards:
        rows[shard["language"]] = rows.get(shard["language"], 0) + shard["rows"]
    for shard in [s for s in shards if rows[s["language"]] == 0 and s["language"] in removed.languages]:
        written.add(shard["path"])
        path = os.path.join(output, shard["path"])
        if os.path.exists(path):
            os.remove(path)
        if os.path.isdir(os.path.dirname(path)) and not os.listdir(os.path.dirname(path)):
            os.rmdir(os.path.dirname(path))
    shards = [s for s in shards if not (rows[s["language"]] == 0 and s["language"] in removed.languages)]

    rejects = []
    for entry in old.get("rejects", []):
        repos = patch_rejects(os.path.join(release, entry["path"]), os.path.join(output, entry["path"]), matcher)
        if repos is None:
            rejects.append(dict(entry))
            continue
        written.add(entry["path"])
        removed.rewritten += 1
        removed.rejects += len(repos)
        removed.repositories.update(repos)
        rejects.append(_shard_entry(output, entry, entry["rows"] - len(repos)))

    for rel in release_files(release):  # everything else is carried over byte-identical
        if rel not in written:
            dst = os.path.join(output, rel)
            os.makedirs(os.path.dirname(dst), exist_ok=True)
            shutil.copyfile(os.path.join(release, rel), dst)

    manifest = patched_manifest(old, version, shards, rejects, removed, registry,
                                sha256_file(os.path.join(release, MANIFEST)))
    summary = manifest["optout_patch"]["removed"]
    entry = release_entry(output, manifest, release, optout_removed=summary["repositories"])
    final = finish_release(output, manifest, previous_root=release,
                           changelog_entry=_with_paragraph(entry, optout_paragraph(old_version, registry, summary)))
    log(f"codestack: {version}: removed {summary['files']} files of {summary['repositories']} repositories "
        f"and {summary['rejects']} rejects; rewrote {summary['shards_rewritten']} of {summary['shards_total']} shards")
    return final


def run_apply(args) -> int:
    registry = load_registry(args.registry)
    owners = None
    if args.repo_metadata:
        owner_ids = sorted(registry.matcher().owner_ids)
        owners = owners_of(args.repo_metadata, owner_ids)
        print(f"codestack: --repo-metadata: {len(owner_ids)} owner(s) in the registry with a github_id; "
              f"{owners.rows} metadata rows of their repositories", file=sys.stderr)
    apply_registry(args.release, args.output, registry, owners=owners)
    print(os.path.abspath(args.output))
    return 0
