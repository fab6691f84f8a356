"""Evidence from a file: license files and READMEs, manifests, headers."""

from __future__ import annotations

import configparser
import email.parser
import html
import json
import re
import tomllib
import xml.etree.ElementTree as ElementTree
from typing import Dict, List, NamedTuple, Optional, Tuple

from transforms.base import Count
from transforms.record import CodeFile
from transforms.license.config import ALL_RIGHTS_RESERVED, PROPRIETARY, UNKNOWN
from transforms.license.names import _is_strong_license_file
from transforms.license.spdx import Evidence
from transforms.license.engine import (Engine, _cut, _noop, _reserved_only, _scan_expression, _sha1, prefer_variants,
                                      with_spdx_text)

# --------------------------------------------------------------------------- license files and READMEs


def license_file_evidence(record: CodeFile, engine: Engine, count: Count, runtime: Count = _noop) -> Optional[Evidence]:
    text = record.content
    if not text.strip():
        count("evidence:empty_license_file")
        return None
    text = _cut(text, engine.config.max_scan_chars, count)
    cut = len(text) < len(record.content)
    count("scans:license_file")
    key = ("cut", _sha1(text)) if cut else ("file", record.blob_id or _sha1(text))
    # ScanCode's approximate matching finds modified license texts, which LICENSE / COPYING
    # files hold; NOTICE and COPYRIGHT files hold attributions and references to licenses,
    # which its exact matchers find (on bench/e2e's corpus: same expression for every
    # NOTICE file, at a sixth of the time)
    strong = _is_strong_license_file(record.path)
    expression, matched = _scan_expression(engine, key, text, count, runtime, cut, approximate=strong)
    kind = "license_file" if strong else "notice_file"
    if expression:
        return Evidence(kind, record.path, expression)
    if _reserved_only(text, matched):
        return Evidence(kind, record.path, ALL_RIGHTS_RESERVED, "all rights reserved")
    if strong:
        count("evidence:unidentified")
        return Evidence(kind, record.path, "", "unidentified")
    return None


_ATX = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)[\s#]*$")
_UNDERLINE = re.compile(r"^\s*([=\-~^*+#`'\".:_])\1{2,}\s*$")
_LICENSE_TITLE = re.compile(r"\b(?:licen[cs](?:e|es|ing)|copying|copyright)\b", re.I)
_LICENSE_LINE = re.compile(r"^\s*(?:[*_]{2})?licen[cs]e(?:[*_]{2})?\s*[:：]\s*\S", re.I)
_README_SECTION_LINES = 200


def readme_license_section(text: str) -> str:
    """The license section(s) of a README (Markdown/RST/AsciiDoc headings, ``License: X`` lines)."""
    lines = text.splitlines()
    headings = []  # (line index, level, title, first body line)
    for i, line in enumerate(lines):
        atx = _ATX.match(line)
        if atx:
            headings.append((i, len(atx.group(1)), atx.group(2), i + 1))
        elif i + 1 < len(lines) and line.strip() and not _UNDERLINE.match(line) and _UNDERLINE.match(lines[i + 1]) \
                and len(lines[i + 1].strip()) >= min(3, len(line.strip())):
            level = 1 if lines[i + 1].strip()[0] == "=" else 2
            headings.append((i, level, line.strip(), i + 2))
    sections: List[str] = []
    taken = set()
    for n, (index, level, title, body) in enumerate(headings):
        if not _LICENSE_TITLE.search(title):
            continue
        end = len(lines)
        for later in headings[n + 1:]:
            if later[1] <= level:
                end = later[0]
                break
        end = min(end, body + _README_SECTION_LINES)
        sections.append("\n".join(lines[body:end]))
        taken.update(range(index, end))
    for i, line in enumerate(lines):
        if i not in taken and _LICENSE_LINE.match(line):
            sections.append(line.strip())
    return "\n\n".join(s for s in sections if s.strip()).strip()


_HEADING = re.compile(r"<h([1-6])\b[^>]*>(.*?)</h\1\s*>", re.I | re.S)
_TAG = re.compile(r"<[^>]+>")
_BREAKS = re.compile(r"<(?:br|p|/p|div|/div|li|blockquote|/blockquote|pre|/pre)\b[^>]*>", re.I)


def html_as_markdown(text: str) -> str:
    """An HTML page as text with its headings as Markdown headings (``<h2>License</h2>`` -> ``## License``)."""
    def heading(match):
        title = " ".join(html.unescape(_TAG.sub("", match.group(2))).split())
        return "\n\n" + "#" * int(match.group(1)) + " " + title + "\n\n"

    return html.unescape(_TAG.sub("", _BREAKS.sub("\n", _HEADING.sub(heading, text))))


def readme_evidence(record: CodeFile, engine: Engine, count: Count, runtime: Count = _noop) -> Optional[Evidence]:
    text = _cut(record.content, engine.config.max_scan_chars, count)
    if record.path.lower().endswith((".html", ".htm", ".xhtml")):  # doc/readme.html: HTML headings
        text = html_as_markdown(text)
    section = readme_license_section(text)
    if not section:
        return None
    count("scans:readme")
    expression, _ = _scan_expression(engine, ("readme", _sha1(section)), section, count, runtime)
    if expression:
        return Evidence("readme", record.path, expression, "license section")
    return None


# --------------------------------------------------------------------------- manifests


class ManifestError(ValueError):
    """A manifest that cannot be parsed."""


class Declared(NamedTuple):
    field: str
    values: Tuple[str, ...]
    relation: str  # how several values combine: AND or OR


_CABAL_NAMES = {
    "gpl-2": "GPL-2.0-only", "gpl-3": "GPL-3.0-only", "lgpl-2": "LGPL-2.0-only", "lgpl-2.1": "LGPL-2.1-only",
    "lgpl-3": "LGPL-3.0-only", "agpl-3": "AGPL-3.0-only", "bsd2": "BSD-2-Clause", "bsd3": "BSD-3-Clause",
    "bsd4": "BSD-4-Clause", "mit": "MIT", "isc": "ISC", "mpl-2.0": "MPL-2.0", "apache-2.0": "Apache-2.0",
    "apache": "Apache-2.0", "publicdomain": "LicenseRef-scancode-public-domain",
    "allrightsreserved": ALL_RIGHTS_RESERVED, "unspecifiedlicense": "", "otherlicense": UNKNOWN,
}
_R_NAMES = {
    "gpl-2": "GPL-2.0-only", "gpl-3": "GPL-3.0-only", "gpl (>= 2)": "GPL-2.0-or-later", "gpl (>= 3)": "GPL-3.0-or-later",
    "gpl (>= 2.0)": "GPL-2.0-or-later", "gpl": "GPL-2.0-or-later", "lgpl-2": "LGPL-2.0-only", "lgpl-2.1": "LGPL-2.1-only",
    "lgpl-3": "LGPL-3.0-only", "lgpl (>= 2)": "LGPL-2.0-or-later", "lgpl (>= 2.1)": "LGPL-2.1-or-later",
    "lgpl (>= 3)": "LGPL-3.0-or-later", "agpl-3": "AGPL-3.0-only", "bsd_2_clause": "BSD-2-Clause",
    "bsd_3_clause": "BSD-3-Clause", "mit": "MIT", "cc0": "CC0-1.0", "apache license 2.0": "Apache-2.0",
    "apache license (== 2.0)": "Apache-2.0", "apache license (>= 2)": "Apache-2.0", "artistic-2.0": "Artistic-2.0",
    "mpl-2.0": "MPL-2.0", "unlimited": "LicenseRef-scancode-public-domain",
}
_NONE_VALUES = {"", "unknown", "none", "noassertion", "n/a", "na", "null", "other", "undefined", "see license", "license"}
_GEM_LICENSE = re.compile(r"\.licen[cs]es?\s*=\s*(%w[\[(][^\])]*[\])]|\[[^\]]*\]|\"[^\"]*\"|'[^']*')", re.S)
_QUOTED = re.compile(r"\"([^\"]*)\"|'([^']*)'")


def _text_values(value, where: str) -> Tuple[str, ...]:
    """A license field that is a string, a {type|name: ...} object, or a list of either."""
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    if isinstance(value, dict):
        inner = value.get("type") or value.get("name") or value.get("text")
        return (inner,) if isinstance(inner, str) else ()
    if isinstance(value, list):
        out: List[str] = []
        for item in value:
            out.extend(_text_values(item, where))
        return tuple(out)
    raise ManifestError(f"{where}: unexpected {type(value).__name__}")


def declared_licenses(kind: str, text: str) -> List[Declared]:
    """What a manifest declares, unnormalized. Raises :class:`ManifestError` when it cannot be parsed."""
    try:
        if kind in ("package.json", "composer.json"):
            data = json.loads(text)
            if not isinstance(data, dict):
                raise ManifestError("not a JSON object")
            out = []
            if "license" in data:
                # composer: a list of licenses is a choice (documented as disjunctive)
                out.append(Declared("license", _text_values(data["license"], "license"), "OR" if kind == "composer.json" else "AND"))
            if "licenses" in data:
                out.append(Declared("licenses", _text_values(data["licenses"], "licenses"), "AND"))
            return out
        if kind in ("Cargo.toml", "pyproject.toml"):
            data = tomllib.loads(text)
            out = []
            if kind == "Cargo.toml":
                value = (data.get("package") or {}).get("license")
                if isinstance(value, str):  # legacy Cargo: "MIT/Apache-2.0" means OR
                    out.append(Declared("package.license", (re.sub(r"\s*/\s*", " OR ", value),), "AND"))
            else:
                value = (data.get("project") or {}).get("license")
                if isinstance(value, str):
                    out.append(Declared("project.license", (value,), "AND"))
                elif isinstance(value, dict) and isinstance(value.get("text"), str):
                    out.append(Declared("project.license.text", (value["text"],), "AND"))
                poetry = ((data.get("tool") or {}).get("poetry") or {}).get("license")
                if isinstance(poetry, str):
                    out.append(Declared("tool.poetry.license", (poetry,), "AND"))
            return out
        if kind == "setup.cfg":
            parser = configparser.ConfigParser(interpolation=None, strict=False)
            parser.read_string(text)
            value = parser.get("metadata", "license", fallback=None)
            return [Declared("metadata.license", (value,), "AND")] if value else []
        if kind == "PKG-INFO":
            message = email.parser.HeaderParser().parsestr(text)
            if not message.get("Metadata-Version") and not message.get("Name"):
                raise ManifestError("no Metadata-Version or Name header")
            if message.get("License-Expression"):
                return [Declared("License-Expression", (message["License-Expression"],), "AND")]
            out = []
            license_text = (message.get("License") or "").strip()
            if license_text:
                out.append(Declared("License", (license_text,), "AND"))
            classifiers = tuple(c.strip() for c in message.get_all("Classifier") or ()
                                if c.strip().startswith("License ::") and c.strip() != "License :: OSI Approved")
            if classifiers:
                out.append(Declared("Classifier", classifiers, "AND"))
            return out
        if kind == "*.gemspec":
            values: List[str] = []
            for raw in _GEM_LICENSE.findall(text):
                if raw.startswith("%w"):
                    values.extend(raw[3:-1].split())
                else:
                    values.extend(a or b for a, b in _QUOTED.findall(raw))
            return [Declared("licenses", tuple(values), "AND")] if values else []
        if kind == "pom.xml":
            root = ElementTree.fromstring(text)
            names: List[str] = []
            for element in root.iter():
                if element.tag.rsplit("}", 1)[-1] != "license":
                    continue
                fields = {child.tag.rsplit("}", 1)[-1]: (child.text or "").strip() for child in element}
                if fields.get("name") or fields.get("url"):
                    names.append(fields.get("name") or fields.get("url"))
            # Maven: several licenses listed means the user may pick any of them
            return [Declared("licenses", tuple(names), "OR")] if names else []
        if kind == "*.cabal":
            match = re.search(r"^license\s*:\s*(.+)$", text, re.I | re.M)
            if not match:
                return []
            value = match.group(1).strip()
            mapped = _CABAL_NAMES.get(value.lower().replace(" ", ""), value)
            return [Declared("license", (mapped,), "AND")] if mapped else []
        if kind == "DESCRIPTION":
            fields: Dict[str, str] = {}
            last = None
            for line in text.splitlines():
                if line[:1] in (" ", "\t") and last:
                    fields[last] += " " + line.strip()
                elif ":" in line:
                    last, _, value = line.partition(":")
                    last = last.strip()
                    fields[last] = value.strip()
            if "Package" not in fields:
                raise ManifestError("no Package field")
            value = fields.get("License", "")
            alternatives = []
            for part in value.split("|"):
                part = re.sub(r"\+\s*file\s+LICEN[CS]E\b", "", part, flags=re.I).strip()
                if part:
                    alternatives.append(_R_NAMES.get(part.lower(), part))
            return [Declared("License", tuple(alternatives), "OR")] if alternatives else []
    except ManifestError:
        raise
    except (ValueError, tomllib.TOMLDecodeError, configparser.Error, ElementTree.ParseError, TypeError, AttributeError) as exc:
        raise ManifestError(f"{type(exc).__name__}: {exc}") from exc
    return []


def declared_expression(value: str, engine: Engine, count: Count, runtime: Count = _noop) -> Optional[str]:
    """A declared license (SPDX or free text: ``'Apache License, Version 2.0'``) as SPDX;
    ``''`` when it names a license nobody can identify; None when it states none
    (``UNKNOWN``, ``SEE LICENSE IN <file>``: the license file speaks)."""
    value = value.strip()
    if value.lower() in _NONE_VALUES or value.upper().startswith("SEE LICEN"):
        return None
    if value.upper() == "UNLICENSED":
        return PROPRIETARY
    expression, invalid = engine.spdx.normalize(value)
    if expression and not invalid:
        return expression
    text = _cut(value, engine.config.max_scan_chars, count)
    count("scans:declared")
    scanned, _ = _scan_expression(engine, ("declared", _sha1(text)), text, count, runtime)
    return scanned


def manifest_evidence(record: CodeFile, kind: str, engine: Engine, count: Count, runtime: Count = _noop) -> Optional[Evidence]:
    if record.length_bytes > engine.config.max_manifest_bytes or len(record.content) > engine.config.max_manifest_bytes:
        count("manifest:malformed")
        return None
    try:
        declared = declared_licenses(kind, record.content)
    except ManifestError:
        count("manifest:malformed")
        return None
    parts: List[str] = []
    fields: List[str] = []
    unidentified = False
    for item in declared:
        found = [declared_expression(v, engine, count, runtime) for v in item.values if isinstance(v, str)]
        unidentified = unidentified or "" in found
        expressions = [e for e in found if e]
        if expressions:
            parts.append(engine.spdx.combine(expressions, item.relation))
            fields.append(item.field)
    if not parts:
        return Evidence("manifest", record.path, "", f"{kind}: unidentified") if unidentified else None
    return Evidence("manifest", record.path, engine.spdx.combine(parts, "AND"), f"{kind}: {', '.join(fields)}")


# --------------------------------------------------------------------------- headers

_BLOCKS = (("/*", "*/"), ("<!--", "-->"), ('"""', '"""'), ("'''", "'''"), ("{-", "-}"), ("(*", "*)"),
           ("=begin", "=end"), ("--[[", "]]"), ("#|", "|#"), ("%{", "%}"))
_LINE_MARKERS = ("#", "//", "--", ";", "%", "!", "*", "'", "rem ", "::", "dnl ", "@rem")
_PREAMBLE = re.compile(r"^(?:#!|<\?php|<\?xml|<\?|@echo\s+off|[\"']use strict[\"'])", re.I)
_SPDX_LINE = re.compile(r"SPDX-License-Identifier\s*:\s*(.+?)\s*(?:\*/|-->|\*\)|-\}|\"\"\"|\'\'\'|$)", re.I | re.M)
#: what an SPDX expression can hold (a docstring that mentions ``SPDX-License-Identifier:`` is no declaration)
_SPDX_VALUE = re.compile(r"[A-Za-z0-9(][A-Za-z0-9.+\-:() ]*")
_SPDX_WORD = re.compile(r"SPDX-License-Identifier", re.I)
_KEYWORDS = re.compile(
    r"licen[cs]|spdx|all\s+rights\s+reserved|public\s+domain|\bgnu\b|\bgpl|mozilla|permission\s+is\s+hereby\s+granted"
    r"|redistribution\s+and\s+use|free\s+software|proprietary|confidential|warrant"
    # permission notices that never say "license": the grant itself ("Permission to use, copy ...",
    # "may be used for any purpose", "You can use this code in any manner", "Its use is unrestricted")
    r"|\bpermission\b|\bpermitted\b|\bfreely\b|without\s+(?:fee|restriction|charge)"
    r"|\bmay\s+be\s+(?:freely\s+)?(?:used|copied|distributed|redistributed|modified|reproduced)"
    r"|\b(?:you|anyone|anybody)\s+(?:can|may|is\s+free\s+to)\s+(?:freely\s+)?(?:use|copy|modify|distribute|redistribute)"
    r"|\buse\s+is\s+unrestricted|\bfor\s+any\s+purpose",
    re.I,
)
#: comment markers at the start of a header's lines (a phrase the keywords look for may span lines)
_LINE_JOINS = re.compile(r"\s*\n[ \t]*(?:\*+(?!/)|//+|#+|--+|;+|!+|%+|'+)?[ \t]*")


def _mentions_a_license(text: str) -> bool:
    """Whether a header (block) may declare a license: a keyword, on the text with its lines
    joined and their comment markers dropped."""
    return bool(_KEYWORDS.search(_LINE_JOINS.sub(" ", text)))


def _header_lines(text: str, max_lines: int, max_chars: int) -> List[Tuple[int, str]]:
    """The lines of a file's leading comments as ``(block number, line)``: a delimited
    block (``/* ... */``, a docstring, ...) is one block, and so is a run of line
    comments; blank lines between them are kept (block number -1)."""
    out: List[Tuple[int, str]] = []
    end: Optional[str] = None
    started = False
    number = -1
    in_run = False  # inside a run of line comments
    for line in text[:max_chars].splitlines()[:max_lines]:
        stripped = line.strip()
        if end is not None:
            out.append((number, line))
            if end in stripped:
                end = None
            continue
        if not stripped:
            if started:
                out.append((-1, line))
            continue
        if not started and _PREAMBLE.match(stripped):
            continue
        block = next(((o, c) for o, c in _BLOCKS if stripped.startswith(o)), None)
        if block is not None:
            started, in_run = True, False
            number += 1
            out.append((number, line))
            if block[1] not in stripped[len(block[0]):]:
                end = block[1]
            continue
        if stripped.lower().startswith(_LINE_MARKERS):
            if not in_run:
                number += 1
                in_run = True
            started = True
            out.append((number, line))
            continue
        break
    return out


def _header_text(lines: List[Tuple[int, str]]) -> str:
    return "\n".join(line for _number, line in lines).strip()


def _comment_blocks(lines: List[Tuple[int, str]]) -> List[str]:
    blocks: Dict[int, List[str]] = {}
    for number, line in lines:
        if number >= 0:
            blocks.setdefault(number, []).append(line)
    return [text for text in ("\n".join(block).strip() for _n, block in sorted(blocks.items())) if text]


def header_block(text: str, max_lines: int = 60, max_chars: int = 8192) -> str:
    """The first comment block of a file (after a shebang, ``<?php`` or ``<?xml``), any comment syntax."""
    return _header_text(_header_lines(text, max_lines, max_chars))


def header_blocks(text: str, max_lines: int = 60, max_chars: int = 8192) -> List[str]:
    """:func:`header_block` cut into its comment blocks (each stripped, empty ones left out)."""
    return _comment_blocks(_header_lines(text, max_lines, max_chars))


#: lines of leading comments read for the whole-header match against the SPDX list's texts
WHOLE_HEADER_LINES = 240


def _and_terms(expressions: List[str]) -> List[str]:
    """The terms of expressions that are plain ANDs of ids (``A AND B`` -> ``A``, ``B``); others as they are."""
    out: List[str] = []
    for expression in expressions:
        parts = expression.split(" AND ")
        if all(part and " " not in part and "(" not in part for part in parts):
            out.extend(parts)
        else:
            out.append(expression)
    return out


def header_evidence(record: CodeFile, engine: Engine, count: Count, runtime: Count = _noop) -> Optional[Evidence]:
    """The license a file's own header declares: SPDX lines first, else a notice ScanCode knows."""
    lines = _header_lines(record.content, engine.config.header_max_lines, engine.config.header_max_chars)
    head = _header_text(lines)
    if not head:
        return None
    declared = [m.group(1).strip() for m in _SPDX_LINE.finditer(head) if _SPDX_VALUE.fullmatch(m.group(1).strip())]
    if declared:
        expressions = []
        for value in declared:
            expression, invalid = engine.spdx.normalize(value)
            if invalid:
                count("spdx:invalid")
            expressions.append(expression)
        expression = engine.spdx.combine(expressions, "AND")
        if expression:
            count("evidence:header_spdx")
            return Evidence("header_spdx", record.path, expression, "SPDX-License-Identifier")
    # SPDX lines were read above; what is left of one is prose about them, not a declaration
    head = _SPDX_WORD.sub("SPDX identifier", head)
    if not _mentions_a_license(head):
        return None
    count("scans:header")
    # Each comment block that mentions a license is scanned (and cached) on its own: the
    # license notice of a project is the same block in every file, while the module
    # docstring after it differs; scanning whole headers scanned each file anew (on
    # bench/e2e's corpus: 331 block scans instead of 1,448 header scans, same expressions).
    expressions, matched = [], False
    for block in _comment_blocks(lines):
        block = _SPDX_WORD.sub("SPDX identifier", block)
        if not _mentions_a_license(block):
            continue
        count("scans:header_block")
        found, block_matched = _scan_expression(engine, ("header", _sha1(block)), block, count, runtime)
        expressions.append(found)
        matched = matched or block_matched
    expression = engine.spdx.combine(prefer_variants(_and_terms(expressions)))
    if not expression or len(engine.spdx.ids(expression)) > 1:
        # the blocks said nothing, or several things: the header as a whole may be one of the
        # SPDX list's texts (a notice ScanCode reads in pieces, one its rules do not hold)
        # a license notice is often longer than the header window: here the leading comments are
        # read up to WHOLE_HEADER_LINES lines (the same character cap)
        count("scans:header_spdx_text")
        whole_text = _header_text(_header_lines(record.content, max(WHOLE_HEADER_LINES, engine.config.header_max_lines),
                                                engine.config.header_max_chars))
        whole, _hit = engine.scanner.spdx_text(("spdx_header", _sha1(whole_text)), whole_text)
        if whole.spdx_text:
            expression = with_spdx_text(expression, whole.spdx_text, engine.spdx)
    if expression:
        count("evidence:header_notice")
        return Evidence("header_notice", record.path, expression, "header notice")
    if _reserved_only(head, matched):
        count("evidence:header_notice")
        return Evidence("header_notice", record.path, ALL_RIGHTS_RESERVED, "all rights reserved")
    return None
