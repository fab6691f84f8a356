"""Formats of any issuer: JWTs (also base64-wrapped), age keys, Django secret keys, the values of a
Kubernetes ``Secret`` (its ``data:`` entries are base64, ``stringData:`` plain), ``.netrc`` passwords
and the defaults of Terraform variables that name a secret."""

from __future__ import annotations

import base64
import binascii
import re

from transforms.redact.config import KEY, PASSWORD, PLACEHOLDER
from transforms.redact.formats._base import Detector, prefixed
from transforms.redact.rules import _Cand


def _jwt_ok(value: str) -> bool:
    from detect_secrets.plugins.jwt import JwtTokenDetector

    return JwtTokenDetector.is_formally_valid(value)


def _b64decode(value: str):
    try:
        return base64.b64decode(value + "=" * (-len(value) % 4), validate=True)
    except (binascii.Error, ValueError):
        return None


def _b64_jwt_ok(value: str) -> bool:
    raw = _b64decode(value.rstrip("="))
    if raw is None:
        return False
    try:
        decoded = raw.decode("ascii").strip()
    except UnicodeDecodeError:
        return False
    return _JWT.fullmatch(decoded) is not None and _jwt_ok(decoded)


_JWT = re.compile(r"eyJ[A-Za-z0-9_\-]{10,}={0,2}\.eyJ[A-Za-z0-9_\-]{4,}={0,2}\.[A-Za-z0-9_\-]*={0,2}")

# --- Kubernetes Secret manifests -------------------------------------------------------------
_DOC_SPLIT = re.compile(r"^---[ \t]*$", re.MULTILINE)
_KIND_SECRET = re.compile(r"""^[ \t]*["']?kind["']?[ \t]*:[ \t]*["']?Secret["']?[ \t]*,?[ \t]*$""", re.MULTILINE)
_DATA_BLOCK = re.compile(r"^(?P<indent>[ \t]*)(?P<which>data|stringData)[ \t]*:[ \t]*$", re.MULTILINE)
_ENTRY = re.compile(r"""(?P<indent>[ \t]*)["']?(?P<name>[\w.\-/]+)["']?[ \t]*:[ \t]*(?:(?P<q>["'])(?P<qv>[^"'\r\n]*)(?P=q)|(?P<v>[^\s#"'|>][^\s#]*))[ \t]*(?:#.*)?$""")
_JSON_DATA = re.compile(r"""["'](?P<which>data|stringData)["']\s*:\s*\{(?P<body>[^{}]*)\}""")
_JSON_ENTRY = re.compile(r"""["'](?P<name>[\w.\-/]+)["']\s*:\s*["'](?P<qv>[^"'\r\n]*)["']""")
_B64_VALUE = re.compile(r"[A-Za-z0-9+/]{4,}={0,2}")


def _k8s_value(redactor, name: str, value: str, encoded: bool):
    """KEY/PASSWORD, PLACEHOLDER, or None (a template, a reference, not base64)."""
    from transforms.redact.values import is_placeholder

    if not value or value.startswith(("{{", "${", "$(", "<")):
        return None
    if encoded:
        if _B64_VALUE.fullmatch(value) is None or len(value) % 4:
            return None
        raw = _b64decode(value)
        if raw is None:
            return None
        plain = raw.decode("utf-8", "replace").strip()
    else:
        plain = value
    if len(plain) < 4 or is_placeholder(plain) or is_placeholder(value):
        return PLACEHOLDER
    return PASSWORD if "pass" in name.lower() else KEY


def _kubernetes_secrets(redactor, ctx, kind):
    text = ctx.text
    pos = 0
    bounds = [m.start() for m in _DOC_SPLIT.finditer(text)] + [len(text)]
    for doc_end in bounds:
        doc_start, pos = pos, doc_end
        if _KIND_SECRET.search(text, doc_start, doc_end) is None:
            continue
        for block in _DATA_BLOCK.finditer(text, doc_start, doc_end):
            indent = len(block.group("indent").expandtabs())
            encoded = block.group("which") == "data"
            line_start = block.end() + 1
            while line_start < doc_end:
                line_end = text.find("\n", line_start, doc_end)
                line_end = doc_end if line_end < 0 else line_end
                line = text[line_start:line_end].rstrip("\r")
                if line.strip() and not line.lstrip().startswith("#"):
                    match = _ENTRY.fullmatch(line)
                    if match is None or len(match.group("indent").expandtabs()) <= indent:
                        break
                    group = "qv" if match.group("qv") is not None else "v"
                    category = _k8s_value(redactor, match.group("name"), match.group(group), encoded)
                    if category is not None:
                        yield _Cand(line_start + match.start(group), line_start + match.end(group), kind, category, 2)
                line_start = line_end + 1
        for block in _JSON_DATA.finditer(text, doc_start, doc_end):
            encoded = block.group("which") == "data"
            base = block.start("body")
            for match in _JSON_ENTRY.finditer(block.group("body")):
                category = _k8s_value(redactor, match.group("name"), match.group("qv"), encoded)
                if category is not None:
                    yield _Cand(base + match.start("qv"), base + match.end("qv"), kind, category, 2)


# --- .netrc entries and Terraform variable defaults -----------------------------------------------
_NETRC = re.compile(r"^[ \t]*(?:machine[ \t]+\S+[ \t]+)?(?:login[ \t]+\S+[ \t]+)?password[ \t]+(\S+)[ \t]*\r?$",
                    re.MULTILINE)
_TF_VARIABLE = re.compile(r"""\bvariable[ \t]+"(?P<name>[\w\-]+)"[ \t]*\{""")
_TF_DEFAULT = re.compile(r"""^[ \t]*default[ \t]*=[ \t]*"(?P<v>[^"\\\r\n]{1,512})"[ \t]*\r?$""", re.MULTILINE)


def _netrc_passwords(redactor, ctx, kind):
    """``machine HOST login USER password SECRET`` (on one line or several): the password."""
    if "login" not in ctx.text:
        return
    for match in _NETRC.finditer(ctx.text):
        value = match.group(1)
        if redactor.plausible_password(value, in_url=True):
            yield _Cand(match.start(1), match.end(1), kind, PASSWORD, 2)


def _terraform_defaults(redactor, ctx, kind):
    """``variable "db_password" { default = "..." }``: the default of a variable that names a secret."""
    from transforms.redact.assignments import _KEY_WORDS, _KEYWORD, _not_secret_name

    text = ctx.text
    for match in _TF_VARIABLE.finditer(text, ctx.start, ctx.end):
        name = match.group("name")
        word = _KEYWORD.search(name)
        if word is None or _not_secret_name(name):
            continue
        close = text.find("\n}", match.end(), match.end() + 2000)
        stop = close if close >= 0 else min(len(text), match.end() + 2000)
        default = _TF_DEFAULT.search(text, match.end(), stop)
        if default is None:
            continue
        value = text[default.start("v"):default.end("v")]
        if word.group("pw") is not None and not re.search(_KEY_WORDS, name, re.IGNORECASE):
            if redactor.plausible_password(value):
                yield _Cand(default.start("v"), default.end("v"), "generic_password", PASSWORD, 1)
        elif redactor.plausible_key(value, text[default.start():default.end()]):
            yield _Cand(default.start("v"), default.end("v"), "generic_secret", KEY, 1)


RULES = (
    Detector("netrc_password", _netrc_passwords, file_anchors=("machine ",)),
    Detector("terraform_variable", _terraform_defaults, anchors=("variable",)),
    prefixed("jwt", _JWT.pattern, "eyj", check=_jwt_ok, bounded=False),
    prefixed("jwt_base64", r"ZXlK[A-Za-z0-9+/]{40,}={0,2}", "zxlk", check=_b64_jwt_ok),
    prefixed("age_secret_key", r"AGE-SECRET-KEY-1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58}", "age-secret-key-1",
             bounded=False),
    prefixed("django_secret_key", r"django-insecure-[A-Za-z0-9!@#$%^&*(\-_=+)]{30,}", "django-insecure-", bounded=False),
    Detector("kubernetes_secret", _kubernetes_secrets,
             file_anchors=("kind: secret", "kind: \"secret\"", "kind: 'secret'", "\"kind\": \"secret\"",
                           "\"kind\":\"secret\"")),
)
