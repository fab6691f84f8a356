"""One YAML config holding every stage's knobs.

Each stage owns a frozen dataclass of its settings (defaults from The Stack v2's
published method); :class:`Config` gathers them. ``pipeline/defaults.yaml``
documents the defaults and is what ``--config`` files override, key by key.
The effective config is recorded in the manifest with its hash.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from typing import Any, Dict, Optional

import yaml

from pipeline.error_budget import ErrorsConfig
from pipeline.errors import UsageError
from pipeline.sink import SinkConfig
from transforms.decontaminate import DecontaminateConfig
from transforms.fetch import DecodeConfig
from transforms.filters import FiltersConfig
from transforms.language import LanguageConfig
from transforms.license import LicenseConfig
from transforms.malware import MalwareConfig
from transforms.dedup.exact import ExactDedupConfig
from transforms.dedup.minhash import NearDedupConfig
from transforms.redact import RedactConfig


@dataclasses.dataclass(frozen=True)
class Config:
    decode: DecodeConfig = DecodeConfig()
    malware: MalwareConfig = MalwareConfig()
    language: LanguageConfig = LanguageConfig()
    license: LicenseConfig = LicenseConfig()
    filters: FiltersConfig = FiltersConfig()
    exact_dedup: ExactDedupConfig = ExactDedupConfig()
    near_dedup: NearDedupConfig = NearDedupConfig()
    decontaminate: DecontaminateConfig = DecontaminateConfig()
    redact: RedactConfig = RedactConfig()
    sink: SinkConfig = SinkConfig()
    errors: ErrorsConfig = ErrorsConfig()

    def to_dict(self) -> Dict[str, Any]:
        return dataclasses.asdict(self)

    def digest(self) -> str:
        """sha256 of the canonical JSON of the effective config."""
        return hashlib.sha256(json.dumps(self.to_dict(), sort_keys=True, separators=(",", ":")).encode()).hexdigest()


def _build(cls, values: Any, where: str):
    if not isinstance(values, dict):
        raise UsageError(f"{where}: expected a mapping, got {type(values).__name__}")
    fields = {f.name: f for f in dataclasses.fields(cls)}
    kwargs = {}
    for key, value in values.items():
        if key not in fields:
            raise UsageError(f"{where}.{key}: unknown setting (known: {', '.join(sorted(fields))})")
        default = getattr(cls(), key)
        if dataclasses.is_dataclass(default):
            kwargs[key] = _build(type(default), value, f"{where}.{key}")
            continue
        if value is None and fields[key].default is None:  # an optional setting left to another (redact.sensitivity)
            kwargs[key] = None
            continue
        expected = type(default)
        if isinstance(default, tuple) and isinstance(value, list):
            value = tuple(value)
        if expected is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if default is not None and not isinstance(value, expected) or (expected is int and isinstance(value, bool)):
            raise UsageError(f"{where}.{key}: expected {expected.__name__}, got {value!r}")
        kwargs[key] = value
    try:
        return cls(**kwargs)
    except ValueError as exc:  # a stage config's own validation (__post_init__)
        raise UsageError(f"{where}: {exc}") from exc


def config_from_dict(values: Optional[Dict[str, Any]], where: str = "config") -> Config:
    return _build(Config, values or {}, where)


def read_yaml(path: str, what: str = "config") -> Any:
    """The YAML document at ``path``; a file that cannot be read or parsed is one line (exit 2)."""
    try:
        with open(path, encoding="utf-8") as handle:
            return yaml.safe_load(handle)
    except OSError as exc:
        raise UsageError(f"{path}: cannot read {what}: {exc.strerror}") from exc
    except yaml.YAMLError as exc:
        raise UsageError(f"{path}: not valid YAML: {str(exc).splitlines()[0]}") from exc


def load_config(path: Optional[str], overrides: Optional[Dict[str, Dict[str, Any]]] = None) -> Config:
    """Defaults, overridden by the YAML file at ``path`` if given, then by ``overrides`` (a command's
    flags, ``{"redact": {"sensitivity": "high"}}``), merged setting by setting before the config is
    built, so that a level fills only what neither the file nor a flag sets."""
    values = read_yaml(path) if path else {}
    where = path or "config"
    if overrides:
        if not isinstance(values, dict):
            raise UsageError(f"{where}: expected a mapping, got {type(values).__name__}")
        values = dict(values)
        for stage, settings in overrides.items():
            section = values.get(stage) or {}
            if not isinstance(section, dict):
                raise UsageError(f"{where}.{stage}: expected a mapping, got {type(section).__name__}")
            values[stage] = {**section, **settings}
    return config_from_dict(values, where=where)
