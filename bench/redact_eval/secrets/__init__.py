"""Secrets: credentials in the formats providers issue, and hard look-alikes.

Formats (prefix, length, charset, checksum) follow providers' public docs and the
public rule sets of gitleaks / TruffleHog; every body is random and generated here.

By concern: ``render`` (random values and the snippets of 21 syntaxes that hold them), ``formats``
(one value generator per credential kind), ``structured`` (keys, service-account files, connection
strings, manifests), ``lookalikes`` (hard negatives); :func:`build` puts them together.
"""

from .. import Cases
from .formats import GENERIC_COUNTS, KINDS
from .lookalikes import lookalikes
from .render import EXT, LANGS, render
from .structured import structured

CAT = "secret"


def build(rng):
    cases = Cases("secret", CAT)

    def add(kind, text, positives, negatives, ext, source):
        cases.add(kind, text, positives, negatives, source, ext=ext)

    for kind, (gen, names) in KINDS.items():
        n = GENERIC_COUNTS.get(kind, 3)
        langs = rng.sample(LANGS, min(n, len(LANGS))) if n <= len(LANGS) else [rng.choice(LANGS) for _ in range(n)]
        for i in range(n):
            v = gen(rng)
            lang = langs[i]
            words = rng.choice(names)
            if " " in v and lang in ("env", "properties", "ini", "yaml", "dockerfile"):
                lang = "python"
            add(kind, render(rng, lang, words, v), [v], [], EXT[lang], "synthetic:format")
    for kind, text, positives, ext in structured(rng):
        add(kind, text, positives, [], ext, "synthetic:format")
    for kind, text, negatives in lookalikes(rng):
        add("lookalike_" + kind, text, [], negatives, ".txt", "synthetic:lookalike")
    return cases
