"""``--source swh-api:FILE``: origins (one URL a line) walked through Software Heritage's Web API.

For small targeted runs. Per origin: the latest full visit (at or before ``--as-of``)
-> its snapshot (paginated) -> the branch (same rule as the export source) -> release
-> revision -> the root directory, walked one directory per call; the decode stage
then reads each file's raw bytes (``content/sha1_git:<id>/raw/``).

A small client on ``requests`` (swh.web.client is GPL-3.0): a bearer token from
``SWH_API_TOKEN`` if set; it honours ``X-RateLimit-Remaining``/``X-RateLimit-Reset``
(waits for the window to reset when the budget is spent) and ``429`` with
``Retry-After``; network errors and 5xx are retried with doubling waits.
``SWH_API_URL`` points at another API root (a mirror, or a test server). The token
is read on each worker from its environment and never enters the pipeline graph.

Origins the opt-out registry names (by URL, or by the repository's or owner's GitHub
id from ``--repo-metadata``) are dropped before the first request for them.
"""

from __future__ import annotations

import datetime
import email.utils
import hashlib
import os
import threading
import time
from typing import Callable, Dict, Iterator, List, Optional, Sequence, Tuple, Union
from urllib.parse import urlsplit

import apache_beam as beam

from pipeline.errors import UsageError
from pipeline.sources.swh_export import (
    MAX_DEPTH,
    MAX_ENTRIES,
    STAGE,
    Branches,
    RepoHead,
    RepoMeta,
    metadata_key,
    as_of_micros,
    check_repo_metadata,
    choose_branch,
    head_record,
    meta_order,
    opted_out_by_ids,
    parse_time,
)
from pipeline.sources.swh_export.common import _Fn
from pipeline.sources.swh_export.resolve import _OnePerRootFn
from pipeline.sources.swh_export.source import _ReadMetadataFn
from pipeline.sources.swhid import repo_name_of
from transforms.base import REJECTS, BeamCounter, Count
from transforms.counts import COUNTS, CountedParDo, counted
from transforms.fetch import BlobError, open_filesystem
from transforms.record import CodeFile, Reject

DEFAULT_API = "https://archive.softwareheritage.org/api/1/"
TOKEN_ENV = "SWH_API_TOKEN"
URL_ENV = "SWH_API_URL"
_PERMS_SYMLINK = 0o120000


class ApiError(Exception):
    def __init__(self, url: str, message: str, status: Optional[int] = None):
        super().__init__(f"{url}: {message}")
        self.url = url
        self.status = status


class NotFound(ApiError):
    pass


def _retry_after(value: Optional[str], now: float) -> Optional[float]:
    """Seconds to wait from a ``Retry-After`` header (seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        return max(0.0, email.utils.parsedate_to_datetime(value).timestamp() - now)
    except (TypeError, ValueError):
        return None


class SwhApiClient:
    """GET requests to the SWH Web API with its rate limits honoured. Thread-safe."""

    def __init__(self, base_url: Optional[str] = None, token: Optional[str] = None, session=None,
                 sleep: Callable[[float], None] = time.sleep, clock: Callable[[], float] = time.time,
                 attempts: int = 5, backoff_seconds: float = 1.0, max_wait_seconds: float = 3600.0,
                 timeout: float = 60.0):
        import requests

        self.base_url = (base_url or DEFAULT_API).rstrip("/") + "/"
        self._session = session or requests.Session()
        self._headers = {"Accept": "application/json", "User-Agent": "codestack (+https://github.com/)"}
        if token:
            self._headers["Authorization"] = f"Bearer {token}"
        self._sleep = sleep
        self._clock = clock
        self._attempts = max(1, attempts)
        self._backoff = backoff_seconds
        self._max_wait = max_wait_seconds
        self._timeout = timeout
        self._lock = threading.Lock()
        self._remaining: Optional[int] = None
        self._reset: Optional[float] = None
        self.requests = 0
        self.waited = 0.0

    def url(self, path: str) -> str:
        """``path`` relative to the API root (``origin/<url>/...``), to the host (``/api/1/...``), or absolute.
        Plain joins: an origin URL inside the path keeps its ``//``."""
        if path.startswith(("http://", "https://")):
            return path
        if path.startswith("/"):
            parts = urlsplit(self.base_url)
            return f"{parts.scheme}://{parts.netloc}{path}"
        return self.base_url + path

    def _wait(self, seconds: float) -> None:
        seconds = max(0.0, min(seconds, self._max_wait))
        if seconds:
            with self._lock:
                self.waited += seconds
            self._sleep(seconds)

    def _budget(self) -> None:
        """When the window's budget is spent, wait for it to reset."""
        with self._lock:
            remaining, reset = self._remaining, self._reset
            if remaining is not None and remaining <= 0:
                self._remaining = None
        if remaining is not None and remaining <= 0 and reset is not None:
            self._wait(reset - self._clock() + 1)

    def _note(self, response) -> None:
        try:
            remaining = response.headers.get("X-RateLimit-Remaining")
            reset = response.headers.get("X-RateLimit-Reset")
            with self._lock:
                if remaining is not None:
                    self._remaining = int(remaining)
                if reset is not None:
                    self._reset = float(reset)
        except ValueError:
            pass

    def get(self, path: str, stream: bool = False):
        """The response to ``GET path`` (2xx), after retries; raises NotFound / ApiError."""
        import requests

        url = self.url(path)
        last = "no attempt"
        for attempt in range(self._attempts):
            self._budget()
            try:
                with self._lock:
                    self.requests += 1
                response = self._session.get(url, headers=self._headers, timeout=self._timeout, stream=stream)
            except requests.RequestException as exc:
                last = f"{type(exc).__name__}: {exc}"
                self._wait(self._backoff * 2 ** attempt)
                continue
            self._note(response)
            status = response.status_code
            if status == 429:
                wait = _retry_after(response.headers.get("Retry-After"), self._clock())
                if wait is None and self._reset is not None:
                    wait = self._reset - self._clock() + 1
                response.close()
                last = "429 Too Many Requests"
                self._wait(self._backoff * 2 ** attempt if wait is None else wait)
                continue
            if status >= 500:
                response.close()
                last = f"{status} {response.reason}"
                self._wait(self._backoff * 2 ** attempt)
                continue
            if status == 404:
                response.close()
                raise NotFound(url, "not found", status)
            if status >= 400:
                response.close()
                raise ApiError(url, f"{status} {response.reason}", status)
            return response
        raise ApiError(url, f"gave up after {self._attempts} attempts, last: {last}")

    def json(self, path: str):
        response = self.get(path)
        try:
            return response.json()
        except ValueError as exc:
            raise ApiError(self.url(path), f"not JSON: {exc}") from exc

    def pages(self, path: str) -> Iterator:
        """Each page of a paginated endpoint, following ``Link: <...>; rel="next"``."""
        url: Optional[str] = self.url(path)
        while url:
            response = self.get(url)
            try:
                yield response.json()
            except ValueError as exc:
                raise ApiError(url, f"not JSON: {exc}") from exc
            following = response.links.get("next", {}).get("url")
            url = self.url(following) if following else None

    def raw(self, path: str, max_bytes: int) -> bytes:
        """Raw bytes of ``path``, at most ``max_bytes`` (more raises BlobError)."""
        response = self.get(path, stream=True)
        out = bytearray()
        with response:
            for chunk in response.iter_content(1 << 16):
                out += chunk
                if len(out) > max_bytes:
                    raise BlobError("corrupt_blob", f"{self.url(path)}: longer than the {max_bytes} bytes announced")
        return bytes(out)


def client_from_env(base_url: str) -> SwhApiClient:
    return SwhApiClient(base_url, token=os.environ.get(TOKEN_ENV) or None)


# --- origin -> RepoHead -------------------------------------------------------------

def _utc(text: Optional[str]) -> Optional[str]:
    return parse_time(text).isoformat() if text else None


def _micros(text: Optional[str]) -> Optional[int]:
    if not text:
        return None
    delta = parse_time(text) - datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)
    return (delta.days * 86400 + delta.seconds) * 1_000_000 + delta.microseconds


def _usable(visit: Optional[dict], as_of_us: Optional[int]) -> bool:
    if not visit or visit.get("status") != "full" or not visit.get("snapshot"):
        return False
    return as_of_us is None or (_micros(visit.get("date")) or 0) <= as_of_us


def latest_full_visit(client: SwhApiClient, origin: str, as_of_us: Optional[int] = None) -> Optional[dict]:
    """The highest full visit with a snapshot (at or before ``as_of_us``), or None."""
    try:
        latest = client.json(f"origin/{origin}/visit/latest/?require_snapshot=true")
    except NotFound:
        return None
    if _usable(latest, as_of_us):
        return latest
    best = None
    for page in client.pages(f"origin/{origin}/visits/"):
        for visit in page:
            if _usable(visit, as_of_us) and (best is None or visit["visit"] > best["visit"]):
                best = visit
    return best


def snapshot_branches(client: SwhApiClient, snapshot: str) -> Branches:
    """Branches of a snapshot (all pages); dangling ones left out, as in the export."""
    branches: Branches = {}
    for page in client.pages(f"snapshot/{snapshot}/"):
        for name, branch in sorted((page.get("branches") or {}).items()):
            if branch and branch.get("target"):
                target = branch["target"]
                if branch.get("target_type") == "alias":
                    target = target.encode("utf-8", "surrogateescape")
                branches[name.encode("utf-8", "surrogateescape")] = (branch.get("target_type"), target)
    return branches


def resolve_origin(client: SwhApiClient, origin: str, meta: Optional[RepoMeta], as_of_us: Optional[int],
                   count: Count) -> Union[RepoHead, Reject]:
    """origin -> latest full visit -> snapshot -> branch -> (release ->) revision -> RepoHead."""

    def reject(reason: str, detail: str, **ids) -> Reject:
        count(f"dropped:{reason}")
        return Reject(stage=STAGE, reason=reason, detail=detail[:500], repo_name=repo_name_of(origin),
                      origin_url=origin, **ids)

    visit = latest_full_visit(client, origin, as_of_us)
    if visit is None:
        return reject("no_full_visit", "no full visit with a snapshot" + (" at or before --as-of" if as_of_us else ""))
    snapshot = visit["snapshot"]
    name, kind, target = choose_branch(snapshot_branches(client, snapshot), meta.default_branch if meta else None, count)
    if name is None:
        return reject(kind, target, snapshot_id=snapshot)
    branch = name.decode("utf-8", "backslashreplace")
    if kind == "release":
        try:
            release = client.json(f"release/{target}/")
        except NotFound:
            return reject("dangling_branch", f"branch {branch}: release {target} not found", snapshot_id=snapshot)
        if release.get("target_type") != "revision":
            return reject("branch_not_revision", f"branch {branch}: release {target} points to a "
                          f"{release.get('target_type')}", snapshot_id=snapshot)
        kind, target = "revision", release["target"]
    if kind != "revision":
        return reject("branch_not_revision", f"branch {branch} points to a {kind}", snapshot_id=snapshot)
    try:
        revision = client.json(f"revision/{target}/")
    except NotFound:
        return reject("dangling_branch", f"branch {branch}: revision {target} not found", snapshot_id=snapshot,
                      revision_id=target)
    return RepoHead(origin, snapshot, int(visit["visit"]), _utc(visit.get("date")), branch, target,
                    revision["directory"], _utc(revision.get("date")), _utc(revision.get("committer_date")), meta)


def walk_directory(client: SwhApiClient, head: RepoHead, count: Count, max_depth: int = MAX_DEPTH,
                   max_entries: int = MAX_ENTRIES, locator: str = "") -> Iterator[Union[CodeFile, Reject]]:
    """Every file under the revision's root directory, one API call per directory, in path order."""
    base = head_record(head, locator)

    def reject(reason: str, detail: str, path: str, content_id: str = "", blob_id: str = "") -> Reject:
        count(f"dropped:{reason}")
        return Reject(stage=STAGE, reason=reason, detail=detail[:500], repo_name=base.repo_name, path=path,
                      blob_id=blob_id, content_id=content_id, snapshot_id=head.snapshot, revision_id=head.revision,
                      origin_url=head.origin)

    stack: List[Tuple[str, str, int]] = [(head.directory, "", 0)]
    while stack:
        directory, prefix, depth = stack.pop()
        entries = client.json(f"directory/{directory}/")
        if len(entries) > max_entries:
            yield reject("too_many_entries", f"directory {directory} has {len(entries)} entries (limit {max_entries})",
                         prefix.rstrip("/"))
            continue
        subdirs = []
        for entry in sorted(entries, key=lambda e: e["name"]):
            path = prefix + entry["name"]
            if entry["type"] == "dir":
                if depth + 1 > max_depth:
                    yield reject("too_deep", f"folder deeper than {max_depth} levels", path)
                else:
                    subdirs.append((entry["target"], path + "/", depth + 1))
            elif entry["type"] == "rev":
                count("dropped:submodule")
            elif entry.get("perms") == _PERMS_SYMLINK:
                count("dropped:symlink")
            elif entry.get("status", "visible") != "visible":
                yield reject(f"content_{entry.get('status')}", f"content status {entry.get('status')!r}", path,
                             entry["target"], (entry.get("checksums") or {}).get("sha1", ""))
            else:
                count("kept")
                yield base._replace(path=path, content_id=entry["target"],
                                    blob_id=(entry.get("checksums") or {}).get("sha1", ""),
                                    length_bytes=int(entry.get("length") or 0))
        stack.extend(reversed(subdirs))


class ApiBlobReader:
    """Reads ``swhapi:<api root>`` records: ``content/sha1_git:<content_id>/raw/``.

    At most the announced length is read (a longer answer is dead-lettered); a missing
    content or one still failing after the client's retries raises BlobError.
    """

    concurrent = True

    def __init__(self, client_factory: Callable[[str], SwhApiClient] = client_from_env):
        self._factory = client_factory
        self._clients: Dict[str, SwhApiClient] = {}
        self._lock = threading.Lock()

    def __call__(self, record: CodeFile) -> bytes:
        scheme, _, base = record.locator.partition(":")
        if scheme != "swhapi" or not base:
            raise BlobError("unknown_locator", f"no API reader for locator {record.locator!r}")
        with self._lock:
            client = self._clients.get(base)
            if client is None:
                client = self._clients[base] = self._factory(base)
        try:
            return client.raw(f"content/sha1_git:{record.content_id}/raw/", max(0, record.length_bytes))
        except NotFound as exc:
            raise BlobError("missing_blob", str(exc)) from exc
        except ApiError as exc:
            raise BlobError("fetch_failed", str(exc)) from exc


# --- the source --------------------------------------------------------------------------

class _ResolveFn(_Fn):
    def __init__(self, api: str, as_of_us: Optional[int]):
        self._api = api
        self._as_of_us = as_of_us

    def setup(self):
        super().setup()
        self._client = client_from_env(self._api)

    def _results(self, item):
        origin, meta = item
        self._count("origins:visited")
        try:
            out = resolve_origin(self._client, origin, meta, self._as_of_us, self._count)
        except (ApiError, KeyError, TypeError, ValueError) as exc:
            self._count("dropped:api_error")
            out = Reject(stage=STAGE, reason="api_error", detail=f"{type(exc).__name__}: {exc}"[:500],
                         repo_name=repo_name_of(origin), origin_url=origin)
        if isinstance(out, Reject):
            yield beam.pvalue.TaggedOutput(REJECTS, out)
        else:
            yield out.directory, out


class _WalkFn(_Fn):
    def __init__(self, api: str, max_depth: int, max_entries: int):
        self._api = api
        self._max_depth = max_depth
        self._max_entries = max_entries

    def setup(self):
        super().setup()
        self._client = client_from_env(self._api)

    def _results(self, item):
        _root, head = item
        try:
            for out in walk_directory(self._client, head, self._count, self._max_depth, self._max_entries,
                                      f"swhapi:{self._api}"):
                yield beam.pvalue.TaggedOutput(REJECTS, out) if isinstance(out, Reject) else out
        except (ApiError, KeyError, TypeError, ValueError) as exc:  # the files so far stay; the rest is rejected
            self._count("dropped:api_error")
            yield beam.pvalue.TaggedOutput(REJECTS, Reject(
                stage=STAGE, reason="api_error", detail=f"{type(exc).__name__}: {exc}"[:500],
                repo_name=repo_name_of(head.origin), snapshot_id=head.snapshot, revision_id=head.revision,
                origin_url=head.origin))


class _AttachMetaFn(_Fn):
    """(repo_name, {"origin": [url], "meta": [RepoMeta]}) -> (origin, meta). With the opt-out
    registry's ``matcher``, an origin whose metadata ids it names (a renamed repository or
    owner) is dropped here, before the first API call for it (``repositories:opted_out``)."""

    def __init__(self, matcher=None):
        self._matcher = matcher

    def _results(self, item):
        _name, groups = item
        metas = sorted(set(groups["meta"]), key=meta_order)
        meta = metas[0] if metas else None
        for origin in sorted(groups["origin"]):
            if opted_out_by_ids(self._matcher, origin, meta):
                self._count("repositories:opted_out")
                continue
            yield origin, meta


def read_origins(location: str, prefixes: Sequence[str] = ()) -> List[str]:
    """Origin URLs of a file (one a line; blank lines and ``#`` comments skipped), sorted, unique."""
    filesystem, path = open_filesystem(location)
    with filesystem.open_input_stream(path) as handle:
        text = handle.read().decode("utf-8")
    origins = {line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")}
    return sorted(o for o in origins if not prefixes or o.startswith(tuple(prefixes)))


class _SkipOptedOutFn(beam.DoFn):
    """Origins the opt-out registry names are dropped before the first API call for them."""

    def __init__(self, matcher):
        self._matcher = matcher

    def setup(self):
        self._count = BeamCounter(STAGE)

    def finish_bundle(self):
        yield from self._count.emit()

    def process(self, origin: str):
        if self._matcher.match(origin_url=origin, repo_name=repo_name_of(origin)):
            self._count("repositories:opted_out")
            return
        yield origin


class ReadSwhApi(beam.PTransform):
    """``files, rejects = pipeline | ReadSwhApi(origins_file)``; blobs read by :class:`ApiBlobReader`."""

    def __init__(self, origins_file: str, as_of: Optional[str] = None, origin_prefixes: Sequence[str] = (),
                 repo_metadata: Optional[str] = None, api_url: Optional[str] = None,
                 max_depth: int = MAX_DEPTH, max_entries: int = MAX_ENTRIES, matcher=None):
        super().__init__()
        self._matcher = matcher  # opt-out: named origins are never asked for
        self._file = origins_file
        self._as_of = as_of
        self._as_of_us = as_of_micros(as_of)
        self._prefixes = tuple(sorted(set(origin_prefixes)))
        self._metadata = repo_metadata
        self._api = (api_url or os.environ.get(URL_ENV) or DEFAULT_API).rstrip("/") + "/"
        self._max_depth = max_depth
        self._max_entries = max_entries

    def origins(self) -> List[str]:
        return read_origins(self._file, self._prefixes)

    def check(self) -> None:
        try:
            origins = self.origins()
        except (OSError, UnicodeDecodeError) as exc:
            raise UsageError(f"--source swh-api:{self._file}: cannot read the origin list: {exc}") from exc
        if not origins:
            raise UsageError(f"--source swh-api:{self._file}: no origin URL in it"
                             + (" with the given --origin-prefix" if self._prefixes else ""))
        if self._metadata:
            check_repo_metadata(self._metadata)

    def describe(self) -> dict:
        origins = self.origins()
        out = {"kind": "swh-api", "api": self._api, "origins": len(origins),
               "origins_digest": hashlib.sha256("".join(o + "\n" for o in origins).encode("utf-8")).hexdigest()}
        if self._as_of:
            out["as_of"] = self._as_of
        if self._prefixes:
            out["origin_prefixes"] = list(self._prefixes)
        if self._metadata:
            out["repo_metadata_sha256"] = check_repo_metadata(self._metadata)
        return out

    def blob_readers(self) -> Dict[str, Callable[[], ApiBlobReader]]:
        """Readers the decode stage adds for this source's locators (``swhapi:<api root>``)."""
        return {"swhapi": ApiBlobReader}

    def expand(self, pbegin):
        origins = pbegin | "Origins" >> beam.Create(self.origins())
        if self._matcher is not None:
            origins = origins | "SkipOptedOut" >> CountedParDo(_SkipOptedOutFn(self._matcher))
        if self._metadata:
            meta = (pbegin | "MetadataFile" >> beam.Create([self._metadata])
                    | "ReadMetadata" >> CountedParDo(_ReadMetadataFn()))
            named = origins | "ByRepoName" >> beam.Map(lambda o: (metadata_key(repo_name_of(o)), o))
            with_meta = ({"origin": named, "meta": meta} | "JoinMetadata" >> beam.CoGroupByKey()
                         | "AttachMetadata" >> CountedParDo(_AttachMetaFn(self._matcher)))
        else:
            with_meta = origins | "NoMetadata" >> beam.Map(lambda o: (o, None))
        resolved = (with_meta | "SpreadOrigins" >> beam.Reshuffle()
                    | "Resolve" >> beam.ParDo(_ResolveFn(self._api, self._as_of_us)).with_outputs(REJECTS, COUNTS,
                                                                                               main="heads"))
        counted(resolved)
        heads = (resolved.heads | "ByRootDirectory" >> beam.GroupByKey()
                 | "OnePerRoot" >> CountedParDo(_OnePerRootFn()))
        walked = (heads | "SpreadRepositories" >> beam.Reshuffle()
                  | "Walk" >> beam.ParDo(_WalkFn(self._api, self._max_depth, self._max_entries)).with_outputs(
                      REJECTS, COUNTS, main="files"))
        counted(walked)
        rejects = (resolved[REJECTS], walked[REJECTS]) | "SourceRejects" >> beam.Flatten().with_output_types(Reject)
        return walked.files, rejects
