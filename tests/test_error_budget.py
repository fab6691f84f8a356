"""The error budget: its pure core (no Beam), and whole builds that break a stage on purpose."""

import json
import os

import pytest

from gitrepos import make_repo
from pipeline import error_budget
from pipeline.build import STAGING, run_build
from pipeline.cli import main
from pipeline.config import Config, config_from_dict
from pipeline.error_budget import ErrorsConfig, Violation, describe, detail_key, find_violations, group_details
from pipeline.errors import CheckFailed, ErrorBudgetExceeded, UsageError
from pipeline.samples import mit_license
from transforms import language

QUIET = lambda msg: None  # noqa: E731
BUDGET = ErrorsConfig()


# --- the pure core ---------------------------------------------------------------------------

def test_defaults():
    assert (BUDGET.max_share, BUDGET.min_count) == (0.001, 10)
    assert Config().errors == BUDGET
    assert issubclass(ErrorBudgetExceeded, CheckFailed) and ErrorBudgetExceeded.exit_code == 1


def test_input_is_kept_plus_every_drop_and_only_error_reasons_count():
    values = {"kept": 900, "dropped:error": 40, "dropped:fetch_failed": 5, "dropped:too_large": 30,
              "dropped:undecodable": 25, "encoding:UTF-8": 900}
    assert error_budget.stage_errors(values, BUDGET.reasons) == ({"error": 40, "fetch_failed": 5}, 1000)
    assert find_violations({"decode": values}, BUDGET) == [Violation("decode", 45, 1000, (("error", 40), ("fetch_failed", 5)))]


def test_bad_input_and_policy_drops_are_never_errors():
    values = {"kept": 10, "dropped:undecodable": 500, "dropped:corrupt_blob": 500, "dropped:missing_blob": 500,
              "dropped:binary": 500, "dropped:no_license": 500}
    assert find_violations({"decode": values, "license": values}, BUDGET) == []


def test_floor_and_share():
    # at most min_count errors always pass, however small the input
    assert find_violations({"filters": {"kept": 0, "dropped:error": 10}}, BUDGET) == []
    assert [v.stage for v in find_violations({"filters": {"kept": 0, "dropped:error": 11}}, BUDGET)] == ["filters"]
    # above the floor, the share decides: 0.1% of 100,000 is 100
    assert find_violations({"filters": {"kept": 99_900, "dropped:error": 100}}, BUDGET) == []
    assert find_violations({"filters": {"kept": 99_899, "dropped:error": 101}}, BUDGET)[0].errors == 101


def test_max_share_one_disables_and_zero_floor_is_strict():
    broken = {"language": {"kept": 0, "dropped:error": 1_000_000}}
    assert find_violations(broken, ErrorsConfig(max_share=1.0)) == []
    assert find_violations({"language": {"kept": 5, "dropped:error": 1}}, ErrorsConfig(min_count=0, max_share=0.0))
    assert find_violations(broken, ErrorsConfig(reasons=())) == []


def test_repository_errors_of_the_git_source_count():
    values = {"kept": 5, "repositories:read": 3, "repositories:error": 20}
    assert find_violations({"source": values}, BUDGET) == [Violation("source", 20, 25, (("error", 20),))]


def test_stage_order_then_name():
    counters = {name: {"dropped:error": 50} for name in ("zeta", "filters", "alpha", "decode")}
    assert [v.stage for v in find_violations(counters, BUDGET, ("source", "decode", "filters"))] == \
        ["decode", "filters", "alpha", "zeta"]


def test_detail_keys_group_one_cause():
    assert detail_key("error", "KeyError: 'a/b.py'") == detail_key("error", "KeyError: 'c.py'") == "KeyError: '...'"
    fetch = [detail_key("fetch_failed", f"s3://bucket/content/{sha}: 4 attempts, last: timed out")
             for sha in ("a" * 40, "0123456789abcdef0123456789abcdef01234567")]
    assert fetch[0] == fetch[1] == "fetch_failed: s3://bucket/content/<id>: 4 attempts, last: timed out"
    assert detail_key("error", "ValueError: two\nlines") == "ValueError: two lines"
    assert len(detail_key("error", "RuntimeError: " + "x " * 200)) == 100
    assert detail_key("error", "") == "(no detail)"


def test_group_details_reads_only_error_rows_of_the_stages_asked():
    rows = ([{"stage": "language", "reason": "error", "detail": f"RuntimeError: broken on '{i}.py'"} for i in range(5)]
            + [{"stage": "language", "reason": "error", "detail": "KeyError: 'x'"}] * 2
            + [{"stage": "language", "reason": "undecodable", "detail": "not UTF-8"}]
            + [{"stage": "decode", "reason": "error", "detail": "OSError: disk"}])
    assert group_details(rows, ["language"], BUDGET.reasons) == {
        "language": {"KeyError: '...'": 2, "RuntimeError: broken on '...'": 5}}


def test_message_is_one_line_with_counts_top_details_and_where():
    violations = [Violation("language", 40, 50, (("error", 40),)), Violation("filters", 12, 12, (("error", 12),))]
    details = {"language": {"B: b": 10, "A: a": 10, "C: c": 15, "D: d": 5}}
    message = describe(violations, BUDGET, details, rejects_at="/out/.staging/rejects/")
    assert "\n" not in message
    assert message == (
        "error budget exceeded, release not published: "
        "stage language: 40 errors in 50 records (80.00%): C: c (15); A: a (10); B: b (10) | "
        "stage filters: 12 errors in 12 records (100.00%): error 12 "
        "[budget: more than 10 errors and over 0.1% of a stage's input (errors.min_count, errors.max_share)]; "
        "rejects kept in /out/.staging/rejects/")


@pytest.mark.parametrize("values,fragment", [
    ({"max_share": 1.5}, "max_share: 1.5 is not in [0, 1]"),
    ({"min_count": -1}, "min_count: -1 is negative"),
    ({"max_share": "all"}, "errors.max_share: expected float"),
])
def test_bad_budget_config_is_a_usage_error(values, fragment):
    with pytest.raises(UsageError) as info:
        config_from_dict({"errors": values})
    assert fragment in str(info.value)


def test_budget_config_is_read_and_hashed():
    config = config_from_dict({"errors": {"max_share": 1, "reasons": ["error"]}})
    assert config.errors == ErrorsConfig(max_share=1.0, reasons=("error",))
    assert config.digest() != Config().digest()


# --- whole builds ----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """One MIT repository of 15 Python files: every file reaches the language stage."""
    root = tmp_path_factory.mktemp("corpus")
    files = {f"pkg/mod{i:02d}.py": f"def f{i}(x):\n    return x * {i} + {i * 7}\n" for i in range(15)}
    make_repo(root, "fifteen", dict(files, LICENSE=mit_license("The fifteen authors")))
    return str(root)


def _break_language(monkeypatch, broken):
    """The language core raises for the paths ``broken`` says, and classifies the others."""
    real = language.make_core

    def make_core(config, *rest):
        core = real(config, *rest)

        def maybe_broken(record, count):
            if broken(record.path):
                raise RuntimeError(f"language model broken on {record.path!r}")
            return core(record, count)

        return maybe_broken

    monkeypatch.setattr(language, "make_core", make_core)


def _rejects(folder):
    return [json.loads(line) for name in sorted(os.listdir(folder)) for line in open(os.path.join(folder, name))]


@pytest.mark.slow
def test_a_broken_stage_fails_the_build_and_publishes_nothing(corpus, tmp_path, monkeypatch, capsys):
    _break_language(monkeypatch, lambda path: True)
    out = str(tmp_path / "rel")
    assert main(["build", "--source", f"git:{corpus}", "--output", out, "--release-version", "0.1.0"]) == 1
    err = [line for line in capsys.readouterr().err.splitlines() if line.startswith("codestack: error:")]
    staged = os.path.join(out, STAGING, "rejects") + "/"
    assert len(err) == 1 and err[0] == (
        "codestack: error: error budget exceeded, release not published: "
        "stage language: 16 errors in 16 records (100.00%): RuntimeError: language model broken on '...' (16) "
        "[budget: more than 10 errors and over 0.1% of a stage's input (errors.min_count, errors.max_share)]; "
        f"rejects kept in {staged}")
    assert sorted(os.listdir(out)) == [STAGING]  # no manifest, no shard, no card
    rejects = _rejects(staged)
    assert len(rejects) == 16 and {(r["stage"], r["reason"]) for r in rejects} == {("language", "error")}

    # the same broken stage with the budget switched off publishes what is left (nothing but rejects)
    config = tmp_path / "no-budget.yaml"
    config.write_text("errors:\n  max_share: 1.0\n")
    off = str(tmp_path / "off")
    assert main(["build", "--source", f"git:{corpus}", "--output", off, "--release-version", "0.1.0",
                 "--config", str(config)]) == 0
    manifest = json.load(open(os.path.join(off, "manifest.json")))
    assert manifest["stages"]["language"]["dropped"] == {"error": 16}
    assert manifest["config"]["errors"]["max_share"] == 1.0
    assert main(["verify", off]) == 0


@pytest.mark.slow
def test_an_error_under_the_floor_still_publishes(corpus, tmp_path, monkeypatch):
    _break_language(monkeypatch, lambda path: path == "pkg/mod03.py")
    out = str(tmp_path / "rel")
    manifest = run_build(f"git:{corpus}", out, "0.1.0", log=QUIET)
    assert manifest["stages"]["language"]["dropped"] == {"error": 1}
    written = json.load(open(os.path.join(out, "manifest.json")))
    assert written["config"]["errors"] == {"max_share": 0.001, "min_count": 10,
                                           "reasons": ["error", "fetch_failed", "unknown_locator", "api_error"]}
    rejects = _rejects(os.path.join(out, "rejects"))
    assert [(r["stage"], r["reason"], r["path"]) for r in rejects] == [("language", "error", "pkg/mod03.py")]
    assert not os.path.exists(os.path.join(out, STAGING))
    with pytest.raises(ErrorBudgetExceeded):  # the same run with no floor is over budget
        run_build(f"git:{corpus}", str(tmp_path / "strict"), "0.1.0", log=QUIET,
                  config=Config(errors=ErrorsConfig(min_count=0)))
