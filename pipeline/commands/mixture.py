"""codestack mixture DIR --budget TOKENS [--weights FILE | --alpha A] [--max-epochs E] [--output FILE] [--sample FILE]

Per-language sampling rates for a pretraining token budget, from a release's token
counts (see :mod:`manifests.mixture` for the method). The release must verify.
"""

from __future__ import annotations

import os
import sys

EXAMPLES = """examples:
  codestack mixture out/0.1.0 --budget 10B
  codestack mixture out/0.1.0 --budget 2.5B --alpha 0.5 --max-epochs 2 --output mix.yaml
  codestack mixture out/0.1.0 --budget 500M --weights weights.yaml --sample rows.txt --seed 7

weights.yaml maps a language (or its config name) to a weight; languages left out get 0:
  Python: 4
  JavaScript: 2
  C++: 1

Prints a table (language, tokens available, weight, share, target tokens, epochs) and
writes a YAML plan a data loader applies: per language its probability, target tokens,
epochs and shards with their sha256, plus the release's name, version and manifest sha256.
--sample writes one row id per line, `data/<config>/<shard>.parquet#<row index>`, a row
repeated once per draw (whole epochs, then rows in xxh64(blob_id, repo_name, path; seed)
order): the same release, parameters and seed give the same file, byte for byte."""


def register(sub) -> None:
    import argparse

    from manifests.mixture import DEFAULT_ALPHA, DEFAULT_MAX_EPOCHS, DEFAULT_SEED

    parser = sub.add_parser(
        "mixture",
        help="per-language sampling rates (and a sample) for a pretraining token budget",
        description="Spread a token budget over a release's languages: temperature sampling "
        f"(p ∝ tokens^alpha, default alpha {DEFAULT_ALPHA}) or explicit weights, each language capped at "
        f"--max-epochs passes over its tokens (default {DEFAULT_MAX_EPOCHS}), what a capped language cannot "
        "take spread over the others in proportion to their weights. The release must verify and hold "
        "token counts (built with --tokenizer, or give --tokenizer here).",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("release", metavar="DIR")
    parser.add_argument("--budget", required=True, metavar="TOKENS",
                        help="tokens to draw in all: an integer or 1e9, 500M, 2.5B, 1T (powers of 1000)")
    how = parser.add_mutually_exclusive_group()
    how.add_argument("--weights", metavar="FILE", help="YAML or JSON mapping language -> weight (normalized)")
    how.add_argument("--alpha", metavar="A",
                     help=f"temperature sampling, 0 <= A <= 1: 1 proportional to tokens, 0 uniform "
                     f"(default {DEFAULT_ALPHA})")
    parser.add_argument("--max-epochs", default=DEFAULT_MAX_EPOCHS, metavar="E",
                        help=f"at most E passes over a language's tokens (default {DEFAULT_MAX_EPOCHS})")
    parser.add_argument("--output", default="mixture.yaml", metavar="FILE",
                        help="the YAML plan (default mixture.yaml; '-': to stdout, the table to stderr)")
    parser.add_argument("--sample", metavar="FILE", help="write the row ids that meet the budget, one a line")
    parser.add_argument("--seed", default=str(DEFAULT_SEED), metavar="N",
                        help=f"the sample's hash seed, 0 <= N < 2**64 (default {DEFAULT_SEED})")
    parser.add_argument("--tokenizer", metavar="FILE",
                        help="count tokens with this tokenizer (tokenizer.model or tokenizer.json) instead of "
                        "the release's num_tokens; needed for a release built without --tokenizer")
    parser.set_defaults(func=run)


def _usage(message: str):
    from pipeline.errors import UsageError

    return UsageError(message)


def load_weights(path: str):
    """The weights file as parsed YAML (JSON is YAML) and ``{"file", "sha256"}`` naming it."""
    import hashlib

    import yaml

    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError as exc:
        raise _usage(f"--weights {path}: {exc.strerror or exc}") from exc
    try:
        raw = yaml.safe_load(data.decode("utf-8"))
    except (UnicodeDecodeError, yaml.YAMLError) as exc:
        raise _usage(f"--weights {path}: not YAML or JSON ({str(exc).splitlines()[0]})") from exc
    return raw, {"file": os.path.basename(path), "sha256": hashlib.sha256(data).hexdigest()}


def load_counter(path: str):
    """``(count(texts) -> token counts, tokenizer identity)`` for ``--tokenizer``."""
    from transforms.tokens import TokenizerError, describe_tokenizer, load_encoder, read_file

    try:
        identity = describe_tokenizer(path)
        encode = load_encoder(read_file(path), str(identity["kind"]))
    except TokenizerError as exc:
        raise _usage(f"--tokenizer {path}: {exc}") from exc
    return (lambda texts: [encode(text) if text else 0 for text in texts]), identity


def check_release(root: str) -> None:
    from manifests.verify import verify_release

    problems = verify_release(root)
    if problems:
        first = problems[0].splitlines()[0]
        raise _usage(f"{root}: the release does not verify ({len(problems)} problem(s), first: {first}); "
                     f"see codestack verify {root}")


def write_atomic(path: str, write) -> None:
    """``write(handle)`` into ``path`` (UTF-8, LF) via a temporary file beside it."""
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise _usage(f"{path}: no folder {folder}")
    tmp = path + ".tmp"
    try:
        with open(tmp, "w", encoding="utf-8", newline="\n") as handle:
            write(handle)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise


def run(args) -> int:
    from manifests import mixture
    from manifests.card import language_folders
    from manifests.checksums import sha256_file
    from manifests.manifest import MANIFEST, read_manifest

    try:
        budget = mixture.parse_budget(args.budget)
        alpha = mixture.parse_alpha(args.alpha) if args.alpha is not None else None
        max_epochs = mixture.parse_max_epochs(args.max_epochs)
        seed = mixture.parse_seed(args.seed)
    except mixture.MixtureError as exc:
        raise _usage(str(exc)) from exc
    root = args.release
    if not os.path.isfile(os.path.join(root, MANIFEST)):
        raise _usage(f"{root}: not a release (no {MANIFEST})")
    check_release(root)
    manifest = read_manifest(root)
    configs = language_folders(manifest)
    count, tokenizer = load_counter(args.tokenizer) if args.tokenizer else (None, None)
    counted = None
    try:
        if count:
            tokens, counted = mixture.count_release_tokens(root, manifest, count)
        else:
            tokens = {language: entry.get("tokens") for language, entry in manifest["languages"].items()}
            if not (manifest.get("inputs") or {}).get("tokenizer") or any(n is None for n in tokens.values()):
                raise _usage(f"{root}: no token counts (built without a tokenizer): rebuild with "
                             "codestack build --tokenizer FILE, or pass --tokenizer FILE here to count them")
        weights, weights_file = None, None
        if args.weights:
            raw, weights_file = load_weights(args.weights)
            weights = mixture.explicit_weights(raw, configs, source=f"--weights {args.weights}")
        plan = mixture.plan_mixture(tokens, configs, budget, alpha=alpha, weights=weights, max_epochs=max_epochs)
        sample = None
        if args.sample:
            holder = {}
            write_atomic(args.sample,
                         lambda out: holder.update(mixture.sample_rows(root, manifest, plan, seed, out, counted)))
            sample = dict(holder, file=os.path.basename(args.sample))
    except mixture.MixtureError as exc:
        raise _usage(str(exc)) from exc
    document = mixture.mixture_document(plan, manifest, sha256_file(os.path.join(root, MANIFEST)),
                                        weights_file=weights_file, tokenizer=tokenizer, sample=sample)
    text = mixture.dumps_yaml(document)
    table = sys.stderr if args.output == "-" else sys.stdout
    table.write(mixture.format_table(plan))
    if args.output == "-":
        sys.stdout.write(text)
    else:
        write_atomic(args.output, lambda out: out.write(text))
    if sample is not None:
        off = (sample["tokens"] - budget) / budget
        print(f"codestack: sample {args.sample}: {sample['rows']:,} row(s), {sample['tokens']:,} tokens "
              f"({off:+.2%} of the budget), seed {seed}", file=sys.stderr)
        if abs(off) > 0.01:
            print(f"codestack: warning: the sample misses the budget by {off:+.2%}: the release's files are "
                  "large for this budget (the sample is off by about half a file)", file=sys.stderr)
    if args.output != "-":
        print(f"codestack: {args.output}: {budget:,} tokens over {sum(1 for e in plan.languages if e.target)} "
              "language(s)", file=sys.stderr)
    return 0
