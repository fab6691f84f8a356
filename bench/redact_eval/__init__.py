"""Independent evaluation set for the PII/secret redactor.

Every case is generated from code with a seeded ``random.Random`` (the names
category also points at real attribution lines of installed packages, read at
run time).  A case is a dict::

    {"id", "category", "kind", "text", "positives", "negatives", "source", ...}

``positives`` are what must be gone from the redacted text (an entry may be a
list of substrings that must *all* be gone: a PEM body, a name's parts);
``negatives`` must survive unchanged.  ``split(case_id)`` puts a case in
``dev`` or ``heldout`` by the sha1 of its id.
"""

import hashlib
import random
import string
import zlib

SEED = 20240611

DIGITS = string.digits
LOWER = string.ascii_lowercase
UPPER = string.ascii_uppercase
ALNUM = DIGITS + UPPER + LOWER
HEX = "0123456789abcdef"
B64 = UPPER + LOWER + DIGITS + "+/"
B64URL = UPPER + LOWER + DIGITS + "-_"


def rs(rng: random.Random, n: int, alphabet: str = ALNUM) -> str:
    """``n`` characters drawn from ``alphabet`` (at least one digit and one letter when it has both)."""
    while True:
        s = "".join(rng.choice(alphabet) for _ in range(n))
        if n < 8 or not (set(alphabet) & set(DIGITS)) or not (set(alphabet) - set(DIGITS)):
            return s
        if any(c.isdigit() for c in s) and any(c.isalpha() for c in s):
            return s


def base62(num: int, width: int) -> str:
    out = ""
    while num:
        num, r = divmod(num, 62)
        out = ALNUM[r] + out
    return out.rjust(width, "0")


def crc_token(rng: random.Random, prefix: str, body: int = 30) -> str:
    """GitHub/npm style token: ``prefix`` + random base62 + base62(crc32) checksum (6 chars)."""
    b = rs(rng, body)
    return prefix + b + base62(zlib.crc32(b.encode()), 6)


def split(case_id: str) -> str:
    return "dev" if int(hashlib.sha1(case_id.encode()).hexdigest(), 16) % 2 == 0 else "heldout"


def case(cid, category, kind, text, positives=(), negatives=(), source="synthetic", **extra):
    d = {"id": cid, "category": category, "kind": kind, "text": text,
         "positives": list(positives), "negatives": list(negatives), "source": source}
    d.update(extra)
    return d


class Cases(list):
    """The cases one generator builds, each with a stable id ``<prefix>/<kind>/<nnn>`` (the nth of its kind)."""

    def __init__(self, prefix: str, category: str, initial=()):
        super().__init__(initial)
        self.prefix, self.category, self._seen = prefix, category, {}

    def add(self, kind, text, positives=(), negatives=(), source="synthetic", **extra):
        n = self._seen.get(kind, 0)
        self._seen[kind] = n + 1
        self.append(case(f"{self.prefix}/{kind}/{n:03d}", self.category, kind, text, positives, negatives, source,
                         **extra))


def build_all():
    from . import cards, names, phones, secrets
    out = []
    for mod in (secrets, names, cards, phones):
        out.extend(mod.build(random.Random(f"{SEED}:{mod.__name__}")))
    ids = [c["id"] for c in out]
    assert len(ids) == len(set(ids)), "duplicate case ids"
    for c in out:
        c["split"] = split(c["id"])
    return out
