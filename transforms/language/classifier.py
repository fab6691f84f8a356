"""The classifier: Linguist's strategies in order, then the content model, then the prior.

Evidence is taken in GitHub Linguist's order (``Linguist::STRATEGIES``); each step
narrows the candidates of the previous one (:func:`_narrow`), and the first step that
leaves exactly one language decides (:meth:`Classifier.language`). Where the content
model cannot tell the candidates apart, the most common of them (a fixed popularity
order, :data:`PRIOR`) is taken (:func:`by_prior`).
"""

from __future__ import annotations

import posixpath
from typing import Iterable, NamedTuple, Tuple

from transforms.language.config import LanguageConfig
from transforms.language.generated import _head
from transforms.language.hints import modeline, shebang_interpreter
from transforms.language.linguist import UNKNOWN, Linguist
from transforms.language.models import load_model

#: the ways a language is decided, in Linguist's order (what ``Detection.evidence`` holds)
EVIDENCE = ("modeline", "filename", "shebang", "extension", "xml", "heuristics", "magika", "guesslang", "prior",
            "abstained", "none")

#: Tie-break among candidates the content model cannot separate: the more common
#: language first (roughly The Stack v2's file counts). Others follow by name.
PRIOR = (
    "JavaScript", "Python", "Java", "C++", "C", "PHP", "C#", "TypeScript", "Go", "HTML",
    "Markdown", "Ruby", "Shell", "CSS", "JSON", "Rust", "Kotlin", "Swift", "Scala", "SQL",
    "YAML", "XML", "Text", "Objective-C", "Dart", "Lua", "R", "Perl", "MATLAB", "Haskell",
    "TeX", "Jupyter Notebook", "Vue", "SCSS", "Makefile", "CMake", "Dockerfile", "PowerShell",
    "Batchfile", "Assembly", "Unix Assembly", "Julia", "Groovy", "Elixir", "Erlang", "OCaml",
    "Clojure", "F#", "Fortran", "Visual Basic .NET", "Emacs Lisp", "Vim script",
    "Objective-C++", "Less", "reStructuredText", "TOML", "INI", "Protocol Buffer", "Cython",
    "Roff", "Roff Manpage", "Prolog", "Verilog", "SystemVerilog", "VHDL", "Pascal",
    "Common Lisp", "Scheme", "Tcl", "Rocq Prover", "Smalltalk", "Raku", "Apex", "VBA",
    "GLSL", "Forth", "D", "Lex", "Yacc", "PLSQL", "TSQL", "PLpgSQL", "Mercury", "Wolfram Language",
    "Motorola 68K Assembly", "SourcePawn", "POV-Ray SDL", "BitBake", "Pawn", "NASL", "V",
    "Limbo", "M", "MUF", "Rebol", "Rez", "DTrace", "GCC Machine Description", "Turing",
)


class Detection(NamedTuple):
    language: str  # a Linguist name, or ``unknown``
    evidence: str  # one of :data:`EVIDENCE`
    candidates: Tuple[str, ...] = ()  # what the names left open, when they did
    is_vendor: bool = False
    is_generated: bool = False
    is_documentation: bool = False


_PRIOR_RANK = {name: i for i, name in enumerate(PRIOR)}


def by_prior(candidates: Iterable[str]) -> str:
    return min(candidates, key=lambda name: (_PRIOR_RANK.get(name, len(PRIOR)), name))


def _narrow(candidates: Tuple[str, ...], found: Tuple[str, ...]) -> Tuple[str, ...]:
    """Linguist: ``candidates.any? ? candidates & found : found``; nothing found keeps the old ones."""
    if not found:
        return candidates
    if not candidates:
        return found
    both = tuple(name for name in candidates if name in found)
    return both or candidates


class Classifier:
    """``Classifier(linguist, config, model)(path, text) -> Detection``. Build once per worker."""

    def __init__(self, linguist: Linguist, config: LanguageConfig = LanguageConfig(), model=None, gate=None):
        self.linguist = linguist
        self.config = config
        self.model = model
        if gate is None and model is not None and config.abstain:
            from transforms.language.gate import Gate, load_gate

            gate = load_gate(getattr(model, "version", model.name)) or Gate({})  # uncalibrated: abstain
        self.gate = gate

    def language(self, path: str, text: str, model=None) -> Tuple[str, str, Tuple[str, ...]]:
        """``(language, evidence, candidates)`` for a file's path and decoded text; ``model``:
        the content model to ask instead of the classifier's own (its cached answers)."""
        data = self.linguist
        model = model if model is not None else self.model
        basename = posixpath.basename(path)
        mode = modeline(text) if text else None
        if mode:
            found = data.by_alias(mode)
            if found:
                return found, "modeline", ()
        candidates: Tuple[str, ...] = ()
        for evidence, found in (
            ("filename", data.by_filename(basename)),
            ("shebang", self._shebang(text)),
            ("extension", data.by_extension(basename)),
        ):
            candidates = _narrow(candidates, found)
            if len(candidates) == 1:
                return candidates[0], evidence, ()
        if not candidates and "<?xml version=" in "\n".join(_head(text, 2, cap=512)):
            return "XML", "xml", ()
        if data.has_heuristics(basename):
            found = data.heuristics(basename, text[: self.config.heuristics_chars])
            if len(found) == 1:
                return found[0], "heuristics", candidates
            candidates = _narrow(candidates, found)
        if candidates:
            return self._among(text, candidates, model)
        if model is not None and self.config.model_for_unnamed and text:
            found = model.guess(text)
            if found:
                name, score = found
                if self.gate is None or self.gate.accepts(name, score, text):
                    return name, model.name, ()
                return UNKNOWN, "abstained", ()
        return UNKNOWN, "none", ()

    def _shebang(self, text: str) -> Tuple[str, ...]:
        interpreter = shebang_interpreter(text)
        return self.linguist.by_interpreter(interpreter) if interpreter else ()

    def _among(self, text: str, candidates: Tuple[str, ...], model) -> Tuple[str, str, Tuple[str, ...]]:
        if model is not None and text:
            scores = model.language_scores(text)
            best = max(candidates, key=lambda name: (scores.get(name, 0.0), -_PRIOR_RANK.get(name, len(PRIOR))))
            if scores.get(best, 0.0) > 0.0:
                return best, model.name, candidates
        return by_prior(candidates), "prior", candidates

    def __call__(self, path: str, text: str, model=None) -> Detection:
        language, evidence, candidates = self.language(path, text, model)
        return Detection(
            language=language,
            evidence=evidence,
            candidates=candidates,
            is_vendor=self.linguist.is_vendor(path),
            is_generated=self.linguist.is_generated(path, text),
            is_documentation=self.linguist.is_documentation(path),
        )


def make_classifier(config: LanguageConfig = LanguageConfig()) -> Classifier:
    """Load Linguist's data and the content model (once per worker)."""
    return Classifier(Linguist.load(), config, load_model(config.content_model, config.guesslang_model))
