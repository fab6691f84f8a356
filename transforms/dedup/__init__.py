"""Dedup stages: ``exact_dedup`` (one row per blob) and ``near_dedup`` (MinHash LSH +
connected components), both keeping the copy :mod:`transforms.dedup.preference` prefers.

Modules: ``preference`` (the one order), ``exact`` (stage ``exact_dedup``), ``minhash``
(signatures, LSH parameters and band keys; no Beam), ``components`` (connected
components in Beam), ``near`` (stage ``near_dedup``).
"""

from transforms.dedup.exact import STAGE as EXACT_STAGE
from transforms.dedup.exact import ExactDedup, ExactDedupConfig, exact_dedup
from transforms.dedup.minhash import MinHasher, NearDedupConfig
from transforms.dedup.near import STAGE as NEAR_STAGE
from transforms.dedup.near import NearDedup, near_dedup
from transforms.dedup.preference import preference_key

__all__ = [
    "EXACT_STAGE",
    "NEAR_STAGE",
    "ExactDedup",
    "ExactDedupConfig",
    "MinHasher",
    "NearDedup",
    "NearDedupConfig",
    "exact_dedup",
    "near_dedup",
    "preference_key",
]
