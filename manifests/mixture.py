"""A pretraining mixture over a release's languages: per-language sampling rates for a token budget.

Pure core of ``codestack mixture`` (no Beam; pyarrow only to read the rows a sample needs).

Plan (:func:`plan_mixture`):

1. **Weights** ``w_L``, normalized to sum 1: temperature sampling ``w_L ∝ tokens_L ** alpha``
   (:func:`temperature_weights`; alpha 1 is proportional to the release, 0 is uniform, the
   default 0.3 is mT5's and XLM-R's choice for up-sampling small languages) or the user's own
   (:func:`explicit_weights`; a language left out has weight 0).
2. **Caps**: a language gives at most ``floor(max_epochs × tokens_L)`` tokens (default 4
   epochs: Muennighoff et al. 2023, *Scaling Data-Constrained Language Models*, find up to
   about 4 epochs of repeated data nearly as good as fresh data).
3. **Water-filling** (:func:`water_fill`): ``T_L = budget × w_L``; a language over its cap is
   fixed at the cap and the mass it cannot take is spread over the others in proportion to
   their weights, again until none is over. Exact rational arithmetic, then integer targets
   by largest remainder (ties by language name): the targets add up to the budget exactly.
   A budget over the sum of the caps is refused (:class:`MixtureError` naming the most the
   release gives): a pretraining run that silently gets fewer tokens than it asked for is a
   worse failure than a command that says so.

Every number is a function of the manifest and the parameters alone: powers are taken with
:mod:`decimal` at a fixed precision (no platform ``libm``), the rest is exact ``Fraction``
arithmetic, so the table and the YAML are the same bytes on every machine.

Sample (:func:`sample_rows`): a row is named ``<shard path>#<row index>`` (its 0-based
position in the shard, which a release never rewrites: same release, same shards, same
bytes). A language whose target is ``k`` whole epochs plus ``R`` tokens lists every row ``k``
times, then rows in order of ``xxh64(blob_id NUL repo_name NUL path, seed)`` (ties by
position) until their tokens come closest to ``R``. The hash is of the row's identity, not
its position, so the same file is chosen for the same seed in every release that holds it.
Languages are drawn from the smallest target up, each aiming at its target less what those
before it drew over theirs (within its cap): the sample's total is off the budget by about
half a file of the largest language, not half a file per language.
"""

from __future__ import annotations

import dataclasses
import decimal
import hashlib
import math
from fractions import Fraction
from typing import IO, Any, Callable, Dict, List, Mapping, Optional, Tuple

MIXTURE_VERSION = 1
DEFAULT_ALPHA = "0.3"
DEFAULT_MAX_EPOCHS = "4"
DEFAULT_SEED = 0
ROW_ID = "<shard path>#<row index>"
TEMPERATURE = "temperature"
EXPLICIT = "explicit"

#: the context every power is taken in: 34 digits, the same on every machine
_CONTEXT = decimal.Context(prec=34, rounding=decimal.ROUND_HALF_EVEN)
_SUFFIXES = {"K": 10 ** 3, "M": 10 ** 6, "B": 10 ** 9, "G": 10 ** 9, "T": 10 ** 12}
_IDENTITY = ("blob_id", "repo_name", "path")


class MixtureError(ValueError):
    """Bad parameters or a release the mixture cannot be made of (one line)."""


# ---------------------------------------------------------------------------
# parameters
# ---------------------------------------------------------------------------


def parse_budget(text: str) -> int:
    """Tokens: an integer, ``1e9``, or a number with K, M, B (= G) or T (powers of 1000): ``2.5B``."""
    raw = str(text).strip().replace("_", "").replace(",", "")
    scale = _SUFFIXES.get(raw[-1:].upper(), 1) if raw else 1
    number = _decimal(raw[:-1] if scale != 1 else raw, "--budget", text)
    value = number * scale
    if value != value.to_integral_value():
        raise MixtureError(f"--budget {text}: not a whole number of tokens")
    if value <= 0:
        raise MixtureError(f"--budget {text}: must be a positive number of tokens")
    return int(value)


def parse_alpha(text: str) -> decimal.Decimal:
    alpha = _decimal(text, "--alpha", text)
    if not 0 <= alpha <= 1:
        raise MixtureError(f"--alpha {text}: must be between 0 (uniform) and 1 (proportional to tokens)")
    return alpha


def parse_max_epochs(text: str) -> decimal.Decimal:
    epochs = _decimal(text, "--max-epochs", text)
    if epochs <= 0:
        raise MixtureError(f"--max-epochs {text}: must be more than 0")
    return epochs


def parse_seed(text: str) -> int:
    try:
        seed = int(str(text), 0)
    except ValueError:
        raise MixtureError(f"--seed {text}: not an integer") from None
    if not 0 <= seed < 2 ** 64:
        raise MixtureError(f"--seed {text}: must be between 0 and 2**64 - 1")
    return seed


def _decimal(raw: str, flag: str, shown: str) -> decimal.Decimal:
    try:
        value = decimal.Decimal(str(raw).strip())
    except decimal.InvalidOperation:
        raise MixtureError(f"{flag} {shown}: not a number") from None
    if not value.is_finite():
        raise MixtureError(f"{flag} {shown}: not a finite number")
    return value


# ---------------------------------------------------------------------------
# weights
# ---------------------------------------------------------------------------


def normalized(weights: Mapping[str, Fraction]) -> Dict[str, Fraction]:
    total = sum(weights.values(), Fraction(0))
    if total <= 0:
        raise MixtureError("no language has a positive weight")
    return {language: Fraction(w) / total for language, w in weights.items()}


def temperature_weights(tokens: Mapping[str, int], alpha: decimal.Decimal) -> Dict[str, Fraction]:
    """``tokens_L ** alpha``, normalized; a language without tokens has weight 0."""
    raw = {}
    for language, n in tokens.items():
        raw[language] = Fraction(_CONTEXT.power(decimal.Decimal(n), alpha)) if n > 0 else Fraction(0)
    if not any(raw.values()):
        raise MixtureError("the release holds no tokens")
    return normalized(raw)


def explicit_weights(raw: Any, known: Mapping[str, str], source: str = "weights") -> Dict[str, Fraction]:
    """The user's ``{language or config name: weight}``, over every known language, normalized.

    ``known``: ``{language: config (folder) name}``. A language not named gets weight 0.
    """
    if not isinstance(raw, Mapping) or not raw:
        raise MixtureError(f"{source}: not a mapping of language to weight")
    by_name = dict((config, language) for language, config in known.items())
    by_name.update((language, language) for language in known)
    unknown = sorted(str(k) for k in raw if str(k) not in by_name)
    if unknown:
        raise MixtureError(f"{source}: unknown language(s) {', '.join(unknown)} "
                           f"(known: {', '.join(sorted(known))})")
    weights = {language: Fraction(0) for language in known}
    seen: Dict[str, str] = {}
    for key, value in raw.items():
        language = by_name[str(key)]
        if language in seen:
            raise MixtureError(f"{source}: {language} is named twice ({seen[language]}, {key})")
        seen[language] = str(key)
        if isinstance(value, bool) or not isinstance(value, (int, float, str)):
            raise MixtureError(f"{source}: {key}: weight {value!r} is not a number")
        number = _decimal(str(value), f"{source}: {key}: weight", str(value))
        if number < 0:
            raise MixtureError(f"{source}: {key}: weight {value} is negative")
        weights[language] = Fraction(number)
    return normalized(weights)


# ---------------------------------------------------------------------------
# the plan
# ---------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class LanguagePlan:
    language: str
    config: str  # the release's config (folder under data/)
    available: int  # tokens the release holds
    weight: Fraction  # asked for, normalized
    cap: int  # floor(max_epochs * available)
    target: int  # tokens to draw

    @property
    def capped(self) -> bool:
        return self.target > 0 and self.target == self.cap and self.weight > 0

    @property
    def epochs(self) -> Fraction:
        return Fraction(self.target, self.available) if self.available else Fraction(0)


@dataclasses.dataclass(frozen=True)
class Plan:
    budget: int
    weighting: str  # TEMPERATURE or EXPLICIT
    alpha: Optional[decimal.Decimal]
    max_epochs: decimal.Decimal
    languages: Tuple[LanguagePlan, ...]

    @property
    def target(self) -> int:
        return sum(entry.target for entry in self.languages)

    @property
    def available(self) -> int:
        return sum(entry.available for entry in self.languages)

    def share(self, entry: LanguagePlan) -> Fraction:
        return Fraction(entry.target, self.target) if self.target else Fraction(0)


def caps_of(tokens: Mapping[str, int], max_epochs: decimal.Decimal) -> Dict[str, int]:
    return {language: math.floor(Fraction(max_epochs) * n) for language, n in tokens.items()}


def water_fill(budget: int, weights: Mapping[str, Fraction], caps: Mapping[str, int]) -> Dict[str, int]:
    """Integer targets adding up to ``budget``: in proportion to ``weights``, none over its cap,
    what a capped language cannot take spread over the rest in proportion to their weights."""
    reachable = sum(caps[language] for language, w in weights.items() if w > 0)
    if budget > reachable:
        raise MixtureError(f"--budget {budget:,}: more than the release gives with these weights and caps "
                           f"({reachable:,} tokens); raise --max-epochs or lower --budget")
    exact = {language: Fraction(0) for language in weights}
    active = sorted(language for language, w in weights.items() if w > 0)
    remaining = Fraction(budget)
    while active:
        mass = sum((weights[language] for language in active), Fraction(0))
        over = [language for language in active if remaining * weights[language] / mass > caps[language]]
        if not over:
            for language in active:
                exact[language] = remaining * weights[language] / mass
            break
        for language in over:
            exact[language] = Fraction(caps[language])
            remaining -= caps[language]
            active.remove(language)
    targets = {language: math.floor(value) for language, value in exact.items()}
    short = budget - sum(targets.values())
    by_remainder = sorted(exact, key=lambda language: (-(exact[language] - targets[language]), language))
    for language in by_remainder[:short]:
        targets[language] += 1
    return targets


def plan_mixture(
    tokens: Mapping[str, int],
    configs: Mapping[str, str],
    budget: int,
    *,
    alpha: Optional[decimal.Decimal] = None,
    weights: Optional[Mapping[str, Fraction]] = None,
    max_epochs: decimal.Decimal = decimal.Decimal(DEFAULT_MAX_EPOCHS),
) -> Plan:
    """The plan for ``budget`` tokens over ``tokens`` (``{language: tokens}``): explicit
    ``weights`` (from :func:`explicit_weights`) or temperature sampling with ``alpha``."""
    if budget <= 0:
        raise MixtureError(f"--budget {budget}: must be a positive number of tokens")
    if weights is None:
        alpha = decimal.Decimal(DEFAULT_ALPHA) if alpha is None else alpha
        weights = temperature_weights(tokens, alpha)
        weighting = TEMPERATURE
    else:
        alpha, weighting = None, EXPLICIT
        weights = normalized({language: weights.get(language, Fraction(0)) for language in tokens})
    caps = caps_of(tokens, max_epochs)
    targets = water_fill(budget, weights, caps)
    entries = tuple(LanguagePlan(language, configs.get(language, language), tokens[language], weights[language],
                                 caps[language], targets[language]) for language in sorted(tokens))
    return Plan(budget, weighting, alpha, max_epochs, entries)


def parse_spec(raw: Any, source: str = "mixture") -> Dict[str, Any]:
    """A mixture spec (what ``codestack mixture`` takes as flags, as a mapping: ``budget``, then
    ``alpha`` or ``weights``, and ``max_epochs``) as keyword arguments for :func:`plan_of_manifest`."""
    if not isinstance(raw, Mapping) or "budget" not in raw:
        raise MixtureError(f"{source}: not a mapping with a budget (budget, alpha or weights, max_epochs)")
    unknown = sorted(set(map(str, raw)) - {"budget", "alpha", "weights", "max_epochs"})
    if unknown:
        raise MixtureError(f"{source}: unknown key(s) {', '.join(unknown)} (known: alpha, budget, max_epochs, weights)")
    if "alpha" in raw and "weights" in raw:
        raise MixtureError(f"{source}: alpha and weights exclude each other")
    try:
        return {"budget": parse_budget(str(raw["budget"])),
                "alpha": parse_alpha(str(raw["alpha"])) if raw.get("alpha") is not None else None,
                "weights": raw.get("weights"),
                "max_epochs": parse_max_epochs(str(raw.get("max_epochs", DEFAULT_MAX_EPOCHS)))}
    except MixtureError as exc:
        raise MixtureError(f"{source}: {exc}") from exc


def plan_of_manifest(manifest: Mapping[str, Any], budget: int, alpha: Optional[decimal.Decimal] = None,
                     weights: Any = None, max_epochs: decimal.Decimal = decimal.Decimal(DEFAULT_MAX_EPOCHS),
                     source: str = "weights") -> Plan:
    """The plan over a manifest's own token counts (``languages.<L>.tokens``); ``weights``: the
    user's raw mapping (see :func:`explicit_weights`)."""
    from manifests.card import language_folders

    tokens = {language: entry.get("tokens") for language, entry in manifest.get("languages", {}).items()}
    if not tokens or any(n is None for n in tokens.values()):
        raise MixtureError(f"release {manifest.get('version')}: no token counts (built without a tokenizer)")
    configs = language_folders(manifest)
    chosen = explicit_weights(weights, configs, source) if weights is not None else None
    return plan_mixture(tokens, configs, budget, alpha=alpha, weights=chosen, max_epochs=max_epochs)


def manifest_entry(plan: Plan) -> Dict[str, Any]:
    """The plan in brief, for a manifest's ``mixture`` field and the dataset card."""
    return {
        "budget": plan.budget,
        "weighting": plan.weighting,
        "alpha": _number(plan.alpha) if plan.alpha is not None else None,
        "max_epochs": _number(plan.max_epochs),
        "languages": {entry.language: {"weight": rounded(entry.weight), "probability": rounded(plan.share(entry)),
                                       "target_tokens": entry.target, "epochs": rounded(entry.epochs, 6),
                                       "capped": entry.capped}
                      for entry in plan.languages},
    }


# ---------------------------------------------------------------------------
# text and YAML
# ---------------------------------------------------------------------------


def rounded(value: Fraction, digits: int = 12) -> float:
    """A float for YAML: the exact value correctly rounded to ``digits`` decimals."""
    return float(round(Fraction(value), digits))


def format_table(plan: Plan) -> str:
    header = ["language", "tokens available", "weight", "share", "target tokens", "epochs"]
    rows = []
    for entry in plan.languages:
        rows.append([entry.language, f"{entry.available:,}", f"{float(round(entry.weight, 4)):.4f}",
                     f"{float(round(plan.share(entry) * 100, 2)):.2f}%", f"{entry.target:,}",
                     f"{float(round(entry.epochs, 3)):.3f}" + (" *" if entry.capped else "  ")])
    total_epochs = Fraction(plan.target, plan.available) if plan.available else Fraction(0)
    rows.append(["total", f"{plan.available:,}", "1.0000", "100.00%", f"{plan.target:,}",
                 f"{float(round(total_epochs, 3)):.3f}  "])
    table = [header] + rows
    widths = [max(len(row[i]) for row in table) for i in range(len(header))]
    lines = ["  ".join(cell.ljust(widths[i]) if i == 0 else cell.rjust(widths[i]) for i, cell in enumerate(row))
             .rstrip() for row in table]
    how = (f"temperature sampling, alpha {plan.alpha}" if plan.weighting == TEMPERATURE else "explicit weights")
    lines.append(f"budget {plan.budget:,} tokens; {how}; at most {plan.max_epochs} epochs per language"
                 + ("; * capped, the rest spread over the other languages" if any(e.capped for e in plan.languages)
                    else ""))
    return "\n".join(lines) + "\n"


def _number(value: decimal.Decimal):
    return int(value) if value == value.to_integral_value() else float(value)


def mixture_document(
    plan: Plan,
    manifest: Mapping[str, Any],
    manifest_sha256: str,
    *,
    weights_file: Optional[Mapping[str, str]] = None,
    tokenizer: Optional[Mapping[str, Any]] = None,
    sample: Optional[Mapping[str, Any]] = None,
) -> Dict[str, Any]:
    """The YAML document (see the README's "Mixtures" section for every field).

    ``tokenizer``: what counted the tokens when not the release's own (``--tokenizer``).
    ``sample``: ``{"file", "sha256", "seed", "rows", "tokens", "languages": {L: {"rows", "tokens"}}}``.
    """
    inputs = manifest.get("inputs") or {}
    counted = dict(tokenizer) if tokenizer else inputs.get("tokenizer")
    shards: Dict[str, List[Dict[str, Any]]] = {}
    for shard in sorted(manifest.get("shards", []), key=lambda s: s["path"]):
        shards.setdefault(shard["language"], []).append(
            {"path": shard["path"], "sha256": shard["sha256"], "rows": shard["rows"]})
    languages = {}
    for entry in plan.languages:
        item = {
            "config": entry.config,
            "probability": rounded(plan.share(entry)),
            "weight": rounded(entry.weight),
            "tokens_available": entry.available,
            "target_tokens": entry.target,
            "epochs": rounded(entry.epochs, 6),
            "capped": entry.capped,
        }
        if sample is not None:
            item["sampled_rows"] = sample["languages"][entry.language]["rows"]
            item["sampled_tokens"] = sample["languages"][entry.language]["tokens"]
        item["shards"] = shards.get(entry.language, [])
        languages[entry.language] = item
    document = {
        "mixture_version": MIXTURE_VERSION,
        "release": {
            "name": manifest.get("name"),
            "version": manifest.get("version"),
            "manifest_sha256": manifest_sha256,
            "tokenizer": dict(counted) if counted else None,
        },
        "parameters": {
            "budget": plan.budget,
            "weighting": plan.weighting,
            "alpha": _number(plan.alpha) if plan.alpha is not None else None,
            "weights_file": dict(weights_file) if weights_file else None,
            "max_epochs": _number(plan.max_epochs),
        },
        "totals": {
            "tokens_available": plan.available,
            "target_tokens": plan.target,
            "epochs": rounded(Fraction(plan.target, plan.available), 6) if plan.available else 0.0,
        },
        "languages": languages,
    }
    if sample is not None:
        document["totals"]["sampled_tokens"] = sample["tokens"]
        document["sample"] = {"file": sample["file"], "sha256": sample["sha256"], "row_id": ROW_ID,
                              "seed": sample["seed"], "rows": sample["rows"], "tokens": sample["tokens"]}
    return document


def dumps_yaml(document: Mapping[str, Any]) -> str:
    import yaml

    body = yaml.safe_dump(dict(document), sort_keys=False, default_flow_style=False, allow_unicode=True, width=4096)
    return "# codestack mixture (mixture_version 1): per-language sampling rates for a token budget\n" + body


# ---------------------------------------------------------------------------
# the sample
# ---------------------------------------------------------------------------


def row_hash(blob_id: str, repo_name: str, path: str, seed: int) -> int:
    """xxh64 of the row's identity with ``seed``: the order in which a language's rows are drawn."""
    import xxhash

    key = "\x00".join((blob_id or "", repo_name or "", path or "")).encode("utf-8", "surrogatepass")
    return xxhash.xxh64_intdigest(key, seed=seed)


def choose(hashes, tokens, target: int):
    """How many times each row is drawn so that their tokens come closest to ``target``:
    whole epochs, then rows in hash order (ties by position). A numpy int64 array."""
    import numpy

    hashes = numpy.asarray(hashes, dtype=numpy.uint64)
    tokens = numpy.asarray(tokens, dtype=numpy.int64)
    available = int(tokens.sum())
    counts = numpy.zeros(len(tokens), dtype=numpy.int64)
    if target <= 0 or available <= 0:
        return counts
    epochs, rest = divmod(target, available)
    counts += epochs
    if rest:
        order = numpy.argsort(hashes, kind="stable")
        running = numpy.cumsum(tokens[order])
        take = int(numpy.searchsorted(running, rest, side="left")) + 1  # the first prefix reaching ``rest``
        before = int(running[take - 2]) if take > 1 else 0
        if int(running[take - 1]) - rest > rest - before:
            take -= 1  # one row fewer comes closer
        counts[order[:take]] += 1
    return counts


#: ``count(texts) -> token counts``, for a release without ``num_tokens`` (``--tokenizer``)
CountTokens = Callable[[List[Optional[str]]], List[int]]


def read_shard_rows(root: str, shard_path: str, seed: Optional[int], count: Optional[CountTokens] = None,
                    known: Any = None, batch_rows: int = 65_536):
    """``(hashes, tokens)`` of a shard's rows in file order (numpy arrays; no hashes when ``seed``
    is None). Tokens are ``num_tokens``, or counted from ``content`` with ``count``, or ``known``
    (counted before: only the row identities are read)."""
    import os

    import numpy
    import pyarrow.parquet as pq

    columns = list(_IDENTITY) if seed is not None else []
    if known is None:
        columns.append("content" if count else "num_tokens")
    hashes: List[int] = []
    tokens: List[int] = []
    parquet = pq.ParquetFile(os.path.join(root, shard_path))
    for batch in parquet.iter_batches(batch_size=batch_rows, columns=columns, use_threads=False):
        data = batch.to_pydict()
        if seed is not None:
            hashes.extend(row_hash(b, r, p, seed) for b, r, p in zip(data["blob_id"], data["repo_name"], data["path"]))
        if known is not None:
            continue
        if count:
            tokens.extend(count(data["content"]))
        else:
            if any(n is None for n in data["num_tokens"]):
                raise MixtureError(f"{shard_path}: rows without num_tokens; pass --tokenizer FILE to count them")
            tokens.extend(data["num_tokens"])
    if known is not None:
        return numpy.asarray(hashes, dtype=numpy.uint64), numpy.asarray(known, dtype=numpy.int64)
    return numpy.asarray(hashes, dtype=numpy.uint64), numpy.asarray(tokens, dtype=numpy.int64)


def count_release_tokens(root: str, manifest: Mapping[str, Any], count: CountTokens):
    """``({language: tokens}, {shard path: tokens per row})`` counted from the shards' content
    with ``count`` (the second is what :func:`draw_sample` takes as ``counted``)."""
    totals = {language: 0 for language in manifest.get("languages", {})}
    per_shard = {}
    for shard in sorted(manifest.get("shards", []), key=lambda s: s["path"]):
        _hashes, tokens = read_shard_rows(root, shard["path"], None, count)
        per_shard[shard["path"]] = tokens
        totals[shard["language"]] = totals.get(shard["language"], 0) + int(tokens.sum())
    return totals, per_shard


@dataclasses.dataclass(frozen=True)
class Draw:
    """A language's part of the sample: its shards (in path order), their row counts, and how
    many times each row is drawn (all shards' rows end to end, a numpy uint32 array)."""

    language: str
    paths: Tuple[str, ...]
    lengths: Tuple[int, ...]
    counts: Any
    tokens: int

    @property
    def rows(self) -> int:
        return int(self.counts.sum())

    def row_ids(self):
        """``(shard path, row index, times)`` of every drawn row, in order."""
        import numpy

        offset = 0
        for path, length in zip(self.paths, self.lengths):
            shard_counts = self.counts[offset:offset + length]
            offset += length
            for index in numpy.flatnonzero(shard_counts):
                yield path, int(index), int(shard_counts[index])


def draw_sample(root: str, manifest: Mapping[str, Any], plan: Plan, seed: int,
                counted: Optional[Mapping[str, Any]] = None) -> Dict[str, Draw]:
    """``{language: Draw}`` meeting the plan's targets; ``counted``: tokens per row of each shard
    when not the rows' ``num_tokens`` (:func:`count_release_tokens`).

    Languages are drawn from the smallest target up (ties by name), each aiming at its
    target less what those before it drew over theirs, within its cap: the sample's total
    is off the budget by about half a file of the largest language, and that correction
    falls on the language it matters least to.
    """
    import numpy

    shards_of: Dict[str, List[str]] = {}
    for shard in manifest.get("shards", []):
        shards_of.setdefault(shard["language"], []).append(shard["path"])
    draws: Dict[str, Draw] = {}
    over = 0  # tokens drawn so far minus their targets
    for entry in sorted(plan.languages, key=lambda e: (e.target, e.language)):
        paths = tuple(sorted(shards_of.get(entry.language, [])))
        read = [read_shard_rows(root, path, seed, known=(counted or {}).get(path)) for path in paths] \
            if entry.target else []
        if not read:
            draws[entry.language] = Draw(entry.language, (), (), numpy.zeros(0, dtype=numpy.uint32), 0)
            continue
        hashes = numpy.concatenate([h for h, _t in read])
        tokens = numpy.concatenate([t for _h, t in read])
        if int(tokens.sum()) != entry.available:
            raise MixtureError(f"{entry.language}: the shards hold {int(tokens.sum()):,} tokens, "
                               f"the plan {entry.available:,}")
        counts = choose(hashes, tokens, min(max(entry.target - over, 0), entry.cap))
        drawn = int((counts * tokens).sum())
        over += drawn - entry.target
        draws[entry.language] = Draw(entry.language, paths, tuple(len(h) for h, _t in read),
                                     counts.astype(numpy.uint32), drawn)
    return dict(sorted(draws.items()))


def write_sample(draws: Mapping[str, Draw], seed: int, out: IO[str]) -> Dict[str, Any]:
    """Write the row ids to ``out`` (one a line, a row repeated once per draw; languages, shards
    and rows in order) and return what it holds: ``{"seed", "rows", "tokens", "sha256",
    "languages": {L: {"rows", "tokens"}}}``."""
    digest = hashlib.sha256()
    for draw in draws.values():
        for path, index, times in draw.row_ids():
            line = f"{path}#{index}\n" * times
            out.write(line)
            digest.update(line.encode("utf-8"))
    return {"seed": seed, "rows": sum(d.rows for d in draws.values()), "tokens": sum(d.tokens for d in draws.values()),
            "sha256": digest.hexdigest(),
            "languages": {language: {"rows": d.rows, "tokens": d.tokens} for language, d in draws.items()}}


def sample_rows(root: str, manifest: Mapping[str, Any], plan: Plan, seed: int, out: IO[str],
                counted: Optional[Mapping[str, Any]] = None) -> Dict[str, Any]:
    """:func:`draw_sample`, then :func:`write_sample` to ``out``."""
    return write_sample(draw_sample(root, manifest, plan, seed, counted), seed, out)
