"""Calibrate when the content model alone may name a file, and report on files held apart.

The labelled set: real files of this machine (CPython's library, /usr/include, the
virtualenv's site-packages, Go's source tree, /usr/share) whose extension names exactly
one Linguist language, e.g. ``.py`` Python, ``.go`` Go, ``.h``-less C, ``.txt`` Text, ``.rst``
reStructuredText; at most ``--per-language`` per language (the first by sha1 of the path).
Each is classified under the bare name ``source`` (content unchanged: a shebang still
speaks), as a file whose name says nothing. The set is split by the sha1 of the path:

- the **calibration** half: per language the model names, the lowest score at which
  its answers (with the language's content check passing) were right at least
  ``--precision`` of the time, with at least ``--min-support`` answers; written to
  ``transforms/data/language_gate.json`` under the model's version;
- the **held-out** half: what the figures are reported on (never used to choose).

    python bench/calibrate_language.py            # calibrate, write the gate, report held-out
    python bench/calibrate_language.py --report   # only report, with the gate as it is
"""

from __future__ import annotations

import argparse
import collections
import hashlib
import json
import os
import sys
import time
from typing import Dict, List, Tuple

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

from eval_decontaminate import default_roots  # noqa: E402

from transforms.language import Classifier, LanguageConfig, Linguist, load_model  # noqa: E402
from transforms.language.gate import CHECKS, GATE_FILE  # noqa: E402

EXTRA_ROOTS = ("/usr/local/go/src", "/usr/share/perl5", "/usr/share/perl", "/usr/share/doc", "/usr/share/X11",
               "/usr/lib/node_modules", "/usr/share/javascript")
MAX_BYTES = 1 << 20


def labelled(linguist: Linguist, roots: List[str], per_language: int) -> List[Tuple[str, str, str]]:
    """``(path, truth, text)``: files with an extension, labelled by the rules alone under their
    real name (Linguist's extension, or its heuristics where the extension is shared: e.g. ``.h``,
    ``.md``), never by a content model or a prior; per language the first ``per_language`` by
    sha1 of the path."""
    rules = Classifier(linguist, LanguageConfig(content_model="none"), None)
    candidates: Dict[str, List[Tuple[str, str]]] = collections.defaultdict(list)
    seen = set()
    for root in roots:
        for folder, dirs, files in os.walk(root):
            dirs.sort()
            for name in sorted(files):
                path = os.path.join(folder, name)
                if "." not in name or linguist.by_filename(name) or not linguist.by_extension(name):
                    continue
                real = os.path.realpath(path)
                if real in seen:
                    continue
                seen.add(real)
                ext = name.rsplit(".", 1)[1].lower()
                candidates[ext].append((hashlib.sha1(path.encode()).hexdigest(), path))
    found: Dict[str, List[Tuple[str, str, str]]] = collections.defaultdict(list)
    for ext in sorted(candidates):
        for digest, path in sorted(candidates[ext])[: per_language * 3]:
            try:
                if os.path.getsize(path) > MAX_BYTES:
                    continue
                with open(path, "rb") as handle:
                    text = handle.read().decode("utf-8")
            except (OSError, UnicodeDecodeError):
                continue
            if not text.strip():
                continue
            language, evidence, _c = rules.language(os.path.basename(path), text)
            if evidence in ("extension", "heuristics"):
                found[language].append((digest, path, text))
    out = []
    for language in sorted(found):
        for _digest, path, text in sorted(found[language])[:per_language]:
            out.append((path, language, text))
    return out


def half(path: str) -> str:
    return "calibration" if int(hashlib.sha1(path.encode()).hexdigest()[-1], 16) % 2 == 0 else "heldout"


def calibrate(rows, precision: float, min_support: int) -> Dict[str, float]:
    """Per model-named language: the lowest score with precision >= ``precision`` above it."""
    by_language = collections.defaultdict(list)
    for _path, truth, guess, score, passed in rows:
        if guess and passed:
            by_language[guess].append((score, guess == truth))
    minimums = {}
    for language, answers in sorted(by_language.items()):
        answers.sort(key=lambda a: -a[0])
        right = 0
        best = None
        for i, (score, ok) in enumerate(answers, 1):
            right += ok
            if i >= min_support and right / i >= precision:
                best = score
        if best is not None:
            minimums[language] = round(best, 6)
    return minimums


def report(title: str, results) -> None:
    named = [r for r in results if r["named"] != "unknown"]
    right = sum(r["named"] == r["truth"] for r in named)
    print(f"{title}: {len(results)} files; named {len(named)} ({len(named) / max(1, len(results)):.1%} coverage), "
          f"right {right} ({right / max(1, len(named)):.3f} precision)")
    by_evidence = collections.Counter((r["evidence"], r["named"] == r["truth"]) for r in results if r["named"] != "unknown")
    for evidence in sorted({e for e, _ok in by_evidence}):
        ok, bad = by_evidence[(evidence, True)], by_evidence[(evidence, False)]
        print(f"  by {evidence:10s} named {ok + bad:5d}, right {ok / max(1, ok + bad):.3f}")
    per = collections.defaultdict(lambda: [0, 0, 0])  # truth: files, named, right
    for r in results:
        per[r["truth"]][0] += 1
        per[r["truth"]][1] += r["named"] != "unknown"
        per[r["truth"]][2] += r["named"] == r["truth"]
    wrong = collections.Counter((r["truth"], r["named"]) for r in named if r["named"] != r["truth"])
    print("  per language (truth): files, coverage, right among named")
    for language, (files, n, ok) in sorted(per.items(), key=lambda kv: -kv[1][0]):
        print(f"    {language:22s} {files:5d}  {n / files:6.1%}  {ok / max(1, n):.3f}")
    if wrong:
        print("  most common wrong names: " + ", ".join(f"{t} as {n} ({c})" for (t, n), c in wrong.most_common(8)))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--report", action="store_true", help="only report the held-out half with the gate as it is")
    parser.add_argument("--per-language", type=int, default=300)
    parser.add_argument("--precision", type=float, default=0.95)
    parser.add_argument("--min-support", type=int, default=10)
    args = parser.parse_args()
    linguist = Linguist.load()
    model = load_model("magika")
    roots = default_roots() + [r for r in EXTRA_ROOTS if os.path.isdir(r)]
    start = time.perf_counter()
    files = labelled(linguist, roots, args.per_language)
    print(f"labelled set: {len(files)} real files of {len({t for _p, t, _x in files})} languages from "
          f"{', '.join(roots)} ({time.perf_counter() - start:.0f} s)")
    open_classifier = Classifier(linguist, LanguageConfig(abstain=False), model)
    rows = []  # (path, truth, model guess, score, check passed) for files only the model can name
    results = {"calibration": [], "heldout": []}
    plain = []
    for path, truth, text in files:
        language, evidence, _c = open_classifier.language("source", text)
        guess = model.guess(text) if evidence == model.name else None
        if guess:
            check = CHECKS.get(guess[0])
            rows.append((path, truth, guess[0], guess[1], check(text) if check else True))
        plain.append((path, truth, text, language, evidence))
    calibration_rows = [r for r in rows if half(r[0]) == "calibration"]
    if not args.report:
        minimums = calibrate(calibration_rows, args.precision, args.min_support)
        data = {"about": "content-model answers taken for files no name classifies: per model version, the lowest "
                         "score per language at which the calibration half was right at least target_precision of "
                         "the time (bench/calibrate_language.py); languages not listed are never taken from the "
                         "model alone", "models": {}}
        if os.path.exists(GATE_FILE):
            with open(GATE_FILE, encoding="utf-8") as handle:
                data = json.load(handle)
        data["models"][model.version] = {
            "target_precision": args.precision, "min_support": args.min_support,
            "calibration_files": sum(1 for p, _t, _x in files if half(p) == "calibration"),
            "minimums": minimums}
        with open(GATE_FILE, "w", encoding="utf-8") as handle:
            json.dump(data, handle, indent=1, sort_keys=True)
            handle.write("\n")
        print(f"calibrated {len(minimums)} languages for {model.version}: "
              + ", ".join(f"{k} {v:.3f}" for k, v in sorted(minimums.items())))
    gated = Classifier(linguist, LanguageConfig(), model)
    for path, truth, text, language, evidence in plain:
        named, how, _c = gated.language("source", text)
        results[half(path)].append({"truth": truth, "named": named, "evidence": how})
        results.setdefault("before", []).append({"truth": truth, "named": language, "evidence": evidence}) \
            if half(path) == "heldout" else None
    report("held-out, before (the model's own confidence)", results["before"])
    report("held-out, with the gate", results["heldout"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
