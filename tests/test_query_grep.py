"""``codestack query --grep``: the rows equal a plain Python ``re.search`` loop; the
Arrow prefilter (pipeline/grep.py) never drops a row Python's ``re`` matches.

One small release per module, written by tests/releases.py (the sink's own encoder):
the sample repositories' files plus rows chosen for the regexes below (Unicode case
pairs, non-ASCII digits, repeated words), in three languages.
"""

import json
import os
import re

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from manifests.manifest import read_manifest
from pipeline.cli import main
from pipeline.grep import (TRUE, Grep, Lit, Re2, _class_of, describe, keep_mask, necessary_condition, plan,
                           superset_re2, to_re2)
from pipeline.samples import SAMPLES
from releases import record, write_release

EXTENSIONS = {".py": "Python", ".js": "JavaScript", ".c": "C", ".h": "C"}

SPECIAL = [
    ("uni/case", "kelvin.py", "T = 300  # \u212a, not K\nprint('done')\n", ("MIT",)),
    ("uni/case", "long_s.py", "# Cla\u017f\u017f names\nclass Thing: pass\n", ("MIT",)),
    ("uni/case", "turkish.py", "\u0130STANBUL = '\u0131stanbul'  # TODO: locale\n", ("Apache-2.0",)),
    ("uni/case", "sharp.py", "stra\u00dfe = 'STRA\u1e9eE'\n", ("Apache-2.0",)),
    ("uni/case", "COPYRIGHT.py", "# COPYRIGHT (c) 2023 The Authors\n# FIXME: year\n", ("BSD-3-Clause", "MIT")),
    ("uni/digits", "arabic.py", "count = '\u0663\u0664'  # Arabic-Indic digits\n", ("MIT",)),
    ("uni/digits", "plain.js", "const n = 42; // TODO later\n", ("MIT",)),
    ("uni/words", "repeat.py", "the the quick fox\nimport numpy as np\n", ("MIT",)),
    ("uni/words", "emoji.js", "const smile = '\U0001f600'; // caf\u00e9 na\u00efve\r\n", ("Apache-2.0",)),
    ("uni/words", "test_x.py", "def  test_parse_ok():\n    assert True\n\ndef helper(): pass\n", ("MIT",)),
    ("uni/words", "empty.c", "", ("MIT",)),
    ("uni/words", "add.c", "int add(int a, int b) {\n    return a + b;  /* colour: implement abab */\n}\n", ("MIT",)),
]

PATTERNS = [
    "import",  # a plain literal
    "import numpy",
    "TODO|FIXME",  # alternation
    "def\\s+test_\\w+",
    "[Cc]opyright|COPYRIGHT",  # character classes
    "\\d+",  # no literal: every row goes to Python
    "\\d{2}",  # Unicode digits (RE2's \\d would not match them)
    "\\w+(?=\\()",  # lookahead
    "(?<=def )helper",  # lookbehind
    "\\b(\\w+) \\1\\b",  # backreference
    "(?i)copyright",  # IGNORECASE, with an inline flag
    "(?i)class",  # ſ under IGNORECASE
    "(?i)istanbul",  # İ and ı under IGNORECASE
    "(?i)\u212a",  # the Kelvin sign is k and K
    "(?i)stra\u1e9ee",  # ẞ ~ ß
    "caf\u00e9|na\u00efve",  # Unicode literals
    "\U0001f600",
    "^\\s*$",  # anchors, no literal
    "x?y?z?",  # matches the empty string everywhere
    "(?i:todo):|FIXME:",
    "colou?r|(?:ab){2}",
    "return\\s+\\w+\\s*[-+*/]",
    "(?!import)\\bimp\\w+",
    "\\r\\n",
]


def _records():
    rows = []
    for origin, files in sorted(SAMPLES.items()):
        repo = origin.split("://", 1)[1].split("/", 1)[1]
        for path, data in sorted(files.items()):
            language = EXTENSIONS.get(os.path.splitext(path)[1])
            if language and isinstance(data, str):
                rows.append(record(repo, path, data, language=language, licenses=("MIT",)))
    for repo, path, content, licenses in SPECIAL:
        rows.append(record(repo, path, content, language=EXTENSIONS[os.path.splitext(path)[1]], licenses=licenses))
    return rows


@pytest.fixture(scope="module")
def release(tmp_path_factory):
    root = str(tmp_path_factory.mktemp("grep") / "0.1.0")
    write_release(root, "0.1.0", _records())
    return root


def all_rows(root):
    """Every row of the release, shards in path order and rows in shard order (as query reads them)."""
    shards = sorted(read_manifest(root)["shards"], key=lambda s: s["path"])
    return [row for s in shards for row in pq.read_table(os.path.join(root, s["path"])).to_pylist()]


def expected(root, pattern, flags=0, **where):
    """The plain loop: re.search over every row's content."""
    return [(r["repo_name"], r["path"]) for r in all_rows(root)
            if all(r[k] == v for k, v in where.items()) and re.search(pattern, r["content"], flags)]


def grep(capsys, *argv):
    assert main(["query", *argv, "--columns", "repo_name,path"]) == 0
    captured = capsys.readouterr()
    return [(r["repo_name"], r["path"]) for r in map(json.loads, captured.out.splitlines())], captured.err


def count(capsys, *argv):
    assert main(["query", *argv, "--count"]) == 0
    return int(capsys.readouterr().out)


def test_the_release_holds_what_the_patterns_need(release):
    rows = all_rows(release)
    assert len(rows) == len(_records()) and len(read_manifest(release)["shards"]) == 3
    assert all(expected(release, p) for p in PATTERNS)  # every pattern finds rows


@pytest.mark.parametrize("pattern", PATTERNS)
def test_grep_equals_python_re_search(release, capsys, pattern):
    want = expected(release, pattern)
    got, err = grep(capsys, release, "--grep", pattern)
    assert got == want
    assert count(capsys, release, "--grep", pattern) == len(want)
    assert f"rows scanned, {len(want)} matched" in err


@pytest.mark.parametrize("pattern", ["copyright", "class", "ISTANBUL", "\u212a", "stra\u00dfe", "todo|fixme",
                                     "[a-c]af"])
def test_ignore_case_equals_re_ignorecase(release, capsys, pattern):
    want = expected(release, pattern, re.IGNORECASE)
    assert grep(capsys, release, "--grep", pattern, "--ignore-case")[0] == want
    assert count(capsys, release, "--grep", pattern, "--ignore-case") == len(want)


def test_grep_composes_with_the_other_filters(release, capsys):
    pattern = "TODO|FIXME|import"
    assert grep(capsys, release, "--grep", pattern, "--language", "Python")[0] == \
        expected(release, pattern, language="Python")
    assert grep(capsys, release, "--grep", pattern, "--repo", "uni/digits")[0] == \
        expected(release, pattern, repo_name="uni/digits")
    got = grep(capsys, release, "--grep", pattern, "--license", "apache-2.0", "--language", "Python")[0]
    assert got == [(r["repo_name"], r["path"]) for r in all_rows(release) if r["language"] == "Python"
                   and "Apache-2.0" in r["detected_licenses"] and re.search(pattern, r["content"])]
    assert got == [("uni/case", "turkish.py")]
    assert count(capsys, release, "--grep", pattern, "--language", "Python", "--repo", "uni/case") == 2
    # --limit: the first N of the same rows; --count counts at most N
    assert grep(capsys, release, "--grep", "import", "--limit", "2")[0] == expected(release, "import")[:2]
    assert count(capsys, release, "--grep", "import", "--limit", "2") == 2
    # --count without --grep: the rows the filters keep
    assert count(capsys, release, "--language", "C") == sum(1 for r in all_rows(release) if r["language"] == "C")


def test_output_rows_and_table(release, capsys):
    assert main(["query", release, "--grep", "\u0130STANBUL"]) == 0
    (row,) = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert row["path"] == "turkish.py" and row["committer_date"] == "2023-11-14T22:13:20+00:00"
    assert main(["query", release, "--grep", "def\\s+test_\\w+", "--format", "table"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].split()[:2] == ["repo_name", "path"] and [line.split()[1] for line in out[1:]] == \
        [p for _r, p in expected(release, "def\\s+test_\\w+")]


def test_stderr_says_how_rows_were_checked(release, capsys):
    err = grep(capsys, release, "--grep", "def\\s+test_\\w+")[1]
    assert 'Arrow prefilter "test_" and "def", then Python re on those rows' in err
    assert re.search(r"codestack: \d+ rows scanned, 2 matched \(\d+ checked with Python re\), .* rows/s, .* MB/s", err)
    err = grep(capsys, release, "--grep", "\\d{2}")[1]  # no literal: the superset pattern alone
    assert "Arrow prefilter re2:(?:[0-9\\x{660}-\\x{669}" in err
    err = grep(capsys, release, "--grep", "x?")[1]
    assert "every row was checked with Python re" in err


@pytest.mark.parametrize("argv", [["--grep", "("], ["--grep", "a{2,1}"], ["--grep", "(?<=a+)b"],
                                  ["--ignore-case"], ["--grep", "[z-a]", "--count"]])
def test_bad_input_is_one_line_and_exit_2(release, capsys, argv):
    assert main(["query", release, *argv]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and len(captured.err.strip().splitlines()) == 1
    assert captured.err.startswith("codestack: error: --")


# ---------------------------------------------------------------------------
# the prefilter on its own
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("pattern, shown", [
    ("import numpy", '"import numpy"'),
    ("def\\s+test_\\w+", '"def" and "test_"'),
    ("TODO|FIXME", '("FIXME" or "TODO")'),
    ("colou?r", '("color" or "colour")'),
    ("foo(bar|baz)+", '"foo" and "ba[rz]"'),
    ("(?=.*needle)x", '"needle" and "x"'),
    ("(?<=abc)def", '"abc" and "def"'),
    ("(?!foo)bar", '"bar"'),
    ("(a)\\1", '"a"'),
    ("x{3}y", '"xxxy"'),
    ("(?i)kit", '"[Kk\u212a][Ii\u0130\u0131][Tt]"'),
    ("(?ia)kit", '"[Kk][Ii][Tt]"'),
    ("(?i:ab)cd", '"[Aa][Bb]cd"'),
    ("(?x) a b  c # comment", '"abc"'),
    ("\\d+", "true"),
    ("a|\\w", "true"),
    ("(?:abc)?", "true"),
    ("[^a]bc", '"bc"'),
])
def test_necessary_condition(pattern, shown):
    cond = necessary_condition(re.compile(pattern))
    if " and " in shown and "(" not in shown:  # an AND's order is the pattern's
        assert sorted(describe(cond).split(" and ")) == sorted(shown.split(" and "))
    else:
        assert describe(cond) == shown


def test_case_classes_are_what_re_matches():
    """Under IGNORECASE a position's class is exactly the characters Python's engine
    matches there, over every code point (not only the ones we thought of)."""
    import numpy

    points = numpy.concatenate([numpy.arange(0, 0xD800), numpy.arange(0xE000, 0x110000)]).astype("<u4")
    everything = points.tobytes().decode("utf-32-le")
    from re import _constants as c

    for flags in (re.IGNORECASE, re.IGNORECASE | re.ASCII):
        for ch in "aiksKSyz1_\u00df\u1e9e\u0130\u0131\u017f\u212a\u00e9\u03c3\u03a3\u0345\U00010400":
            truth = {m.group() for m in re.compile(re.escape(ch), flags).finditer(everything)}
            assert _class_of(((c.LITERAL, ord(ch)),), flags) == truth, (ch, flags)
        truth = {m.group() for m in re.compile("[a-z\u00df]", flags).finditer(everything)}
        assert _class_of(((c.RANGE, (ord("a"), ord("z"))), (c.LITERAL, 0xDF)), flags) == truth


def test_re2_patterns_are_escaped_literals():
    assert to_re2(Lit((frozenset("a"), frozenset("."), frozenset("*("), frozenset("\U0001f600")))) == \
        "a\\x{2e}[\\x{28}\\x{2a}]\\x{1f600}"
    assert to_re2(Lit((frozenset("\ud800"),))) is None  # no UTF-8 text holds it: not tested
    column = pa.array(["a.(", "a.*x", "ab(", None, "xa.*\U0001f600"])
    assert keep_mask(Lit((frozenset("a"), frozenset("."), frozenset("*("))), column).tolist() == \
        [True, True, False, False, True]
    assert plan(necessary_condition(re.compile("[a-z]"))) == TRUE


def test_superset_patterns_hold_python_character_sets():
    digits = superset_re2(re.compile("\\d{2}"))
    assert digits.startswith("(?:[0-9\\x{660}-\\x{669}") and digits.endswith("){2,2}")  # Arabic-Indic digits are \\d
    assert superset_re2(re.compile("\\d{2}", re.ASCII)) == "(?:[0-9]){2,2}"
    assert superset_re2(re.compile("(?i)sk")) == "[Ss\\x{17f}][Kk\\x{212a}]"
    # relaxed: anchors and lookarounds match the empty string, a backreference any text, big counts {32,}
    assert superset_re2(re.compile("^(?<=a)(b)(?!c)\\1\\b$")) == "(?:b)(?s:.*)"
    assert superset_re2(re.compile("a{100}")) == "(?:a){32,}"
    assert superset_re2(re.compile("a*|b")) is None  # matches the empty string: every row
    column = pa.array(["year 2023-11-14", "x 1-2", "\u0663\u0664\u0665\u0666-\u0661\u0662-\u0660\u0661", None])
    pattern = "\\d{4}-\\d{2}-\\d{2}"
    assert keep_mask(Re2(superset_re2(re.compile(pattern))), column).tolist() == [True, False, True, False]
    assert Grep(pattern).matching(column).tolist() == [0, 2]
    # a pattern RE2 refuses as too large is not tested: every row goes to Python
    nested = Grep("(?:\\w{30}){30}")
    assert nested.superset is not None and nested.prefilter is None
    assert nested.matching(pa.array(["x" * 900, "x" * 899])).tolist() == [0]


# a small regex grammar over the characters where Python and RE2 differ
ATOMS = ["a", "b", "k", "K", "s", "i", "\u0131", "\u0130", "\u017f", "\u212a", "\u00df", "\u1e9e", "\u0663", "1", "_",
         " ", "\\.", "\\n", ".", "\\d", "\\w", "\\s", "\\b", "^", "$", "[ab]", "[a-c1]", "[^a]", "[kK]", "(?:ab|ba)",
         "\\w+", "a{2}", "b{1,2}", "\\D", "\\S", "[^\\w]", "(?s:.)", "\\W", "[\\d_]", "\\Z", "\\A"]
TEXT = st.text(alphabet="abkKsSiIc1_ .\n\u0131\u0130\u017f\u212a\u00df\u1e9e\u0663\u00e9\U0001f600", max_size=30)


def _regex():
    def extend(inner):
        return st.one_of(
            st.tuples(inner, inner).map("".join),
            st.tuples(inner, inner).map("|".join),
            inner.map(lambda r: f"(?:{r})"),
            inner.map(lambda r: f"({r})\\1"),
            st.tuples(inner, st.sampled_from(["?", "*", "+", "{2}", "{0,2}", "{1,3}", "*?"])).map("".join),
            inner.map(lambda r: f"(?={r})"),
            inner.map(lambda r: f"(?!{r})"),
            inner.map(lambda r: f"(?i:{r})"),
            inner.map(lambda r: f"(?<=a){r}"),
        )

    return st.recursive(st.sampled_from(ATOMS), extend, max_leaves=8)


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pattern=_regex(), texts=st.lists(TEXT, min_size=1, max_size=6), flags=st.sampled_from([0, re.I, re.I | re.A]))
def test_a_row_re_search_matches_is_kept_by_the_prefilter(pattern, texts, flags):
    try:
        regex = re.compile(pattern, flags)
    except re.error:
        assume(False)
    # texts that hold what the pattern matches in some text, so matches are common
    texts = texts + [t + m.group() + t for t in texts for m in [regex.search(t + "abk" + t)] if m]
    column = pa.array(texts, pa.large_string())
    for cond in (necessary_condition(regex), plan(necessary_condition(regex))):
        kept = keep_mask(cond, column).tolist()
        for text, keep in zip(texts, kept):
            if regex.search(text):
                assert keep, (pattern, flags, text, describe(cond))
    superset = superset_re2(regex)
    if superset is not None:
        kept = keep_mask(Re2(superset), column).tolist()
        assert all(keep for text, keep in zip(texts, kept) if regex.search(text)), (pattern, flags, superset)
    # end to end: the rows Grep finds are the rows re.search finds
    assert Grep(pattern, flags=flags).matching(column).tolist() == [i for i, t in enumerate(texts) if regex.search(t)]


# ---------------------------------------------------------------------------
# a release the pipeline built
# ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The sample repositories plus one holding the rows above, built by the pipeline."""
    from gitrepos import beam_home, make_repo
    from pipeline.build import run_build
    from pipeline.samples import build_samples, mit_license

    root = tmp_path_factory.mktemp("grep-built")
    with beam_home(root):
        repos = root / "repos"
        build_samples(str(repos))
        make_repo(repos, "unicode", {"LICENSE": mit_license("U"), **{f"{repo.replace('/', '_')}/{path}": content
                                                                     for repo, path, content, _ in SPECIAL}})
        release = str(root / "0.1.0")
        run_build(f"git:{repos}", release, "0.1.0", log=lambda msg: None)
    return release


@pytest.mark.slow
def test_grep_on_a_built_release(built, capsys):
    assert len(read_manifest(built)["shards"]) > 1
    for pattern in PATTERNS:
        want = expected(built, pattern)
        assert grep(capsys, built, "--grep", pattern)[0] == want, pattern
        assert count(capsys, built, "--grep", pattern, "--ignore-case") == len(expected(built, pattern, re.I))
    assert expected(built, "(?i)istanbul") and expected(built, "def\\s+test_\\w+")
