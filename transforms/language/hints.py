"""Modelines and shebangs: Linguist's Modeline and Shebang strategies.

An Emacs or Vim **modeline** in the first or last 5 lines (:func:`modeline`) and the
**shebang** interpreter (``#!/usr/bin/env python3`` -> ``python3``,
:func:`shebang_interpreter`).
"""

from __future__ import annotations

import posixpath
from typing import Optional

import regex

from transforms.language.generated import _head, _tail

_EMACS_MODELINE = regex.compile(
    r"""
    -\*-
    (?:
        [ \t]* (?= [^:;\s]+ [ \t]* -\*- )
      | (?: .*?[ \t;] | (?<=-\*-) ) [ \t]* mode [ \t]* : [ \t]*
    )
    ([^:;\s]+)
    (?= [ \t;] | (?<![-*]) -\*- )
    .*?-\*-
    """,
    regex.VERBOSE | regex.IGNORECASE | regex.V1 | regex.MULTILINE,
)
_VIM_MODELINE = regex.compile(
    r"""
    (?:
        (?:^|[ \t]) (?:vi|Vi(?=m)) (?: m[<=>]?[0-9]+ | m )?
      | [ \t] ex
    )
    (?= : (?=[ \t]* set? [ \t] [^\r\n:]+ :) | : (?![ \t]* set? [ \t]) )
    (?:
        (?: [ \t]* : [ \t]* | [ \t] )
        \w*
        (?: [ \t]*= (?: [^\\\s] | \\. )* )?
    )*
    [ \t:] (?:filetype|ft|syntax) [ \t]*=
    (\w+)
    (?=$|\s|:)
    """,
    regex.VERBOSE | regex.V1 | regex.MULTILINE,
)
_MODELINE_HINT = regex.compile(r"-\*-|vim?[<=>0-9]*:|Vim?[<=>0-9]*:|[ \t]ex:")


def modeline(text: str) -> Optional[str]:
    """The mode a modeline in the first or last 5 lines names (lower case), if any."""
    head = _head(text, 5, cap=1024)
    scope = "\n".join(head)
    if len(text) > len(scope):
        scope += "\n" + "\n".join(_tail(text, 5, cap=1024))
    if not _MODELINE_HINT.search(scope):
        return None
    for pattern in (_EMACS_MODELINE, _VIM_MODELINE):
        match = pattern.search(scope)
        if match:
            return match.group(1)
    return None


_ENV_OPTIONS = regex.compile(r"\G(?:(?:-[i0uCSv]*|--\S+)\s+)+|\G(?:\S+=\S+\s+)+")
_EXEC_HACK = regex.compile(r"exec (\w+)[\s'\"]+\$0[\s'\"]+\$@")


def shebang_interpreter(text: str) -> Optional[str]:
    """Linguist's ``Shebang.interpreter``: ``#!/usr/bin/env -S python3.11 -u`` -> ``python3``."""
    if not text.startswith("#!"):
        return None
    line = _head(text, 1, cap=1024)[0]
    match = regex.match(r"#!\s*(\S+)", line)
    if not match:
        return None
    script = match.group(1).split("/")[-1]
    rest = line[match.end():]
    if script == "env":
        rest = rest.lstrip()
        pos = 0
        while True:
            skip = _ENV_OPTIONS.match(rest, pos)
            if not skip or skip.end() == pos:
                break
            pos = skip.end()
        word = regex.match(r"\S+", rest[pos:])
        if not word:
            return None
        script = word.group(0)
    script = regex.sub(r"\.\d+$", "", script)
    if script == "sh":
        for line in _head(text, 5, cap=1024):
            hack = _EXEC_HACK.search(line)
            if hack:
                script = hack.group(1)
                break
    return posixpath.basename(script) or None
