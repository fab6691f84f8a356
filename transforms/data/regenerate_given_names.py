#!/usr/bin/env python3
"""Regenerate ``transforms/data/given_names.txt``: the given names that :mod:`transforms.redact.names` knows.

Sources (wheels fetched with ``pip download --no-deps`` at the pinned versions, sha256 checked,
read from the unpacked wheel; nothing is installed):

* ``Faker`` (MIT, © Daniele Faraglia and contributors; maintained): the person providers of
  all its ~90 locales — ``first_names``, ``first_names_male``/``_female``/``_nonbinary`` and
  the romanized first names of ``ja_JP``, ``zh_CN`` and ``zh_TW``. Its ``en_US`` lists are the
  US Social Security Administration's and Census Bureau's public-domain name statistics.
* ``mimesis`` (MIT, © Isaak Uchakaev and contributors; maintained): ``datasets/<locale>/person.json``
  ``names`` (male and female) of its ~35 locales.
* Latin transliterations of the Cyrillic names of both (``Дмитрий`` -> ``Dmitriy``, ``Dmitry``, ...).

Also written: the romanized CJK family names of Faker's ``zh_CN``/``zh_TW``/``ja_JP`` (a line
``@Zhang``), so that ``Zhang Wei`` (family name first) is known too.

Kept: one-word names (multi-word entries are split) in an alphabetic script with letter case
(Latin, Greek, Cyrillic, Armenian, Georgian...), capitalised, 2-20 characters, letters with
at most an inner hyphen or apostrophe (``Jean-Luc``, ``D'Arcy``). Names in scripts without case
(CJK, Arabic, Hebrew, Indic, Thai) are dropped: the finder looks for capitalised words.
The licence notices of both packages are written to ``transforms/data/NAMES-NOTICE``.

    python transforms/data/regenerate_given_names.py [--faker X --faker-sha256 Y --mimesis X --mimesis-sha256 Y]
"""

from __future__ import annotations

import argparse
import glob
import hashlib
import importlib
import json
import os
import pkgutil
import re
import subprocess
import sys
import tempfile
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "given_names.txt")
NOTICE = os.path.join(HERE, "NAMES-NOTICE")

#: pinned versions, so that a regeneration is reproducible; bump them deliberately
FAKER_VERSION = "40.63.0"
FAKER_SHA256 = "36627c20b575b4138f54b6c21f8703e9ab122fd487aca11319beec2aa6ca7232"
MIMESIS_VERSION = "22.2.0"
MIMESIS_SHA256 = "037011eb3d5edf0b0b5d9eafd74d9881f6dce25b4f01032da0e13fb2a56f37e9"

_WORD = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)?")


def fetch(folder: str, name: str, version: str, sha256: str) -> str:
    """The wheel of ``name==version`` in ``folder`` (pip download), its sha256 checked, unpacked; its root."""
    subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary", ":all:", "-q",
                    "-d", folder, f"{name}=={version}"], check=True)
    wheels = sorted(glob.glob(os.path.join(folder, f"{name.lower()}-{version}-*.whl")))
    if len(wheels) != 1:
        raise SystemExit(f"{name} {version}: expected one wheel in {folder}, found {wheels}")
    with open(wheels[0], "rb") as handle:
        digest = hashlib.sha256(handle.read()).hexdigest()
    if sha256 and not sha256.startswith("(") and digest != sha256:
        raise SystemExit(f"{wheels[0]}: sha256 {digest}, expected {sha256}")
    print(f"{os.path.basename(wheels[0])}: sha256 {digest}", file=sys.stderr)
    root = os.path.join(folder, f"{name}-unpacked")
    with zipfile.ZipFile(wheels[0]) as archive:
        archive.extractall(root)
    return root


def faker_names(root: str):
    """(given names, romanized CJK family names) of every Faker person provider."""
    sys.path.insert(0, root)
    try:
        import faker.providers.person as person
        given, family = [], []
        for module in sorted(pkgutil.iter_modules(person.__path__), key=lambda m: m.name):
            provider = getattr(importlib.import_module(f"faker.providers.person.{module.name}"), "Provider", None)
            if provider is None:
                continue
            for attr in ("first_names", "first_names_male", "first_names_female", "first_names_nonbinary",
                         "first_romanized_names", "first_romanized_names_male", "first_romanized_names_female"):
                value = getattr(provider, attr, None)
                if value and not isinstance(value, property):
                    given.extend(value)  # a tuple, or a dict of weights
            if module.name in ("zh_CN", "zh_TW", "ja_JP"):
                value = getattr(provider, "last_romanized_names", None)
                if value and not isinstance(value, property):
                    family.extend(value)
        return given, family
    finally:
        sys.path.remove(root)


def mimesis_names(root: str):
    given = []
    for path in sorted(glob.glob(os.path.join(root, "mimesis", "datasets", "*", "person.json"))):
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
        for key in sorted(data.get("names", {})):
            given.extend(data["names"][key])
    return given


#: Cyrillic given names are written in Latin letters in code (``Dmitry``, ``Sergey``, ``Yuriy``):
#: each gets the transliterations of two common schemes (BGN/PCGN-like with ``y``, and with ``i``/``j``)
_CYRILLIC = {
    "а": "a", "б": "b", "в": "v", "г": "g", "ґ": "g", "д": "d", "е": "e", "є": "ye", "ё": "yo", "ж": "zh",
    "з": "z", "и": "i", "і": "i", "ї": "yi", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o",
    "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh",
    "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu", "я": "ya",
}
_SCHEME_B = {"й": "i", "ю": "iu", "я": "ia", "х": "h", "ё": "e", "є": "ie", "ї": "i", "щ": "sch"}


def transliterations(name: str) -> set:
    """Latin spellings of a Cyrillic name (``Дмитрий`` -> ``Dmitriy``, ``Dmitry``, ``Dmitrii``, ...)."""
    low = name.lower()
    if not all(ch in _CYRILLIC for ch in low):
        return set()
    out = set()
    for table in (_CYRILLIC, {**_CYRILLIC, **_SCHEME_B}):
        for ending in (None, "y", "i"):
            stem, tail = low, ""
            if ending and low.endswith(("ий", "ый")):
                stem, tail = low[:-2], ending
            latin = "".join(table[ch] for ch in stem) + tail
            out.add(latin.capitalize())
            if "кс" in stem:
                out.add(latin.replace("ks", "x").capitalize())  # Aleksey -> Alexey
    return {word for word in out if len(word) >= 2}


def clean(names) -> set:
    out = set()
    for entry in names:
        for word in str(entry).replace("’", "'").split():
            if not (2 <= len(word) <= 20) or not _WORD.fullmatch(word):
                continue
            if not (word[0].isupper() and word[1:] != word[1:].upper() or len(word) == 2 and word[1].islower()):
                continue  # needs case: "Ana", "Jörg", "Дмитрий"; not "李", "ANA"
            out.add(word)
    return out


def licence_text(root: str, name: str) -> str:
    paths = sorted(glob.glob(os.path.join(root, "*.dist-info", "licenses", "*")) +
                   glob.glob(os.path.join(root, "*.dist-info", "LICENSE*")))
    if not paths:
        raise SystemExit(f"{name}: no licence file in the wheel")
    with open(paths[0], encoding="utf-8") as handle:
        return handle.read().strip()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--faker", default=FAKER_VERSION)
    parser.add_argument("--faker-sha256", default=FAKER_SHA256)
    parser.add_argument("--mimesis", default=MIMESIS_VERSION)
    parser.add_argument("--mimesis-sha256", default=MIMESIS_SHA256)
    parser.add_argument("--out", default=OUT)
    parser.add_argument("--notice", default=NOTICE)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        faker_root = fetch(folder, "faker", args.faker, args.faker_sha256)
        mimesis_root = fetch(folder, "mimesis", args.mimesis, args.mimesis_sha256)
        faker_given, family = faker_names(faker_root)
        given = clean(faker_given) | clean(mimesis_names(mimesis_root))
        given |= {latin for name in sorted(given) for latin in sorted(transliterations(name))}
        family = clean(family)
        notices = [(f"Faker {args.faker}", licence_text(faker_root, "faker")),
                   (f"mimesis {args.mimesis}", licence_text(mimesis_root, "mimesis"))]
    with open(args.out, "w", encoding="utf-8", newline="\n") as handle:
        handle.write(f"# given names from Faker {args.faker} and mimesis {args.mimesis} (both MIT; see NAMES-NOTICE),\n"
                     f"# written by transforms/data/regenerate_given_names.py; '@' marks a romanized CJK family name\n")
        for name in sorted(given):
            handle.write(name + "\n")
        for name in sorted(family):
            handle.write("@" + name + "\n")
    with open(args.notice, "w", encoding="utf-8", newline="\n") as handle:
        handle.write("transforms/data/given_names.txt is derived from the person-name data of the packages below.\n")
        for title, text in notices:
            handle.write(f"\n===== {title} =====\n\n{text}\n")
    print(f"{args.out}: {len(given)} given names, {len(family)} CJK family names", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
