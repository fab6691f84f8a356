"""The bad-input catalogue (``tests/bad_inputs.py``) through whole builds.

Nothing a 60 TB archive holds may stop a run or vanish: every item ends where
:data:`EXPECTED` says, through ``git:`` and through ``swh-export:`` — in the
release, as a row of ``rejects/`` with its stage and reason, or counted as
dropped (``manifest["stages"][stage]["dropped"][reason]``, a policy decision
that is not a failure) — and every good file around the bad ones reaches the
release byte for byte.
"""

import collections
import json
import os
import re

import pyarrow.parquet as pq
import pytest

from bad_inputs import INVALID_UTF8, LATIN1_TEXT, UTF16_TEXT, build_catalogue
from pipeline.build import run_build
from pipeline.cli import main
from pipeline.errors import UsageError

QUIET = lambda msg: None  # noqa: E731

RELEASED = ("released",)
#: nothing is read and nothing is reported: there is no content (a symlink loop is no repository)
IGNORED = ("ignored",)


def rejected(stage, reason, at=None, counted=True):
    """A row of ``rejects/`` (``at``: the path it names when not the item's own, e.g. its
    folder); ``counted``: also in ``manifest["stages"][stage]["dropped"]``."""
    return ("rejects", stage, reason, at, counted)


def dropped(stage, reason):
    """Left out by policy: counted in ``manifest["stages"][stage]["dropped"][reason]``."""
    return ("dropped", stage, reason)


FOLDER_65 = "/".join(["d"] * 65)

#: item -> (outcome through ``git:``, outcome through ``swh-export:``); None: not in that source
EXPECTED = {
    # --- encodings
    "binary without NUL": (rejected("decode", "undecodable"),) * 2,
    "UTF-16 with BOM": (RELEASED,) * 2,
    "UTF-16 without BOM": (dropped("decode", "binary"),) * 2,  # NULs and no BOM (documented in transforms/fetch.py)
    "Latin-1": (RELEASED,) * 2,
    "invalid UTF-8": (RELEASED,) * 2,  # mostly UTF-8: the torn byte becomes U+FFFD
    "empty file": (dropped("license", "no_license"),) * 2,  # no header, no LICENSE in its repository
    # --- sizes
    "9.9 MB file": (RELEASED,) * 2,
    "10 MB file": (dropped("decode", "too_large"),) * 2,  # never read: the size is known first
    "100k-line file": (RELEASED,) * 2,
    "100,001-line file": (dropped("filters", "too_many_lines"),) * 2,
    "single 5 MB line": (dropped("filters", "mean_line_length"),) * 2,
    # --- paths
    "file in 64 nested folders": (RELEASED,) * 2,
    "file in 65 nested folders": (rejected("source", "too_deep", at=FOLDER_65),) * 2,
    "symlink": (dropped("source", "symlink"),) * 2,
    "symlink loop (a -> b)": (dropped("source", "symlink"),) * 2,
    "symlink loop (b -> a)": (dropped("source", "symlink"),) * 2,
    "symlink to itself": (dropped("source", "symlink"),) * 2,
    "non-UTF-8 file name": (rejected("source", "path_not_utf8"),) * 2,
    "file in a non-UTF-8 folder": (rejected("source", "path_not_utf8", at="r\\xe9pertoire"),) * 2,
    "newline in a file name": (RELEASED,) * 2,
    "tab and CR in a folder name": (RELEASED,) * 2,
    # --- license manifests that do not parse: counted (license manifest:malformed), the LICENSE applies
    "LICENSE next to broken manifests": (RELEASED,) * 2,
    "unparseable package.json": (RELEASED,) * 2,
    "unparseable Cargo.toml": (RELEASED,) * 2,
    # --- a git repository that lost objects (the export was taken before)
    "missing git blob": (rejected("source", "missing_blob"), RELEASED),
    "file in a missing git tree": (rejected("source", "missing_tree", at="lost_tree"), RELEASED),
    # --- a content store that lost or broke blobs (intact in git)
    "corrupt gzip blob": (RELEASED, rejected("decode", "corrupt_blob")),
    "truncated gzip blob": (RELEASED, rejected("decode", "corrupt_blob")),
    "missing blob in the content store": (RELEASED, rejected("decode", "missing_blob")),
    # --- the export's tables: a torn ORC file is dead-lettered (counted as source orc:unreadable_files)
    "truncated ORC file": (None, rejected("source", "unreadable_orc", counted=False)),
    # --- the folder of repositories
    "symlink loop in the source folder": (IGNORED, None),
    "symlink to a repository elsewhere": (rejected("source", "symlink_not_followed", counted=False), None),
}

#: released items whose text is not their bytes as UTF-8: (content, src_encoding)
DECODED = {
    "Latin-1": (LATIN1_TEXT, "WINDOWS-1252"),
    "UTF-16 with BOM": (UTF16_TEXT, "UTF-16LE"),
    "invalid UTF-8": (INVALID_UTF8.decode("utf-8", "replace"), "UTF-8"),
}

#: an opt-out entry that cannot be understood (line 6), and one merely out of canonical order
MALFORMED_REGISTRY = """version: 1
entries:
- owner: someone
  requested: 2024-06-03
  reference: https://github.com/codestack-demo/codestack/issues/6
- repository: not a repository name
  requested: 2024-06-03
  reference: https://github.com/codestack-demo/codestack/issues/7
"""
UNSORTED_REGISTRY = """version: 1
entries:
- repository: bad-inputs/not-in-the-catalogue
  requested: 2024-06-03
  reference: https://github.com/codestack-demo/codestack/issues/9
- owner: someone
  requested: 2024-06-03
  reference: https://github.com/codestack-demo/codestack/issues/6
"""


@pytest.fixture(scope="module")
def catalogue(tmp_path_factory):
    """Built once per module: the big files are the expensive part."""
    return build_catalogue(str(tmp_path_factory.mktemp("catalogue")))


def released_rows(release):
    out = {}
    for folder, _dirs, names in os.walk(os.path.join(release, "data")):
        for name in names:
            for row in pq.read_table(os.path.join(folder, name)).to_pylist():
                key = (row["repo_name"], row["path"])
                assert key not in out, f"{key} released twice"
                out[key] = row
    return out


def reject_rows(release):
    folder = os.path.join(release, "rejects")
    if not os.path.isdir(folder):
        return []
    return [json.loads(line) for name in sorted(os.listdir(folder)) for line in open(os.path.join(folder, name))]


def check_release(catalogue, manifest, release, column):
    """Every item where EXPECTED[item][column] says; every good file released unchanged."""
    table = {name: outcomes[column] for name, outcomes in EXPECTED.items() if outcomes[column] is not None}
    assert set(table) <= set(catalogue.items)
    # the table covers every entry of every repository: good, or a catalogue item
    in_repos = {(item.repo_name, item.path) for name, item in catalogue.items.items() if item.repo_name}
    assert set(catalogue.files) == set(catalogue.good) | in_repos

    rows = released_rows(release)
    want_released = set(catalogue.good) | {tuple(catalogue.items[name]) for name, out in table.items() if out == RELEASED}
    assert sorted(set(rows) - want_released) == [] and sorted(want_released - set(rows)) == []
    for key, row in rows.items():
        name = next((n for n, item in catalogue.items.items() if tuple(item) == key), None)
        content, encoding = DECODED.get(name) or (catalogue.files[key].decode("utf-8"), "UTF-8")
        assert (row["content"], row["src_encoding"]) == (content, encoding), key
        assert row["length_bytes"] == len(catalogue.files[key]) and row["license_type"] == "permissive", key

    want_rejects = sorted(
        (out[1], out[2], catalogue.items[name].repo_name, out[3] or catalogue.items[name].path)
        for name, out in table.items() if out[0] == "rejects")
    assert sorted((r["stage"], r["reason"], r["repo_name"], r["path"]) for r in reject_rows(release)) == want_rejects

    want_dropped = collections.defaultdict(collections.Counter)
    for out in table.values():
        if out[0] == "dropped" or (out[0] == "rejects" and out[4]):
            want_dropped[out[1]][out[2]] += 1
    for stage, counts in manifest["stages"].items():
        assert counts["dropped"] == dict(want_dropped.pop(stage, {})), stage
    assert not want_dropped
    assert manifest["stages"]["license"]["counters"]["manifest:malformed"] == 2
    assert manifest["stages"]["sink"]["kept"] == manifest["totals"]["files"] == len(rows)
    assert main(["verify", release]) == 0


@pytest.mark.slow
def test_every_bad_input_is_released_dropped_or_rejected(catalogue, tmp_path):
    # a malformed registry entry stops the build before anything is written, in one FILE:LINE line
    registry = str(tmp_path / "malformed.yaml")
    with open(registry, "w") as handle:
        handle.write(MALFORMED_REGISTRY)
    never = str(tmp_path / "never")
    with pytest.raises(UsageError) as stopped:
        run_build(f"git:{catalogue.git}", never, "0.1.0", log=QUIET, optout_registry=registry)
    message = str(stopped.value)
    assert "\n" not in message
    assert re.match(rf"--optout-registry: {re.escape(registry)}:6: repository: .*not a valid path segment", message)
    assert not os.path.exists(never)
    # an entry merely out of canonical order does not stop it (``registry.load``); the git build uses it
    unsorted = str(tmp_path / "unsorted.yaml")
    with open(unsorted, "w") as handle:
        handle.write(UNSORTED_REGISTRY)

    through_git = str(tmp_path / "git-release")
    manifest = run_build(f"git:{catalogue.git}", through_git, "0.1.0", log=QUIET, optout_registry=unsorted)
    assert manifest["optout_registry"]["entries"] == 2
    check_release(catalogue, manifest, through_git, 0)

    through_export = str(tmp_path / "export-release")
    manifest = run_build(f"swh-export:{catalogue.export}", through_export, "0.1.0", log=QUIET,
                         source_options={"content_store": catalogue.store})
    assert manifest["stages"]["source"]["counters"]["orc:unreadable_files"] == 1
    check_release(catalogue, manifest, through_export, 1)
