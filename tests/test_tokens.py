"""Stage ``tokens``: SentencePiece models trained on the fly, a tokenizer.json built on the fly."""

import functools
import hashlib
import io

import apache_beam as beam
import pytest
import sentencepiece
from apache_beam.testing.test_pipeline import TestPipeline
from apache_beam.testing.util import assert_that, equal_to

from pipeline.cli import main
from transforms import tokens
from transforms.base import DictCounter, Stage
from transforms.record import CodeFile

CORPUS = [
    "def add(a, b):\n    return a + b\n",
    "import os\nprint(os.path.join('a', 'b'))\n",
    "for i in range(10):\n    total += i\n",
    "class Point:\n    def __init__(self, x, y):\n        self.x = x\n",
] * 20


def train_sentencepiece(vocab_size: int = 80) -> bytes:
    """A tiny SentencePiece model (the format of Gemma's tokenizer.model)."""
    model = io.BytesIO()
    sentencepiece.SentencePieceTrainer.train(
        sentence_iterator=iter(CORPUS), model_writer=model, vocab_size=vocab_size, model_type="bpe",
        minloglevel=2, num_threads=1,
    )
    return model.getvalue()


def tokenizer_json() -> bytes:
    """A Hugging Face tokenizer.json: word-level over whitespace, unknown words -> [UNK]."""
    from tokenizers import Tokenizer, models, pre_tokenizers

    vocab = {"[UNK]": 0, "def": 1, "return": 2, "a": 3, "b": 4}
    tokenizer = Tokenizer(models.WordLevel(vocab=vocab, unk_token="[UNK]"))
    tokenizer.pre_tokenizer = pre_tokenizers.WhitespaceSplit()
    return tokenizer.to_str().encode()


@pytest.fixture(scope="module")
def spm_model(tmp_path_factory):
    path = tmp_path_factory.mktemp("tok") / "tokenizer.model"
    path.write_bytes(train_sentencepiece())
    return str(path)


def rec(path, content):
    return CodeFile(blob_id="b" + path, content_id="c", directory_id="d", path=path, repo_name="o/r",
                    snapshot_id="s", revision_id="r", branch_name="main", content=content)


def test_sentencepiece_model_counts_every_file(spm_model):
    info = tokens.describe_tokenizer(spm_model)
    data = open(spm_model, "rb").read()
    assert info == {"file": "tokenizer.model", "kind": "sentencepiece",
                    "sha256": hashlib.sha256(data).hexdigest(), "vocab_size": 80}
    core = tokens.make_core(tokens.spec_for(spm_model, info))
    reference = sentencepiece.SentencePieceProcessor(model_file=spm_model)
    count = DictCounter()
    texts = ["def add(a, b):\n    return a + b\n", "print('héllo wörld')\n", ""]
    out = [core(rec(f"f{i}.py", t), count) for i, t in enumerate(texts)]
    expected = [len(reference.encode(t)) for t in texts]
    assert [r.num_tokens for r in out] == expected
    assert expected[0] > 0 and expected[2] == 0
    assert dict(count) == {"tokens": sum(expected)}
    assert [r._replace(num_tokens=None) for r in out] == [rec(f"f{i}.py", t) for i, t in enumerate(texts)]


def test_tokenizer_json_counts_without_special_tokens(tmp_path):
    path = tmp_path / "tokenizer.json"
    path.write_bytes(tokenizer_json())
    info = tokens.describe_tokenizer(str(path))
    assert (info["kind"], info["vocab_size"], info["file"]) == ("tokenizers", 5, "tokenizer.json")
    core = tokens.make_core(tokens.spec_for(str(path), info))
    count = DictCounter()
    # whitespace words: def | f(a, | b): | return | a
    assert core(rec("a.py", "def f(a, b):\n  return a\n"), count).num_tokens == 5
    assert dict(count) == {"tokens": 5}


def test_a_file_that_is_no_tokenizer_is_refused(tmp_path):
    bad = tmp_path / "tokenizer.model"
    bad.write_bytes(b"\x08\x01not a model")
    with pytest.raises(tokens.TokenizerError, match="not a SentencePiece model"):
        tokens.describe_tokenizer(str(bad))
    json_bad = tmp_path / "tokenizer.json"
    json_bad.write_bytes(b'{"model": 1}')
    with pytest.raises(tokens.TokenizerError, match="tokenizer.json"):
        tokens.describe_tokenizer(str(json_bad))
    with pytest.raises(tokens.TokenizerError, match="cannot read"):
        tokens.describe_tokenizer(str(tmp_path / "missing.model"))


def test_workers_refuse_a_tokenizer_changed_since_the_build_started(spm_model, tmp_path):
    info = tokens.describe_tokenizer(spm_model)
    copy = tmp_path / "tokenizer.model"
    copy.write_bytes(train_sentencepiece(vocab_size=70))
    with pytest.raises(tokens.TokenizerError, match="sha256"):
        tokens.make_core(tokens.spec_for(str(copy), info))


def test_tokens_stage_in_a_test_pipeline(spm_model):
    info = tokens.describe_tokenizer(spm_model)
    reference = sentencepiece.SentencePieceProcessor(model_file=spm_model)
    texts = {"a.py": "def add(a, b):\n    return a + b\n", "b.py": "x = 1\n"}
    with TestPipeline(runner="apache_beam.runners.portability.fn_api_runner.FnApiRunner") as p:
        kept, rejects = (p | beam.Create([rec(k, v) for k, v in sorted(texts.items())])
                         | Stage(tokens.STAGE, functools.partial(tokens.make_core, tokens.spec_for(spm_model, info))))
        assert_that(kept | beam.Map(lambda r: (r.path, r.num_tokens)),
                    equal_to([(k, len(reference.encode(v))) for k, v in texts.items()]), label="kept")
        assert_that(rejects, equal_to([]), label="rejects")


def test_build_refuses_a_bad_tokenizer_in_one_line(tmp_path, capsys):
    bad = tmp_path / "tok.model"
    bad.write_bytes(b"garbage")
    code = main(["build", "--source", f"git:{tmp_path}", "--output", str(tmp_path / "out"),
                 "--release-version", "0.1.0", "--tokenizer", str(bad)])
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith("codestack: error: --tokenizer ") and err.count("\n") == 1 and "Traceback" not in err
