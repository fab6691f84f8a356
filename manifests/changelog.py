"""CHANGELOG.md: what changed between two releases.

:func:`diff_releases` compares two release folders: per language, files (rows,
identified by ``repo_name``, ``path``, ``blob_id``) added and removed with their
content bytes and tokens, rows kept whose content bytes or token count changed
(a redaction or tokenizer change); repositories added and removed (counts, from
the ``repo_name`` column); what the opt-out filter left out; config, source,
tokenizer and codestack version changes. Only languages whose shard list
(path, sha256) differs are read row by row, and only the id, ``content`` length
and ``num_tokens`` columns, a row group at a time.

:func:`format_entry` renders one changelog entry (Markdown, newest on top, no
dates: an entry is a function of the two releases only, so ``codestack diff OLD
NEW`` prints exactly the entry ``build --previous OLD`` wrote).
:func:`prepend_entry` puts an entry on top of an existing CHANGELOG.md text; the
opt-out patch release (``codestack optout apply``) uses it with its own
``optout_removed`` count.
"""

from __future__ import annotations

import json
import os
from typing import Any, Callable, Dict, Iterable, List, Mapping, Optional, Sequence, Set, Tuple, Union

from manifests.manifest import read_manifest, registry_digest_of

CHANGELOG = "CHANGELOG.md"
HEADER = "# Changelog\n\nEvery release of this dataset, newest first. Counts are files (rows), UTF-8 bytes of `content`, and tokens.\n"
_ID_COLUMNS = ("repo_name", "path", "blob_id")

Key = Tuple[str, str, str]


def parse_version(version: str) -> Tuple[int, int, int]:
    parts = version.split(".")
    if len(parts) != 3 or not all(p.isdigit() for p in parts):
        raise ValueError(f"{version!r} is not a semantic version X.Y.Z")
    return int(parts[0]), int(parts[1]), int(parts[2])


# ---------------------------------------------------------------------------
# Reading releases
# ---------------------------------------------------------------------------


def _shards_by_language(manifest: Mapping[str, Any]) -> Dict[str, List[Tuple[str, str]]]:
    out: Dict[str, List[Tuple[str, str]]] = {}
    for shard in manifest.get("shards", []):
        out.setdefault(shard["language"], []).append((shard["path"], shard["sha256"]))
    return {lang: sorted(paths) for lang, paths in out.items()}


def _rows(root: str, paths: Iterable[str]) -> Dict[Key, Tuple[int, Optional[int]]]:
    """``{(repo_name, path, blob_id): (content bytes, num_tokens)}`` of the shards at ``paths``."""
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    rows: Dict[Key, Tuple[int, Optional[int]]] = {}
    for rel in sorted(paths):
        parquet = pq.ParquetFile(os.path.join(root, rel))
        for batch in parquet.iter_batches(columns=list(_ID_COLUMNS) + ["content", "num_tokens"], batch_size=8192):
            sizes = pc.binary_length(batch.column("content")).to_pylist()
            tokens = batch.column("num_tokens").to_pylist()
            ids = zip(*(batch.column(name).to_pylist() for name in _ID_COLUMNS))
            for key, size, count in zip(ids, sizes, tokens):
                rows[key] = (size or 0, count)
    return rows


def repositories(root: str, manifest: Mapping[str, Any]) -> Set[str]:
    """Distinct ``repo_name`` values over every data shard of a release."""
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    names: Set[str] = set()
    for shard in manifest.get("shards", []):
        column = pq.ParquetFile(os.path.join(root, shard["path"])).read(columns=["repo_name"]).column("repo_name")
        names.update(v for v in pc.unique(column).to_pylist() if v is not None)
    return names


# ---------------------------------------------------------------------------
# The difference
# ---------------------------------------------------------------------------


def _sum_tokens(values: Iterable[Optional[int]]) -> Optional[int]:
    values = list(values)
    if any(v is None for v in values):
        return None
    return sum(values)


def _flatten(value: Any, prefix: str = "") -> Dict[str, Any]:
    if isinstance(value, Mapping):
        out: Dict[str, Any] = {}
        for key in sorted(value):
            out.update(_flatten(value[key], f"{prefix}.{key}" if prefix else str(key)))
        return out
    return {prefix: value}


def config_changes(old: Mapping[str, Any], new: Mapping[str, Any]) -> List[Dict[str, Any]]:
    """``[{"key": "a.b", "old": x, "new": y}]`` for every setting that differs (missing = None)."""
    a, b = _flatten(old or {}), _flatten(new or {})
    return [{"key": key, "old": a.get(key), "new": b.get(key)} for key in sorted(set(a) | set(b)) if a.get(key) != b.get(key)]


def _optout_summary(manifest: Mapping[str, Any]) -> Dict[str, Any]:
    stage = manifest.get("stages", {}).get("optout")
    return {
        "applied": stage is not None,
        "registry_digest": (manifest.get("inputs") or {}).get("registry_digest") or registry_digest_of(manifest),
        "repositories": int((stage or {}).get("counters", {}).get("repositories:excluded", 0)),
        "files": int((stage or {}).get("dropped_total", 0)),
    }


def _decontamination(manifest: Mapping[str, Any]) -> Dict[str, Dict[str, Any]]:
    """``{benchmark: {sha256, items, needles, files_removed}}`` of a release (empty: none ran)."""
    info = manifest.get("decontamination") or {}
    dropped = (manifest.get("stages", {}).get("decontaminate") or {}).get("dropped", {})
    return {b["name"]: {"sha256": b.get("sha256"), "items": b.get("items"), "needles": b.get("needles"),
                        "files_removed": int(dropped.get(f"contaminated:{b['name']}", 0))}
            for b in info.get("benchmarks", [])}


def decontamination_changes(old: Mapping[str, Any], new: Mapping[str, Any]) -> Dict[str, Any]:
    """Benchmarks added, dropped or changed (sha256, items, needles, files removed) between releases."""
    before, after = _decontamination(old), _decontamination(new)
    changes = []
    for name in sorted(set(before) | set(after)):
        a, b = before.get(name), after.get(name)
        if a != b:
            changes.append({"benchmark": name, "old": a, "new": b})
    return {"before": sorted(before), "after": sorted(after),
            "min_chars": {"old": (old.get("decontamination") or {}).get("min_chars"),
                          "new": (new.get("decontamination") or {}).get("min_chars")},
            "changes": changes}


def diff_releases(
    old_root: str,
    new_root: str,
    old_manifest: Optional[Mapping[str, Any]] = None,
    new_manifest: Optional[Mapping[str, Any]] = None,
    with_keys: bool = False,
) -> Dict[str, Any]:
    """The difference between two releases as plain data (see the module docstring);
    ``with_keys``: also the ``(repo_name, path, blob_id)`` of every file added and removed
    (``keys``: ``{"added": set, "removed": set}``), for :func:`change_reasons`."""
    # a manifest given in memory is compared as it reads back from JSON (tuples are lists there)
    old = json.loads(json.dumps(old_manifest)) if old_manifest is not None else read_manifest(old_root)
    new = json.loads(json.dumps(new_manifest)) if new_manifest is not None else read_manifest(new_root)
    old_shards, new_shards = _shards_by_language(old), _shards_by_language(new)
    old_counted = bool((old.get("inputs") or {}).get("tokenizer"))
    new_counted = bool((new.get("inputs") or {}).get("tokenizer"))
    languages = []
    all_added: Set[Key] = set()
    all_removed: Set[Key] = set()
    for language in sorted(set(old_shards) | set(new_shards)):
        before, after = old_shards.get(language, []), new_shards.get(language, [])
        new_entry = new.get("languages", {}).get(language, {})
        if before == after:
            continue  # identical shards (same sha256): nothing to read
        old_rows = _rows(old_root, [p for p, _ in before])
        new_rows = _rows(new_root, [p for p, _ in after])
        added = sorted(set(new_rows) - set(old_rows))
        removed = sorted(set(old_rows) - set(new_rows))
        changed = [k for k in sorted(set(new_rows) & set(old_rows)) if new_rows[k] != old_rows[k]]
        if with_keys:
            all_added.update(added)
            all_removed.update(removed)
        languages.append({
            "language": language,
            "files_before": len(old_rows),
            "files_after": len(new_rows),
            "files_added": len(added),
            "files_removed": len(removed),
            "files_changed": len(changed),
            "bytes_added": sum(new_rows[k][0] for k in added),
            "bytes_removed": sum(old_rows[k][0] for k in removed),
            "tokens_added": _sum_tokens(new_rows[k][1] for k in added) if new_counted else None,
            "tokens_removed": _sum_tokens(old_rows[k][1] for k in removed) if old_counted else None,
            "bytes_after": new_entry.get("content_bytes"),
            "tokens_after": new_entry.get("tokens"),
            "is_new": language not in old_shards,
            "is_gone": language not in new_shards,
        })
    old_repos, new_repos = repositories(old_root, old), repositories(new_root, new)
    old_inputs, new_inputs = old.get("inputs") or {}, new.get("inputs") or {}
    keys = {"keys": {"added": all_added, "removed": all_removed}} if with_keys else {}
    return {
        **keys,
        "old_version": old["version"],
        "new_version": new["version"],
        "languages": languages,
        "totals": {
            "files_before": old["totals"]["files"],
            "files_after": new["totals"]["files"],
            "languages_before": len(old_shards),
            "languages_after": len(new_shards),
        },
        "repositories": {
            "before": len(old_repos),
            "after": len(new_repos),
            "added": len(new_repos - old_repos),
            "removed": len(old_repos - new_repos),
        },
        "optout": {"old": _optout_summary(old), "new": _optout_summary(new)},
        "decontamination": decontamination_changes(old, new),
        "config": {
            "old_hash": old.get("config_hash"),
            "new_hash": new.get("config_hash"),
            "changes": config_changes(old.get("config", {}), new.get("config", {})),
        },
        "inputs": {
            key: {"old": old_inputs.get(key), "new": new_inputs.get(key)}
            for key in ("source_kind", "export_version", "snapshots_digest", "tokenizer")
            if old_inputs.get(key) != new_inputs.get(key)
        },
        "codestack_version": {"old": old.get("codestack_version"), "new": new.get("codestack_version")},
    }


# ---------------------------------------------------------------------------
# Markdown
# ---------------------------------------------------------------------------


#: a stage that dropped a previously released file -> the reason the changelog gives
_STAGE_REASONS = {"license": "license changed", "filters": "filters changed", "exact_dedup": "dedup winner changed",
                  "near_dedup": "dedup winner changed"}


def change_reasons(diff: Mapping[str, Any], fates: Mapping[str, int],
                   opted_out: Callable[[str], bool] = lambda repo: False) -> Dict[str, Any]:
    """Files added, removed and changed since the previous release, counted by reason.

    ``diff``: :func:`diff_releases` with ``with_keys``; ``fates``: why the build dropped files
    the previous release held (``{"<stage>:<reason>": n}``, from ``build --previous``: every
    stage counts them, and a dedup counts ``<stage>:new_winner`` for each cluster whose kept
    copy is no longer the released one); ``opted_out(repo_name)``: the registry's verdict.

    Removed: content changed upstream (the path is released with other content), opted out,
    then the stage that dropped it (license changed, filters changed, dedup winner changed,
    other stages by their reason), and what is left: removed upstream (the file, or its
    repository, is gone from the source). Added: content changed upstream, dedup winner
    changed, and new upstream (a path no earlier release held, e.g. a new repository, or a
    file newly kept). Changed: same file and content id, other content bytes or tokens
    (redaction or tokenizer changed)."""
    added, removed = set(diff["keys"]["added"]), set(diff["keys"]["removed"])
    moved = added & removed  # a file whose language changed: in both, not a change of the file
    added -= moved
    removed -= moved
    new_paths = {(repo, path) for repo, path, _blob in added}
    old_paths = {(repo, path) for repo, path, _blob in removed}
    removed_reasons: Dict[str, int] = {}
    added_reasons: Dict[str, int] = {}

    def add(reasons: Dict[str, int], reason: str, n: int) -> None:
        if n > 0:
            reasons[reason] = reasons.get(reason, 0) + n

    rewritten = sum(1 for repo, path, _blob in removed if (repo, path) in new_paths)
    add(removed_reasons, "content changed upstream", rewritten)
    opted = sum(1 for repo, path, _blob in removed if (repo, path) not in new_paths and opted_out(repo))
    add(removed_reasons, "opted out", opted)
    dropped = 0
    winners = 0
    for name, n in sorted(fates.items()):
        stage, _, reason = name.partition(":")
        if reason == "new_winner":
            winners += n
            continue
        add(removed_reasons, _STAGE_REASONS.get(stage, f"dropped by {stage} ({reason})"), n)
        dropped += n
    add(removed_reasons, "removed upstream", len(removed) - rewritten - opted - dropped)
    changed_upstream = sum(1 for repo, path, _blob in added if (repo, path) in old_paths)
    add(added_reasons, "content changed upstream", changed_upstream)
    add(added_reasons, "dedup winner changed", min(winners, len(added) - changed_upstream))
    add(added_reasons, "new upstream", len(added) - changed_upstream - winners)
    changed = sum(row["files_changed"] for row in diff["languages"])
    return {"added": dict(sorted(added_reasons.items(), key=lambda kv: (-kv[1], kv[0]))),
            "removed": dict(sorted(removed_reasons.items(), key=lambda kv: (-kv[1], kv[0]))),
            "changed": {"content rewritten (redaction or tokenizer changed)": changed} if changed else {},
            "moved_language": len(moved)}


def _reason_lines(reasons: Optional[Mapping[str, Any]]) -> List[str]:
    if reasons is None:
        return []
    lines = ["", "### Why", ""]
    rows = [(kind, reason, n) for kind in ("added", "removed", "changed") for reason, n in reasons[kind].items()]
    if not rows and not reasons["moved_language"]:
        return lines + ["No file added, removed or changed."]
    lines += ["| files | count | reason |", "|---|---:|---|"]
    lines += [f"| {kind} | {n:,} | {reason} |" for kind, reason, n in rows]
    if reasons["moved_language"]:
        lines.append(f"| moved | {reasons['moved_language']:,} | language changed (same file and content) |")
    return lines


def _n(value: Optional[int], sign: str = "") -> str:
    if value is None:
        return "n/a"
    if sign and value == 0:
        return "0"
    return f"{sign}{value:,}"


def _short(digest: Optional[str]) -> str:
    return f"`{digest[:12]}`" if digest else "none"


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"


def _value(value: Any) -> str:
    if isinstance(value, Mapping):
        return "`" + ", ".join(f"{k}={v}" for k, v in sorted(value.items())) + "`"
    return f"`{value!r}`" if isinstance(value, str) else f"`{value}`"


def format_entry(diff: Mapping[str, Any], optout_removed: Union[None, int, Sequence[str]] = None,
                 reasons: Optional[Mapping[str, Any]] = None) -> str:
    """One changelog entry for ``diff`` (from :func:`diff_releases`), ending with a newline.

    ``optout_removed``: repositories a patch release removed at their owners'
    request (a count, or the names, of which only the count is printed);
    ``reasons``: :func:`change_reasons` (a build with ``--previous``).
    """
    lines = [f"## {diff['new_version']}", "", f"Changes since {diff['old_version']}.", "", "### Files", ""]
    rows = diff["languages"]
    if rows:
        lines += [
            "| language | files | added | removed | changed | bytes added | bytes removed | tokens added | tokens removed |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for row in rows:
            name = row["language"] + (" (new)" if row["is_new"] else " (gone)" if row["is_gone"] else "")
            lines.append(
                f"| {name} | {_n(row['files_after'])} | {_n(row['files_added'], '+')} | {_n(row['files_removed'], '-')} "
                f"| {_n(row['files_changed'])} | {_n(row['bytes_added'], '+')} | {_n(row['bytes_removed'], '-')} "
                f"| {_n(row['tokens_added'], '+')} | {_n(row['tokens_removed'], '-')} |"
            )
        total = {key: sum(r[key] for r in rows) for key in ("files_added", "files_removed", "files_changed",
                                                            "bytes_added", "bytes_removed")}
        tokens_added = _sum_tokens(r["tokens_added"] for r in rows)
        tokens_removed = _sum_tokens(r["tokens_removed"] for r in rows)
        lines.append(
            f"| **all** | {_n(diff['totals']['files_after'])} | {_n(total['files_added'], '+')} "
            f"| {_n(total['files_removed'], '-')} | {_n(total['files_changed'])} | {_n(total['bytes_added'], '+')} "
            f"| {_n(total['bytes_removed'], '-')} | {_n(tokens_added, '+')} | {_n(tokens_removed, '-')} |"
        )
        lines += ["", "Languages not listed are unchanged (identical shards)."]
    else:
        lines.append("No file added, removed or changed: every shard is identical.")
    lines += _reason_lines(reasons)
    repos = diff["repositories"]
    lines += [
        "",
        "### Repositories",
        "",
        f"{_repositories(repos['added'])} added, "
        f"{repos['removed']:,} removed: {repos['after']:,} in this release ({repos['before']:,} before).",
    ]
    lines += ["", "### Opt-out", ""]
    old_opt, new_opt = diff["optout"]["old"], diff["optout"]["new"]
    if optout_removed is not None:
        removed = optout_removed if isinstance(optout_removed, int) else len(list(optout_removed))
        lines.append(f"{_repositories(removed)} removed at their owners' request (opt-out patch release).")
    if new_opt["applied"]:
        lines.append(
            f"The opt-out filter left out {_repositories(new_opt['repositories'])} "
            f"({_plural(new_opt['files'], 'file')}); {old_opt['repositories']:,} before."
        )
    elif optout_removed is None:
        lines.append("No opt-out filter ran in this build.")
    if old_opt["registry_digest"] != new_opt["registry_digest"]:
        lines.append(f"Registry sha256 {_short(old_opt['registry_digest'])} → {_short(new_opt['registry_digest'])}.")
    elif new_opt["registry_digest"]:
        lines.append(f"Registry sha256 {_short(new_opt['registry_digest'])} (unchanged).")
    lines += _decontamination_lines(diff.get("decontamination"))
    lines += ["", "### Config", ""]
    config = diff["config"]
    if config["changes"]:
        lines.append(f"Config sha256 {_short(config['old_hash'])} → {_short(config['new_hash'])}:")
        lines.append("")
        lines += [f"- `{c['key']}`: {_value(c['old'])} → {_value(c['new'])}" for c in config["changes"]]
    else:
        lines.append(f"No change (config sha256 {_short(config['new_hash'])}).")
    lines += ["", "### Inputs", ""]
    changes = [f"- `{key}`: {_input(change['old'])} → {_input(change['new'])}" for key, change in diff["inputs"].items()]
    version = diff["codestack_version"]
    if version["old"] != version["new"]:
        changes.append(f"- codestack: `{version['old']}` → `{version['new']}`")
    lines += changes or ["No change (same source snapshots, tokenizer and codestack version)."]
    return "\n".join(lines) + "\n"


def _decontamination_lines(decon: Optional[Mapping[str, Any]]) -> List[str]:
    if not decon or not (decon["before"] or decon["after"]):
        return []
    lines = ["", "### Decontamination", ""]
    if not decon["changes"] and decon["min_chars"]["old"] == decon["min_chars"]["new"]:
        return lines + [f"Same benchmarks, same files removed ({', '.join(decon['after'])})."]
    for change in decon["changes"]:
        old, new = change["old"], change["new"]
        if old is None:
            lines.append(f"- `{change['benchmark']}` added: {new['items']:,} items, {new['needles']:,} needles, "
                         f"{_plural(new['files_removed'], 'file')} removed.")
        elif new is None:
            lines.append(f"- `{change['benchmark']}` no longer applied ({_plural(old['files_removed'], 'file')} "
                         "removed before).")
        else:
            show = lambda key, v: _short(v) if key == "sha256" else _value(v)  # noqa: E731
            parts = [f"{key.replace('_', ' ')} {show(key, old[key])} → {show(key, new[key])}"
                     for key in ("sha256", "items", "needles", "files_removed") if old[key] != new[key]]
            lines.append(f"- `{change['benchmark']}`: " + "; ".join(parts) + ".")
    if decon["min_chars"]["old"] != decon["min_chars"]["new"]:
        lines.append(f"- min_chars {_value(decon['min_chars']['old'])} → {_value(decon['min_chars']['new'])}.")
    return lines


def _input(value: Any) -> str:
    """An input for a changelog line: digests shortened, a tokenizer by file, kind and digest."""
    if value is None:
        return "none"
    if isinstance(value, Mapping) and "sha256" in value:
        return f"`{value.get('file')}` ({value.get('kind')}, sha256 `{str(value['sha256'])[:12]}`)"
    if isinstance(value, str) and len(value) == 64 and all(c in "0123456789abcdef" for c in value):
        return _short(value)
    return _value(value)


def _repositories(n: int) -> str:
    return f"{n:,} {'repository' if n == 1 else 'repositories'}"


def first_entry(manifest: Mapping[str, Any]) -> str:
    """The entry of a release with no previous version."""
    totals = manifest["totals"]
    languages = manifest.get("languages", {})
    lines = [f"## {manifest['version']}", "", "First release.", "",
             f"{_plural(totals['files'], 'file')} in {_plural(len(languages), 'language')}"
             + (f" from {_repositories(totals['repositories'])}" if totals.get("repositories") is not None else "")
             + f"; {_n(totals.get('content_bytes'))} bytes of content"
             + (f", {_n(totals['tokens'])} tokens" if totals.get("tokens") is not None else "") + "."]
    if languages:
        lines += ["", "| language | files | bytes | tokens |", "|---|---:|---:|---:|"]
        for name, entry in languages.items():
            lines.append(f"| {name} | {_n(entry['files'])} | {_n(entry.get('content_bytes'))} | {_n(entry.get('tokens'))} |")
    lines += ["", f"Config sha256 {_short(manifest.get('config_hash'))}."]
    return "\n".join(lines) + "\n"


def prepend_entry(changelog: str, entry: str) -> str:
    """``changelog`` (a CHANGELOG.md text, may be empty) with ``entry`` on top of its entries.

    Raises ValueError if the changelog already has an entry for the entry's version.
    """
    heading = entry.splitlines()[0] if entry else ""
    if not heading.startswith("## "):
        raise ValueError("an entry starts with '## <version>'")
    if any(line.strip() == heading.strip() for line in changelog.splitlines()):
        raise ValueError(f"{CHANGELOG} already has an entry '{heading[3:].strip()}'")
    index = changelog.find("\n## ")
    if changelog.startswith("## "):
        head, rest = "", changelog
    elif index >= 0:
        head, rest = changelog[: index + 1], changelog[index + 1:]
    else:
        head, rest = changelog, ""
    head = head.rstrip("\n") + "\n" if head.strip() else HEADER
    body = entry.rstrip("\n") + "\n"
    return head + "\n" + body + ("\n" + rest.rstrip("\n") + "\n" if rest.strip() else "")


def read_changelog(root: str) -> str:
    path = os.path.join(root, CHANGELOG)
    if not os.path.isfile(path):
        return ""
    with open(path, encoding="utf-8") as handle:
        return handle.read()


def write_changelog(root: str, text: str) -> None:
    tmp = os.path.join(root, CHANGELOG + ".tmp")
    with open(tmp, "w", encoding="utf-8", newline="\n") as handle:
        handle.write(text)
    os.replace(tmp, os.path.join(root, CHANGELOG))


def release_entry(
    root: str,
    manifest: Mapping[str, Any],
    previous_root: Optional[str] = None,
    optout_removed: Union[None, int, Sequence[str]] = None,
) -> str:
    """The entry for the release at ``root`` (``manifest`` may not be written yet)."""
    if not previous_root:
        return first_entry(manifest)
    return format_entry(diff_releases(previous_root, root, new_manifest=manifest), optout_removed=optout_removed)


def recorded_reasons(diff: Mapping[str, Any], new_manifest: Mapping[str, Any]) -> Optional[Dict[str, Any]]:
    """The reasons a release's manifest recorded (``changes``), if they are against ``diff``'s old
    version: ``codestack diff OLD NEW`` then prints the entry ``build --previous OLD`` wrote."""
    changes = new_manifest.get("changes") or {}
    return changes.get("reasons") if changes.get("since") == diff["old_version"] else None


def update_changelog(root: str, entry: str, previous_root: Optional[str] = None) -> str:
    """Write ``<root>/CHANGELOG.md``: ``entry`` on top of the previous release's changelog."""
    text = prepend_entry(read_changelog(previous_root) if previous_root else "", entry)
    write_changelog(root, text)
    return text


def check_previous(previous_root: str, version: str) -> Dict[str, Any]:
    """The previous release's manifest; ValueError unless it is a release older than ``version``."""
    path = os.path.join(previous_root, "manifest.json")
    if not os.path.isfile(path):
        raise ValueError(f"{previous_root}: not a release (no manifest.json)")
    try:
        manifest = read_manifest(previous_root)
        old = parse_version(manifest["version"])
    except (ValueError, KeyError, TypeError) as exc:
        raise ValueError(f"{path}: unreadable manifest: {exc}") from exc
    if old >= parse_version(version):
        raise ValueError(f"{previous_root} holds version {manifest['version']}, not older than {version}")
    return manifest
