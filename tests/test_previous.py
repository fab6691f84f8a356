"""``build --previous DIR``: released files stay the kept copy of their clusters unless the
preference order now favours another, and the CHANGELOG says why files came and went."""

import os

import pyarrow.parquet as pq
import pytest

from pipeline.samples import FIXED_TIME

from transforms.dedup.preference import best, preference_key
from transforms.record import CodeFile

QUIET = lambda msg: None  # noqa: E731


def record(repo, **fields):
    base = dict(blob_id="a" * 40, content_id="b" * 40, directory_id="", path="x.py", repo_name=repo,
                snapshot_id="s", revision_id="r", branch_name="main", license_type="permissive")
    base.update(fields)
    return CodeFile(**base)


def test_a_released_copy_wins_only_where_the_preference_order_is_silent():
    first, second = record("a/first"), record("b/second", released_before=True)
    assert best([first, record("b/second")]) == first  # name order, without --previous
    assert best([first, second]) == second  # released before: stays
    starred = record("a/first", star_events_count=5)
    assert best([starred, second]) == starred  # more stars: the order favours another file
    newer = record("a/first", committer_date="2025-01-01T00:00:00+00:00")
    older = record("b/second", committer_date="2024-01-01T00:00:00+00:00", released_before=True)
    assert best([newer, older]) == newer  # a newer revision, too
    assert preference_key(record("x")) < preference_key(record("x", license_type="no_license", released_before=True))


def license_for(holder):
    from pipeline.samples import MIT_LICENSE

    return MIT_LICENSE.format(year=2024, holder=holder)


def repo(root, name, files, when=None):
    """A one-commit repository (``when``: its commit time, default the samples' fixed time)."""
    import pygit2

    from pipeline.samples import make_repository

    made = make_repository(os.path.join(str(root), name), f"https://github.com/test-owner/{name}", files)
    if when is not None:
        head = made.head.peel()
        author = pygit2.Signature("Demo Author", "author@example.org", when, 0)
        made.create_commit("HEAD", author, author, "newer\n", head.tree.id, [head.id])


SHARED = "def shared(values):\n    return sorted(set(values))\n"
WINNER = "def winner(a, b):\n    return max(a, b) - min(a, b)\n"


@pytest.fixture(scope="module")
def corpora(tmp_path_factory):
    from gitrepos import beam_home

    root = tmp_path_factory.mktemp("previous")
    with beam_home(root):
        v1, v2 = root / "v1", root / "v2"
        for base in (v1, v2):
            repo(base, "b-keeper", {"LICENSE": license_for("keeper"), "shared.py": SHARED,
                                    "own.py": "def own():\n    return 'keeper'\n"})
            repo(base, "winner", {"LICENSE": license_for("winner"), "w.py": WINNER})
            repo(base, "filtered", {"LICENSE": license_for("filtered"), "f.rb": "def f\n  puts 'ruby'\nend\n"})
            repo(base, "optme", {"LICENSE": license_for("optme"), "o.py": "def opted():\n    return 'out'\n"})
        repo(v1, "gone", {"LICENSE": license_for("gone"), "g.py": "def gone():\n    return 'soon'\n"})
        repo(v1, "editme", {"LICENSE": license_for("editme"), "e.py": "def edit():\n    return 1\n"})
        repo(v2, "editme", {"LICENSE": license_for("editme"), "e.py": "def edit():\n    return 2\n"})
        repo(v1, "relicensed", {"LICENSE": license_for("relicensed"), "r.py": "def relicensed():\n    return 3\n"})
        repo(v2, "relicensed", {"package.json": '{"name": "relicensed", "license": "GPL-3.0-only"}\n',
                                "r.py": "def relicensed():\n    return 3\n"})
        repo(v2, "a-copy", {"LICENSE": license_for("copy"), "shared.py": SHARED})  # sorts before b-keeper
        repo(v2, "z-newer", {"LICENSE": license_for("newer"), "w.py": WINNER}, when=FIXED_TIME + 86400)
        repo(v2, "fresh", {"LICENSE": license_for("fresh"), "fresh.py": "def fresh():\n    return 'new'\n"})
    return {"v1": str(v1), "v2": str(v2), "root": root}


def released(folder):
    out = {}
    for dirpath, _dirs, files in os.walk(os.path.join(folder, "data")):
        for name in files:
            for row in pq.read_table(os.path.join(dirpath, name), columns=["repo_name", "path"]).to_pylist():
                out.setdefault(row["path"], set()).add(row["repo_name"])
    return out


@pytest.mark.slow
def test_previous_release_keeps_its_winners_and_the_changelog_says_why(corpora, tmp_path, capsys):
    from pipeline.build import run_build
    from pipeline.cli import main

    registry = tmp_path / "optout.yaml"
    registry.write_text("version: 1\nentries: []\n")
    assert main(["optout", "add", "--registry", str(registry), "--repository", "test-owner/optme",
                 "--reference", "https://example.org/issues/1", "--requested", "2026-01-01"]) == 0
    config = tmp_path / "config.yaml"
    config.write_text("filters:\n  languages_deny: [Ruby]\n")
    v1, plain, stable, cached = (str(tmp_path / n) for n in ("v1", "plain", "stable", "cached"))
    run_build(f"git:{corpora['v1']}", v1, "0.1.0", log=QUIET)
    run_build(f"git:{corpora['v2']}", plain, "0.2.0", log=QUIET, optout_registry=str(registry),
              config_path=str(config))
    run_build(f"git:{corpora['v2']}", stable, "0.2.0", log=QUIET, optout_registry=str(registry),
              config_path=str(config), previous=v1)
    before, without, with_previous = released(v1), released(plain), released(stable)
    assert before["shared.py"] == {"test-owner/b-keeper"}
    assert without["shared.py"] == {"test-owner/a-copy"}  # name order decides without --previous
    assert with_previous["shared.py"] == {"test-owner/b-keeper"}  # the released copy stays
    assert with_previous["w.py"] == {"test-owner/z-newer"}  # a newer revision is preferred all the same

    changelog = open(os.path.join(stable, "CHANGELOG.md")).read()
    why = changelog[changelog.index("### Why"):changelog.index("### Repositories")]
    rows = {}
    for line in why.splitlines():
        cells = [c.strip() for c in line.strip("|").split("|")]
        if len(cells) == 3 and cells[1].replace(",", "").isdigit():
            rows[(cells[0], cells[2])] = int(cells[1].replace(",", ""))
    # the MIT texts differ by their holder only: one near-duplicate cluster, whose kept copy was
    # b-keeper's LICENSE and is now z-newer's (the newest revision), like w.py
    assert rows == {
        ("added", "dedup winner changed"): 2, ("removed", "dedup winner changed"): 2,  # w.py, LICENSE
        ("added", "content changed upstream"): 1, ("removed", "content changed upstream"): 1,  # e.py
        ("added", "new upstream"): 1,  # fresh.py
        ("removed", "filters changed"): 1,  # f.rb: Ruby is denied now
        ("removed", "license changed"): 1,  # r.py: the repository is GPL-3.0-only now
        ("removed", "opted out"): 1,  # o.py
        ("removed", "removed upstream"): 1,  # g.py
    }, why
    plain_log = open(os.path.join(plain, "CHANGELOG.md")).read()
    assert "### Why" not in plain_log
    # `codestack diff` prints the entry the build wrote (the reasons are in the manifest), and verify holds
    capsys.readouterr()
    assert main(["diff", v1, stable]) == 0
    assert capsys.readouterr().out in changelog
    assert main(["verify", stable]) == 0

    # the cache changes none of it
    run_build(f"git:{corpora['v1']}", str(tmp_path / "fill"), "0.1.0", log=QUIET, cache=str(tmp_path / "cache"))
    run_build(f"git:{corpora['v2']}", cached, "0.2.0", log=QUIET, optout_registry=str(registry),
              config_path=str(config), previous=v1, cache=str(tmp_path / "cache"))
    assert open(os.path.join(cached, "SHA256SUMS")).read() == open(os.path.join(stable, "SHA256SUMS")).read()
