"""The opt-out registry (``optout.yaml``) and its loader, validator and matcher.

See :mod:`registry.optout`. Needs no Beam.
"""

from registry.optout import (
    KINDS,
    PACKAGED,
    SCHEMA_PATH,
    Entry,
    Matcher,
    Problem,
    Registry,
    RegistryError,
    add,
    canonical_value,
    dumps,
    load,
    make_entry,
    origin_key,
    owner_key,
    parse,
    query_key,
    repo_name_key,
    repository_key,
    validate,
)

__all__ = [
    "KINDS",
    "PACKAGED",
    "SCHEMA_PATH",
    "Entry",
    "Matcher",
    "Problem",
    "Registry",
    "RegistryError",
    "add",
    "canonical_value",
    "dumps",
    "load",
    "make_entry",
    "origin_key",
    "owner_key",
    "parse",
    "query_key",
    "repo_name_key",
    "repository_key",
    "validate",
]
