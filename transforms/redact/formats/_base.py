"""Helpers shared by the format modules: compact constructors for :class:`_Rule`."""

from __future__ import annotations

import re
from typing import Callable, Iterable, Iterator, NamedTuple, Pattern, Tuple

from transforms.redact.config import KEY
from transforms.redact.rules import _Cand, _Ctx, _Rule


def rx(pattern: str, flags: int = 0) -> Pattern:
    return re.compile(pattern, flags | re.MULTILINE)


def anchors_of(spec) -> Tuple[str, ...]:
    """``"ghp_ gho_"`` or a tuple: lower-case anchor literals."""
    if isinstance(spec, str):
        spec = spec.split()
    return tuple(a.lower() for a in spec)


def prefixed(kind: str, pattern: str, anchors, **kw) -> _Rule:
    """A key whose format starts with a distinctive prefix: the whole match is the secret and must
    not touch letters or digits on either side."""
    kw.setdefault("bounded", True)
    return _Rule(kind, kw.pop("category", KEY), rx(pattern), anchors=anchors_of(anchors), **kw)


def grouped(kind: str, pattern: str, anchors, group: int = 1, **kw) -> _Rule:
    """A secret inside a larger structure (a URL, an attribute): ``group`` is the secret."""
    return _Rule(kind, kw.pop("category", KEY), rx(pattern), group=group, anchors=anchors_of(anchors), **kw)


#: between a service's name and the value: more of the name, a closing quote, the operator, a quote
_NAME = r"[\w.\- ]{0,40}?"
_OP = r"""["'\]]*[ \t]*(?:=|:=|=>|:|,|\s)[ \t]*["'`]?"""


def _secret_name(match) -> bool:
    """The name does not say the value is something else (``*_url``, ``*_id``, ``*_host``)."""
    from transforms.redact.assignments import _not_secret_name

    return not _not_secret_name(match.group("name").strip())


def keyword(kind: str, names: str, value: str, anchors=None, **kw) -> _Rule:
    """``<service>...name = value``: a value of a known shape assigned to a name that names the service
    (``sumo_access_id: su...``). ``names`` is a regex alternation (matched case-insensitively), the
    anchors default to its literal alternatives."""
    pattern = rf"(?P<name>(?i:(?:{names})){_NAME})(?P<op>{_OP})({value})(?![A-Za-z0-9_\-])"
    if kw.pop("any_name", False) is False:
        kw["check_match"] = _secret_name
    if anchors is None:
        anchors = tuple(a for a in names.split("|"))
    return _Rule(kind, kw.pop("category", KEY), rx(pattern), group=3, anchors=anchors_of(anchors), **kw)


class Detector(NamedTuple):
    """A format that needs code, not one regex (a YAML block, a decoded value). Duck-types :class:`_Rule`
    for the redactor: ``run``, ``anchors``, ``file_anchors``."""

    kind: str
    function: Callable[..., Iterable[_Cand]]
    anchors: Tuple[str, ...] = ()
    file_anchors: Tuple[str, ...] = ()

    def run(self, redactor, ctx: _Ctx) -> Iterator[_Cand]:
        return iter(self.function(redactor, ctx, self.kind))
