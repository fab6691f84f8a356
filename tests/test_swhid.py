import pytest

from pipeline.sources.swhid import ignore_branch_name, repo_name_of, snapshot_id, snapshot_manifest

# Known values published with the SWHID reference implementations (checked there
# against swh.model): two branches; no branch; two branches and a HEAD alias.
DEVELOP = (b"refs/heads/develop", ("revision", b"\x02" * 20))
MAIN = (b"refs/heads/main", ("revision", b"\x01" * 20))


def test_snapshot_known_values():
    assert snapshot_id(dict([DEVELOP, MAIN])) == "870148a17e00ea8bd84b727cd26104b8c6ac6a72"
    assert snapshot_id({}) == "1a8893e6a86f444e8be8e7bda6cb34fb1735a00e"
    assert snapshot_id(dict([MAIN, DEVELOP, (b"HEAD", ("alias", b"refs/heads/main"))])) == (
        "9ecd7950d10ed3d02bfcf9c4a534f173697ab9f3"
    )


def test_manifest_is_sorted_and_length_prefixed():
    body = snapshot_manifest(dict([MAIN, (b"HEAD", ("alias", b"refs/heads/main"))]))
    assert body.startswith(b"alias HEAD\x0015:refs/heads/main")


def test_dangling_and_bad_alias():
    assert snapshot_manifest({b"x": None}) == b"dangling x\x000:"
    with pytest.raises(ValueError):
        snapshot_manifest({b"HEAD": ("alias", b"refs/heads/nope")})


def test_ignored_branches():
    assert ignore_branch_name(b"refs/tags/v1^{}")
    assert ignore_branch_name(b"refs/pull/12/merge")
    assert not ignore_branch_name(b"refs/pull/12/head")


@pytest.mark.parametrize(
    "url,name",
    [
        ("https://github.com/Owner/Repo", "Owner/Repo"),
        ("https://www.github.com/Owner/Repo.git", "Owner/Repo"),
        ("git@github.com:Owner/Repo.git", "Owner/Repo"),
        ("ssh://git@github.com/Owner/Repo", "Owner/Repo"),
        ("https://github.com/Owner/Repo/", "Owner/Repo"),
        ("https://gitlab.com/group/sub/repo", "https://gitlab.com/group/sub/repo"),
        ("file:///tmp/x", "file:///tmp/x"),
    ],
)
def test_repo_name(url, name):
    assert repo_name_of(url) == name
