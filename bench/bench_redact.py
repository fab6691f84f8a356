"""Redaction: codestack's ``redact`` stage vs plain detect-secrets, same files, same run.

    python bench/bench_redact.py [--megabytes 2] [--seed 0] [--no-scan-line]
                                 [--sensitivity default] [--samples 30] [--folder DIR]

Throughput (MB/s per core = UTF-8 megabytes / CPU seconds of this one process) on real
files: the text files of the installed Python distributions (``bench/corpus.py``'s
listing), shuffled with the seed and taken until the budget is reached. The peers:

* detect-secrets ``scan_file`` with ``default_settings()`` (every plugin, default
  filters): its normal scan, which works line by line; the files are written to a
  temporary folder under their own names so its file-type rules apply.
* detect-secrets ``scan_line`` (its ad-hoc API) on every line: the "line by line" figure.
  Its high-entropy plugins report every token there, so it is timed, not scored.

What it finds in real code: findings per MB by kind (and category) on the same files, and
``--samples`` random findings per kind (seeded) with the line around each, the found span
marked ``[[...]]``, so that false positives in real code are visible. ``--folder DIR`` takes
the real files from a folder of source instead (every UTF-8 text file under it, sorted,
shuffled with the seed). ``--sensitivity`` sets ``redact.sensitivity`` for every figure.

Quality on the test corpus (tests/data/redact): recall = positives whose every secret
string is gone from codestack's output; for detect-secrets ``scan_file``: "strict" when
every secret string is covered by a reported value (what a redactor could remove),
"flagged" when the file got any finding at all. False positives = negatives with any finding.
"""

from __future__ import annotations

import argparse
import collections
import importlib.metadata
import json
import os
import random
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, ROOT)
sys.path.insert(0, HERE)

CORPUS = os.path.join(ROOT, "tests", "data", "redact")
PII_KINDS = {"email", "ipv4", "ipv6"}


def real_files(megabytes: float, seed: int):
    """``(relative name, text)`` of installed distributions' text files, shuffled, within budget."""
    from corpus import distribution_files

    candidates = []
    seen = set()
    for dist in sorted(importlib.metadata.distributions(), key=lambda d: (d.metadata["Name"] or "").lower()):
        name = (dist.metadata["Name"] or "").lower()
        if not name or name in seen:
            continue
        seen.add(name)
        for rel, full in distribution_files(dist):
            candidates.append((f"{name}/{rel}", full))
    return take_texts(candidates, megabytes, seed)


def folder_files(folder: str, megabytes: float, seed: int):
    """``(relative name, text)`` of the UTF-8 text files under ``folder``, shuffled, within budget."""
    candidates = []
    for root, dirs, names in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if d not in (".git", "node_modules", "__pycache__"))
        for name in sorted(names):
            full = os.path.join(root, name)
            candidates.append((os.path.relpath(full, folder), full))
    return take_texts(candidates, megabytes, seed)


def take_texts(candidates, megabytes: float, seed: int):
    """``(relative name, text)`` of the ``(relative name, path)`` candidates that are UTF-8 text
    (no NUL byte, at most 1 MB), shuffled with the seed, until ``megabytes`` are taken."""
    random.Random(seed).shuffle(candidates)
    budget = int(megabytes * 1_000_000)
    out, used = [], 0
    for rel, full in candidates:
        try:
            with open(full, "rb") as handle:
                raw = handle.read(1_000_001)
        except OSError:
            continue
        if b"\x00" in raw or len(raw) > 1_000_000:
            continue
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            continue
        out.append((rel, text))
        used += len(raw)
        if used >= budget:
            break
    return out


def findings_report(files, config, samples: int, seed: int) -> None:
    """Findings per MB by kind on ``files``, and ``samples`` random findings per kind in context."""
    from transforms.redact import Redactor, category_of

    redactor = Redactor(config)
    size = mb(t for _, t in files)
    by_kind = collections.defaultdict(list)
    category = {}
    placeholders = 0
    for rel, text in files:
        findings, skipped = redactor.find_all(text)
        placeholders += skipped
        for finding in findings:
            by_kind[finding.kind].append((rel, text, finding))
            category[finding.kind] = category_of(finding)
    total = sum(len(v) for v in by_kind.values())
    print(f"findings in real code ({size:.2f} MB, sensitivity {config.sensitivity}): {total} "
          f"({total / size:.1f} per MB); placeholders left: {placeholders}")
    for kind in sorted(by_kind, key=lambda k: (-len(by_kind[k]), k)):
        print(f"  {kind:32s} {category[kind]:12s} {len(by_kind[kind]):6d}  {len(by_kind[kind]) / size:8.2f} per MB")
    rng = random.Random(seed)
    for kind in sorted(by_kind):
        rows = by_kind[kind]
        picked = sorted(rng.sample(range(len(rows)), min(samples, len(rows))))
        print(f"-- {kind}: {len(picked)} of {len(rows)} findings")
        for i in picked:
            rel, text, f = rows[i]
            start = text.rfind("\n", 0, f.start) + 1
            end = text.find("\n", f.end)
            end = len(text) if end < 0 else end
            left = text[max(start, f.start - 80):f.start]
            right = text[f.end:min(end, f.end + 80)]
            line = (left + "[[" + text[f.start:f.end] + "]]" + right).replace("\t", " ").replace("\r", "")
            print(f"   {rel[-60:]:60s} {line.strip()[:240]!r}")


def mb(texts) -> float:
    return sum(len(t.encode("utf-8")) for t in texts) / 1e6


def time_codestack(texts, config=None):
    from transforms.redact import RedactConfig, Redactor

    t0 = time.process_time()
    redactor = Redactor(config or RedactConfig())
    setup = time.process_time() - t0
    counts = collections.Counter()
    t0 = time.process_time()
    for text in texts:
        for finding in redactor.find(text):
            counts[finding.kind] += 1
    return time.process_time() - t0, setup, counts


def write_tree(folder, files):
    paths = []
    for i, (rel, text) in enumerate(files):
        path = os.path.join(folder, f"{i:05d}", rel.replace("/", "__"))
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
        paths.append(path)
    return paths


def time_ds_scan_file(paths):
    from detect_secrets.core.scan import scan_file
    from detect_secrets.settings import default_settings

    found = 0
    with default_settings():
        t0 = time.process_time()
        for path in paths:
            found += sum(1 for _ in scan_file(path))
        return time.process_time() - t0, found


def time_ds_scan_line(texts):
    from detect_secrets.core.scan import scan_line
    from detect_secrets.settings import default_settings

    with default_settings():
        t0 = time.process_time()
        for text in texts:
            for line in text.splitlines():
                for _ in scan_line(line):
                    pass
        return time.process_time() - t0


def load_corpus():
    rows = {}
    for name in ("positives", "negatives"):
        with open(os.path.join(CORPUS, f"{name}.jsonl"), encoding="utf-8") as handle:
            rows[name] = [json.loads(line) for line in handle]
    return rows["positives"], rows["negatives"]


def score_codestack(positives, negatives):
    from transforms.redact import Redactor

    redactor = Redactor()
    hit = [all(s not in redactor.redact(row["text"]).text for s in row["secrets"]) for row in positives]
    flagged = [bool(redactor.find(row["text"])) for row in negatives]
    return hit, flagged


def score_detect_secrets(positives, negatives, folder):
    from detect_secrets.core.scan import scan_file
    from detect_secrets.settings import default_settings

    def values(row, where):
        path = os.path.join(folder, where, row["id"], row["filename"])
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8", newline="") as handle:
            handle.write(row["text"])
        return [s.secret_value or "" for s in scan_file(path)]

    def covered(secret, found):
        return any(v == secret or (len(v) >= 8 and (v in secret or secret in v)) for v in found)

    strict, flagged_pos, flagged_neg = [], [], []
    with default_settings():
        for row in positives:
            found = values(row, "pos")
            strict.append(all(covered(s, found) for s in row["secrets"]))
            flagged_pos.append(bool(found))
        for row in negatives:
            flagged_neg.append(bool(values(row, "neg")))
    return strict, flagged_pos, flagged_neg


def rate(flags, rows=None, keep=lambda row: True):
    picked = [f for f, row in zip(flags, rows)] if rows is None else [f for f, row in zip(flags, rows) if keep(row)]
    return sum(picked) / len(picked), sum(picked), len(picked)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--megabytes", type=float, default=2.0, help="real text to time (default 2)")
    parser.add_argument("--seed", type=int, default=0, help="shuffle seed of the real files (default 0)")
    parser.add_argument("--no-scan-line", action="store_true", help="skip the (slow) detect-secrets scan_line run")
    parser.add_argument("--sensitivity", default="default", choices=("low", "default", "high"),
                        help="redact.sensitivity of codestack's run (default: default)")
    parser.add_argument("--samples", type=int, default=30, help="random findings shown per kind (default 30; 0: none)")
    parser.add_argument("--folder", metavar="DIR", help="real files from this folder instead of the installed distributions")
    args = parser.parse_args(argv)
    from transforms.redact import RedactConfig

    config = RedactConfig(sensitivity=args.sensitivity)
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
    print(f"bench_redact  commit {commit or '?'}  seed {args.seed}  python {sys.version.split()[0]}  "
          f"detect-secrets {importlib.metadata.version('detect-secrets')}")

    if args.folder:
        files = folder_files(args.folder, args.megabytes, args.seed)
        where = f"under {args.folder}"
    else:
        files = real_files(args.megabytes, args.seed)
        where = "from installed distributions"
    texts = [t for _, t in files]
    size = mb(texts)
    print(f"real files: {len(files)} text files {where}, {size:.2f} MB, "
          f"{sum(t.count(chr(10)) for t in texts)} lines")

    cpu, setup, counts = time_codestack(texts, config)
    print(f"codestack redact        {size / cpu:8.2f} MB/s per core  ({cpu:.2f} s CPU, {len(files) / cpu:.0f} files/s; "
          f"setup {setup:.2f} s once per worker; sensitivity {config.sensitivity})")
    with tempfile.TemporaryDirectory() as folder:
        paths = write_tree(folder, files)
        ds_cpu, ds_found = time_ds_scan_file(paths)
    print(f"detect-secrets scan_file{size / ds_cpu:8.3f} MB/s per core  ({ds_cpu:.2f} s CPU; {ds_found} findings)")
    print(f"  codestack / detect-secrets scan_file: {ds_cpu / cpu:.1f}x")
    if not args.no_scan_line:
        line_cpu = time_ds_scan_line(texts)
        print(f"detect-secrets scan_line{size / line_cpu:8.3f} MB/s per core  ({line_cpu:.2f} s CPU)")
        print(f"  codestack / detect-secrets scan_line: {line_cpu / cpu:.1f}x")
    findings_report(files, config, args.samples, args.seed)

    positives, negatives = load_corpus()
    kinds = {row["kind"] for row in positives}
    print(f"corpus: {len(positives)} positives ({len(kinds - PII_KINDS)} credential kinds + PII), "
          f"{len(negatives)} hard negatives")
    hit, flagged = score_codestack(positives, negatives)
    with tempfile.TemporaryDirectory() as folder:
        ds_strict, ds_flagged, ds_fp = score_detect_secrets(positives, negatives, folder)
    cred = lambda row: row["kind"] not in PII_KINDS  # noqa: E731

    def show(label, flags, fps):
        r_all, n_all, d_all = rate(flags, positives)
        r_cred, n_cred, d_cred = rate(flags, positives, cred)
        r_fp, n_fp, d_fp = rate(fps, negatives)
        print(f"  {label:34s} recall {r_all:.3f} ({n_all}/{d_all}), credentials only {r_cred:.3f} ({n_cred}/{d_cred}); "
              f"false positives {r_fp:.3f} ({n_fp}/{d_fp})")

    show("codestack (secret removed)", hit, flagged)
    show("detect-secrets (strict: value)", ds_strict, ds_fp)
    show("detect-secrets (flagged: any)", ds_flagged, ds_fp)
    missed = collections.Counter(row["kind"] for row, ok in zip(positives, ds_flagged) if not ok)
    print(f"  kinds detect-secrets never flags: {sorted(k for k in kinds if missed[k] == sum(r['kind'] == k for r in positives))}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
