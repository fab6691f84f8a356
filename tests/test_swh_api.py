"""``swh-api:`` source against a local HTTP server that replays recorded SWH Web API responses.

The recording is made by the fixture builder (:func:`pipeline.swh_fixtures.api_recording`):
it answers, in the real API's JSON shapes, what the API answers about git repositories
built here. The server adds what a live API does around it: bearer-token checks,
``X-RateLimit-*`` headers and a ``429`` with ``Retry-After`` now and then.
"""

import http.server
import threading
import time

import pytest

from gitrepos import git, make_repo
from pipeline.sources.git import ReadGitRepositories
from pipeline.sources.swh_api import ApiError, NotFound, ReadSwhApi, SwhApiClient, latest_full_visit, read_origins
from pipeline.sources.swh_export import as_of_micros
from swh_export_builder import api_recording, source_and_decode

TOKEN = "test-token"


class RecordedApi(http.server.ThreadingHTTPServer):
    """Serves ``recording`` (path -> (status, headers, body)). Requests number ``throttle_hits``,
    and every ``throttle_every``-th, get a 429 with ``Retry-After: retry_after``; with
    ``remaining``, ``X-RateLimit-Remaining`` counts down from it."""

    def __init__(self, recording, token=TOKEN, throttle_every=0, throttle_hits=(), retry_after="0", remaining=None):
        super().__init__(("127.0.0.1", 0), _Handler)
        self.recording, self.token = recording, token
        self.throttle_every, self.throttle_hits = throttle_every, set(throttle_hits)
        self.retry_after, self.remaining = retry_after, remaining
        self.hits, self.lock, self.seen_auth = 0, threading.Lock(), set()
        self.paths = []
        self.reset_at = int(time.time()) + 30

    @property
    def base(self):
        return f"http://127.0.0.1:{self.server_address[1]}/api/1/"


class _Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_GET(self):
        api = self.server
        with api.lock:
            api.hits += 1
            hit = api.hits
            api.seen_auth.add(self.headers.get("Authorization"))
            api.paths.append(self.path)
            remaining = None if api.remaining is None else max(0, api.remaining - hit)
        headers = {"X-RateLimit-Limit": "1200", "X-RateLimit-Reset": str(int(api.reset_at))}
        if remaining is not None:
            headers["X-RateLimit-Remaining"] = str(remaining)
        if api.token and self.headers.get("Authorization") != f"Bearer {api.token}":
            return self._send(401, headers, b'{"error": "Unauthorized"}')
        if hit in api.throttle_hits or (api.throttle_every and hit % api.throttle_every == 0):
            return self._send(429, dict(headers, **{"Retry-After": api.retry_after}), b'{"error": "Throttled"}')
        found = api.recording.get(self.path)
        if found is None:
            return self._send(404, headers, b'{"exception": "NotFoundExc"}')
        status, extra, body = found
        self._send(status, dict(headers, **extra), body)

    def _send(self, status, headers, body):
        self.send_response(status)
        for key, value in headers.items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture(scope="module")
def repos(tmp_path_factory):
    root = tmp_path_factory.mktemp("api")
    one = make_repo(root, "one", {"README.md": "# one\n", "src/a.py": "a = 1\n", "src/deep/b.py": "b = 2\n",
                                  "logo.png": b"\x89PNG\r\n\x1a\n\x00\x00"})
    git(one, "-c", "user.name=T", "-c", "user.email=t@e", "tag", "-a", "v1", "-m", "v1")
    git(one, "branch", "dev")
    two = make_repo(root, "two", {"main.go": "package main\n"})
    return {"root": str(root), "one": one, "two": two}


@pytest.fixture()
def serve():
    servers = []

    def start(recording, **kw):
        server = RecordedApi(recording, **kw)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def test_client_honours_rate_limits_and_429(repos, serve):
    server = serve(api_recording([repos["one"]], page_size=2), throttle_hits={2}, retry_after="7", remaining=3)
    waits = []
    now = [server.reset_at - 100]
    client = SwhApiClient(server.base, token=TOKEN, sleep=waits.append, clock=lambda: now[0])
    visit = latest_full_visit(client, "https://github.com/test-owner/one")  # request 1
    assert visit["status"] == "full" and waits == []
    client.json(f"snapshot/{visit['snapshot']}/")  # request 2: 429, wait 7; request 3: budget now 0
    assert waits == [7.0]
    client.json(f"snapshot/{visit['snapshot']}/")  # waits for the window to reset first
    assert waits == [7.0, 101.0] and client.requests == 4
    assert server.seen_auth == {f"Bearer {TOKEN}"}
    with pytest.raises(NotFound):
        SwhApiClient(server.base, token=TOKEN, sleep=waits.append).json("revision/" + "0" * 40 + "/")
    with pytest.raises(ApiError, match="401"):
        SwhApiClient(server.base, token="wrong", sleep=waits.append).json("revision/" + "0" * 40 + "/")


def test_client_gives_up_after_retries(serve):
    server = serve({}, throttle_every=1, retry_after="5")
    waits = []
    with pytest.raises(ApiError, match="gave up after 3 attempts, last: 429"):
        SwhApiClient(server.base, token=TOKEN, attempts=3, sleep=waits.append).json("origin/x/visit/latest/")
    assert waits == [5.0, 5.0, 5.0]


def test_as_of_walks_the_visit_list(repos, serve):
    server = serve(api_recording([repos["one"]]))
    client = SwhApiClient(server.base, token=TOKEN, sleep=lambda s: None)
    origin = "https://github.com/test-owner/one"
    assert latest_full_visit(client, origin, as_of_micros("2023-11-15"))["visit"] == 1  # visited that day
    assert latest_full_visit(client, origin, as_of_micros("2023-11-14")) is None
    assert latest_full_visit(client, "https://github.com/test-owner/unknown") is None


def test_origin_list(tmp_path):
    path = tmp_path / "origins.txt"
    path.write_text("# ours\nhttps://github.com/b/c\n\nhttps://github.com/a/b\nhttps://gitlab.com/x/y\nhttps://github.com/a/b\n")
    assert read_origins(str(path)) == ["https://github.com/a/b", "https://github.com/b/c", "https://gitlab.com/x/y"]
    assert read_origins(str(path), ("https://gitlab.com/",)) == ["https://gitlab.com/x/y"]


@pytest.mark.slow
def test_api_walk_equals_the_git_source(repos, serve, tmp_path, monkeypatch):
    recording = api_recording([repos["one"], repos["two"]], page_size=2)  # one's 4 branches: 2 pages
    missing = [p for p in recording if p.endswith("/raw/") and recording[p][2] == b"package main\n"]
    del recording[missing[0]]
    server = serve(recording, throttle_every=5, retry_after="0", remaining=10_000)
    monkeypatch.setenv("SWH_API_URL", server.base)
    monkeypatch.setenv("SWH_API_TOKEN", TOKEN)
    origins = tmp_path / "origins.txt"
    origins.write_text("https://github.com/test-owner/one\nhttps://github.com/test-owner/two\n"
                       "https://github.com/test-owner/never-archived\n")
    source = ReadSwhApi(str(origins))
    source.check()
    got, counters = source_and_decode(str(tmp_path / "api"), source, readers=source.blob_readers())
    from_git, _ = source_and_decode(str(tmp_path / "git"), ReadGitRepositories(repos["root"]))
    fields = ("content_id", "blob_id", "directory_id", "revision_id", "snapshot_id", "branch_name",
              "revision_date", "committer_date", "content", "src_encoding", "length_bytes")
    expected = {(r.repo_name, r.path): [getattr(r, f) for f in fields] for r in from_git["decoded"]}
    assert {(r.repo_name, r.path): [getattr(r, f) for f in fields] for r in got["decoded"]} == {
        k: v for k, v in expected.items() if k != ("test-owner/two", "main.go")}
    assert [(r.reason, r.path) for r in got["decode_rejects"]] == [("missing_blob", "main.go")]
    assert [(r.reason, r.origin_url) for r in got["source_rejects"]] == [
        ("no_full_visit", "https://github.com/test-owner/never-archived")]
    assert counters["decode"]["dropped:binary"] == 1 and server.seen_auth == {f"Bearer {TOKEN}"}
    assert source.describe()["origins"] == 3 and "test-token" not in repr(source.describe())


class _NamesTwo:
    """A stand-in for the opt-out registry's matcher that names test-owner/two."""

    def match(self, origin_url="", repo_name="", github_id=None):
        return "owner" if repo_name.lower() == "test-owner/two" else None


def test_opted_out_origins_are_never_asked_for(repos, serve, tmp_path, monkeypatch):
    server = serve(api_recording([repos["one"], repos["two"]]), remaining=10_000)
    monkeypatch.setenv("SWH_API_URL", server.base)
    monkeypatch.setenv("SWH_API_TOKEN", TOKEN)
    origins = tmp_path / "origins.txt"
    origins.write_text("https://github.com/test-owner/one\nhttps://github.com/Test-Owner/two\n")
    source = ReadSwhApi(str(origins), matcher=_NamesTwo())
    got, counters = source_and_decode(str(tmp_path / "api"), source, readers=source.blob_readers())
    assert {r.repo_name for r in got["decoded"]} == {"test-owner/one"}
    assert counters["source"]["repositories:opted_out"] == 1
    assert not [p for p in server.paths if "two" in p.lower()]


def test_renamed_repository_is_opted_out_by_github_id_before_any_request(repos, serve, tmp_path, monkeypatch):
    """The registry names the repository by its old name and its GitHub id; the metadata
    gives that id to its new name: no request is made for it."""
    from registry import Matcher, make_entry

    server = serve(api_recording([repos["one"], repos["two"]]), remaining=10_000)
    monkeypatch.setenv("SWH_API_URL", server.base)
    monkeypatch.setenv("SWH_API_TOKEN", TOKEN)
    origins = tmp_path / "origins.txt"
    origins.write_text("https://github.com/test-owner/one\nhttps://github.com/test-owner/two\n")
    metadata = tmp_path / "metadata.csv"
    # GitHub Archive spells names as events did: the join ignores case
    metadata.write_text("repo_name,repo_id,owner_id\nTest-Owner/Two,555,17\nTEST-OWNER/one,556,17\n")
    matcher = Matcher([make_entry("repository", "test-owner/old-two", "https://github.com/codestack-demo/codestack/issues/6",
                                  "2024-06-03", github_id=555)])
    source = ReadSwhApi(str(origins), repo_metadata=str(metadata), matcher=matcher)
    got, counters = source_and_decode(str(tmp_path / "api"), source, readers=source.blob_readers())
    assert {(r.repo_name, r.github_id, r.owner_github_id) for r in got["files"]} == {("test-owner/one", 556, 17)}
    assert {r.repo_name for r in got["decoded"]} == {"test-owner/one"} and got["source_rejects"] == []
    assert counters["source"]["repositories:opted_out"] == 1 and counters["source"]["origins:visited"] == 1
    assert server.paths and not [p for p in server.paths if "two" in p.lower()]
