"""The content models: Magika (the default) and guesslang, scored per Linguist language.

Used where names do not decide: restricted to the candidates when there are any,
over all its labels when no name or shebang said anything. :class:`MagikaModel` runs
the ONNX model shipped in the ``magika`` package; :class:`GuesslangModel` runs
guesslang's TensorFlow SavedModel (optional, ``codestack[guesslang]``).
:func:`load_model` loads one of :data:`CONTENT_MODELS` by name.
"""

from __future__ import annotations

import json
import os
import posixpath
from typing import Dict, List, Optional, Tuple

#: content models the stage can use where names do not decide
CONTENT_MODELS = ("magika", "none", "guesslang")

#: how to get the optional guesslang backend (TensorFlow and guesslang's SavedModel)
GUESSLANG_HINT = (
    'pip install "codestack[guesslang]", then pip download --no-deps guesslang==2.2.1, unpack it '
    "and point language.guesslang_model at its guesslang/data/model folder"
)

#: Magika's labels and the Linguist languages each stands for (the first is the
#: label's reading when the model alone decides).
MAGIKA_TO_LINGUIST: Dict[str, Tuple[str, ...]] = {
    "asm": ("Assembly", "Unix Assembly", "Motorola 68K Assembly"),
    "asp": ("Classic ASP", "ASP.NET"),
    "autohotkey": ("AutoHotkey",),
    "autoit": ("AutoIt",),
    "awk": ("Awk",),
    "batch": ("Batchfile",),
    "bazel": ("Starlark",),
    "bib": ("BibTeX",),
    "c": ("C",),
    "clojure": ("Clojure",),
    "cmake": ("CMake",),
    "cobol": ("COBOL",),
    "coffeescript": ("CoffeeScript",),
    "cpp": ("C++",),
    "cs": ("C#",),
    "csproj": ("XML",),
    "css": ("CSS",),
    "csv": ("CSV",),
    "dart": ("Dart",),
    "diff": ("Diff",),
    "dm": ("DM",),
    "dockerfile": ("Dockerfile",),
    "elixir": ("Elixir",),
    "eml": ("E-mail",),
    "erb": ("HTML+ERB",),
    "erlang": ("Erlang",),
    "fortran": ("Fortran", "Fortran Free Form"),
    "gemfile": ("Ruby",),
    "gemspec": ("Ruby",),
    "gitattributes": ("Git Attributes",),
    "gitmodules": ("Git Config",),
    "go": ("Go",),
    "gradle": ("Gradle", "Groovy"),
    "groovy": ("Groovy",),
    "h": ("C", "C++", "Objective-C"),
    "handlebars": ("Handlebars",),
    "haskell": ("Haskell",),
    "hcl": ("HCL",),
    "hpp": ("C++",),
    "htaccess": ("ApacheConf",),
    "html": ("HTML",),
    "ics": ("iCalendar",),
    "ignorefile": ("Ignore List",),
    "ini": ("INI",),
    "ipynb": ("Jupyter Notebook",),
    "java": ("Java",),
    "javascript": ("JavaScript",),
    "jinja": ("Jinja",),
    "json": ("JSON", "JSON with Comments", "JSON5"),
    "jsonl": ("JSON",),
    "jsx": ("JavaScript",),
    "julia": ("Julia",),
    "kotlin": ("Kotlin",),
    "latex": ("TeX",),
    "lisp": ("Common Lisp", "Emacs Lisp", "NewLisp", "PicoLisp"),
    "lua": ("Lua",),
    "m3u": ("M3U",),
    "m4": ("M4", "M4Sugar"),
    "makefile": ("Makefile",),
    "markdown": ("Markdown",),
    "matlab": ("MATLAB",),
    "objectivec": ("Objective-C", "Objective-C++"),
    "ocaml": ("OCaml",),
    "pascal": ("Pascal",),
    "pem": ("Public Key",),
    "perl": ("Perl", "Raku"),
    "php": ("PHP", "Hack"),
    "po": ("Gettext Catalog",),
    "postscript": ("PostScript",),
    "powershell": ("PowerShell",),
    "prolog": ("Prolog",),
    "proto": ("Protocol Buffer",),
    "python": ("Python",),
    "r": ("R",),
    "rdf": ("XML",),
    "rst": ("reStructuredText",),
    "rtf": ("Rich Text Format",),
    "ruby": ("Ruby",),
    "rust": ("Rust",),
    "scala": ("Scala",),
    "scss": ("SCSS",),
    "shell": ("Shell",),
    "smali": ("Smali",),
    "solidity": ("Solidity",),
    "sql": ("SQL", "PLSQL", "PLpgSQL", "TSQL", "SQLPL"),
    "srt": ("SubRip Text",),
    "svg": ("SVG",),
    "swift": ("Swift",),
    "tcl": ("Tcl",),
    "textproto": ("Protocol Buffer Text Format",),
    "toml": ("TOML",),
    "tsv": ("TSV",),
    "tsx": ("TSX",),
    "twig": ("Twig",),
    "txt": ("Text",),
    "typescript": ("TypeScript",),
    "vba": ("VBA", "VBScript", "Visual Basic 6.0", "Visual Basic .NET"),
    "vcxproj": ("XML",),
    "verilog": ("Verilog", "SystemVerilog"),
    "vhdl": ("VHDL",),
    "vtt": ("WebVTT",),
    "vue": ("Vue",),
    "winregistry": ("Windows Registry Entries",),
    "xml": ("XML",),
    "yaml": ("YAML",),
    "yara": ("YARA",),
    "zig": ("Zig",),
}

#: labels that say "some text" or "not a language": never a language for an unnamed file
_MAGIKA_NON_LANGUAGES = frozenset({"txt", "randomtxt", "unknown", "empty", "undefined"})


class MagikaModel:
    """Magika's ONNX model on the first and last 4 KiB of a text, scored per Linguist language.

    Loads the model shipped in the ``magika`` package once (one ONNX session with
    ``threads`` intra-op threads) and computes its features as ``magika`` does.
    """

    name = "magika"

    def __init__(self, threads: int = 1):
        from pathlib import Path

        import magika
        import numpy
        import onnxruntime

        model_dir = Path(magika.__file__).parent / "models" / magika.Magika._get_default_model_name()
        config = json.loads((model_dir / "config.min.json").read_text())
        self._numpy = numpy
        self._beg = config["beg_size"]
        self._end = config["end_size"]
        self._block = config["block_size"]
        self._pad = config["padding_token"]
        self._min_size = config["min_file_size_for_dl"]
        self._labels: List[str] = list(config["target_labels_space"])
        self._thresholds: Dict[str, float] = dict(config["thresholds"])
        self._medium = float(config["medium_confidence_threshold"])
        self._overwrite: Dict[str, str] = dict(config["overwrite_map"])
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        self._session = onnxruntime.InferenceSession(
            str(model_dir / "model.onnx"), sess_options=options, providers=["CPUExecutionProvider"]
        )
        self.version = f"magika {getattr(magika, '__version__', '?')} {model_dir.name}"

    def _features(self, text: str) -> Optional[List[int]]:
        block = self._block
        head = text[:block].encode("utf-8", "replace")[:block]
        if len(text) <= block and len(head) < block:
            tail, size = head, len(head)
        else:
            tail = text[-block:].encode("utf-8", "replace")[-block:]
            size = block + 1
        if size < self._min_size:
            return None
        beg = list(head.lstrip()[: self._beg])
        if len(beg) < self._min_size:
            return None
        end = list(tail.rstrip()[-self._end:]) if self._end else []
        beg += [self._pad] * (self._beg - len(beg))
        end = [self._pad] * (self._end - len(end)) + end
        return beg + end

    def probabilities(self, text: str) -> Optional[Dict[str, float]]:
        """Magika's label probabilities, or None when the text is too short for the model."""
        features = self._features(text)
        if features is None:
            return None
        array = self._numpy.asarray([features], dtype=self._numpy.int32)
        scores = self._session.run(["target_label"], {"bytes": array})[0][0]
        return {label: float(score) for label, score in zip(self._labels, scores)}

    def language_scores(self, text: str) -> Dict[str, float]:
        """Probability mass per Linguist language (a label counts for each language it stands for)."""
        probabilities = self.probabilities(text)
        if probabilities is None:
            return {}
        out: Dict[str, float] = {}
        for label, p in probabilities.items():
            for language in MAGIKA_TO_LINGUIST.get(label, ()):
                out[language] = out.get(language, 0.0) + p
        return out

    def guess(self, text: str) -> Optional[Tuple[str, float]]:
        """``(language, score)`` Magika names with its own confidence thresholds, or None:
        the score is the probability of its top label (what :mod:`.gate` calibrates)."""
        probabilities = self.probabilities(text)
        if probabilities is None:
            return None
        label = max(self._labels, key=lambda l: (probabilities[l], l))
        score = probabilities[label]
        if score < self._thresholds.get(label, self._medium):
            return None
        label = self._overwrite.get(label, label)
        if label in _MAGIKA_NON_LANGUAGES:
            return None
        names = MAGIKA_TO_LINGUIST.get(label)
        return (names[0], score) if names else None

    def best(self, text: str) -> Optional[str]:
        """The language Magika names with its own confidence thresholds, or None."""
        found = self.guess(text)
        return found[0] if found else None


#: guesslang 2.2.1's classes (the labels its model emits) and its names for them
#: (its ``guesslang/data/languages.json``)
GUESSLANG_LABELS: Dict[str, str] = {
    "asm": "Assembly", "bat": "Batchfile", "c": "C", "cs": "C#", "cpp": "C++", "clj": "Clojure",
    "cmake": "CMake", "cbl": "COBOL", "coffee": "CoffeeScript", "css": "CSS", "csv": "CSV", "dart": "Dart",
    "dm": "DM", "dockerfile": "Dockerfile", "ex": "Elixir", "erl": "Erlang", "f90": "Fortran", "go": "Go",
    "groovy": "Groovy", "hs": "Haskell", "html": "HTML", "ini": "INI", "java": "Java", "js": "JavaScript",
    "json": "JSON", "jl": "Julia", "kt": "Kotlin", "lisp": "Lisp", "lua": "Lua", "makefile": "Makefile",
    "md": "Markdown", "matlab": "Matlab", "mm": "Objective-C", "ml": "OCaml", "pas": "Pascal", "pm": "Perl",
    "php": "PHP", "ps1": "PowerShell", "prolog": "Prolog", "py": "Python", "r": "R", "rb": "Ruby",
    "rs": "Rust", "scala": "Scala", "sh": "Shell", "sql": "SQL", "swift": "Swift", "tex": "TeX",
    "toml": "TOML", "ts": "TypeScript", "v": "Verilog", "vba": "Visual Basic", "xml": "XML", "yaml": "YAML",
}

#: guesslang's language names and the Linguist languages each stands for (the first
#: is the name's reading when the model alone decides); groupings as for Magika.
GUESSLANG_TO_LINGUIST: Dict[str, Tuple[str, ...]] = {
    "Assembly": ("Assembly", "Unix Assembly", "Motorola 68K Assembly"),
    "Batchfile": ("Batchfile",),
    "C": ("C",),
    "C#": ("C#",),
    "C++": ("C++",),
    "Clojure": ("Clojure",),
    "CMake": ("CMake",),
    "COBOL": ("COBOL",),
    "CoffeeScript": ("CoffeeScript",),
    "CSS": ("CSS",),
    "CSV": ("CSV",),
    "Dart": ("Dart",),
    "DM": ("DM",),
    "Dockerfile": ("Dockerfile",),
    "Elixir": ("Elixir",),
    "Erlang": ("Erlang",),
    "Fortran": ("Fortran", "Fortran Free Form"),
    "Go": ("Go",),
    "Groovy": ("Groovy", "Gradle"),
    "Haskell": ("Haskell",),
    "HTML": ("HTML",),
    "INI": ("INI",),
    "Java": ("Java",),
    "JavaScript": ("JavaScript",),
    "JSON": ("JSON", "JSON with Comments", "JSON5"),
    "Julia": ("Julia",),
    "Kotlin": ("Kotlin",),
    "Lisp": ("Common Lisp", "Emacs Lisp", "NewLisp", "PicoLisp"),
    "Lua": ("Lua",),
    "Makefile": ("Makefile",),
    "Markdown": ("Markdown",),
    "Matlab": ("MATLAB",),
    "Objective-C": ("Objective-C", "Objective-C++"),
    "OCaml": ("OCaml",),
    "Pascal": ("Pascal",),
    "Perl": ("Perl", "Raku"),
    "PHP": ("PHP", "Hack"),
    "PowerShell": ("PowerShell",),
    "Prolog": ("Prolog",),
    "Python": ("Python",),
    "R": ("R",),
    "Ruby": ("Ruby",),
    "Rust": ("Rust",),
    "Scala": ("Scala",),
    "Shell": ("Shell",),
    "SQL": ("SQL", "PLSQL", "PLpgSQL", "TSQL", "SQLPL"),
    "Swift": ("Swift",),
    "TeX": ("TeX",),
    "TOML": ("TOML",),
    "TypeScript": ("TypeScript",),
    "Verilog": ("Verilog", "SystemVerilog"),
    "Visual Basic": ("VBA", "Visual Basic .NET", "VBScript", "Visual Basic 6.0"),
    "XML": ("XML",),
    "YAML": ("YAML",),
}


class GuesslangModel:
    """guesslang's TensorFlow model (a SavedModel) on a text, scored per Linguist language.

    The model reads the first 10,000 byte bigrams of the text (its own preprocessing,
    inside the SavedModel), so only the first 10,001 UTF-8 bytes are passed. Its
    ``serving_default`` signature takes a batch of strings and returns ``classes``
    (the labels of :data:`GUESSLANG_LABELS`) and ``scores`` (softmax probabilities).
    The guesslang package itself is not needed (it pins TensorFlow 2.5); TensorFlow
    >= 2.16 loads its model. Loaded once per worker, with ``threads`` CPU threads.
    """

    name = "guesslang"
    #: guesslang's ``HyperParameter.NB_TOKENS`` bigrams need one byte more
    max_bytes = 10_001

    def __init__(self, model_dir: str, threads: int = 1):
        os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # no C++ start-up notices on stderr
        os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")  # oneDNN's kernels vary the round-off by CPU
        try:
            import tensorflow as tf
        except ImportError as exc:
            raise ValueError(f"language.content_model guesslang needs TensorFlow, which is not installed: {GUESSLANG_HINT}") from exc
        if not model_dir or not tf.io.gfile.exists(posixpath.join(model_dir, "saved_model.pb")):
            raise ValueError(f"language.guesslang_model: {model_dir!r} holds no saved_model.pb ({GUESSLANG_HINT})")
        try:
            tf.config.threading.set_intra_op_parallelism_threads(threads)
            tf.config.threading.set_inter_op_parallelism_threads(1)
        except RuntimeError:  # TensorFlow already initialised in this process: keep its settings
            pass
        self._tf = tf
        try:
            self._model = tf.saved_model.load(model_dir)
            self._predict = self._model.signatures["serving_default"]
        except Exception as exc:  # TensorFlow raises its own errors for a folder that is not a SavedModel
            raise ValueError(f"language.guesslang_model: {model_dir!r} is not guesslang's SavedModel: "
                             f"{str(exc).splitlines()[0] if str(exc) else type(exc).__name__}") from exc
        probe = self._predict(tf.constant([b"x = 1\n"]))
        self._labels: List[str] = [label.decode() for label in probe["classes"][0].numpy()]
        if sorted(self._labels) != sorted(GUESSLANG_LABELS):
            raise ValueError(f"language.guesslang_model: {model_dir!r} is not guesslang 2.2.1's model "
                             f"(its classes are {', '.join(sorted(self._labels)[:6])}, ...)")
        self.version = f"guesslang-model tensorflow {tf.__version__}"

    def probabilities(self, text: str) -> Optional[Dict[str, float]]:
        """guesslang's probability per its language name, or None for blank text (as guesslang)."""
        if not text.strip():
            return None
        data = text.encode("utf-8", "replace")[: self.max_bytes]
        scores = self._predict(self._tf.constant([data]))["scores"][0].numpy()
        return {GUESSLANG_LABELS[label]: float(score) for label, score in zip(self._labels, scores)}

    def language_scores(self, text: str) -> Dict[str, float]:
        """Probability mass per Linguist language (a name counts for each language it stands for)."""
        probabilities = self.probabilities(text)
        if probabilities is None:
            return {}
        out: Dict[str, float] = {}
        for name, p in sorted(probabilities.items()):
            for language in GUESSLANG_TO_LINGUIST[name]:
                out[language] = out.get(language, 0.0) + p
        return out

    def guess(self, text: str) -> Optional[Tuple[str, float]]:
        """``(language, top probability)`` guesslang names, with its own reliability rule
        (the top probability above the mean plus two standard deviations), or None."""
        import statistics

        probabilities = self.probabilities(text)
        if probabilities is None:
            return None
        values = list(probabilities.values())
        name = max(sorted(probabilities), key=lambda n: probabilities[n])
        if probabilities[name] <= statistics.mean(values) + 2 * statistics.stdev(values):
            return None
        return GUESSLANG_TO_LINGUIST[name][0], probabilities[name]

    def best(self, text: str) -> Optional[str]:
        """The language guesslang names, with its own reliability rule, or None."""
        found = self.guess(text)
        return found[0] if found else None


def load_model(name: str, guesslang_model: str = ""):
    """The content model ``name`` (one of :data:`CONTENT_MODELS`), loaded; None for ``none``.

    ``guesslang_model``: the SavedModel folder for ``guesslang``."""
    if name == "magika":
        return MagikaModel()
    if name == "guesslang":
        return GuesslangModel(guesslang_model)
    if name == "none":
        return None
    raise ValueError(f"unknown content model {name!r} (known: {', '.join(CONTENT_MODELS)})")
