"""When only the content speaks: the content model's answer is taken, or the file stays unnamed.

A file whose name, shebang, modeline, XML prolog and heuristics say nothing (``tests/data/test1``,
``bin/run``, ``source``) is named by the content model only if all three hold:

1. the model is calibrated for that language: ``transforms/data/language_gate.json`` holds a
   minimum score for it (languages missing there are never taken from the model alone);
2. the model's score reaches that minimum: per language, the lowest score at which the
   model's answers were right at least ``target_precision`` of the time on the calibration
   half of a labelled set of real files (``bench/calibrate_language.py`` builds the set,
   computes the minimums and writes the file; it reports the held-out half);
3. a cheap content check agrees, where one is defined (:data:`CHECKS`): Vue needs a
   ``<template>``/``<script>``/``<style>`` block at the start of a line, JSON must parse,
   a shell script needs shell syntax, XML starts with a tag, and so on.

Otherwise the file is ``unknown`` (evidence ``abstained``) and follows
``filters.drop_unknown``. The Stack v2 took go-enry's answer, which leaves such files
unnamed; this keeps the content model where it is sure and right.
"""

from __future__ import annotations

import json
import os
import re
from typing import Callable, Dict, Mapping, Optional

GATE_FILE = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "data", "language_gate.json")


def _json(text: str) -> bool:
    try:
        json.loads(text)
    except ValueError:
        return False
    return True


def _yaml(text: str) -> bool:
    if not re.search(r"^\s*[\w\"'.-][^:\n]*:(?:\s|$)", text, re.M):
        return False
    import yaml

    try:
        return isinstance(yaml.safe_load(text), (dict, list))
    except yaml.YAMLError:
        return False


def _python(text: str) -> bool:
    if re.search(r"^(?:def |class |import |from \S+ import |if __name__)", text, re.M):
        return True
    try:
        compile(text, "<source>", "exec", dont_inherit=True)
    except (SyntaxError, ValueError):
        return False
    return True


def _markdown(text: str) -> bool:
    """A fence, a link, or a heading with something else Markdown: a ``# comment`` or a list
    in YAML front matter alone is not enough."""
    if re.search(r"^```|\[[^\]\n]+\]\([^)\n]+\)|^\[[^\]\n]+\]:\s", text, re.M):
        return True
    headings = len(re.findall(r"^#{1,6} \S", text, re.M))
    other = re.search(r"^(?:[-*+] \S|\d+\. \S|> )|\*\*\S|`[^`\n]+`", text, re.M)
    return headings >= 2 or (headings == 1 and bool(other))


_SHELL = re.compile(r"^\s*(?:if \[|fi\s*$|then\s*$|done\s*$|esac\s*$|export \w+=|[A-Za-z_]\w*=\S|echo |"
                    r"for \w+ in |while |case .+ in\s*$|function \w+|\w+\s*\(\)\s*\{|set -[eux])", re.M)

#: language -> a cheap check its text must pass before the model alone may name it
CHECKS: Dict[str, Callable[[str], bool]] = {
    "Vue": lambda t: bool(re.search(r"^<(?:template|script|style)\b", t, re.M)),
    "JSON": _json,
    "YAML": _yaml,
    "XML": lambda t: t.lstrip().startswith("<"),
    "HTML": lambda t: bool(re.search(r"<(?:!doctype|html|head|body|div|span|p|a|table|script)\b", t, re.I)),
    "SVG": lambda t: "<svg" in t,
    "Shell": lambda t: bool(_SHELL.search(t)),
    "Python": _python,
    "Markdown": lambda t: _markdown(t),
    "CSS": lambda t: bool(re.search(r"[^{}]+\{[^{}]*:[^{}]*\}", t)),
    "C": lambda t: bool(re.search(r"^\s*(?:#\s*(?:include|define|if)|(?:static |extern )?(?:int|void|char|struct|"
                                  r"typedef|unsigned|const)\b)", t, re.M)),
    "C++": lambda t: bool(re.search(r"^\s*(?:#\s*include|namespace |template\s*<|class |using |std::)", t, re.M)),
    "Java": lambda t: bool(re.search(r"^\s*(?:package |import |public |class |@\w+)", t, re.M)),
    "Go": lambda t: bool(re.search(r"^package \w+", t, re.M)),
    "Rust": lambda t: bool(re.search(r"^\s*(?:fn |use |mod |pub |impl |struct |#\[)", t, re.M)),
    "JavaScript": lambda t: bool(re.search(r"\b(?:function|const|let|var|require|import|export|=>)\b", t)),
    "TypeScript": lambda t: bool(re.search(r"\b(?:interface|type|import|export|const|let|function)\b", t)),
    "Ruby": lambda t: bool(re.search(r"^\s*(?:def |class |module |require |end\s*$)", t, re.M)),
    "Perl": lambda t: bool(re.search(r"^\s*(?:use |sub |my |package )|\$\w+", t, re.M)),
    "PHP": lambda t: "<?php" in t or "<?=" in t,
    "Makefile": lambda t: bool(re.search(r"^[\w.$() -]+:(?:[^=]|$)", t, re.M)) and bool(re.search(r"^\t", t, re.M)),
    "INI": lambda t: bool(re.search(r"^\s*\[[^\]\n]+\]\s*$", t, re.M)),
    "TOML": lambda t: bool(re.search(r"^\s*(?:\[[^\]\n]+\]|[\w.-]+\s*=)", t, re.M)),
    "SQL": lambda t: bool(re.search(r"\b(?:select|insert|create|update|delete|alter|drop)\b", t, re.I)),
    "Dockerfile": lambda t: bool(re.search(r"^FROM \S+", t, re.M)),
    "Batchfile": lambda t: bool(re.search(r"^\s*(?:@?echo|set |rem |goto |if )", t, re.M | re.I)),
    "PowerShell": lambda t: bool(re.search(r"\$\w+|\b(?:param|function|Write-\w+|Get-\w+)\b", t)),
}


class Gate:
    """``accepts(language, score, text)``: may the content model alone name this file so."""

    def __init__(self, minimums: Mapping[str, float], checks: Mapping[str, Callable[[str], bool]] = CHECKS):
        self.minimums = dict(minimums)
        self.checks = dict(checks)

    def reason(self, language: str, score: float, text: str) -> Optional[str]:
        """None when accepted, else why not: ``uncalibrated``, ``low_score`` or ``check_failed``."""
        minimum = self.minimums.get(language)
        if minimum is None:
            return "uncalibrated"
        if score < minimum:
            return "low_score"
        check = self.checks.get(language)
        if check is not None and not check(text):
            return "check_failed"
        return None

    def accepts(self, language: str, score: float, text: str) -> bool:
        return self.reason(language, score, text) is None


def load_gate(model_name: str, path: str = GATE_FILE) -> Optional[Gate]:
    """The gate calibrated for the content model ``model_name`` (e.g. ``magika standard_v3_3``),
    or None when the file has no calibration for it (the model's own confidence rule then
    decides, with the content checks still applied)."""
    try:
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
    except FileNotFoundError:
        return None
    calibrated = data.get("models", {}).get(model_name)
    if calibrated is None:
        return None
    return Gate(calibrated["minimums"])
