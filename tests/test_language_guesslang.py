"""Stage ``language`` with guesslang's TensorFlow model as its content model (optional backend).

The tests that run the model need TensorFlow (``pip install "codestack[guesslang]"``)
and guesslang's SavedModel: ``pip download --no-deps guesslang==2.2.1``, unpack it
and set ``CODESTACK_GUESSLANG_MODEL`` to its ``guesslang/data/model`` folder. They
skip otherwise (the main CI venv has no TensorFlow); the configuration, mapping and
error tests below run everywhere.
"""

import json
import os
import sys

import pytest

from pipeline.cli import main
from pipeline.config import config_from_dict
from pipeline.errors import UsageError
from transforms import language
from transforms.base import DictCounter, apply_core
from transforms.fetch import text_stats
from transforms.language import (
    GUESSLANG_LABELS,
    GUESSLANG_TO_LINGUIST,
    Classifier,
    GuesslangModel,
    LanguageConfig,
    Linguist,
)
from transforms.record import CodeFile

MODEL_ENV = "CODESTACK_GUESSLANG_MODEL"

PYTHON = """import os
import sys


def main(argv):
    for name in sorted(os.listdir(argv[1])):
        print(name)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
"""

MATLAB = """function y = smooth(x, n)
  y = zeros(size(x));
  for k = 1:numel(x)
    lo = max(1, k - n);
    y(k) = mean(x(lo:k));
  end
end
"""

RUST = """use std::collections::HashMap;

fn main() {
    let mut counts: HashMap<String, usize> = HashMap::new();
    for word in std::env::args().skip(1) {
        *counts.entry(word).or_insert(0) += 1;
    }
    println!("{:?}", counts);
}
"""


@pytest.fixture(scope="module")
def model_dir():
    pytest.importorskip("tensorflow")
    path = os.environ.get(MODEL_ENV, "")
    if not path or not os.path.isfile(os.path.join(path, "saved_model.pb")):
        pytest.skip(f"set {MODEL_ENV} to guesslang 2.2.1's guesslang/data/model folder")
    return path


@pytest.fixture(scope="module")
def model(model_dir):
    return GuesslangModel(model_dir)


@pytest.fixture(scope="module")
def classifier(model):
    return Classifier(Linguist.load(), LanguageConfig(content_model="guesslang", guesslang_model="unused"), model)


def rec(path, content):
    return CodeFile(blob_id="b", content_id="c", directory_id="d", path=path, repo_name="o/r", snapshot_id="s",
                    revision_id="r", branch_name="main", content=content, **text_stats(content))


# --- everywhere: configuration, mapping, errors -----------------------------------------------

def test_every_guesslang_language_maps_to_linguist_languages():
    known = Linguist.load().languages
    assert len(GUESSLANG_LABELS) == 54
    assert sorted(GUESSLANG_LABELS.values()) == sorted(GUESSLANG_TO_LINGUIST)
    for name, languages in GUESSLANG_TO_LINGUIST.items():
        assert languages and len(set(languages)) == len(languages), name
        assert all(lang in known for lang in languages), (name, languages)


def test_guesslang_needs_a_model_path():
    assert LanguageConfig(content_model="guesslang", guesslang_model="m").guesslang_model == "m"
    with pytest.raises(ValueError, match=r"language.guesslang_model: required .*codestack\[guesslang\]"):
        LanguageConfig(content_model="guesslang")
    with pytest.raises(UsageError, match="guesslang_model: required"):
        config_from_dict({"language": {"content_model": "guesslang"}})
    config = config_from_dict({"language": {"content_model": "guesslang", "guesslang_model": "/m"}})
    assert (config.language.content_model, config.language.guesslang_model) == ("guesslang", "/m")


def test_missing_tensorflow_is_one_clear_error(monkeypatch):
    monkeypatch.setitem(sys.modules, "tensorflow", None)  # import tensorflow -> ImportError
    with pytest.raises(ValueError) as info:
        language.make_core(LanguageConfig(content_model="guesslang", guesslang_model="/m"))
    message = str(info.value)
    assert "\n" not in message
    assert "needs TensorFlow" in message
    assert 'pip install "codestack[guesslang]"' in message
    assert "pip download --no-deps guesslang==2.2.1" in message
    assert "guesslang/data/model" in message


def test_detect_language_cli_without_a_model_path_is_a_usage_error(tmp_path, capsys):
    (tmp_path / "a.py").write_text("x = 1\n")
    assert main(["detect-language", "--content-model", "guesslang", str(tmp_path)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert err.startswith("codestack: error: language.guesslang_model: required")


def test_detect_language_cli_without_tensorflow_is_a_usage_error(tmp_path, capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "tensorflow", None)
    (tmp_path / "a.py").write_text("x = 1\n")
    argv = ["detect-language", "--content-model", "guesslang", "--guesslang-model", str(tmp_path), str(tmp_path)]
    assert main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert "needs TensorFlow" in err and "codestack[guesslang]" in err


# --- with TensorFlow and the model ----------------------------------------------------------------

def test_a_folder_without_a_saved_model_is_a_clear_error(model_dir, tmp_path):
    with pytest.raises(ValueError, match=r"holds no saved_model.pb .*guesslang==2.2.1"):
        GuesslangModel(str(tmp_path))


def test_model_scores_its_54_languages(model):
    probabilities = model.probabilities(PYTHON)
    assert sorted(probabilities) == sorted(GUESSLANG_TO_LINGUIST)
    assert abs(sum(probabilities.values()) - 1.0) < 1e-4
    assert max(probabilities, key=probabilities.get) == "Python"
    assert model.probabilities("  \n\t") is None
    assert model.language_scores("") == {}
    assert model.probabilities(PYTHON) == probabilities  # deterministic


def test_language_scores_are_linguist_names(model):
    scores = model.language_scores(RUST)
    assert max(scores, key=scores.get) == "Rust"
    # a guesslang name counts for each Linguist language it stands for
    assert scores["Perl"] == scores["Raku"]
    assert scores["Common Lisp"] == scores["Emacs Lisp"]


def test_best_uses_guesslangs_reliability_rule(model):
    assert model.best(PYTHON) == "Python"
    assert model.best(RUST) == "Rust"
    assert model.best(MATLAB) == "MATLAB"  # guesslang's "Matlab"
    assert model.best("") is None


def test_only_the_first_bytes_are_read(model):
    tail = "\n".join(f"<p>{i}</p>" for i in range(5000))
    assert model.probabilities(PYTHON + " " * (GuesslangModel.max_bytes - len(PYTHON)) + tail) == \
        model.probabilities(PYTHON + " " * (GuesslangModel.max_bytes - len(PYTHON)))


def test_decides_among_the_candidates_only(classifier):
    detection = classifier("kalman.m", MATLAB)
    assert detection.evidence == "guesslang"
    assert detection.language == "MATLAB"
    assert detection.language in detection.candidates
    # Python text, but the name leaves only Objective-C / MATLAB / ...: the answer is one of them
    detection = classifier("notes.m", PYTHON)
    assert detection.language in detection.candidates
    assert detection.language != "Python"


def test_names_a_file_no_name_classifies(classifier):
    assert classifier("scripts/manage", PYTHON)[:2] == ("Python", "guesslang")
    assert classifier("LICENSE-NOTES", "")[:2] == ("unknown", "none")


def test_core_with_guesslang_counts_its_evidence(model_dir):
    core = language.make_core(LanguageConfig(content_model="guesslang", guesslang_model=model_dir))
    count = DictCounter()
    records = [rec("src/a.py", "import os\n"), rec("kalman.m", MATLAB), rec("bin/tool", RUST)]
    out = [r for record in records for r in apply_core(language.STAGE, core, record, count)]
    assert [(r.path, r.language) for r in out] == [("src/a.py", "Python"), ("kalman.m", "MATLAB"), ("bin/tool", "Rust")]
    assert count == {"kept": 3, "evidence:extension": 1, "evidence:guesslang": 2}


def test_detect_language_cli_with_guesslang(model_dir, tmp_path, capsys):
    (tmp_path / "kalman.m").write_text(MATLAB)
    (tmp_path / "run").write_text(PYTHON)
    argv = ["detect-language", "--content-model", "guesslang", "--guesslang-model", model_dir, str(tmp_path)]
    assert main(argv) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [(os.path.basename(r["path"]), r["language"], r["evidence"]) for r in rows] == [
        ("kalman.m", "MATLAB", "guesslang"),
        ("run", "Python", "guesslang"),
    ]
