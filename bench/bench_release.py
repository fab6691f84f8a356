"""Benchmark of issue 9's hot paths: token counting, the release diff, the card.

    python bench/bench_release.py [--files N] [--seed S]

Corpus: the ``.py`` files of the installed standard library, in sorted path
order, cycled to N files (deterministic; the seed only picks the start offset).

1. Stage ``tokens`` core (``transforms.tokens.count_record``) with a SentencePiece
   BPE model (the format of Gemma's tokenizer.model) trained on the corpus, and
   the peer: Hugging Face ``tokenizers`` with a BPE of the same vocabulary size
   trained on the same corpus (the tokenizer.json path), both through the same
   core, counting the same files. Figures: files/s and MB/s of content.
2. ``manifests.changelog.diff_releases`` between two releases of N files that
   differ in one language: rows/s and MB/s of the shards it reads.
3. ``manifests.card.write_card`` (README.md and the PNG plots): seconds.
"""

from __future__ import annotations

import argparse
import io
import os
import subprocess
import sys
import sysconfig
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests"))


def corpus(n: int, seed: int):
    root = sysconfig.get_paths()["stdlib"]
    paths = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in ("site-packages", "test", "tests", "__pycache__"))
        paths += [os.path.join(folder, f) for f in sorted(files) if f.endswith(".py")]
    paths.sort()
    texts = []
    for i in range(n):
        path = paths[(seed + i) % len(paths)]
        with open(path, encoding="utf-8", errors="replace") as handle:
            texts.append((os.path.relpath(path, root), handle.read()))
    return texts


def train_sentencepiece(texts, vocab: int) -> bytes:
    import sentencepiece

    model = io.BytesIO()
    lines = (line for _, text in texts[:400] for line in text.splitlines() if line.strip())
    sentencepiece.SentencePieceTrainer.train(sentence_iterator=lines, model_writer=model, vocab_size=vocab,
                                             model_type="bpe", minloglevel=2, num_threads=1,
                                             input_sentence_size=200000, shuffle_input_sentence=False)
    return model.getvalue()


def train_tokenizers(texts, vocab: int) -> bytes:
    from tokenizers import Tokenizer, models, pre_tokenizers, trainers

    tokenizer = Tokenizer(models.BPE(unk_token="<unk>"))
    tokenizer.pre_tokenizer = pre_tokenizers.Metaspace()
    trainer = trainers.BpeTrainer(vocab_size=vocab, special_tokens=["<unk>"], show_progress=False)
    tokenizer.train_from_iterator((text for _, text in texts[:400]), trainer=trainer)
    return tokenizer.to_str().encode()


def time_core(label, model_bytes, kind, records):
    from transforms import tokens
    from transforms.base import DictCounter

    encode = tokens.load_encoder(model_bytes, kind)
    count = DictCounter()
    size = sum(len(r.content.encode("utf-8", "surrogatepass")) for r in records)
    start = time.perf_counter()
    for record in records:
        tokens.count_record(record, encode, count)
    seconds = time.perf_counter() - start
    print(f"{label:38s} {len(records) / seconds:10.0f} files/s {size / seconds / 1e6:8.2f} MB/s "
          f"{count['tokens']:>10d} tokens")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--files", type=int, default=600)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    from releases import record, write_release

    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                            cwd=os.path.dirname(os.path.abspath(__file__))).stdout.strip()
    texts = corpus(args.files, args.seed)
    print(f"codestack bench/bench_release.py  commit {commit}  seed {args.seed}  files {len(texts)}  "
          f"content {sum(len(t.encode()) for _, t in texts) / 1e6:.1f} MB (stdlib .py, cycled)  "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    records = [record(f"bench/repo{i % 50}", f"{i}/{path}", text, tokens=None) for i, (path, text) in enumerate(texts)]

    vocab = 8000
    print(f"\n1. tokens stage core, vocabulary {vocab} (BPE trained on the corpus)")
    time_core("codestack + sentencepiece (.model)", train_sentencepiece(texts, vocab), "sentencepiece", records)
    time_core("peer: HF tokenizers (tokenizer.json)", train_tokenizers(texts, vocab), "tokenizers", records)

    print("\n2. release diff (one language changed, 10% of its rows replaced)")
    with tempfile.TemporaryDirectory() as tmp:
        half = len(records) // 2
        old = [r._replace(language="Python" if i < half else "Text") for i, r in enumerate(records)]
        new = list(old)
        for i in range(0, half, 10):
            new[i] = new[i]._replace(path=new[i].path + ".v2")
        start = time.perf_counter()
        write_release(os.path.join(tmp, "a"), "0.1.0", old)
        first = time.perf_counter() - start
        write_release(os.path.join(tmp, "b"), "0.2.0", new)
        from manifests.card import write_card
        from manifests.changelog import diff_releases
        from manifests.manifest import read_manifest

        start = time.perf_counter()
        diff = diff_releases(os.path.join(tmp, "a"), os.path.join(tmp, "b"))
        seconds = time.perf_counter() - start
        read_rows = sum(row["files_before"] + row["files_after"] for row in diff["languages"])
        read_bytes = sum(os.path.getsize(os.path.join(tmp, side, s["path"])) for side in ("a", "b")
                         for s in read_manifest(os.path.join(tmp, side))["shards"] if s["language"] == "Python")
        print(f"diff_releases: {read_rows / seconds:10.0f} rows/s {read_bytes / seconds / 1e6:8.2f} MB/s of Parquet "
              f"({seconds:.2f} s; +{diff['languages'][0]['files_added']} -{diff['languages'][0]['files_removed']})")
        manifest = read_manifest(os.path.join(tmp, "a"))
        start = time.perf_counter()
        written = write_card(os.path.join(tmp, "a"), manifest)
        print(f"\n3. write_card: {time.perf_counter() - start:.2f} s for {len(written)} files "
              f"(README.md + plots); whole release write incl. shards: {first:.2f} s")


if __name__ == "__main__":
    main()
