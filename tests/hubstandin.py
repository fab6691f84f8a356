"""A STAND-IN for the Hugging Face Hub, for tests only: the real Hub cannot be reached here.

It implements just the HTTP endpoints huggingface_hub calls for ``codestack
release`` (create repo, validate YAML, preupload, tree, commit, refs, tag,
revision info), with the request and response shapes the client reads, over an
in-memory git-like store: commits are snapshots ``{path: bytes}``, branches and
tags point at commits. Every file is accepted in "regular" upload mode (base64
in the commit payload), which the real Hub also uses for small files; large
files would go to Xet storage there, which this stand-in does not implement.
Every request must carry the expected bearer token.
"""

from __future__ import annotations

import base64
import hashlib
import json
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Dict, List, Optional

import yaml

GITATTRIBUTES = b"*.parquet filter=lfs diff=lfs merge=lfs -text\n"


def git_blob_id(data: bytes) -> str:
    return hashlib.sha1(b"blob %d\x00" % len(data) + data).hexdigest()


class Repo:
    def __init__(self, repo_id: str, private: bool):
        self.repo_id = repo_id
        self.private = private
        self.commits: Dict[str, Dict[str, bytes]] = {}
        self.branches: Dict[str, str] = {}
        self.tags: Dict[str, str] = {}
        self.commit_log: List[dict] = []  # what each commit changed
        self.commit("initial commit", {".gitattributes": GITATTRIBUTES}, [], None)

    def resolve(self, revision: str) -> Optional[str]:
        revision = urllib.parse.unquote(revision)
        if revision in self.branches:
            return self.branches[revision]
        if revision in self.tags:
            return self.tags[revision]
        return revision if revision in self.commits else None

    def commit(self, summary: str, added: Dict[str, bytes], deleted: List[str], parent: Optional[str]) -> str:
        files = dict(self.commits[parent]) if parent else {}
        for path in deleted:
            files.pop(path, None)
        files.update(added)
        digest = hashlib.sha1(json.dumps([parent, summary, sorted((p, git_blob_id(d)) for p, d in files.items())])
                              .encode()).hexdigest()
        self.commits[digest] = files
        self.branches["main"] = digest
        self.commit_log.append({"oid": digest, "summary": summary, "added": sorted(added), "deleted": sorted(deleted)})
        return digest


class HubStandIn:
    """``with HubStandIn(token) as hub: ... hub.endpoint ...``; ``hub.repos`` is the state."""

    def __init__(self, token: str):
        self.token = token
        self.repos: Dict[str, Repo] = {}
        self.requests: List[str] = []
        self.fail_next_commit = False
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):  # quiet
                pass

            def do_GET(self):
                stand_in._handle(self, "GET")

            def do_POST(self):
                stand_in._handle(self, "POST")

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.endpoint = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._server.shutdown()
        self._server.server_close()

    # -- plumbing -------------------------------------------------------------

    def _reply(self, handler, status: int, body) -> None:
        data = json.dumps(body).encode()
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(data)))
        if status >= 400:
            handler.send_header("X-Error-Message", body.get("error", "") if isinstance(body, dict) else "")
        handler.end_headers()
        handler.wfile.write(data)

    def _handle(self, handler, method: str) -> None:
        parsed = urllib.parse.urlsplit(handler.path)
        length = int(handler.headers.get("Content-Length") or 0)
        body = handler.rfile.read(length) if length else b""
        self.requests.append(f"{method} {parsed.path}")
        if handler.headers.get("Authorization") != f"Bearer {self.token}":
            return self._reply(handler, 401, {"error": "Invalid credentials in Authorization header"})
        parts = [urllib.parse.unquote(p) for p in parsed.path.strip("/").split("/")]
        query = urllib.parse.parse_qs(parsed.query)
        try:
            status, reply = self._route(method, parts, query, body)
        except KeyError as exc:
            status, reply = 404, {"error": f"not found: {exc}"}
        self._reply(handler, status, reply)

    def _route(self, method: str, parts: List[str], query, body: bytes):
        if method == "POST" and parts == ["api", "repos", "create"]:
            return self._create(json.loads(body))
        if method == "POST" and parts == ["api", "validate-yaml"]:
            return self._validate_yaml(json.loads(body))
        if len(parts) >= 5 and parts[:2] == ["api", "datasets"]:
            repo = self.repos.get(f"{parts[2]}/{parts[3]}")
            if repo is None:
                return 404, {"error": "Repository not found"}
            action, rest = parts[4], parts[5:]
            if method == "GET" and action == "refs":
                return 200, self._refs(repo)
            if method == "GET" and action == "tree":
                return self._tree(repo, rest[0], "/".join(rest[1:]))
            if method == "GET" and action == "revision":
                return self._info(repo, rest[0])
            if method == "POST" and action == "preupload":
                return self._preupload(repo, rest[0], json.loads(body))
            if method == "POST" and action == "commit":
                return self._commit(repo, rest[0], body)
            if method == "POST" and action == "tag":
                return self._tag(repo, rest[0], json.loads(body))
        return 404, {"error": f"the stand-in does not implement {method} /{'/'.join(parts)}"}

    # -- endpoints ------------------------------------------------------------

    def _create(self, payload):
        assert payload.get("type") == "dataset", payload
        repo_id = f"{payload['organization']}/{payload['name']}"
        if repo_id in self.repos:
            return 409, {"error": "You already created this dataset repo", "url": f"{self.endpoint}/datasets/{repo_id}"}
        self.repos[repo_id] = Repo(repo_id, payload.get("visibility") == "private" or bool(payload.get("private")))
        return 200, {"url": f"{self.endpoint}/datasets/{repo_id}", "name": repo_id}

    def _validate_yaml(self, payload):
        content = payload["content"]
        if not content.startswith("---\n"):
            return 200, {"warnings": [{"message": "empty or missing yaml metadata in repo card"}]}
        try:
            meta = yaml.safe_load(content[4:content.index("\n---\n", 4)])
        except (yaml.YAMLError, ValueError) as exc:
            return 400, {"error": "Invalid metadata", "errors": [{"message": str(exc)}]}
        for config in meta.get("configs", []):
            if "config_name" not in config or "data_files" not in config:
                return 400, {"error": "Invalid metadata", "errors": [{"message": f"bad config {config}"}]}
        return 200, {"warnings": []}

    def _refs(self, repo: Repo):
        def ref(kind, name, oid):
            return {"name": name, "ref": f"refs/{kind}/{name}", "targetCommit": oid}

        return {
            "branches": [ref("heads", n, o) for n, o in sorted(repo.branches.items())],
            "converts": [],
            "tags": [ref("tags", n, o) for n, o in sorted(repo.tags.items())],
        }

    def _tree(self, repo: Repo, revision: str, prefix: str):
        oid = repo.resolve(revision)
        if oid is None:
            return 404, {"error": f"Invalid rev id: {revision}"}
        files = repo.commits[oid]
        return 200, [
            {"type": "file", "path": path, "size": len(data), "oid": git_blob_id(data)}
            for path, data in sorted(files.items())
            if not prefix or path.startswith(prefix.rstrip("/") + "/")
        ]

    def _info(self, repo: Repo, revision: str):
        oid = repo.resolve(revision)
        if oid is None:
            return 404, {"error": f"Invalid rev id: {revision}"}
        return 200, {"id": repo.repo_id, "sha": oid, "private": repo.private,
                     "siblings": [{"rfilename": p} for p in sorted(repo.commits[oid])]}

    def _preupload(self, repo: Repo, revision: str, payload):
        oid = repo.resolve(revision)
        files = repo.commits[oid] if oid else {}
        return 200, {"files": [
            {"path": f["path"], "uploadMode": "regular", "shouldIgnore": False,
             "oid": git_blob_id(files[f["path"]]) if f["path"] in files else None}
            for f in payload["files"]
        ]}

    def _commit(self, repo: Repo, revision: str, body: bytes):
        if self.fail_next_commit:
            self.fail_next_commit = False
            return 400, {"error": "stand-in: this commit fails once (an interrupted upload)"}
        lines = [json.loads(line) for line in body.decode().splitlines() if line.strip()]
        header = lines[0]
        assert header["key"] == "header", header
        added, deleted = {}, []
        for item in lines[1:]:
            value = item["value"]
            if item["key"] == "file":
                assert value["encoding"] == "base64"
                added[value["path"]] = base64.b64decode(value["content"])
            elif item["key"] == "deletedFile":
                deleted.append(value["path"])
            elif item["key"] == "deletedFolder":
                parent = repo.resolve(revision)
                deleted.extend(p for p in repo.commits[parent] if p.startswith(value["path"].rstrip("/") + "/"))
            else:
                return 400, {"error": f"the stand-in accepts regular files only, not {item['key']}"}
        parent = repo.resolve(revision)
        oid = repo.commit(header["value"]["summary"], added, deleted, parent)
        return 200, {"commitUrl": f"{self.endpoint}/datasets/{repo.repo_id}/commit/{oid}", "commitOid": oid,
                     "pullRequestUrl": None}

    def _tag(self, repo: Repo, revision: str, payload):
        oid = repo.resolve(revision)
        if oid is None:
            return 404, {"error": f"Invalid rev id: {revision}"}
        if payload["tag"] in repo.tags:
            return 409, {"error": f"Tag {payload['tag']} already exists"}
        repo.tags[payload["tag"]] = oid
        return 200, {}
