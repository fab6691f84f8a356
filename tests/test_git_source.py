import os
import subprocess

import pytest

from gitrepos import git, make_repo
from pipeline.sources.git import discover_repositories, read_repository
from pipeline.sources.swhid import snapshot_id
from transforms.base import DictCounter
from transforms.record import CodeFile, Reject


def cli_repo(tmp_path, name="r"):
    folder = tmp_path / name
    folder.mkdir()
    env = dict(os.environ, GIT_AUTHOR_DATE="2020-01-01T00:00:00Z", GIT_COMMITTER_DATE="2020-01-02T00:00:00Z")
    run = lambda *a: subprocess.run(["git", "-C", str(folder), *a], check=True, capture_output=True, env=env)
    run("init", "-q", "-b", "main")
    run("config", "user.name", "T")
    run("config", "user.email", "t@example.org")
    return folder, run


def files_of(outputs):
    return {o.path: o for o in outputs if isinstance(o, CodeFile)}


def test_ids_match_git(tmp_path):
    folder, run = cli_repo(tmp_path)
    (folder / "src").mkdir()
    (folder / "src" / "a.py").write_text("print(1)\n")
    (folder / "README.md").write_text("# r\n")
    (folder / "link").symlink_to("README.md")
    run("add", "-A")
    run("commit", "-qm", "one")
    run("tag", "-a", "v1", "-m", "v1")
    run("tag", "light")
    run("remote", "add", "origin", "git@github.com:Some-Owner/Some-Repo.git")
    count = DictCounter()
    out = list(read_repository(str(folder), count))
    files = files_of(out)
    assert sorted(files) == ["README.md", "src/a.py"]
    for path, record in files.items():
        assert record.content_id == git(folder, "rev-parse", f"HEAD:{path}")
        assert record.revision_id == git(folder, "rev-parse", "HEAD")
        assert record.directory_id == git(folder, "rev-parse", "HEAD^{tree}")
        assert record.branch_name == "refs/heads/main"
        assert record.repo_name == "Some-Owner/Some-Repo"
        assert record.committer_date == "2020-01-02T00:00:00+00:00"
        assert record.revision_date == "2020-01-01T00:00:00+00:00"
        assert record.length_bytes == int(git(folder, "cat-file", "-s", f"HEAD:{path}"))
    assert count == {"repositories:read": 1, "kept": 2, "dropped:symlink": 1}
    # the snapshot as SWH's git loader sees it: every ref, annotated tags as releases, HEAD an alias
    head = bytes.fromhex(git(folder, "rev-parse", "HEAD"))
    tag = bytes.fromhex(git(folder, "rev-parse", "refs/tags/v1"))
    expected = snapshot_id({
        b"HEAD": ("alias", b"refs/heads/main"),
        b"refs/heads/main": ("revision", head),
        b"refs/tags/light": ("revision", head),
        b"refs/tags/v1": ("release", tag),
    })
    assert files["src/a.py"].snapshot_id == expected


def test_submodule_and_non_utf8_name_and_depth(tmp_path):
    folder, run = cli_repo(tmp_path)
    (folder / "ok.txt").write_text("ok\n")
    with open(os.path.join(bytes(folder), b"caf\xe9.txt"), "wb") as handle:
        handle.write(b"latin name\n")
    deep = folder.joinpath(*["d"] * 66)
    deep.mkdir(parents=True)
    (deep / "deep.txt").write_text("deep\n")
    run("add", "-A")
    run("update-index", "--add", "--cacheinfo", f"160000,{'1' * 40},vendor/sub")
    run("commit", "-qm", "one")
    count = DictCounter()
    out = list(read_repository(str(folder), count, max_depth=64))
    assert sorted(files_of(out)) == ["ok.txt"]
    rejects = sorted((r.reason, r.path) for r in out if isinstance(r, Reject))
    assert rejects == [("path_not_utf8", "caf\\xe9.txt"), ("too_deep", "/".join(["d"] * 65))]
    assert count == {"repositories:read": 1, "kept": 1, "dropped:submodule": 1,
                     "dropped:path_not_utf8": 1, "dropped:too_deep": 1}


def test_empty_and_unreadable(tmp_path):
    folder, _ = cli_repo(tmp_path, "empty")
    count = DictCounter()
    out = list(read_repository(str(folder), count))
    assert [r.reason for r in out] == ["empty_repository"]
    assert count == {"repositories:empty": 1}
    count = DictCounter()
    out = list(read_repository(str(tmp_path / "nope"), count))
    assert [r.reason for r in out] == ["unreadable_repository"]


def test_discovery_bare_nested_and_unreadable(tmp_path):
    make_repo(tmp_path / "a", "one", {"x.py": "x = 1\n"})
    src = make_repo(tmp_path / "b", "two", {"y.py": "y = 2\n"})
    subprocess.run(["git", "clone", "-q", "--bare", src, str(tmp_path / "c" / "three.git")], check=True)
    locked = tmp_path / "locked"
    locked.mkdir()
    (locked / "inner").mkdir()
    os.chmod(locked, 0)
    try:
        found, problems = discover_repositories(str(tmp_path))
    finally:
        os.chmod(locked, 0o755)
    names = [os.path.relpath(p, tmp_path) for p in found]
    assert names == ["a/one", "b/two", "c/three.git"]
    if os.geteuid() != 0:  # root reads any folder
        assert [p.reason for p in problems] == ["unreadable_folder"]
    bare = files_of(read_repository(found[2], DictCounter()))
    assert list(bare) == ["y.py"]


def test_file_uri_when_no_remote(tmp_path):
    folder, run = cli_repo(tmp_path)
    (folder / "a.txt").write_text("a\n")
    run("add", "-A")
    run("commit", "-qm", "one")
    record = files_of(read_repository(str(folder), DictCounter()))["a.txt"]
    assert record.repo_name == folder.resolve().as_uri()
    assert record.locator == f"git:{folder}"


def test_lost_objects_cost_their_files_not_the_repository(tmp_path):
    folder, run = cli_repo(tmp_path)
    for path in ("a.py", "lost.py", "z.py", "gone/inside.py", "kept/inside.py"):
        (folder / path).parent.mkdir(exist_ok=True)
        (folder / path).write_text(f"# {path}\n")
    run("add", "-A")
    run("commit", "-qm", "one")
    lost_blob, lost_tree = git(folder, "rev-parse", "HEAD:lost.py"), git(folder, "rev-parse", "HEAD:gone")
    for oid in (lost_blob, lost_tree):
        os.remove(folder / ".git" / "objects" / oid[:2] / oid[2:])
    count = DictCounter()
    out = list(read_repository(str(folder), count))
    assert sorted(files_of(out)) == ["a.py", "kept/inside.py", "z.py"]
    rejects = sorted((r.reason, r.path, r.content_id) for r in out if isinstance(r, Reject))
    assert rejects == [("missing_blob", "lost.py", lost_blob), ("missing_tree", "gone", lost_tree)]
    assert count == {"repositories:read": 1, "kept": 3, "dropped:missing_blob": 1, "dropped:missing_tree": 1}


def test_discovery_reports_symlinked_folders_and_ignores_loops(tmp_path):
    make_repo(tmp_path / "repos", "one", {"x.py": "x = 1\n"})
    elsewhere = make_repo(tmp_path / "elsewhere", "two", {"y.py": "y = 2\n"})
    os.symlink(elsewhere, tmp_path / "repos" / "two")
    os.symlink("loop", tmp_path / "repos" / "loop")
    found, problems = discover_repositories(str(tmp_path / "repos"))
    assert [os.path.basename(p) for p in found] == ["one"]
    assert [(p.reason, p.path) for p in problems] == [("symlink_not_followed", "two")]


def test_rejects_name_no_machine_path():
    from pipeline.sources.git import portable_reject

    reject = Reject(stage="source", reason="unreadable_repository", path="/home/u/repos/a/b",
                    detail="failed to resolve path '/home/u/repos/a/b': no such file")
    out = portable_reject(reject, "/home/u/repos")
    assert out.path == "a/b" and "/home/u" not in out.detail
