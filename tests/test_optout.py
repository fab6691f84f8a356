"""The opt-out registry: format, validation with FILE:LINE, matching, the pipeline
stage (no blob of an opted-out owner is fetched), `optout check` and `optout apply`."""

import dataclasses
import hashlib
import json
import os
import re
import string

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from registry import (
    PACKAGED,
    Entry,
    Matcher,
    RegistryError,
    add,
    canonical_value,
    dumps,
    load,
    make_entry,
    origin_key,
    parse,
    repo_name_key,
    validate,
)
from transforms.base import DictCounter, Drop
from transforms.optout import OPTED_OUT, make_core, optout_record, optout_reject
from transforms.record import CodeFile, Reject

REF = "https://github.com/codestack-demo/codestack/issues/6"
PROBLEM = re.compile(r"^(?P<file>.+):(?P<line>[1-9]\d*): \S.*$", re.S)


def entry(kind, value, requested="2024-06-03", reference=REF, github_id=None):
    return make_entry(kind, value, reference, requested, github_id)


def write(tmp_path, text, name="optout.yaml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


# --------------------------------------------------------------------------
# URL normalization
# --------------------------------------------------------------------------


@pytest.mark.parametrize("url", [
    "https://github.com/Foo/Bar",
    "https://www.GitHub.com/Foo/Bar.git/",
    "http://github.com/foo/bar/",
    "https://user:secret@github.com/FOO/bar.git",
    "ssh://git@github.com/foo/bar.git",
    "ssh://git@github.com:22/foo/bar",
    "git+ssh://git@github.com/foo/bar",
    "git://github.com/foo/bar.git",
    "git@github.com:Foo/Bar.git",
    "github.com:foo/bar",
    "github.com/foo/bar",
    "  https://github.com//foo//bar//  ",
    "https://github.com/foo/bar?tab=readme#top",
    "https://github.com/foo/bar/.git",
])
def test_url_forms_normalize_to_one_key(url):
    assert origin_key(url) == "github.com/foo/bar"


@pytest.mark.parametrize("url", ["", "   ", "ftp://github.com/a/b", "https://github.com", "https:///foo/bar",
                                 "Foo/Bar", "https://github com/a", "https://github.com/a b/c",
                                 "C:\\repos\\x", "file:///tmp/repo", "https://localhost/a/b", "https://github.com/../x"])
def test_unnormalizable_origins_raise_value_error(url):
    with pytest.raises(ValueError):
        origin_key(url)


@pytest.mark.parametrize("kind,value,canonical", [
    ("owner", "Opted-Out-Dev", "opted-out-dev"),
    ("owner", "https://github.com/Opted-Out-Dev/", "opted-out-dev"),
    ("owner", "gitlab.com/Group/Sub", "gitlab.com/group/sub"),
    ("repository", "Foo/Bar.git", "foo/bar"),
    ("repository", "git@github.com:Foo/Bar.git", "foo/bar"),
    ("repository", "https://gitlab.com/g/s/Proj", "gitlab.com/g/s/proj"),
    ("origin", "git@gitlab.com:Team/Tool.git", "https://gitlab.com/team/tool"),
    ("origin", "https://www.github.com/a/b/", "https://github.com/a/b"),
])
def test_canonical_values(kind, value, canonical):
    assert canonical_value(kind, value) == canonical


@pytest.mark.parametrize("kind,value", [("owner", "foo/bar"), ("owner", "https://github.com/foo/bar"),
                                        ("repository", "foo"), ("repository", "foo/bar/baz"),
                                        ("repository", "https://gitlab.com/solo")])
def test_kind_mismatches_rejected(kind, value):
    with pytest.raises(ValueError):
        canonical_value(kind, value)


def test_repo_name_key():
    assert repo_name_key("Opted-Out-Dev/notes") == "github.com/opted-out-dev/notes"
    assert repo_name_key("https://gitlab.com/codestack-demo/textkit-fork") == "gitlab.com/codestack-demo/textkit-fork"
    assert repo_name_key("file:///tmp/repo") is None


# --------------------------------------------------------------------------
# Matching
# --------------------------------------------------------------------------


def test_matcher_case_insensitive_owner_prefix_repository_origin_and_ids():
    matcher = Matcher([
        entry("owner", "opted-out-dev", github_id=77),
        entry("owner", "gitlab.com/big-group/team"),
        entry("repository", "Some/Repo", github_id=4242),
        entry("origin", "https://bitbucket.org/x/y.git"),
    ])
    assert matcher.match(origin_url="https://github.com/Opted-Out-Dev/notes") == "owner opted-out-dev"
    assert matcher.match(origin_url="git@github.com:OPTED-OUT-DEV/other.git") == "owner opted-out-dev"
    assert matcher.match(repo_name="OPTED-out-dev/notes") == "owner opted-out-dev"
    assert matcher.match(origin_url="https://github.com/opted-out-devs/notes") is None  # not a prefix at a '/'
    assert matcher.match(origin_url="https://gitlab.com/opted-out-dev/notes") is None  # another host
    assert matcher.match(origin_url="https://gitlab.com/Big-Group/Team/sub/proj") == "owner gitlab.com/big-group/team"
    assert matcher.match(origin_url="https://gitlab.com/big-group/other") is None
    assert matcher.match(origin_url="https://github.com/some/repo.git") == "repository some/repo"
    assert matcher.match(origin_url="https://github.com/some/repo-2") is None
    assert matcher.match(origin_url="ssh://git@bitbucket.org/X/Y") == "origin https://bitbucket.org/x/y"
    # a renamed repository keeps its GitHub id; a renamed account its owner id
    assert matcher.match(origin_url="https://github.com/new-name/renamed", github_id=4242) == "repository some/repo"
    assert matcher.match(origin_url="https://github.com/renamed-dev/x", owner_github_id=77) == "owner opted-out-dev"
    assert matcher.match(origin_url="not a url", repo_name="") is None


def test_stage_core_drops_opted_out_records_and_rejects():
    matcher = Matcher([entry("owner", "OWNER")])
    base = dict(blob_id="", content_id="c", directory_id="d", path="a.py", snapshot_id="s",
                revision_id="r", branch_name="refs/heads/main")
    theirs = CodeFile(repo_name="Owner/x", origin_url="https://github.com/Owner/x", **base)
    other = CodeFile(repo_name="other/x", origin_url="https://github.com/other/x", **base)
    count = DictCounter()
    assert optout_record(theirs, matcher, count) == Drop(OPTED_OUT, "owner owner")
    assert optout_record(other, matcher, count) is other
    assert optout_reject(Reject(stage="source", reason="empty_repository", origin_url="git@github.com:OWNER/y"),
                         matcher, count) is False
    assert optout_reject(Reject(stage="source", reason="empty_repository", repo_name="other/y"), matcher, count)
    assert count == {"rejects:excluded": 1}
    core = make_core(matcher)  # what the Beam wrapper runs: the same answers, cached per origin
    assert [core(r, count) for r in (theirs, other, theirs)] == [Drop(OPTED_OUT, "owner owner"), other,
                                                                 Drop(OPTED_OUT, "owner owner")]


def test_optout_transform_drops_files_and_rejects_and_counts_repositories():
    import apache_beam as beam
    from apache_beam.runners.portability.fn_api_runner import FnApiRunner
    from apache_beam.testing.util import assert_that, equal_to

    from pipeline.build import collect_counters
    from transforms.optout import OptOut

    matcher = Matcher([entry("owner", "OWNER")])
    base = dict(blob_id="", content_id="c", directory_id="d", snapshot_id="s", revision_id="r",
                branch_name="refs/heads/main")
    files = [CodeFile(repo_name=f"{owner}/{repo}", origin_url=f"https://github.com/{owner}/{repo}", path=path, **base)
             for owner, repo, path in [("Owner", "a", "x.py"), ("Owner", "a", "y.py"), ("OWNER", "b", "z.py"),
                                       ("other", "c", "x.py")]]
    rejects = [Reject(stage="source", reason="empty_repository", origin_url="git@github.com:owner/d.git"),
               Reject(stage="source", reason="empty_repository", repo_name="other/e")]
    pipeline = beam.Pipeline(runner=FnApiRunner())
    kept, kept_rejects = (pipeline | "Files" >> beam.Create(files),
                          pipeline | "Rejects" >> beam.Create(rejects)) | OptOut(matcher)
    assert_that(kept | beam.Map(lambda r: r.repo_name), equal_to(["other/c"]), label="Kept")
    assert_that(kept_rejects | beam.Map(lambda r: r.repo_name), equal_to(["other/e"]), label="KeptRejects")
    result = pipeline.run()
    result.wait_until_finish()
    assert collect_counters(result)["optout"] == {
        "dropped:opted_out": 3, "kept": 1, "rejects:excluded": 1, "repositories:excluded": 3}


# --------------------------------------------------------------------------
# The file: canonical form, validation with FILE:LINE, add
# --------------------------------------------------------------------------


def test_packaged_registry_is_valid_canonical_and_opts_out_the_demo_owner():
    assert validate(PACKAGED) == []
    registry = load()
    assert [(e.kind, e.value) for e in registry.entries] == [("owner", "opted-out-dev")]
    with open(PACKAGED, "rb") as handle:
        assert registry.digest == hashlib.sha256(handle.read()).hexdigest()
    assert registry.summary() == {"sha256": registry.digest, "entries": 1, "format_version": 1}
    from pipeline.samples import SAMPLES

    assert "https://github.com/Opted-Out-Dev/notes" in SAMPLES
    assert registry.matcher().match(origin_url="https://github.com/Opted-Out-Dev/notes")


BAD = """\
version: 2
extra: 1
entries:
- owner: foo
  requested: 2024-13-01
  reference: https://x.org/1
- repository: Foo/Bar.git
  owner: x
  requested: 2024-01-01
  reference: https://x.org/1
- user: bob
  requested: 2024-01-01
  reference: nope
- owner: yes
  requested: 2024-01-01 10:00
  reference: https://x.org/1
  github_id: abc
- origin: ftp://example.org/x
  requested: 2024-01-01
  reference: https://x.org/1
- owner: a/b
  requested: 2024-01-01
  reference: https://x.org/1
  requested: 2024-01-01
- 5
"""


def test_bad_entries_give_file_line_problems(tmp_path):
    path = write(tmp_path, BAD)
    problems = validate(path)
    assert all(PROBLEM.match(str(p)) and str(p).startswith(path + ":") for p in problems)
    got = [(p.line, p.message.split(":")[0] if ":" in p.message else p.message) for p in problems]
    assert got == [
        (1, "version"),
        (2, "unknown top-level field 'extra' (expected"),
        (5, "requested"),
        (7, "an entry names exactly one of owner, repository, origin (found"),
        (11, "an entry names none of owner, repository, origin"),
        (11, "unknown kind or field 'user' (kinds"),
        (13, "reference"),
        (14, "owner"),
        (15, "requested"),
        (17, "github_id"),
        (18, "origin"),
        (21, "owner"),
        (24, "'requested' given twice in the same entry"),
        (25, "an entry"),
    ]
    with pytest.raises(RegistryError) as info:
        load(path)
    assert str(info.value).startswith(f"{path}:1: version: expected 1, got 2")


SOFT = """\
version: 1
entries:
- repository: Foo/Bar.git
  requested: 2024-01-01
  reference: https://x.org/1
- owner: foo
  requested: 2024-01-01
  reference: https://x.org/1
- origin: git@github.com:foo/bar
  requested: 2024-01-01
  reference: https://x.org/1
"""


def test_non_canonical_registry_loads_but_does_not_validate(tmp_path):
    path = write(tmp_path, SOFT)
    assert [str(p) for p in validate(path)] == [
        f"{path}:3: repository: write 'foo/bar', the canonical form of 'Foo/Bar.git'",
        f"{path}:6: out of order: owner foo belongs before repository foo/bar (line 3); entries are sorted "
        "by kind (owner, repository, origin), then value",
        f"{path}:9: origin https://github.com/foo/bar repeats repository foo/bar (line 3)",
        f"{path}:9: origin: write 'https://github.com/foo/bar', the canonical form of 'git@github.com:foo/bar'",
    ]
    registry = load(path)  # usable: what it names is clear
    assert [e.label for e in registry.entries] == ["owner foo", "repository foo/bar"]
    assert registry.text == dumps(registry.entries)


def test_comment_and_layout_changes_are_reported_at_their_line(tmp_path):
    text = dumps([entry("owner", "a")]).replace("  requested:", "  requested:  ")
    path = write(tmp_path, text)
    (problem,) = validate(path)
    assert problem.line == text.splitlines().index("  requested:   2024-06-03") + 1
    assert problem.message.startswith("not in canonical form")


@pytest.mark.parametrize("text,line,message", [
    ("", 1, "empty registry"),
    ("version: 1\nentries:\n- owner: [a\n", 3, "not valid YAML"),
    ("version: 1\nentries:\n\t- owner: a\n", 3, "not valid YAML"),
    ("version: 1\n---\nversion: 1\n", 2, "not valid YAML"),
    ("version: 1\n", 1, "the registry lacks 'entries'"),
    ("[1, 2]\n", 1, "the registry: expected a mapping"),
    ("version: 1\nentries: {}\n", 2, "entries: expected a list"),
    ("version: 1\nentries:\n- owner: !!python/object:os.system x\n  requested: 2024-01-01\n  reference: https://a.b/c\n",
     3, "cannot read"),
])
def test_malformed_files(tmp_path, text, line, message):
    path = write(tmp_path, text)
    problems = validate(path)
    assert problems and problems[0].line == line and message in problems[0].message, problems


def test_not_utf8(tmp_path):
    path = tmp_path / "r.yaml"
    path.write_bytes(b"version: 1\nentries:\n- owner: caf\xe9\n")
    assert [str(p) for p in validate(str(path))] == [f"{path}:3: not UTF-8 text"]


def test_add_writes_canonical_sorted_entries(tmp_path):
    path = str(tmp_path / "new.yaml")
    add(path, entry("origin", "git@gitlab.com:Team/Tool.git"))
    add(path, entry("owner", "Zed"))
    add(path, entry("repository", "Alpha/Beta", github_id=12))
    add(path, entry("owner", "alice"))
    assert validate(path) == []
    registry = load(path)
    assert [e.label for e in registry.entries] == [
        "owner alice", "owner zed", "repository alpha/beta", "origin https://gitlab.com/team/tool"]
    with pytest.raises(ValueError, match="already in the registry"):
        add(path, entry("owner", "ALICE"))
    with open(path, encoding="utf-8") as handle:
        assert handle.read() == dumps(registry.entries)


def test_cli_add_validate(tmp_path, capsys):
    from pipeline.cli import main

    path = str(tmp_path / "reg.yaml")
    assert main(["optout", "add", "--registry", path, "--owner", "Some-Dev", "--reference", REF,
                 "--requested", "2024-02-03"]) == 0
    assert capsys.readouterr().out == f"- owner: some-dev\n  requested: 2024-02-03\n  reference: {REF}\n"
    assert main(["optout", "add", "--registry", path, "--owner", "some-dev", "--reference", REF]) == 2
    assert "already in the registry" in capsys.readouterr().err
    assert main(["optout", "add", "--registry", path, "--origin", "not a url", "--reference", REF]) == 2
    assert main(["optout", "validate", path]) == 0
    bad = write(tmp_path, BAD, "bad.yaml")
    capsys.readouterr()
    assert main(["optout", "validate", bad]) == 1
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 14 and all(line.startswith(bad + ":") and PROBLEM.match(line) for line in out)
    assert main(["optout", "validate", str(tmp_path / "missing.yaml")]) == 2
    assert main(["optout", "validate"]) == 0  # the packaged registry


# --------------------------------------------------------------------------
# Property tests
# --------------------------------------------------------------------------

_names = st.text(alphabet=string.ascii_letters + string.digits + "-_.", min_size=1, max_size=12).filter(
    lambda s: s not in (".", "..") and not s.lower().endswith(".git") and s.strip(".") != "")
_hosts = st.sampled_from(["github.com", "gitlab.com", "bitbucket.org", "git.example.org", "a-b.c_d.io", "10.0.0.1"])


@st.composite
def url_forms(draw):
    """One repository, and a random spelling of its origin URL."""
    host, parts = draw(_hosts), draw(st.lists(_names, min_size=1, max_size=4))
    spelled_host = "".join(c.upper() if draw(st.booleans()) else c for c in host)
    spelled_host = draw(st.sampled_from(["", "www.", "WWW."])) + spelled_host
    path = "/".join(p.upper() if draw(st.booleans()) else p for p in parts)
    suffix = draw(st.sampled_from(["", ".git", "/", ".git/", "//", "?x=1", "#frag"]))
    form = draw(st.sampled_from(["https://{h}/{p}", "http://{h}/{p}", "ssh://git@{h}/{p}", "ssh://git@{h}:22/{p}",
                                 "git://{h}/{p}", "git@{h}:{p}", "{h}/{p}", "git+ssh://u@{h}/{p}"]))
    return form.format(h=spelled_host, p=path) + suffix, host + "/" + "/".join(parts).lower()


@given(url_forms())
@settings(max_examples=300, deadline=None)
def test_every_spelling_normalizes_to_the_same_key(case):
    url, expected = case
    assert origin_key(url) == expected.lower()


@given(st.one_of(url_forms().map(lambda c: c[0]), st.text(max_size=60),
                 st.text(alphabet="/:@.#?\\ gitGIThubw-_", max_size=40)))
@settings(max_examples=500, deadline=None)
def test_normalization_is_idempotent_and_never_crashes_matching(text):
    try:
        key = origin_key(text)
    except ValueError:
        key = None
    if key is not None:
        assert origin_key(key) == key
        assert origin_key("https://" + key) == key
    matcher = Matcher([entry("owner", "foo"), entry("repository", "a/b")])
    matcher.match(origin_url=text, repo_name=text)  # never raises
    for kind in ("owner", "repository", "origin"):
        try:
            value = canonical_value(kind, text)
        except ValueError:
            continue
        assert canonical_value(kind, value) == value


def _check_problems(problems, text, filename):
    lines = max(1, len(text.splitlines()))
    for problem in problems:
        assert PROBLEM.match(str(problem)), str(problem)
        assert str(problem).startswith(filename + ":")
        assert 1 <= problem.line <= lines + 1


@given(st.text(max_size=300))
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_parser_never_raises_on_arbitrary_text(text):
    entries, problems = parse(text, "reg.yaml")
    _check_problems(problems, text, "reg.yaml")
    if not problems:
        assert text == dumps(entries)


_scalars = st.one_of(st.none(), st.booleans(), st.integers(-5, 10**20), st.floats(allow_nan=False),
                     st.text(max_size=20), st.sampled_from(["2024-01-02", "2024-02-30", "foo/bar", "Foo",
                                                            "https://x.org/1", "git@github.com:a/b.git"]))
_field_names = st.sampled_from(["owner", "repository", "origin", "requested", "reference", "github_id", "user"])


@st.composite
def nearly_valid_entries(draw):
    """An entry that is often valid, with a random flaw now and then."""
    kind = draw(st.sampled_from(["owner", "repository", "origin"]))
    value = draw(st.sampled_from({
        "owner": ["some-dev", "Some-Dev", "gitlab.com/group", "https://github.com/x", "a/b", "", "yes"],
        "repository": ["foo/bar", "Foo/Bar.git", "gitlab.com/a/b", "git@github.com:a/b.git", "foo"],
        "origin": ["https://github.com/a/b", "git@gitlab.com:t/x.git", "https://gitlab.com/t/x", "ftp://x.org/a"],
    }[kind]))
    out = {kind: value, "requested": draw(st.sampled_from(["2024-01-02", "2023-12-31", "2024-02-30", "yesterday"])),
           "reference": draw(st.sampled_from([REF, "https://gitlab.com/a/b/-/issues/1", "not a url"]))}
    if draw(st.booleans()):
        out["github_id"] = draw(st.one_of(st.integers(-1, 10**6), st.just("12")))
    if draw(st.integers(0, 4)) == 0:
        out.pop(draw(st.sampled_from(sorted(out))))
    return out


@st.composite
def registry_documents(draw):
    entries = draw(st.one_of(st.lists(nearly_valid_entries(), max_size=4), st.lists(st.one_of(
        nearly_valid_entries(),
        st.dictionaries(_field_names, _scalars, max_size=5),
        _scalars,
        st.lists(_scalars, max_size=2),
    ), max_size=5)))
    doc = {"version": draw(st.sampled_from([1, 1, 1, 2, "1"])), "entries": entries}
    if draw(st.integers(0, 3)) == 0:
        doc[draw(st.sampled_from(["extra", "entries", "version"]))] = draw(_scalars)
    style = draw(st.sampled_from([False, True, None]))
    return yaml_dump(doc, style)


def yaml_dump(doc, flow):
    import yaml

    return yaml.safe_dump(doc, default_flow_style=flow, sort_keys=False, allow_unicode=True)


@given(registry_documents())
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_structured_malformed_documents_give_file_line_problems(text):
    entries, problems = parse(text, "dir/optout.yaml")
    _check_problems(problems, text, "dir/optout.yaml")
    if not [p for p in problems if p.hard]:  # loadable: its canonical rewrite says the same
        again, problems = parse(dumps(entries), "x")
        assert not [p for p in problems if p.hard]
        strip = lambda es: sorted((dataclasses.replace(e, line=0) for e in es),  # noqa: E731
                                  key=lambda e: (e.sort_key(), e.requested, e.reference, e.github_id or 0))
        assert strip(again) == strip(entries)


_entries = st.builds(
    lambda kind, parts, day, gid: (kind, parts, day, gid),
    st.sampled_from(["owner", "repository", "origin"]),
    st.lists(_names, min_size=1, max_size=3),
    st.dates(),
    st.one_of(st.none(), st.integers(1, 2**63 - 1)),
)


@given(st.lists(_entries, max_size=8))
@settings(max_examples=100, deadline=None)
def test_canonical_dump_round_trips(raw):
    made = []
    for kind, parts, day, gid in raw:
        value = {"owner": parts[0], "repository": "/".join((parts + ["x"])[:2]),
                 "origin": "https://gitlab.com/" + "/".join(parts)}[kind]
        try:
            made.append(make_entry(kind, value, REF, day.isoformat(), gid))
        except ValueError:
            continue
    keys = [(e.kind == "owner", e.key) for e in made]
    assume(len(set(keys)) == len(keys))
    text = dumps(made)
    entries, problems = parse(text, "r.yaml")
    ids = [(e.kind == "owner", e.github_id) for e in made if e.github_id]
    if len(set(ids)) == len(ids):
        assert problems == []
    assert [dataclasses.replace(e, line=0) for e in entries] == sorted(made, key=Entry.sort_key)


# --------------------------------------------------------------------------
# The pipeline and releases (whole Beam runs)
# --------------------------------------------------------------------------

OWNER_REPOS = {
    # the registry names OWNER as "owner: some-owner"; the origins spell it otherwise
    "alpha": ("https://github.com/Some-Owner/alpha", {"a.py": "print('alpha one')\n", "b.py": "x = 'alpha'\n",
                                                     "lib/c.js": "module.exports = 'alpha';\n"}),
    "beta": ("git@github.com:SOME-OWNER/beta.git", {"main.go": "package main\n\nfunc main() {}\n",
                                                    "README.md": "# beta by Some-Owner\n"}),
}
LATER_REPOS = {
    # asks to be left out after the release: `optout apply` removes it from the release
    "gamma": ("https://github.com/Other-Dev/gamma", {f"m{i}.py": f"value = {i}\nname = 'gamma {i}'\n" for i in range(6)}),
}
OTHER_REPOS = {
    "delta": ("https://gitlab.com/some-owner/delta", {"d.py": "print('same owner name, another host')\n",
                                                       "e.txt": "delta notes\n", "f.md": "# delta\n"}),
    "epsilon": ("https://github.com/some-owner-2/epsilon", {f"e{i}.py": f"print('a prefix, not the owner {i}')\n"
                                                            for i in range(4)}),
}


def _count(repos):
    return sum(len(files) for _origin, files in repos.values())


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """One build honouring a registry that names OWNER (the release `optout apply`
    later patches with a registry that also names `Other-Dev/gamma`)."""
    from pipeline.build import run_build
    from pipeline.config import Config

    from gitrepos import beam_home, make_repo

    root = tmp_path_factory.mktemp("optout")
    with beam_home(root):
        repos = root / "repos"
        for name, (origin, files) in sorted({**OWNER_REPOS, **LATER_REPOS, **OTHER_REPOS}.items()):
            make_repo(repos, name, files, origin=origin)
        registry_path = str(root / "optout.yaml")
        add(registry_path, entry("owner", "some-owner"))
        # small shards, so the release has shards with and without gamma's rows; files
        # without a license are released too (the repositories here carry none)
        config = Config()
        config = dataclasses.replace(config, sink=dataclasses.replace(config.sink, target_shard_bytes=40),
                                     license=dataclasses.replace(config.license, include_no_license=True))
        manifest = run_build(f"git:{repos}", str(root / "0.1.0"), "0.1.0", config=config, beam_args=[],
                             optout_registry=registry_path, log=lambda msg: None)
    return dict(root=root, release=str(root / "0.1.0"), manifest=manifest, registry=load(registry_path))


def _rows(release):
    import pyarrow.parquet as pq

    from manifests.manifest import read_manifest

    rows = []
    for shard in read_manifest(release)["shards"]:
        rows.extend(pq.read_table(os.path.join(release, shard["path"])).to_pylist())
    return rows


def _owned(repo_name):
    return repo_name.lower().startswith("some-owner/")


def _later(repo_name):
    return repo_name.lower() == "other-dev/gamma"


@pytest.mark.slow
def test_build_leaves_out_the_owner_before_any_blob_is_fetched(built):
    manifest = built["manifest"]
    names = {r["repo_name"] for r in _rows(built["release"])}
    assert names == {"Other-Dev/gamma", "some-owner-2/epsilon", "https://gitlab.com/some-owner/delta"}
    stages = manifest["stages"]
    assert list(stages)[:3] == ["source", "optout", "decode"]
    # the source skips the owner's repositories before reading a branch, tree or blob of them;
    # the optout stage (the second line, e.g. for ids from repository metadata) sees none of them
    assert stages["source"]["counters"]["repositories:opted_out"] == len(OWNER_REPOS)
    assert stages["source"]["kept"] == _count(LATER_REPOS) + _count(OTHER_REPOS)
    assert stages["optout"]["dropped"] == {}
    assert stages["optout"]["kept"] == _count(LATER_REPOS) + _count(OTHER_REPOS)
    # decode, the only stage that fetches blobs, saw exactly the other repositories' files
    decode = stages["decode"]
    assert decode["kept"] + decode["dropped_total"] == _count(LATER_REPOS) + _count(OTHER_REPOS)
    assert manifest["optout_registry"] == built["registry"].summary()
    assert manifest["inputs"]["registry_digest"] == built["registry"].digest
    for reject in manifest["rejects"]:
        with open(os.path.join(built["release"], reject["path"]), encoding="utf-8") as handle:
            assert "some-owner/" not in handle.read().lower().replace("gitlab.com/some-owner/", "")


@pytest.mark.slow
def test_apply_removes_exactly_the_opted_out_rows_and_keeps_other_shards(built, tmp_path, capsys):
    import pyarrow.parquet as pq

    from manifests.checksums import sha256_file
    from manifests.verify import verify_release
    from pipeline.cli import main
    from pipeline.commands.optout import _records_of
    from pipeline.sink import SinkConfig, encode_parquet

    release, patched = built["release"], str(tmp_path / "0.1.1")
    registry = str(tmp_path / "optout.yaml")
    with open(registry, "w", encoding="utf-8") as handle:
        handle.write(built["registry"].text)
    add(registry, entry("repository", "other-dev/GAMMA", requested="2024-07-01"))
    digest = load(registry).digest
    # "am I in it": the release still holds the repository's files -> exit 1
    assert main(["optout", "check", "https://github.com/OTHER-DEV/gamma.git", "--registry", registry,
                 "--release", release]) == 1
    assert f"({_count(LATER_REPOS)})" in capsys.readouterr().out

    assert main(["optout", "apply", "--release", release, "--output", patched, "--registry", registry]) == 0
    assert verify_release(patched) == []
    assert main(["verify", patched]) == 0

    before, after = _rows(release), _rows(patched)
    key = lambda r: (r["repo_name"], r["path"], r["blob_id"])  # noqa: E731
    assert sorted(map(key, after)) == sorted(key(r) for r in before if not _later(r["repo_name"]))
    assert len(before) - len(after) == _count(LATER_REPOS)

    old = {s["path"]: s for s in json.load(open(os.path.join(release, "manifest.json")))["shards"]}
    new = json.load(open(os.path.join(patched, "manifest.json")))
    assert new["version"] == "0.1.1"
    assert new["optout_registry"]["sha256"] == new["inputs"]["registry_digest"] == digest
    assert new["optout_patch"]["removed"]["files"] == _count(LATER_REPOS)
    assert new["optout_patch"]["removed"]["repositories"] == 1
    assert new["totals"]["repositories"] == built["manifest"]["totals"]["repositories"] - 1
    untouched = rewritten = 0
    sink = SinkConfig(**new["config"]["sink"])
    for shard in new["shards"]:
        table = pq.read_table(os.path.join(release, shard["path"]))
        if any(_later(n) for n in table.column("repo_name").to_pylist()):
            rewritten += 1
            kept = [r for r in table.to_pylist() if not _later(r["repo_name"])]
            assert pq.read_table(os.path.join(patched, shard["path"])).to_pylist() == kept  # order kept
        else:
            untouched += 1
            assert sha256_file(os.path.join(patched, shard["path"])) == old[shard["path"]]["sha256"]
            # the pipeline's writer, which rewrote the others, reproduces this shard byte for byte
            assert hashlib.sha256(encode_parquet(_records_of(table), sink)).hexdigest() == old[shard["path"]]["sha256"]
    assert untouched >= 1 and rewritten >= 1
    with open(os.path.join(patched, "CHANGELOG.md"), encoding="utf-8") as handle:
        changelog = handle.read()
    assert f"registry (sha256 `{digest}`, 2 entries) removed {_count(LATER_REPOS)} files" in changelog
    assert "gamma" not in changelog.lower() and "other-dev" not in changelog.lower()
    capsys.readouterr()
    assert main(["optout", "check", "Other-Dev/gamma", "--registry", registry, "--release", patched]) == 0
    assert "no files from it" in capsys.readouterr().out


# --------------------------------------------------------------------------
# Renamed accounts and repositories: GitHub ids in releases (`--repo-metadata`)
# --------------------------------------------------------------------------

# the release was built before the registry named the account; it has since been renamed
# (old-name -> new-name), and project renamed again after the release (by id, not name)
RENAMED_METADATA = """repo_name,github_id,owner_github_id
new-name/project2,9001,4242
new-name/notes,9003,4242
other-owner/tool,9002,17
"""


@pytest.fixture()
def renamed(tmp_path):
    from releases import record, write_release

    rows = [
        record("new-name/project", "a.py", "a = 'renamed account'\n", github_id=9001),
        record("new-name/project", "b.py", "b = 'renamed account'\n", github_id=9001),
        record("other-owner/tool", "t.py", "t = 'kept'\n", github_id=9002),
        record("NEW-NAME/notes", "n.js", "let n = 'no id in the release';\n", language="JavaScript"),
        record("other-owner/tool", "t.js", "let t = 'kept';\n", language="JavaScript", github_id=9002),
        record("other-owner/tool", "main.go", "package main\n", language="Go", github_id=9002),
    ]
    release = str(tmp_path / "0.1.0")
    write_release(release, "0.1.0", rows)
    metadata = tmp_path / "metadata.csv"
    metadata.write_text(RENAMED_METADATA)
    registry = str(tmp_path / "optout.yaml")
    add(registry, entry("owner", "old-name", github_id=4242))
    return dict(release=release, metadata=str(metadata), registry=registry, rows=rows)


def test_apply_with_repo_metadata_removes_a_renamed_owners_rows(renamed, tmp_path, capsys):
    import pyarrow.parquet as pq

    from manifests.checksums import sha256_file
    from pipeline.cli import main

    release, registry = renamed["release"], renamed["registry"]
    patched, blind = str(tmp_path / "0.1.1"), str(tmp_path / "0.1.1-blind")
    assert main(["optout", "apply", "--release", release, "--output", patched, "--registry", registry,
                 "--repo-metadata", renamed["metadata"]]) == 0
    assert main(["verify", patched]) == 0
    key = lambda r: (r["repo_name"], r["path"])  # noqa: E731
    assert sorted(map(key, _rows(patched))) == [("other-owner/tool", "main.go"), ("other-owner/tool", "t.js"),
                                                ("other-owner/tool", "t.py")]
    old = {s["path"]: s for s in json.load(open(os.path.join(release, "manifest.json")))["shards"]}
    new = json.load(open(os.path.join(patched, "manifest.json")))
    assert new["optout_patch"]["removed"] == {
        "repositories": 2, "files": 3, "files_by_language": {"JavaScript": 1, "Python": 2}, "rejects": 0,
        "shards_rewritten": 2, "shards_total": 3}
    for shard in new["shards"]:
        touched = any(r["repo_name"].lower().startswith("new-name/")
                      for r in pq.read_table(os.path.join(release, shard["path"])).to_pylist())
        same = sha256_file(os.path.join(patched, shard["path"])) == old[shard["path"]]["sha256"]
        assert same != touched, shard["path"]
    assert [s["language"] for s in new["shards"] if s["sha256"] == old[s["path"]]["sha256"]] == ["Go"]
    with open(os.path.join(patched, "CHANGELOG.md"), encoding="utf-8") as handle:
        changelog = handle.read().lower()
    assert "removed 3 files" in changelog and "new-name" not in changelog and "old-name" not in changelog

    # without the metadata the release's rows say nothing of their owner: nothing to remove,
    # and the patch has the same shape
    assert main(["optout", "apply", "--release", release, "--output", blind, "--registry", registry]) == 0
    same_shape = json.load(open(os.path.join(blind, "manifest.json")))
    assert same_shape["optout_patch"]["removed"]["files"] == 0 and len(_rows(blind)) == len(renamed["rows"])
    assert sorted(same_shape) == sorted(new)
    assert sorted(same_shape["optout_patch"]["removed"]) == sorted(new["optout_patch"]["removed"])


def test_check_with_repo_metadata_finds_a_renamed_owners_rows(renamed, capsys):
    from pipeline.cli import main

    release, registry, metadata = renamed["release"], renamed["registry"], renamed["metadata"]
    assert main(["optout", "check", "old-name", "--registry", registry, "--release", release]) == 0
    assert "no files from it" in capsys.readouterr().out  # the rows carry no owner id
    assert main(["optout", "check", "old-name", "--registry", registry, "--release", release,
                 "--repo-metadata", metadata, "--json"]) == 1
    result = json.loads(capsys.readouterr().out)
    assert result["excluded_by"] == "owner old-name"
    assert result["github_ids"] == {"owners": [4242], "repositories": []}
    assert result["releases"][0]["repositories"] == {"NEW-NAME/notes": 1, "new-name/project": 2}
    # asked by the new name: the metadata's owner id leads to the entry of the old one
    assert main(["optout", "check", "https://github.com/New-Name/project2", "--registry", registry,
                 "--release", release, "--repo-metadata", metadata]) == 1
    out, err = capsys.readouterr()
    assert out.splitlines()[0].endswith("in the registry (owner old-name, by GitHub id)")
    assert "new-name/project (2)" in out and f"--repo-metadata {metadata}" in err
    assert main(["optout", "check", "new-name/project2", "--registry", registry, "--release", release]) == 0
    assert "not in the registry" in capsys.readouterr().out


def test_check_finds_a_renamed_repository_by_its_github_id(renamed, tmp_path, capsys):
    from pipeline.cli import main

    registry = str(tmp_path / "by-id.yaml")
    add(registry, entry("repository", "other-owner/old-tool", github_id=9002))
    assert main(["optout", "check", "other-owner/old-tool", "--registry", registry,
                 "--release", renamed["release"], "--json"]) == 1
    result = json.loads(capsys.readouterr().out)
    assert result["excluded_by"] == "repository other-owner/old-tool"
    assert result["releases"][0]["repositories"] == {"other-owner/tool": 3}
    assert main(["optout", "check", "other-owner/tool", "--registry", registry, "--release", renamed["release"],
                 "--repo-metadata", renamed["metadata"]]) == 1
    assert "(repository other-owner/old-tool, by GitHub id)" in capsys.readouterr().out


def test_repo_owners_lookup_by_github_id_then_name():
    from pipeline.commands.optout import ReleaseMatcher, RepoOwners
    from pipeline.sources.swh_export import RepoMeta

    owners = RepoOwners([("new-name/project2", RepoMeta(github_id=9001, owner_id=4242)),
                         ("New-Name/Notes", RepoMeta(owner_id=4242)), ("x/y", RepoMeta(github_id=5))])
    assert owners.rows == 2
    assert owners.lookup("anything/else", 9001) == (4242,)
    assert owners.lookup("new-name/NOTES", 1234) == owners.lookup("https://github.com/new-name/notes") == (4242,)
    assert owners.lookup("x/y", 5) == () and owners.lookup("not a name") == ()
    matcher = ReleaseMatcher(Matcher([entry("owner", "old-name", github_id=4242)]), owners)
    assert matcher.match(repo_name="new-name/project", github_id=9001) == "owner old-name"
    assert matcher.match(repo_name="other/x", github_id=1) is None
    assert ReleaseMatcher(Matcher([entry("owner", "old-name", github_id=4242)])).match(
        repo_name="new-name/project", github_id=9001) is None


def test_stage_matches_the_owner_id_of_records():
    matcher = Matcher([entry("owner", "old-name", github_id=4242)])
    base = dict(blob_id="", content_id="c", directory_id="d", path="a.py", snapshot_id="s", revision_id="r",
                branch_name="refs/heads/main", repo_name="new-name/project", origin_url="https://github.com/new-name/project")
    core = make_core(matcher)
    count = DictCounter()
    assert core(CodeFile(owner_github_id=4242, **base), count) == Drop(OPTED_OUT, "owner old-name")
    assert core(CodeFile(owner_github_id=17, **base), count).owner_github_id == 17
    from transforms.record import INTERNAL_FIELDS, RELEASE_FIELDS

    assert "owner_github_id" in INTERNAL_FIELDS and "owner_github_id" not in RELEASE_FIELDS
