"""Publish a release to the Hugging Face Hub as a dataset repo, one tag per version.

:func:`release_to_hub`, in order:

1. the release must verify locally (``codestack verify``), else nothing is sent;
2. create the dataset repo if it does not exist (``private`` only applies then);
3. if the tag ``v<version>`` exists already: the remote files at that tag are
   checked against the manifest; a match means the version is published (exit 0,
   nothing uploaded), a mismatch is an error (a version is never re-published);
4. upload the folder to ``main`` with huggingface_hub's ``upload_folder``: with
   ``hf_xet`` installed it is the streamed, multi-commit, resumable upload for
   large folders (files already on the Hub with the same content are skipped, so
   re-running after an interruption resumes); remote files that are not in the
   release are deleted in the same commits, so ``main`` is exactly the release;
5. tag the commit ``v<version>``;
6. list the remote files at the tag (recursive tree) and check names, sizes and
   content ids (LFS/Xet sha256, or the git blob id of small files) against the
   manifest and the local files.

The token comes from ``HF_TOKEN`` or the login cache (``hf auth login``), as
huggingface_hub resolves it; it is passed to the client and never printed or
logged. ``HF_ENDPOINT`` (read when called) points at another Hub.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
from typing import Callable, Dict, List, Optional, Tuple

from manifests.checksums import SUMS, sha256_file
from manifests.manifest import MANIFEST, read_manifest
from manifests.verify import verify_release

REPO_TYPE = "dataset"
DEFAULT_ENDPOINT = "https://huggingface.co"
#: files the Hub adds to a repo that a release does not hold
HUB_FILES = frozenset({".gitattributes"})


class HubError(Exception):
    """A release could not be published; ``check_failed``: the Hub holds something else."""

    def __init__(self, message: str, check_failed: bool = False):
        super().__init__(message)
        self.check_failed = check_failed


@dataclasses.dataclass(frozen=True)
class Plan:
    repo_id: str
    endpoint: str
    version: str
    tag: str
    private: bool
    files: Tuple[Tuple[str, int, str], ...]  # (path, bytes, sha256), sorted by path

    @property
    def total_bytes(self) -> int:
        return sum(size for _, size, _ in self.files)


def endpoint_from_env() -> str:
    return (os.environ.get("HF_ENDPOINT") or DEFAULT_ENDPOINT).rstrip("/")


def expected_files(root: str, manifest: dict) -> Dict[str, Tuple[int, str]]:
    """``{path: (bytes, sha256)}`` of every file of the release, SHA256SUMS and the manifest included."""
    files = {}
    for key in ("shards", "rejects", "files"):
        for entry in manifest.get(key, []):
            files[entry["path"]] = (int(entry["bytes"]), entry["sha256"])
    for rel in (MANIFEST, SUMS):
        full = os.path.join(root, rel)
        files[rel] = (os.path.getsize(full), sha256_file(full))
    return dict(sorted(files.items()))


def check_repo_id(repo_id: str) -> str:
    from huggingface_hub.utils import HFValidationError, validate_repo_id

    try:
        validate_repo_id(repo_id)
    except HFValidationError as exc:
        raise HubError(f"--repo-id {repo_id!r}: {str(exc).splitlines()[0]}") from exc
    if repo_id.count("/") != 1:
        raise HubError(f"--repo-id {repo_id!r}: expected ORG/NAME")
    return repo_id


def plan_release(root: str, repo_id: str, private: bool = False, endpoint: Optional[str] = None) -> Plan:
    """What :func:`release_to_hub` would do; the release must verify."""
    check_repo_id(repo_id)
    problems = verify_release(root)
    if problems:
        raise HubError(f"{root}: does not verify ({len(problems)} problem(s), first: {problems[0]}); "
                       f"run: codestack verify {root}", check_failed=True)
    manifest = read_manifest(root)
    files = tuple((path, size, digest) for path, (size, digest) in expected_files(root, manifest).items())
    return Plan(repo_id=repo_id, endpoint=endpoint or endpoint_from_env(), version=manifest["version"],
                tag=f"v{manifest['version']}", private=private, files=files)


def format_plan(plan: Plan) -> str:
    visibility = "private" if plan.private else "public"
    lines = [
        f"repo:     {plan.endpoint}/datasets/{plan.repo_id} (dataset; created {visibility} if missing)",
        f"upload:   {len(plan.files)} files, {plan.total_bytes:,} bytes to main, resumable "
        "(files already there with the same content are skipped); remote files not in the release are deleted",
        f"tag:      {plan.tag} on the upload's commit (refused if {plan.tag} exists with other files)",
        f"check:    the remote file list, sizes and content ids at {plan.tag} against {MANIFEST}",
        "files:",
    ]
    width = max((len(f"{size:,}") for _, size, _ in plan.files), default=1)
    lines += [f"  {f'{size:,}'.rjust(width)}  {path}" for path, size, _ in plan.files]
    return "\n".join(lines)


def _git_blob_id(path: str) -> str:
    digest = hashlib.sha1()
    digest.update(b"blob %d\x00" % os.path.getsize(path))
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def remote_problems(api, plan: Plan, root: str, revision: str) -> List[str]:
    """Differences between the repo at ``revision`` and the release, one line each."""
    from huggingface_hub.hf_api import RepoFile

    remote = {}
    for item in api.list_repo_tree(plan.repo_id, recursive=True, revision=revision, repo_type=REPO_TYPE):
        if isinstance(item, RepoFile):
            remote[item.path] = item
    expected = {path: (size, digest) for path, size, digest in plan.files}
    problems = []
    for path in sorted(set(expected) - set(remote)):
        problems.append(f"{path}: missing on the Hub at {revision}")
    for path in sorted(set(remote) - set(expected) - HUB_FILES):
        problems.append(f"{path}: on the Hub at {revision} but not in the release")
    for path in sorted(set(expected) & set(remote)):
        size, digest = expected[path]
        item = remote[path]
        if item.size != size:
            problems.append(f"{path}: {item.size} bytes on the Hub != {size} in the release")
            continue
        if item.lfs is not None:
            if item.lfs.sha256 != digest:
                problems.append(f"{path}: sha256 {item.lfs.sha256} on the Hub != {digest} in the release")
        elif item.blob_id and item.blob_id != _git_blob_id(os.path.join(root, path)):
            problems.append(f"{path}: git blob {item.blob_id} on the Hub differs from the release's file")
    return problems


def _http_error(exc, doing: str) -> HubError:
    response = getattr(exc, "response", None)
    status = getattr(response, "status_code", None)
    first = str(exc).splitlines()[0].rstrip(": ") if str(exc) else type(exc).__name__
    server = " ".join((getattr(exc, "server_message", None) or "").split())
    if status in (401, 403):
        return HubError(f"{doing}: the Hub refused the token (HTTP {status}); set HF_TOKEN to a token with "
                        "write access or run: hf auth login")
    detail = f"{first}: {server}" if server and server not in first else first
    hint = "; run the same command again to resume" if doing.startswith("upload") else ""
    return HubError(f"{doing}: {detail}{hint}")


def release_to_hub(
    root: str,
    repo_id: str,
    *,
    private: bool = False,
    endpoint: Optional[str] = None,
    token: Optional[str] = None,
    log: Callable[[str], None] = lambda message: None,
) -> Dict[str, object]:
    """Publish the release at ``root`` (see the module docstring); a report dict."""
    from huggingface_hub import HfApi, constants, get_token
    from huggingface_hub.errors import HfHubHTTPError

    plan = plan_release(root, repo_id, private, endpoint)
    if constants.HF_HUB_OFFLINE:
        raise HubError("HF_HUB_OFFLINE is set: unset it to publish to the Hub")
    token = token or get_token()
    if not token:
        raise HubError("no Hugging Face token: set HF_TOKEN or run: hf auth login")
    api = HfApi(endpoint=plan.endpoint, token=token)
    manifest = read_manifest(root)
    manifest_sha256 = next(digest for path, _, digest in plan.files if path == MANIFEST)
    doing = f"create dataset repo {repo_id}"
    try:
        log(f"codestack: {doing} if missing")
        api.create_repo(repo_id, repo_type=REPO_TYPE, private=private, exist_ok=True)
        doing = f"read the refs of {repo_id}"
        tags = {ref.name: ref.target_commit for ref in api.list_repo_refs(repo_id, repo_type=REPO_TYPE).tags}
        if plan.tag in tags:
            problems = remote_problems(api, plan, root, tags[plan.tag])
            if problems:
                raise HubError(f"{repo_id}: tag {plan.tag} exists with other files ({problems[0]}); "
                               "a version is published once: build a new version", check_failed=True)
            log(f"codestack: {repo_id} already holds {plan.tag} with these files; nothing to upload")
            return {"repo_id": repo_id, "tag": plan.tag, "commit": tags[plan.tag], "files": len(plan.files),
                    "bytes": plan.total_bytes, "uploaded": False}
        doing = f"upload {root} to {repo_id}"
        log(f"codestack: uploading {len(plan.files)} files ({plan.total_bytes:,} bytes) to {repo_id}")
        commit = api.upload_folder(
            repo_id=repo_id,
            folder_path=root,
            repo_type=REPO_TYPE,
            commit_message=f"{manifest['name']} {plan.version}",
            commit_description=f"Release {plan.version}; manifest.json sha256 {manifest_sha256}.",
            delete_patterns=["*"],
        )
        doing = f"tag {plan.tag} on {repo_id}"
        api.create_tag(repo_id, tag=plan.tag, revision=commit.oid, repo_type=REPO_TYPE,
                       tag_message=f"{manifest['name']} {plan.version}")
        doing = f"list the files of {repo_id} at {plan.tag}"
        problems = remote_problems(api, plan, root, plan.tag)
    except HfHubHTTPError as exc:
        raise _http_error(exc, doing) from None
    if problems:
        raise HubError(f"{repo_id}@{plan.tag}: the Hub's files differ from the release ({len(problems)} "
                       f"problem(s), first: {problems[0]})", check_failed=True)
    log(f"codestack: {repo_id}@{plan.tag}: {len(plan.files)} files checked against {MANIFEST}")
    return {"repo_id": repo_id, "tag": plan.tag, "commit": commit.oid, "files": len(plan.files),
            "bytes": plan.total_bytes, "uploaded": True}
