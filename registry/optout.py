"""The opt-out registry: load, validate, match, and write it in canonical form.

``registry/optout.yaml`` lists authors and repositories that codestack leaves
out of every release. People change it by pull request; CI runs
``codestack optout validate`` on it. An entry names exactly one of

- ``owner``: a GitHub account or organisation (``NAME``), or ``HOST/NAME`` (and
  subgroups) on another forge: every repository under it;
- ``repository``: ``OWNER/NAME`` on GitHub, or ``HOST/OWNER/.../NAME``;
- ``origin``: any origin URL (https, http, ssh, git, git+ssh, scp-like ``user@host:path``);

with ``requested`` (the date, ``YYYY-MM-DD``), ``reference`` (the pull request or
issue URL) and, optionally, ``github_id`` (the numeric id of the account or
repository), so renamed accounts and repositories stay excluded.

Matching ignores case, the URL scheme, user and port, a ``www.`` prefix, a
``.git`` suffix and trailing slashes: every value becomes a *key*
``host/path`` (lowercase) by :func:`origin_key`. An owner excludes every origin
whose key starts with the owner's key at a ``/`` boundary; a repository or
origin excludes the origin with the same key (or the same GitHub id).

The YAML is parsed to nodes (``yaml.compose``) so every problem is reported as
``FILE:LINE: what is wrong``; the structure is checked against
``optout.schema.json`` (beside this file) with ``jsonschema``. The canonical
form (:func:`dumps`) has a fixed header, entries sorted by kind then value,
fields in a fixed order, and canonical values; the registry digest is the
sha256 of that text, so it equals ``sha256sum optout.yaml`` of a canonical file.
"""

from __future__ import annotations

import dataclasses
import datetime
import functools
import hashlib
import json
import os
import re
from typing import Any, Dict, Iterable, List, Optional, Sequence, Tuple

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
#: the registry shipped with codestack (the default of every command and build)
PACKAGED = os.path.join(HERE, "optout.yaml")
#: the JSON schema of the registry file
SCHEMA_PATH = os.path.join(HERE, "optout.schema.json")
FORMAT_VERSION = 1

#: entry kinds, in canonical order
KINDS = ("owner", "repository", "origin")
#: the other fields of an entry, in canonical order
FIELDS = ("requested", "reference", "github_id")
GITHUB = "github.com"
#: URL schemes an origin may use
SCHEMES = ("https", "http", "ssh", "git", "git+ssh", "ssh+git", "git+https", "git+http")

HEADER = """\
# codestack opt-out registry: authors and repositories that codestack leaves out
# of every release, including releases already published (`codestack optout apply`).
#
# To be left out, open a pull request that adds an entry (or an issue, and a
# maintainer adds it). Write the entry with
#   codestack optout add --registry registry/optout.yaml --owner NAME --reference URL
#   codestack optout add --registry registry/optout.yaml --origin URL --reference URL
# and check the file with `codestack optout validate registry/optout.yaml`.
#
# An entry names exactly one of
#   owner:       a GitHub account or organisation (NAME), or HOST/NAME on another forge
#   repository:  OWNER/NAME on GitHub, or HOST/OWNER/NAME on another forge
#   origin:      any origin URL
# with `requested` (YYYY-MM-DD), `reference` (the pull request or issue URL) and,
# optionally, `github_id` (the numeric id of the account or repository, so that
# renamed accounts and repositories stay excluded). Matching ignores case, the URL
# scheme, "www.", a ".git" suffix and trailing slashes. Entries are sorted by kind,
# then value. Schema: registry/optout.schema.json.
"""


class RegistryError(ValueError):
    """The registry cannot be used; ``problems`` are ``FILE:LINE: ...`` lines."""

    def __init__(self, problems: Sequence["Problem"]):
        self.problems = list(problems)
        first = str(self.problems[0]) if self.problems else "invalid registry"
        more = f" (and {len(self.problems) - 1} more problem(s))" if len(self.problems) > 1 else ""
        super().__init__(first + more)


@dataclasses.dataclass(frozen=True, order=True)
class Problem:
    """One finding of :func:`validate`. ``hard``: the registry cannot be used as is
    (as opposed to a departure from the canonical form)."""

    filename: str
    line: int
    message: str
    hard: bool = True

    def __str__(self) -> str:
        return f"{self.filename}:{self.line}: {self.message}"


# --------------------------------------------------------------------------
# URL and name normalization
# --------------------------------------------------------------------------

_SCHEME = re.compile(r"^(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*)://(?P<rest>.*)$", re.S)
_SCP_LIKE = re.compile(r"^(?:[^@/\s:]+@)?(?P<host>[^:/\s@]+):(?P<path>.*)$", re.S)
_LABEL = re.compile(r"^[a-z0-9_](?:[a-z0-9_-]*[a-z0-9_])?$")
_BAD_SEGMENT = re.compile(r"[\s\\?#\x00-\x1f\x7f]")


def _host(raw: str, value: str) -> str:
    host = raw.strip().lower().rstrip(".")
    while host.startswith("www."):
        host = host[4:]
    if not host:
        raise ValueError(f"{value!r}: no host")
    labels = host.split(".")
    if not all(_LABEL.match(label) for label in labels):
        raise ValueError(f"{value!r}: {raw!r} is not a host name")
    if len(labels) < 2:
        raise ValueError(f"{value!r}: {raw!r} is not a fully qualified host name")
    return host


def _segments(path: str, value: str) -> List[str]:
    for cut in ("?", "#"):
        path = path.split(cut, 1)[0]
    segments = [s for s in path.lower().split("/") if s]
    while segments and segments[-1].endswith(".git"):
        segments[-1] = segments[-1][: -len(".git")]
        if not segments[-1]:
            segments.pop()
    for segment in segments:
        if segment in (".", "..") or _BAD_SEGMENT.search(segment):
            raise ValueError(f"{value!r}: {segment!r} is not a valid path segment")
    return segments


def _split(value: str) -> Tuple[str, List[str]]:
    """``(host, path segments)`` of any origin form; raises ValueError."""
    if not isinstance(value, str):
        raise ValueError(f"{value!r}: not a string")
    text = value.strip()
    if not text:
        raise ValueError("empty value")
    match = _SCHEME.match(text)
    if match:
        scheme = match.group("scheme").lower()
        if scheme not in SCHEMES:
            raise ValueError(f"{value!r}: unsupported scheme {scheme}:// (use one of {', '.join(SCHEMES)})")
        authority, _, path = match.group("rest").partition("/")
        authority = re.split(r"[?#]", authority, maxsplit=1)[0]
        hostport = authority.rpartition("@")[2]
        host, colon, port = hostport.partition(":")
        if colon and not port.isdigit() and port != "":
            raise ValueError(f"{value!r}: {port!r} is not a port")
        return _host(host, value), _segments(path, value)
    match = _SCP_LIKE.match(text)
    if match and not match.group("path").startswith("//"):
        return _host(match.group("host"), value), _segments(match.group("path"), value)
    head, _, path = text.partition("/")
    return _host(head.rpartition("@")[2], value), _segments(path, value)


def origin_key(value: str) -> str:
    """The matching key ``host/path`` of an origin in any URL form (lowercase).

    ``https://www.GitHub.com/Foo/Bar.git/``, ``git@github.com:foo/bar``,
    ``ssh://git@github.com:22/foo/bar`` and ``github.com/foo/bar`` all give
    ``github.com/foo/bar``. Idempotent: a key is its own key. Raises ValueError.
    """
    host, segments = _split(value)
    if not segments:
        raise ValueError(f"{value!r}: no repository path after the host")
    return "/".join([host] + segments)


def _first_segment_is_host(text: str) -> bool:
    """``HOST/...``: a dotted first segment (GitHub account names have no dots)."""
    head, slash, _ = text.partition("/")
    return bool(slash) and "." in head


_GITHUB_LOGIN = re.compile(r"^[a-z0-9_][a-z0-9_-]*$")


def _check_github_owner(key: str, value: str) -> None:
    parts = key.split("/")
    if parts[0] == GITHUB and len(parts) > 1 and not _GITHUB_LOGIN.match(parts[1]):
        raise ValueError(f"{value!r}: {parts[1]!r} is not a GitHub account name")


def _is_url(text: str) -> bool:
    return bool(_SCHEME.match(text)) or (bool(_SCP_LIKE.match(text)) and "/" not in text.split(":", 1)[0])


def owner_key(value: str) -> str:
    """Key of an owner: ``NAME`` (GitHub), ``HOST/NAME[/SUBGROUP...]`` or a URL."""
    if not isinstance(value, str):
        raise ValueError(f"{value!r}: not a string")
    text = value.strip()
    if not _is_url(text) and not _first_segment_is_host(text):
        if "/" in text.strip("/"):
            raise ValueError(f"{value!r}: an owner is NAME (GitHub) or HOST/NAME; "
                             "for one repository write `repository:`")
        text = f"{GITHUB}/{text}"
    key = origin_key(text)
    if key.startswith(GITHUB + "/") and key.count("/") != 1:
        raise ValueError(f"{value!r}: names a GitHub repository, not an account; write `repository:`")
    _check_github_owner(key, value)
    return key


def repository_key(value: str) -> str:
    """Key of a repository: ``OWNER/NAME`` (GitHub), ``HOST/OWNER/.../NAME`` or a URL."""
    if not isinstance(value, str):
        raise ValueError(f"{value!r}: not a string")
    text = value.strip()
    if not _is_url(text) and not _first_segment_is_host(text):
        text = f"{GITHUB}/{text}"
    key = origin_key(text)
    depth = key.count("/")
    if depth < 2:
        raise ValueError(f"{value!r}: expected OWNER/NAME (or HOST/OWNER/NAME); "
                         "for every repository of an account write `owner:`")
    if key.startswith(GITHUB + "/") and depth != 2:
        raise ValueError(f"{value!r}: a GitHub repository is OWNER/NAME")
    _check_github_owner(key, value)
    return key


def repo_name_key(repo_name: str) -> Optional[str]:
    """Key of a release's ``repo_name`` (``owner/name`` for GitHub, else the origin URL);
    None when it cannot be normalized (it then matches nothing)."""
    if not isinstance(repo_name, str):
        return None
    text = repo_name.strip()
    try:
        if not _is_url(text) and not _first_segment_is_host(text) and text.count("/") == 1:
            return origin_key(f"{GITHUB}/{text}")
        return origin_key(text)
    except ValueError:
        return None


_KEY_OF = {"owner": owner_key, "repository": repository_key, "origin": origin_key}


def canonical_value(kind: str, value: str) -> str:
    """The one spelling of an entry's value in the canonical file."""
    key = _KEY_OF[kind](value)
    if kind == "origin":
        return f"https://{key}"
    if key.startswith(GITHUB + "/"):
        return key[len(GITHUB) + 1 :]
    return key


def query_key(text: str) -> Tuple[str, bool]:
    """What ``codestack optout check ORIGIN`` asks about: ``(key, is_owner)``.

    A URL or ``HOST/...`` is an origin; ``OWNER/NAME`` a GitHub repository;
    a bare ``NAME`` a GitHub account (every repository under it)."""
    stripped = text.strip().strip("/")
    if _is_url(stripped) or _first_segment_is_host(stripped):
        return origin_key(stripped), False
    if "/" in stripped:
        return repository_key(stripped), False
    return owner_key(stripped), True


# --------------------------------------------------------------------------
# Entries, the registry, matching
# --------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Entry:
    kind: str  # one of KINDS
    value: str  # canonical spelling
    requested: str  # YYYY-MM-DD
    reference: str
    github_id: Optional[int] = None
    line: int = 0  # where it was read (0: not read from a file)

    @property
    def key(self) -> str:
        return _KEY_OF[self.kind](self.value)

    @property
    def label(self) -> str:
        return f"{self.kind} {self.value}"

    def sort_key(self) -> Tuple[int, str]:
        return KINDS.index(self.kind), self.value


class Matcher:
    """Decides whether an origin is opted out. Plain dicts, cheap to pickle to workers."""

    def __init__(self, entries: Iterable[Entry]):
        self.owners: Dict[str, str] = {}
        self.exact: Dict[str, str] = {}
        self.repo_ids: Dict[int, str] = {}
        self.owner_ids: Dict[int, str] = {}
        for entry in sorted(entries, key=Entry.sort_key):
            if entry.kind == "owner":
                self.owners.setdefault(entry.key, entry.label)
                if entry.github_id is not None:
                    self.owner_ids.setdefault(entry.github_id, entry.label)
            else:
                self.exact.setdefault(entry.key, entry.label)
                if entry.github_id is not None:
                    self.repo_ids.setdefault(entry.github_id, entry.label)

    def __len__(self) -> int:
        return len(self.owners) + len(self.exact)

    def match_key(self, key: Optional[str]) -> Optional[str]:
        """The label of the entry that excludes origin ``key``, or None."""
        if not key:
            return None
        hit = self.exact.get(key)
        if hit:
            return hit
        parts = key.split("/")
        for n in range(2, len(parts) + 1):
            hit = self.owners.get("/".join(parts[:n]))
            if hit:
                return hit
        return None

    def match(
        self,
        origin_url: str = "",
        repo_name: str = "",
        github_id: Optional[int] = None,
        owner_github_id: Optional[int] = None,
    ) -> Optional[str]:
        """The label of the entry that excludes this repository, or None. Never raises:
        a value that cannot be normalized matches no name (ids still match)."""
        if github_id is not None and github_id in self.repo_ids:
            return self.repo_ids[github_id]
        if owner_github_id is not None and owner_github_id in self.owner_ids:
            return self.owner_ids[owner_github_id]
        keys = []
        if origin_url:
            try:
                keys.append(origin_key(origin_url))
            except ValueError:
                pass
        if repo_name:
            keys.append(repo_name_key(repo_name))
        for key in keys:
            hit = self.match_key(key)
            if hit:
                return hit
        return None


@dataclasses.dataclass(frozen=True)
class Registry:
    entries: Tuple[Entry, ...]
    path: str = ""

    def __len__(self) -> int:
        return len(self.entries)

    @functools.cached_property
    def text(self) -> str:
        return dumps(self.entries)

    @property
    def digest(self) -> str:
        """sha256 (hex) of the canonical file."""
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()

    def matcher(self) -> Matcher:
        return Matcher(self.entries)

    def summary(self) -> Dict[str, Any]:
        """What a manifest records: digest and entry count (no names)."""
        return {"sha256": self.digest, "entries": len(self.entries), "format_version": FORMAT_VERSION}

    def find(self, key: str) -> Optional[Entry]:
        """The entry whose own key is ``key`` (same kind family), or None."""
        for entry in self.entries:
            if entry.key == key:
                return entry
        return None


# --------------------------------------------------------------------------
# Canonical text
# --------------------------------------------------------------------------

_PLAIN = re.compile(r"^[A-Za-z0-9_./][A-Za-z0-9_./:@%+=&~,;!$*()'-]*$")
_STR_TAG = "tag:yaml.org,2002:str"


def _scalar(value: str) -> str:
    """``value`` as a YAML scalar: plain when it reads back as the same string."""
    if _PLAIN.match(value) and not value.endswith(":"):
        resolved = yaml.resolver.Resolver().resolve(yaml.ScalarNode, value, (True, False))
        if resolved == _STR_TAG:
            return value
    return json.dumps(value, ensure_ascii=False)


def dumps(entries: Iterable[Entry]) -> str:
    """The canonical text of a registry holding ``entries``."""
    ordered = sorted(entries, key=Entry.sort_key)
    lines = [HEADER.rstrip("\n"), f"version: {FORMAT_VERSION}"]
    if not ordered:
        lines.append("entries: []")
    else:
        lines.append("entries:")
    for entry in ordered:
        lines.append(f"- {entry.kind}: {_scalar(entry.value)}")
        lines.append(f"  requested: {entry.requested}")
        lines.append(f"  reference: {_scalar(entry.reference)}")
        if entry.github_id is not None:
            lines.append(f"  github_id: {entry.github_id}")
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------
# Parsing with line numbers
# --------------------------------------------------------------------------

Path = Tuple[Any, ...]


@functools.lru_cache(maxsize=1)
def schema() -> Dict[str, Any]:
    with open(SCHEMA_PATH, encoding="utf-8") as handle:
        return json.load(handle)


@functools.lru_cache(maxsize=1)
def _validator():
    import jsonschema

    cls = jsonschema.validators.validator_for(schema())
    cls.check_schema(schema())
    return cls(schema())


class _Plain:
    """Turns composed YAML nodes into plain values, remembering each value's line.

    Scalars keep their YAML type (int, bool, null, float, str), except that
    timestamps stay strings (the schema checks the date format)."""

    def __init__(self, filename: str):
        self.filename = filename
        self.lines: Dict[Path, int] = {}  # path of a value -> line of the value
        self.key_lines: Dict[Path, int] = {}  # path of a value -> line of its key
        self.problems: List[Problem] = []
        self._constructor = yaml.constructor.SafeConstructor()
        self._seen: set = set()

    def _problem(self, node, message: str) -> None:
        self.problems.append(Problem(self.filename, node.start_mark.line + 1, message))

    def value(self, node, path: Path = (), depth: int = 0):
        self.lines[path] = node.start_mark.line + 1
        if id(node) in self._seen:  # an alias: also stops "billion laughs" and cycles
            self._problem(node, "anchors and aliases (&name, *name) are not allowed; write the value out")
            return None
        self._seen.add(id(node))
        if depth > 20:
            self._problem(node, "nested too deeply")
            return None
        if isinstance(node, yaml.ScalarNode):
            if node.tag == "tag:yaml.org,2002:timestamp":
                return node.value
            try:
                return self._constructor.construct_object(node, deep=True)
            except (yaml.YAMLError, ValueError, TypeError, OverflowError) as exc:
                self._problem(node, f"cannot read {node.value!r}: {str(exc).splitlines()[0]}")
                return None
        if isinstance(node, yaml.SequenceNode):
            return [self.value(item, path + (i,), depth + 1) for i, item in enumerate(node.value)]
        if isinstance(node, yaml.MappingNode):
            out: Dict[str, Any] = {}
            for key_node, value_node in node.value:
                if not isinstance(key_node, yaml.ScalarNode) or key_node.tag == "tag:yaml.org,2002:merge":
                    self._problem(key_node, "a key must be a plain name")
                    continue
                key = key_node.value
                if key in out:
                    self._problem(key_node, f"{key!r} given twice in the same entry")
                    continue
                self.key_lines[path + (key,)] = key_node.start_mark.line + 1
                out[key] = self.value(value_node, path + (key,), depth + 1)
            return out
        self._problem(node, "unsupported YAML node")
        return None

    def line(self, path: Path, of_key: bool = False) -> int:
        path = tuple(path)
        if of_key and path in self.key_lines:
            return self.key_lines[path]
        while path and path not in self.lines:
            path = path[:-1]
        return self.lines.get(path, 1)


#: libyaml's parser when PyYAML was built with it (same nodes and marks, ~10x faster)
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _compose(text: str, filename: str):
    """The root node, or a Problem (YAML syntax errors keep their line)."""
    try:
        return yaml.compose(text, Loader=_LOADER)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        last = max(1, len(text.splitlines()))
        line = min(mark.line + 1, last) if mark is not None else 1
        what = " ".join(part for part in (exc.context, exc.problem) if part)
        return Problem(filename, line, f"not valid YAML: {what or 'syntax error'}")
    except yaml.YAMLError as exc:
        return Problem(filename, 1, f"not valid YAML: {str(exc).splitlines()[0] if str(exc) else 'syntax error'}")
    except RecursionError:
        return Problem(filename, 1, "not valid YAML: nested too deeply")


_TYPE_NAMES = {"string": "a string", "integer": "an integer", "object": "a mapping", "array": "a list"}


def _type_name(value: Any) -> str:
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return f"a boolean ({str(value).lower()})"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return f"{type(value).__name__} {value!r}"


def _schema_problems(errors, plain: _Plain, filename: str) -> List[Problem]:
    problems = []
    entry_fields = set(KINDS) | set(FIELDS)
    for error in errors:
        path = tuple(error.absolute_path)
        where = path[-1] if path and isinstance(path[-1], str) else None
        kind = error.validator
        if kind == "additionalProperties":
            allowed = entry_fields if path else {"version", "entries"}
            for extra in sorted(set(error.instance) - allowed, key=str):
                line = plain.line(path + (extra,), of_key=True)
                if path:
                    msg = (f"unknown kind or field {extra!r} (kinds: {', '.join(KINDS)}; "
                           f"fields: {', '.join(FIELDS)})")
                else:
                    msg = f"unknown top-level field {extra!r} (expected: version, entries)"
                problems.append(Problem(filename, line, msg))
            continue
        line = plain.line(path, of_key=True)
        if kind == "required":
            missing = re.findall(r"^'([^']*)'", error.message)
            name = missing[0] if missing else error.message
            where_text = "an entry" if path else "the registry"
            msg = f"{where_text} lacks {name!r}"
            if not path and name == "entries":
                msg += " (write `entries: []` for none)"
            problems.append(Problem(filename, plain.line(path), msg))
        elif kind == "oneOf":
            if not isinstance(error.instance, dict):
                continue  # reported as a type error
            kinds = [k for k in KINDS if isinstance(error.instance, dict) and k in error.instance]
            if kinds:
                msg = f"an entry names exactly one of owner, repository, origin (found: {', '.join(kinds)})"
            else:
                msg = "an entry names none of owner, repository, origin"
            problems.append(Problem(filename, plain.line(path), msg))
        elif kind == "type":
            expected = error.validator_value
            expected = _TYPE_NAMES.get(expected, expected) if isinstance(expected, str) else expected
            label = f"{where}: " if where else ("the registry: " if not path else "an entry: ")
            hint = " (quote it)" if where in KINDS and isinstance(error.instance, (int, float, bool)) else ""
            got = _type_name(error.instance)
            problems.append(Problem(filename, line, f"{label}expected {expected}, got {got}{hint}"))
        elif kind == "const":
            problems.append(Problem(filename, line, f"{where or 'value'}: expected {error.validator_value!r}, "
                                                    f"got {error.instance!r}"))
        elif kind == "pattern" and where == "requested":
            problems.append(Problem(filename, line, f"requested: {error.instance!r} is not a date YYYY-MM-DD"))
        elif kind == "pattern" and where == "reference":
            problems.append(Problem(filename, line, f"reference: {error.instance!r} is not an http(s) URL "
                                                    "(the pull request or issue)"))
        elif kind in ("minLength", "maxLength", "minimum", "maximum"):
            problems.append(Problem(filename, line, f"{where or 'value'}: {error.instance!r} is out of range "
                                                    f"({kind} {error.validator_value})"))
        else:
            dotted = ".".join(str(p) for p in path) or "registry"
            problems.append(Problem(filename, line, f"{dotted}: {error.message}"))
    return problems


def _entry_from(raw: Dict[str, Any], line: int, plain: _Plain, path: Path, filename: str):
    """``(entry or None, problems)`` for one schema-valid entry mapping."""
    problems = []
    kind = next(k for k in KINDS if k in raw)
    value = raw[kind]
    try:
        canonical = canonical_value(kind, value)
    except ValueError as exc:
        return None, [Problem(filename, plain.line(path + (kind,)), f"{kind}: {exc}")]
    requested = raw["requested"]
    try:
        datetime.date.fromisoformat(requested)
    except ValueError:
        problems.append(Problem(filename, plain.line(path + ("requested",)),
                                f"requested: {requested!r} is not a calendar date"))
    if problems:
        return None, problems
    if canonical != value:
        problems.append(Problem(filename, plain.line(path + (kind,)),
                                f"{kind}: write {canonical!r}, the canonical form of {value!r}", hard=False))
    entry = Entry(kind=kind, value=canonical, requested=requested, reference=raw["reference"].strip(),
                  github_id=raw.get("github_id"), line=line)
    return entry, problems


def parse(text: str, filename: str) -> Tuple[List[Entry], List[Problem]]:
    """Entries and every problem of a registry's text (hard and canonical-form ones).

    Never raises on malformed input: each problem is ``FILE:LINE: message``."""
    root = _compose(text, filename)
    if isinstance(root, Problem):
        return [], [root]
    if root is None:
        return [], [Problem(filename, 1, "empty registry: expected `version: 1` and `entries:`")]
    plain = _Plain(filename)
    instance = plain.value(root)
    problems = list(plain.problems)
    errors = sorted(_validator().iter_errors(instance), key=lambda e: [str(p) for p in e.absolute_path])
    problems.extend(_schema_problems(errors, plain, filename))
    entries: List[Entry] = []
    raw_entries = instance.get("entries") if isinstance(instance, dict) else None
    if isinstance(raw_entries, list):
        failing = {tuple(e.absolute_path)[1] for e in errors
                   if len(e.absolute_path) >= 2 and tuple(e.absolute_path)[0] == "entries"}
        for index, raw in enumerate(raw_entries):
            if index in failing or not isinstance(raw, dict):
                continue
            path = ("entries", index)
            entry, found = _entry_from(raw, plain.line(path), plain, path, filename)
            problems.extend(found)
            if entry is not None:
                entries.append(entry)
    if any(p.hard for p in problems):
        return entries, sorted(set(problems))
    problems.extend(_consistency(entries, filename))
    if not problems and text != dumps(entries):
        problems.append(_first_difference(text, dumps(entries), filename))
    return entries, sorted(set(problems))


def _consistency(entries: Sequence[Entry], filename: str) -> List[Problem]:
    """Duplicates and order: departures from the canonical form (not hard)."""
    problems = []
    seen_keys: Dict[Tuple[bool, str], Entry] = {}
    seen_ids: Dict[Tuple[bool, int], Entry] = {}
    for entry in entries:
        family = entry.kind == "owner"
        earlier = seen_keys.get((family, entry.key))
        if earlier is not None:
            problems.append(Problem(filename, entry.line, f"{entry.label} repeats {earlier.label} "
                                                          f"(line {earlier.line})", hard=False))
        else:
            seen_keys[(family, entry.key)] = entry
        if entry.github_id is not None:
            earlier = seen_ids.get((family, entry.github_id))
            if earlier is not None:
                problems.append(Problem(filename, entry.line, f"github_id {entry.github_id} is also given to "
                                                              f"{earlier.label} (line {earlier.line})", hard=False))
            else:
                seen_ids[(family, entry.github_id)] = entry
    for before, after in zip(entries, entries[1:]):
        if after.sort_key() < before.sort_key():
            problems.append(Problem(filename, after.line, f"out of order: {after.label} belongs before "
                                                          f"{before.label} (line {before.line}); entries are "
                                                          "sorted by kind (owner, repository, origin), then value",
                                    hard=False))
    return problems


def _first_difference(text: str, canonical: str, filename: str) -> Problem:
    have, want = text.splitlines(), canonical.splitlines()
    for number, (a, b) in enumerate(zip(have, want), 1):
        if a != b:
            return Problem(filename, number, f"not in canonical form: expected {b!r}, found {a!r}", hard=False)
    number = min(len(have), len(want)) + 1
    if len(have) > len(want):
        return Problem(filename, number, f"not in canonical form: unexpected {have[number - 1]!r}", hard=False)
    if len(have) < len(want):
        return Problem(filename, max(1, number), f"not in canonical form: expected {want[number - 1]!r}", hard=False)
    return Problem(filename, max(1, len(have)), "not in canonical form: line endings or final newline differ",
                   hard=False)


def read_text(path: str) -> str:
    """The registry file's text; raises RegistryError (FILE:1: ...) when unreadable."""
    try:
        with open(path, "rb") as handle:
            raw = handle.read()
    except OSError as exc:
        raise RegistryError([Problem(path, 1, f"cannot read: {exc.strerror or exc}")]) from exc
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise RegistryError([Problem(path, line, "not UTF-8 text")]) from exc


def validate(path: str = PACKAGED) -> List[Problem]:
    """Every problem of the registry file at ``path`` (empty: valid and canonical)."""
    try:
        text = read_text(path)
    except RegistryError as exc:
        return exc.problems
    return parse(text, path)[1]


def load(path: Optional[str] = None) -> Registry:
    """The registry at ``path`` (default: the packaged one).

    Raises RegistryError when an entry cannot be understood; departures from the
    canonical form (order, spelling, duplicates) do not stop a load."""
    path = path or PACKAGED
    entries, problems = parse(read_text(path), path)
    hard = [p for p in problems if p.hard]
    if hard:
        raise RegistryError(hard)
    return Registry(entries=tuple(sorted(_unique(entries), key=Entry.sort_key)), path=path)


def _unique(entries: Iterable[Entry]) -> List[Entry]:
    seen, out = set(), []
    for entry in sorted(entries, key=lambda e: (e.sort_key(), e.requested, e.reference, e.github_id or 0)):
        ident = (entry.kind == "owner", entry.key)
        if ident not in seen:
            seen.add(ident)
            out.append(entry)
    return out


def make_entry(kind: str, value: str, reference: str, requested: str, github_id: Optional[int] = None) -> Entry:
    """A new entry in canonical form; raises ValueError with a one-line reason."""
    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r} (known: {', '.join(KINDS)})")
    canonical = canonical_value(kind, value)
    try:
        datetime.date.fromisoformat(requested)
    except (TypeError, ValueError):
        raise ValueError(f"requested {requested!r}: expected a date YYYY-MM-DD") from None
    if not re.match(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$", requested):
        raise ValueError(f"requested {requested!r}: expected a date YYYY-MM-DD")
    reference = (reference or "").strip()
    if not re.match(schema()["$defs"]["entry"]["properties"]["reference"]["pattern"], reference):
        raise ValueError(f"reference {reference!r}: expected the http(s) URL of the pull request or issue")
    if github_id is not None and not (1 <= github_id <= 2**63 - 1):
        raise ValueError(f"github_id {github_id}: expected a positive integer")
    return Entry(kind=kind, value=canonical, requested=requested, reference=reference, github_id=github_id)


def add(path: str, entry: Entry) -> Registry:
    """Add ``entry`` to the registry file at ``path`` (created when missing) and
    rewrite the file in canonical form. Raises RegistryError if the file cannot
    be used, ValueError if the entry is already there."""
    if os.path.exists(path):
        registry = load(path)
        entries = list(registry.entries)
    else:
        entries = []
    family = entry.kind == "owner"
    for other in entries:
        if (other.kind == "owner") == family and other.key == entry.key:
            where = f"{path}:{other.line}" if other.line else path
            raise ValueError(f"{entry.label} is already in the registry as {other.label} ({where})")
    entries.append(entry)
    text = dumps(entries)
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8", newline="\n") as handle:
        handle.write(text)
    os.replace(tmp, path)
    return load(path)
