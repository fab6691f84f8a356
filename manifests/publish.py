"""The last steps of every release, in order: CHANGELOG.md, plots and README.md,
then ``manifest.json`` (listing those files), then ``SHA256SUMS`` (listing every
file, the manifest included). A build (``pipeline.build.publish``) and the
opt-out patch release both end with :func:`finish_release`.
"""

from __future__ import annotations

import os
from typing import Any, Dict, Mapping, Optional, Sequence, Union

from manifests.card import write_card
from manifests.changelog import CHANGELOG, change_reasons, diff_releases, format_entry, release_entry, update_changelog
from manifests.checksums import sha256_file, write_sums
from manifests.manifest import write_manifest


def file_entry(root: str, rel: str) -> Dict[str, Any]:
    full = os.path.join(root, rel)
    return {"path": rel, "sha256": sha256_file(full), "bytes": os.path.getsize(full)}


def finish_release(
    root: str,
    manifest: Mapping[str, Any],
    *,
    previous_root: Optional[str] = None,
    changelog_entry: Optional[str] = None,
    optout_removed: Union[None, int, Sequence[str]] = None,
    fates: Optional[Mapping[str, int]] = None,
    opted_out=None,
) -> Dict[str, Any]:
    """Write the documents, the manifest and SHA256SUMS of the release at ``root``.

    ``manifest``: the manifest without ``files`` (shards already in place).
    ``previous_root``: the previous release; the changelog entry is the diff
    against it, on top of its CHANGELOG.md. ``changelog_entry`` replaces the
    computed entry; ``optout_removed`` is passed to it (see
    :func:`manifests.changelog.format_entry`); ``fates`` and ``opted_out`` (a build with
    ``--previous``) give the entry its reasons (:func:`manifests.changelog.change_reasons`).
    Returns the manifest written.
    """
    if changelog_entry is None and previous_root and fates is not None:
        # why files came and went: in the entry, and in the manifest (``changes``) for ``codestack diff``
        diff = diff_releases(previous_root, root, new_manifest=manifest, with_keys=True)
        reasons = change_reasons(diff, fates, opted_out or (lambda repo: False))
        manifest = {**manifest, "changes": {"since": diff["old_version"], "reasons": reasons}}
        entry = format_entry(diff, optout_removed=optout_removed, reasons=reasons)
    else:
        entry = changelog_entry or release_entry(root, manifest, previous_root, optout_removed)
    update_changelog(root, entry, previous_root)
    documents = write_card(root, manifest, entry)
    final = dict(manifest)
    final["files"] = [file_entry(root, rel) for rel in sorted(set(documents) | {CHANGELOG})]
    write_manifest(root, final)
    write_sums(root)
    return final
