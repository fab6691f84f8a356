"""The SPDX License List's texts, matched as a whole (beside ScanCode).

ScanCode 32.5's index names most licenses, but not those the SPDX list added after its
data (ESA-PL, OpenMDW, ...), and some of its keys have no SPDX id although the SPDX list
has their text (its ``cecill-c-en`` is the list's ``CECILL-C``; ``info-zip-2009-01`` is
``Info-ZIP``); it also folds named variants into their parent (``OFL-1.1-no-RFN`` ->
``OFL-1.1``, ``PSF-2.0`` -> ``Python-2.0``). A text that *is* one of the list's texts
is recognised here: the words of the text (lower-cased ``[a-z0-9]+``) as 5-grams,
compared with every SPDX text's 5-grams (``transforms/data/spdx_texts.npz``, made by
``transforms/data/regenerate_spdx_texts.py``).

For a text and each SPDX id: *containment*, the share of the id's 5-grams the text holds,
*coverage*, the share of the text's 5-grams that are the id's, and the number of the text's
5-grams that are not. The best id is taken only when the text holds nearly all of it
(containment >= :data:`MIN_CONTAINMENT`) and is nothing else but a few words (coverage >=
:data:`MIN_COVERAGE`, at most :data:`MAX_EXTRA` other 5-grams): a LICENSE file that is one
license, or a header comment that is one notice. Ids whose texts are the same (``GPL-2.0-only`` and
``GPL-2.0-or-later``) tie; :func:`SpdxTexts.match` returns every tied id, and the caller
keeps ScanCode's where it is one of them.
"""

from __future__ import annotations

import functools
import os
import re
from typing import List, NamedTuple, Optional, Tuple

import numpy as np

#: a text with at most this many 5-grams keeps all of them; longer ones a 1-in-SAMPLE sample
KEEP_ALL = 400
SAMPLE = 4
#: a text is an SPDX id's when it holds this share of the id's 5-grams ...
MIN_CONTAINMENT = 0.95
#: ... and this share of its own 5-grams are the id's ...
MIN_COVERAGE = 0.8
#: ... and at most this many of them are not (a title, a filled-in copyright line): a LICENSE
#: holding MIT and then the GPL is neither, though the GPL is 97% of its words
MAX_EXTRA = 60
#: ids whose containment is within this of the best tie (the same text, give or take a word)
TIE = 0.005
DATA = os.path.join(os.path.dirname(os.path.dirname(__file__)), "data", "spdx_texts.npz")
_WORD = re.compile(r"[a-z0-9]+")


def gram_hashes(text: str) -> np.ndarray:
    """The sorted unique xxh32 hashes of a text's word 5-grams."""
    import xxhash

    words = _WORD.findall(text.lower())
    if len(words) < 5:
        return np.empty(0, np.uint32)
    grams = {xxhash.xxh32_intdigest(" ".join(words[i:i + 5]).encode()) for i in range(len(words) - 4)}
    return np.array(sorted(grams), np.uint32)


class Match(NamedTuple):
    ids: Tuple[str, ...]  # the best SPDX id, and those with the same text
    containment: float
    coverage: float


class SpdxTexts:
    """The fingerprints, indexed by 5-gram (loaded once per worker, about 1 MB)."""

    def __init__(self, path: str = DATA):
        data = np.load(path)
        self.ids: List[str] = [str(i) for i in data["ids"]]
        self.source = str(data["source"])
        self._sizes = data["sizes"].astype(np.float64)
        self._rates = np.where(data["all_kept"], 1.0, 1.0 / SAMPLE)
        offsets = data["offsets"]
        hashes = data["hashes"]
        owners = np.repeat(np.arange(len(self.ids), dtype=np.int32), np.diff(offsets))
        order = np.argsort(hashes, kind="stable")
        self._hashes = hashes[order]
        self._owners = owners[order]
        self._kept = np.diff(offsets).astype(np.float64)

    def scores(self, text: str) -> Tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``(containment, coverage, other 5-grams)`` of ``text`` for every id (for a long id's
        text, measured on the 1-in-SAMPLE sample both sides share)."""
        query = gram_hashes(text)
        n = len(self.ids)
        if not len(query):
            return np.zeros(n), np.zeros(n), np.zeros(n)
        left = np.searchsorted(self._hashes, query, side="left")
        right = np.searchsorted(self._hashes, query, side="right")
        counts = right - left
        total = int(counts.sum())
        if not total:
            return np.zeros(n), np.zeros(n), np.full(n, float(len(query)))
        starts = np.repeat(left - np.concatenate(([0], np.cumsum(counts)[:-1])), counts)
        shared = np.bincount(self._owners[starts + np.arange(total)], minlength=n).astype(np.float64)
        containment = shared / np.maximum(self._kept, 1.0)
        coverage = np.minimum(1.0, shared / self._rates / len(query))
        sampled = int(np.count_nonzero(query % SAMPLE == 0))
        other = np.where(self._rates == 1.0, len(query) - shared, (sampled - shared) * SAMPLE)
        return containment, coverage, np.maximum(other, 0.0)

    def containment_of(self, text: str, spdx_id: str) -> Optional[float]:
        """How much of ``spdx_id``'s text ``text`` holds (None: the list has no such id)."""
        lowered = [i.lower() for i in self.ids]
        if spdx_id.lower() not in lowered:
            return None
        return float(self.scores(text)[0][lowered.index(spdx_id.lower())])

    def match(self, text: str) -> Optional[Match]:
        """The SPDX ids ``text`` is the text of (best first, ties sorted), or None."""
        containment, coverage, other = self.scores(text)
        accepted = (containment >= MIN_CONTAINMENT) & (coverage >= MIN_COVERAGE) & (other <= MAX_EXTRA)
        if not accepted.any():
            return None
        best = float(containment[accepted].max())
        tied = np.flatnonzero(accepted & (containment >= best - TIE))
        order = sorted(tied, key=lambda i: (-containment[i], -coverage[i], self.ids[i]))
        first = order[0]
        return Match(tuple(self.ids[i] for i in order), float(containment[first]), float(coverage[first]))


@functools.lru_cache(maxsize=1)
def load(path: str = DATA) -> Optional[SpdxTexts]:
    """The packaged fingerprints (None if the data file is missing)."""
    return SpdxTexts(path) if os.path.exists(path) else None
