"""codestack mixture: weights, caps and water-filling (pure core), and plans and samples of a real release."""

import decimal
import hashlib
import json
import os
import shutil
from fractions import Fraction

import pyarrow.parquet as pq
import pytest
import yaml

from manifests import mixture
from manifests.mixture import MixtureError
from pipeline.cli import main

D = decimal.Decimal


# ---------------------------------------------------------------------------- the pure core


def test_budget_alpha_epochs_and_seed_are_parsed():
    assert mixture.parse_budget("1000") == 1000
    assert mixture.parse_budget("2.5B") == 2_500_000_000
    assert mixture.parse_budget("500m") == 500_000_000
    assert mixture.parse_budget("1e9") == mixture.parse_budget("1G") == 10 ** 9
    assert mixture.parse_budget("1_000_000") == mixture.parse_budget("1,000,000") == 10 ** 6
    for bad, words in (("0", "positive"), ("-5", "positive"), ("1.5", "whole"), ("abc", "not a number"),
                       ("nan", "finite"), ("", "not a number")):
        with pytest.raises(MixtureError, match=words):
            mixture.parse_budget(bad)
    assert mixture.parse_alpha("0") == 0 and mixture.parse_alpha("1") == 1 and mixture.parse_alpha("0.3") == D("0.3")
    for bad in ("-0.1", "1.01", "inf", "x"):
        with pytest.raises(MixtureError, match="--alpha"):
            mixture.parse_alpha(bad)
    assert mixture.parse_max_epochs("1.5") == D("1.5")
    with pytest.raises(MixtureError, match="more than 0"):
        mixture.parse_max_epochs("0")
    assert mixture.parse_seed("7") == 7 and mixture.parse_seed("0xff") == 255
    with pytest.raises(MixtureError, match="--seed"):
        mixture.parse_seed(str(2 ** 64))


def test_temperature_one_is_proportional_and_zero_uniform():
    tokens = {"A": 1000, "B": 3000, "C": 6000, "Empty": 0}
    assert mixture.temperature_weights(tokens, D(1)) == {"A": Fraction(1, 10), "B": Fraction(3, 10),
                                                         "C": Fraction(6, 10), "Empty": 0}
    assert mixture.temperature_weights(tokens, D(0)) == {"A": Fraction(1, 3), "B": Fraction(1, 3),
                                                         "C": Fraction(1, 3), "Empty": 0}
    half = mixture.temperature_weights(tokens, D("0.5"))
    assert half["A"] < Fraction(1, 3) < half["C"] < Fraction(6, 10)  # flatter than proportional
    assert float(half["C"] / half["A"]) == pytest.approx(6 ** 0.5, rel=1e-12)
    with pytest.raises(MixtureError, match="no tokens"):
        mixture.temperature_weights({"A": 0}, D(1))


def test_water_filling_redistributes_capped_mass_by_weight_until_none_is_over():
    weights = {"A": Fraction(1, 2), "B": Fraction(1, 4), "C": Fraction(3, 16), "D": Fraction(1, 16)}
    caps = {"A": 10_000, "B": 10_000, "C": 500, "D": 100}
    # budget 4000: D (250 asked) is capped at 100; its 150 go to A, B, C by weight, which pushes C
    # (750 asked, then 790) over its cap too: a second round spreads C's excess over A and B 2:1
    targets = mixture.water_fill(4000, weights, caps)
    assert targets == {"A": 2267, "B": 1133, "C": 500, "D": 100}
    assert sum(targets.values()) == 4000
    assert mixture.water_fill(1600, weights, caps) == {"A": 800, "B": 400, "C": 300, "D": 100}  # D exactly at its cap
    assert mixture.water_fill(3, {"A": Fraction(1, 3), "B": Fraction(1, 3), "C": Fraction(1, 3)},
                              {"A": 9, "B": 9, "C": 9}) == {"A": 1, "B": 1, "C": 1}
    # remainders by size, ties by name: the sum is the budget exactly
    assert mixture.water_fill(2, {"A": Fraction(1, 3), "B": Fraction(1, 3), "C": Fraction(1, 3)},
                              {"A": 9, "B": 9, "C": 9}) == {"A": 1, "B": 1, "C": 0}
    with pytest.raises(MixtureError, match=r"more than the release gives .*\(20,600 tokens\)"):
        mixture.water_fill(30_000, weights, caps)
    with pytest.raises(MixtureError, match=r"\(10,000 tokens\)"):  # a weight of 0 takes nothing
        mixture.water_fill(10_001, {"A": Fraction(1), "B": Fraction(0)}, {"A": 10_000, "B": 10_000})


def test_a_plan_caps_languages_at_max_epochs_and_keeps_the_budget():
    tokens = {"Big": 1_000_000, "Mid": 100_000, "Tiny": 1_000}
    plan = mixture.plan_mixture(tokens, {}, 600_000, alpha=D(0), max_epochs=D(4))
    by = {e.language: e for e in plan.languages}
    assert plan.target == 600_000 and by["Tiny"].target == 4_000 and by["Tiny"].capped
    assert by["Big"].target == by["Mid"].target == 298_000 and not by["Big"].capped
    assert by["Tiny"].epochs == 4 and by["Mid"].epochs == Fraction(298, 100)
    assert by["Big"].config == "Big"  # a language without a config name keeps its own
    proportional = mixture.plan_mixture(tokens, {}, 110_100, alpha=D(1))
    assert [e.target for e in proportional.languages] == [100_000, 10_000, 100]
    assert {e.epochs for e in proportional.languages} == {Fraction(11_010, 110_100)}
    table = mixture.format_table(plan)
    assert table.splitlines()[0].split() == ["language", "tokens", "available", "weight", "share", "target",
                                             "tokens", "epochs"]
    assert "Tiny" in table and "4.000 *" in table and "* capped" in table and "alpha 0" in table
    assert table == mixture.format_table(mixture.plan_mixture(tokens, {}, 600_000, alpha=D(0), max_epochs=D(4)))


def test_explicit_weights_name_languages_or_configs_and_unknown_ones_are_refused():
    known = {"C++": "C++", "C#": "C#", "Python": "Python", "Objective-C/C++": "Objective-C_C++"}
    weights = mixture.explicit_weights({"Python": 3, "C++": 1.0, "Objective-C_C++": "0"}, known)
    assert weights == {"C++": Fraction(1, 4), "C#": 0, "Python": Fraction(3, 4), "Objective-C/C++": 0}
    with pytest.raises(MixtureError, match=r"unknown language\(s\) Cobol, Fortran \(known: C#, C\+\+, "
                                           r"Objective-C/C\+\+, Python\)"):
        mixture.explicit_weights({"Python": 1, "Fortran": 1, "Cobol": 2}, known)
    for raw, words in (({"Python": -1}, "negative"), ({"Python": 0}, "no language has a positive weight"),
                       ({"Python": True}, "not a number"), ({"Python": [1]}, "not a number"),
                       ([1, 2], "not a mapping"), ({}, "not a mapping"), ({"Python": "x"}, "not a number"),
                       ({"Objective-C/C++": 1, "Objective-C_C++": 2}, "named twice")):
        with pytest.raises(MixtureError, match=words):
            mixture.explicit_weights(raw, known)
    plan = mixture.plan_mixture({"C++": 100, "C#": 100, "Python": 100, "Objective-C/C++": 100}, known, 400,
                                weights=weights)
    assert {e.language: e.target for e in plan.languages} == {"C#": 0, "C++": 100, "Objective-C/C++": 0,
                                                              "Python": 300}
    assert plan.weighting == "explicit" and plan.alpha is None


def test_choose_draws_whole_epochs_then_the_closest_prefix_in_hash_order():
    hashes = [30, 10, 20, 40]
    tokens = [5, 7, 3, 100]
    assert mixture.choose(hashes, tokens, 0).tolist() == [0, 0, 0, 0]
    assert mixture.choose(hashes, tokens, 7).tolist() == [0, 1, 0, 0]  # hash 10 first
    assert mixture.choose(hashes, tokens, 8).tolist() == [0, 1, 0, 0]  # 7 is closer to 8 than 10
    assert mixture.choose(hashes, tokens, 9).tolist() == [0, 1, 1, 0]  # 10 is closer to 9 than 7
    assert mixture.choose(hashes, tokens, 10).tolist() == [0, 1, 1, 0]
    assert mixture.choose(hashes, tokens, 2).tolist() == [0, 0, 0, 0]  # 0 is closer to 2 than 7
    assert mixture.choose(hashes, tokens, 115).tolist() == [1, 1, 1, 1]
    assert mixture.choose(hashes, tokens, 2 * 115 + 15).tolist() == [3, 3, 3, 2]
    assert mixture.choose([5, 5, 5], [1, 1, 1], 2).tolist() == [1, 1, 0]  # equal hashes: by position
    assert mixture.row_hash("b", "o/r", "p.py", 0) == mixture.row_hash("b", "o/r", "p.py", 0)
    assert mixture.row_hash("b", "o/r", "p.py", 0) != mixture.row_hash("b", "o/r", "p.py", 1)
    assert mixture.row_hash("b", "o/r", "p.py", 0) != mixture.row_hash("b", "o/rp", ".py", 0)
    assert mixture.row_hash("b", "o/r", "p.py", 0) == 0x6919a106018ec430  # xxh64: the same on every machine


def test_a_spec_plans_over_a_manifest_and_summarizes_for_the_card():
    manifest = {"version": "1.0.0", "languages": {"C++": {"tokens": 1000}, "Python": {"tokens": 3000}},
                "shards": [{"language": "C++", "path": "data/C++/train-00000-of-00001.parquet"},
                           {"language": "Python", "path": "data/Python/train-00000-of-00001.parquet"}]}
    spec = mixture.parse_spec({"budget": "8K", "weights": {"Python": 1, "C++": 1}, "max_epochs": 2})
    entry = mixture.manifest_entry(mixture.plan_of_manifest(manifest, **spec))
    assert entry == {"budget": 8000, "weighting": "explicit", "alpha": None, "max_epochs": 2, "languages": {
        "C++": {"weight": 0.5, "probability": 0.25, "target_tokens": 2000, "epochs": 2.0, "capped": True},
        "Python": {"weight": 0.5, "probability": 0.75, "target_tokens": 6000, "epochs": 2.0, "capped": True}}}
    assert mixture.manifest_entry(mixture.plan_of_manifest(manifest, **mixture.parse_spec({"budget": 4000})))[
        "alpha"] == 0.3
    for raw, words in (({"alpha": 1}, "budget"), ({"budget": 1, "alpha": 1, "weights": {}}, "exclude"),
                       ({"budget": 1, "temperature": 1}, "unknown key"), ({"budget": 0}, "positive")):
        with pytest.raises(MixtureError, match=words):
            mixture.parse_spec(raw, "mix.yaml")
    with pytest.raises(MixtureError, match="no token counts"):
        mixture.plan_of_manifest({"languages": {"Go": {"tokens": None}}, "shards": []}, 10)


# ---------------------------------------------------------------------------- a real release

WORDS = ("alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima mike november oscar papa quebec "
         "romeo sierra tango uniform victor whiskey xray yankee zulu amber basil cedar dune ember fern grove heath "
         "iris jade kelp lotus maple nectar olive pine quartz reed sage thyme umber vine willow yarrow").split()


def _words(seed: str, n: int):
    out, digest = [], hashlib.sha256(seed.encode()).digest()
    while len(out) < n:
        out.extend(WORDS[b % len(WORDS)] for b in digest)
        digest = hashlib.sha256(digest).digest()
    return out[:n]


def _python(i: int) -> str:
    w = _words(f"py{i}", 4 + i % 9)
    body = "\n".join(f"    {a}_{i} = {j} + len('{b}')" for j, (a, b) in enumerate(zip(w[::2], w[1::2])))
    return f"def {w[0]}_{w[1]}_{i}(value):\n{body}\n    return value\n"


def _javascript(i: int) -> str:
    w = _words(f"js{i}", 4 + i % 7)
    body = "\n".join(f"  const {a}{i} = '{b}';" for a, b in zip(w[::2], w[1::2]))
    return f"function {w[0]}{i}() {{\n{body}\n  return {w[0]}{i};\n}}\n"


def _go(i: int) -> str:
    w = _words(f"go{i}", 5)
    return f"package {w[0]}{i}\n\nfunc {w[1].title()}{i}() string {{\n\treturn \"{w[2]} {w[3]} {w[4]}\"\n}}\n"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """Three repositories (150 Python, 60 JavaScript and 12 Go files, and their LICENSE files as
    Text) built with a SentencePiece tokenizer: ``(release, tokenizer)``."""
    from gitrepos import beam_home, make_repo
    from pipeline.samples import mit_license
    from test_tokens import train_sentencepiece

    root = tmp_path_factory.mktemp("mixture")
    with beam_home(root):
        repos = root / "repos"
        make_repo(repos, "py", {"LICENSE": mit_license("A"), **{f"src/m{i:03d}.py": _python(i) for i in range(150)}})
        make_repo(repos, "js", {"LICENSE": mit_license("B"), **{f"lib/m{i:03d}.js": _javascript(i) for i in range(60)}})
        make_repo(repos, "go", {"LICENSE": mit_license("C"), **{f"cmd/m{i:03d}.go": _go(i) for i in range(12)}})
        tokenizer = root / "tokenizer.model"
        tokenizer.write_bytes(train_sentencepiece())
        release = str(root / "0.1.0")
        spec = root / "mixture-spec.yaml"  # the build plans it into the manifest and the card
        spec.write_text("budget: 40K\nalpha: 0.3\nmax_epochs: 4\n")
        assert main(["build", "--source", f"git:{repos}", "--tokenizer", str(tokenizer), "--output", release,
                     "--release-version", "0.1.0", "--mixture", str(spec)]) == 0
    return release, str(tokenizer)


def test_build_with_a_mixture_shows_it_in_manifest_and_card(built, tmp_path, capsys):
    release, tokenizer = built
    entry = _manifest(release)["mixture"]
    assert entry["budget"] == 40_000 and entry["weighting"] == "temperature"
    assert sum(v["target_tokens"] for v in entry["languages"].values()) == 40_000
    card = open(os.path.join(release, "README.md"), encoding="utf-8").read()
    assert "mixture share" in card and "Mixture columns" in card
    bad = tmp_path / "bad.yaml"
    bad.write_text("budget: 10\nalpha: 3\n")
    out = str(tmp_path / "never")
    assert main(["build", "--source", "git:/nowhere", "--tokenizer", tokenizer, "--output", out,
                 "--release-version", "0.1.0", "--mixture", str(bad)]) == 2
    assert main(["build", "--source", "git:/nowhere", "--output", out, "--release-version", "0.1.0",
                 "--mixture", str(bad)]) == 2
    err = capsys.readouterr().err
    assert err.count("codestack: error:") == 2 and "--mixture needs --tokenizer" in err
    assert not os.path.exists(out)


def _manifest(release):
    with open(os.path.join(release, "manifest.json"), encoding="utf-8") as handle:
        return json.load(handle)


def _run(release, tmp_path, *args, name="mixture.yaml"):
    out = tmp_path / name
    assert main(["mixture", release, "--output", str(out), *args]) == 0
    return yaml.safe_load(out.read_text()), out


def _sample_counts(path):
    """``{(shard, row): times}`` and the lines of a sample file."""
    lines = open(path, encoding="utf-8").read().splitlines()
    counts = {}
    for line in lines:
        shard, _, row = line.rpartition("#")
        counts[(shard, int(row))] = counts.get((shard, int(row)), 0) + 1
    return counts, lines


def _row_tokens(release):
    tokens = {}
    for shard in _manifest(release)["shards"]:
        for index, n in enumerate(pq.read_table(os.path.join(release, shard["path"]),
                                                columns=["num_tokens"]).column("num_tokens").to_pylist()):
            tokens[(shard["path"], index)] = n
    return tokens


@pytest.mark.slow
def test_the_plan_and_the_sample_meet_the_budget(built, tmp_path, capsys):
    release, _tokenizer = built
    manifest = _manifest(release)
    available = {language: entry["tokens"] for language, entry in manifest["languages"].items()}
    assert set(available) >= {"Python", "JavaScript", "Go"} and all(n > 0 for n in available.values())
    budget = 30_000
    plan, out = _run(release, tmp_path, "--budget", "30K", "--sample", str(tmp_path / "rows.txt"))
    table = capsys.readouterr().out
    assert table.splitlines()[0].split()[:2] == ["language", "tokens"] and "30,000" in table
    assert plan["mixture_version"] == 1 and plan["parameters"] == {
        "budget": budget, "weighting": "temperature", "alpha": 0.3, "weights_file": None, "max_epochs": 4}
    assert plan["release"] == {"name": manifest["name"], "version": "0.1.0",
                               "manifest_sha256": hashlib.sha256(
                                   open(os.path.join(release, "manifest.json"), "rb").read()).hexdigest(),
                               "tokenizer": manifest["inputs"]["tokenizer"]}
    languages = plan["languages"]
    assert list(languages) == sorted(available)
    assert sum(e["target_tokens"] for e in languages.values()) == plan["totals"]["target_tokens"] == budget
    assert sum(e["probability"] for e in languages.values()) == pytest.approx(1, abs=1e-9)
    for language, entry in languages.items():
        assert entry["tokens_available"] == available[language]
        assert entry["target_tokens"] <= 4 * available[language]
        assert entry["epochs"] == pytest.approx(entry["target_tokens"] / available[language], abs=1e-6)
        assert entry["shards"] == [{"path": s["path"], "sha256": s["sha256"], "rows": s["rows"]}
                                   for s in manifest["shards"] if s["language"] == language]
    # the sample: valid row ids, whole epochs plus a fraction, its total within 1% of the budget
    counts, lines = _sample_counts(tmp_path / "rows.txt")
    row_tokens = _row_tokens(release)
    assert set(counts) <= set(row_tokens)
    sampled = sum(row_tokens[row] * times for row, times in counts.items())
    assert abs(sampled - budget) <= 0.01 * budget
    assert plan["sample"] == {"file": "rows.txt", "sha256": hashlib.sha256(open(tmp_path / "rows.txt", "rb").read())
                              .hexdigest(), "row_id": "<shard path>#<row index>", "seed": 0, "rows": len(lines),
                              "tokens": sampled}
    for language, entry in languages.items():
        rows = [row for row in row_tokens if row[0].split("/")[1] == entry["config"]]
        drawn = sum(row_tokens[row] * counts.get(row, 0) for row in rows)
        assert drawn == entry["sampled_tokens"]
        times = {counts.get(row, 0) for row in rows}  # whole epochs, plus one for the hashed fraction
        assert max(times) - min(times) <= 1 and max(times) <= 5
    assert lines == sorted(lines, key=lambda line: (line.rpartition("#")[0], int(line.rpartition("#")[2])))


@pytest.mark.slow
def test_temperature_zero_is_uniform_and_one_proportional(built, tmp_path):
    release, _tokenizer = built
    available = {k: v["tokens"] for k, v in _manifest(release)["languages"].items()}
    budget = min(available.values()) * len(available)  # no language reaches a cap
    uniform, _ = _run(release, tmp_path, "--budget", str(budget), "--alpha", "0", name="a0.yaml")
    assert {e["target_tokens"] for e in uniform["languages"].values()} == {min(available.values())}
    assert {e["weight"] for e in uniform["languages"].values()} == {round(1 / len(available), 12)}
    total = sum(available.values())
    proportional, _ = _run(release, tmp_path, "--budget", str(total), "--alpha", "1", name="a1.yaml")
    assert {k: e["target_tokens"] for k, e in proportional["languages"].items()} == available
    assert {e["epochs"] for e in proportional["languages"].values()} == {1.0}
    flatter, _ = _run(release, tmp_path, "--budget", str(total), name="a03.yaml")
    shares = {k: e["probability"] for k, e in flatter["languages"].items()}
    assert shares["Go"] > available["Go"] / total and shares["Python"] < available["Python"] / total


@pytest.mark.slow
def test_capped_languages_give_their_excess_to_the_others(built, tmp_path, capsys):
    release, _tokenizer = built
    available = {k: v["tokens"] for k, v in _manifest(release)["languages"].items()}
    budget = 2 * sum(available.values())
    plan, _ = _run(release, tmp_path, "--budget", str(budget), "--alpha", "0", "--max-epochs", "2.5")
    languages = plan["languages"]
    capped = {k for k, e in languages.items() if e["capped"]}
    assert {"Go"} <= capped and "Python" not in capped
    for language in capped:
        assert languages[language]["target_tokens"] == int(2.5 * available[language])
        assert languages[language]["epochs"] == pytest.approx(2.5, abs=1e-3)
    uncapped = [k for k in languages if k not in capped]
    assert len({languages[k]["target_tokens"] for k in uncapped}) == 1  # equal weights: equal shares of the rest
    assert sum(e["target_tokens"] for e in languages.values()) == budget
    assert "* capped" in capsys.readouterr().out
    assert main(["mixture", release, "--budget", str(3 * sum(available.values())), "--max-epochs", "2.5",
                 "--output", str(tmp_path / "x.yaml")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and f"({int(2.5 * sum(available.values())):,} tokens)" in err
    assert not (tmp_path / "x.yaml").exists()


@pytest.mark.slow
def test_explicit_weights_from_yaml_or_json(built, tmp_path):
    release, _tokenizer = built
    available = {k: v["tokens"] for k, v in _manifest(release)["languages"].items()}
    (tmp_path / "w.yaml").write_text("# Go left out\nPython: 3\nJavaScript: 1\n")
    plan, _ = _run(release, tmp_path, "--budget", "10000", "--weights", str(tmp_path / "w.yaml"))
    targets = {k: e["target_tokens"] for k, e in plan["languages"].items()}
    assert targets == {**{k: 0 for k in available}, "Python": 7500, "JavaScript": 2500}
    assert plan["parameters"]["weighting"] == "explicit" and plan["parameters"]["alpha"] is None
    assert plan["parameters"]["weights_file"] == {
        "file": "w.yaml", "sha256": hashlib.sha256((tmp_path / "w.yaml").read_bytes()).hexdigest()}
    (tmp_path / "w.json").write_text(json.dumps({"Python": 0.75, "JavaScript": 0.25}))
    again, _ = _run(release, tmp_path, "--budget", "10000", "--weights", str(tmp_path / "w.json"), name="j.yaml")
    assert {k: e["target_tokens"] for k, e in again["languages"].items()} == targets


@pytest.mark.slow
def test_the_sample_is_reproducible_and_the_seed_changes_it(built, tmp_path):
    release, _tokenizer = built
    args = ["--budget", "20000", "--alpha", "0.5"]
    runs = []
    for name, seed in (("a", "0"), ("b", "0"), ("c", "1")):
        _run(release, tmp_path, *args, "--sample", str(tmp_path / f"{name}.txt"), "--seed", seed, name=f"{name}.yaml")
        runs.append(((tmp_path / f"{name}.txt").read_bytes(), (tmp_path / f"{name}.yaml").read_text()))
    assert runs[0][0] == runs[1][0] and runs[0][1].replace("a.txt", "b.txt") == runs[1][1]
    assert runs[2][0] != runs[0][0]
    assert yaml.safe_load(runs[2][1])["sample"]["seed"] == 1
    for data, _text in runs:
        lines = data.decode().splitlines()
        row_tokens = _row_tokens(release)
        assert abs(sum(row_tokens[(l.rpartition("#")[0], int(l.rpartition("#")[2]))] for l in lines) - 20000) <= 200
    # the plan does not depend on the seed
    plans = [yaml.safe_load(text)["languages"] for _data, text in runs]
    assert [{k: e["target_tokens"] for k, e in p.items()} for p in plans] == \
        [{k: e["target_tokens"] for k, e in plans[0].items()}] * 3


@pytest.mark.slow
def test_a_tokenizer_counts_a_release_built_without_one(built, tmp_path, capsys):
    from releases import record, write_release

    release, tokenizer = built
    with_counts, _ = _run(release, tmp_path, "--budget", "20000", "--sample", str(tmp_path / "own.txt"),
                          name="own.yaml")
    recounted, _ = _run(release, tmp_path, "--budget", "20000", "--tokenizer", tokenizer, "--sample",
                        str(tmp_path / "recounted.txt"), name="recounted.yaml")
    assert recounted["languages"] == with_counts["languages"]  # the same tokenizer counts the same
    assert (tmp_path / "own.txt").read_bytes() == (tmp_path / "recounted.txt").read_bytes()
    bare = str(tmp_path / "bare")
    write_release(bare, "0.1.0", [record("o/r", f"f{i}.py", _python(i)) for i in range(20)])
    capsys.readouterr()
    assert main(["mixture", bare, "--budget", "100", "--output", str(tmp_path / "bare.yaml")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no token counts" in err and "--tokenizer" in err
    plan, _ = _run(bare, tmp_path, "--budget", "100", "--tokenizer", tokenizer, "--sample",
                   str(tmp_path / "bare.txt"), name="bare.yaml")
    assert plan["release"]["tokenizer"]["sha256"] == hashlib.sha256(open(tokenizer, "rb").read()).hexdigest()
    assert plan["totals"]["target_tokens"] == 100 and plan["sample"]["rows"] > 0


@pytest.mark.slow
def test_bad_inputs_are_one_line_and_exit_2(built, tmp_path, capsys):
    release, _tokenizer = built
    broken = str(tmp_path / "broken")
    shutil.copytree(release, broken)
    with open(os.path.join(broken, "README.md"), "a") as handle:
        handle.write("tampered\n")
    (tmp_path / "unknown.yaml").write_text("Python: 1\nCobol: 2\n")
    (tmp_path / "bad.yaml").write_text("Python: [1\n")
    out = str(tmp_path / "never.yaml")
    cases = [
        ([broken, "--budget", "1000"], "does not verify"),
        ([str(tmp_path / "nowhere"), "--budget", "1000"], "not a release"),
        ([release, "--budget", "1000", "--weights", str(tmp_path / "unknown.yaml")],
         "unknown language(s) Cobol (known: Go, JavaScript, Python, Text)"),
        ([release, "--budget", "1000", "--weights", str(tmp_path / "bad.yaml")], "not YAML or JSON"),
        ([release, "--budget", "1000", "--weights", str(tmp_path / "missing.yaml")], "--weights"),
        ([release, "--budget", "0"], "positive"),
        ([release, "--budget", "-3"], "positive"),
        ([release, "--budget", "lots"], "not a number"),
        ([release, "--budget", "1000", "--alpha", "1.5"], "between 0"),
        ([release, "--budget", "1000", "--max-epochs", "0"], "--max-epochs"),
        ([release, "--budget", "1000", "--seed", "-1"], "--seed"),
        ([release, "--budget", "1000", "--sample", str(tmp_path / "no" / "dir.txt")], "no folder"),
    ]
    for args, words in cases:
        assert main(["mixture", *args, "--output", out]) == 2, args
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and err.startswith("codestack: error:") and words in err, (args, err)
    assert not os.path.exists(out)
    with pytest.raises(SystemExit) as exited:  # argparse: --weights and --alpha exclude each other
        main(["mixture", release, "--budget", "1000", "--alpha", "0.3", "--weights", str(tmp_path / "bad.yaml")])
    assert exited.value.code == 2
