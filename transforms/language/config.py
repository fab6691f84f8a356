"""The ``language`` stage's configuration (``language:`` in the build config)."""

from __future__ import annotations

import dataclasses

from transforms.language.models import CONTENT_MODELS, GUESSLANG_HINT


@dataclasses.dataclass(frozen=True)
class LanguageConfig:
    #: content model where names do not decide: ``magika``, ``guesslang`` or ``none``
    content_model: str = "magika"
    #: guesslang's TensorFlow SavedModel folder (``guesslang/data/model``), for ``content_model: guesslang``
    guesslang_model: str = ""
    #: ask the model about files that no name, shebang or modeline classifies
    model_for_unnamed: bool = True
    #: ... and take its answer only where it is calibrated and sure and a content check agrees
    #: (transforms/language/gate.py); false: take any answer the model is confident of
    abstain: bool = True
    #: characters of content Linguist's heuristics look at (Linguist: 50 KiB)
    heuristics_chars: int = 51_200

    def __post_init__(self):
        if self.content_model not in CONTENT_MODELS:
            raise ValueError(f"language.content_model: {self.content_model!r} is not one of {', '.join(CONTENT_MODELS)}")
        if self.content_model == "guesslang" and not self.guesslang_model:
            raise ValueError(f"language.guesslang_model: required with content_model guesslang ({GUESSLANG_HINT})")
