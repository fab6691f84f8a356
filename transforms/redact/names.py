"""Person names in attribution contexts (``<NAME>``): rules on context anchors plus a given-name list.

Where names are looked for
--------------------------
Only on lines that hold one of :attr:`NameFinder.anchors` (the redactor's Aho-Corasick prefilter
sends those lines to :meth:`NameFinder.find`), and there only in the part of the line that an
attribution context governs:

* **copyright** (``copyright``, ``©``, ``(c) 19..``/``(c) 20..``): the rest of the line, after
  the years, ``(c)`` and ``by``; several holders (``Jane Doe, John Smith and Ana María López``);
* **author / maintainer fields**: ``@author``, ``Author:``, ``__author__ =``, ``author="..."``,
  ``.. moduleauthor::``, ``Authors: ...``, ``Maintainer:``, ``maintainer = ...``, ``Uploaders:``;
  git trailers (``Signed-off-by:``, ``Co-authored-by:``, ``Reviewed-by:`` ...); ``written by``,
  ``created by``, ``contributed by``, ``developed by``, ``maintained by``, ``ported by``,
  ``originally by``, ``patch by``, ``thanks to``;
* **manifests**: a ``"name"``/``<name>`` value within a few lines after ``author``,
  ``maintainer``, ``contributor`` or ``developer`` (package.json, composer.json, pom.xml);
* **``Name <email>``** and ``Name (email)`` / ``email (Name)`` anywhere (the anchor is ``@``);
* **``TODO(name)``** / ``FIXME(name)`` / ``XXX(name)``: the parenthesised owner.

What is a name
--------------
A run of 2-6 name-shaped words: capitalised words with lower-case letters in any cased script
(``Jörg``, ``Łukasz``, ``Дмитрий``), hyphenated or with an apostrophe (``Jean-Luc``, ``O'Brien``),
initials (``J.``, ``J.R.R.``, ``J``), and lower-case particles between them (``van``, ``de la``,
``von``, ``bin``). A comma, ``and``/``&``, a digit, a bracket, a quote or a sentence end ends a
run; words that are never part of a person's name (``Copyright``, ``All``, ``Rights``, ``Licensed``,
``See``...) split it. A run is **not** a person when it holds an organisation or collective word
(``Inc``, ``LLC``, ``Foundation``, ``Authors``, ``Contributors``, ``Team``, ``Project``,
``University``...), is followed by a legal-form suffix (``, Inc.``), or starts with ``The``.

``config.names_need_list`` (sensitivity low/default): the run's first word must be a known given
name (``transforms/data/given_names.txt``: Faker's and mimesis' given names of ~90 locales with
Latin transliterations of the Cyrillic ones; see ``regenerate_given_names.py``), or a romanized
CJK family name followed by a known given name (``Zhang Wei``), or the run must start with
initials (``J. Smith``, ``M. Stephenson``: organisations do not), or stand right before an email
address (``Jane Doe <jane@...>``, where the first word only must not be a common word), or be
the value of an explicit author/maintainer field (``Author: Ero Carrera``, ``maintainer="Zanele
Kim"``; 2-4 words, before any prose follows the value).

A ``TODO(owner)`` owner is a person's name or user handle (``TODO(alice)``, ``TODO(robertwb)``:
a handle identifies its person as well as a name) unless it is a common tag (``TODO(perf)``), an
acronym, a bug reference or a version: at every sensitivity that looks for names.

Without the list (sensitivity high): any such run in an attribution context that is not an
organisation, and a single capitalised word after an explicit author field (``@author Linus``).

Speed: :meth:`find` returns at once on a line whose anchor is only part of another word
(``authorization``, ``authority``); the work per line is a few regular-expression scans.
Measured on plain code by ``bench/bench_names.py``.
"""

from __future__ import annotations

import os
import re
import unicodedata
from typing import FrozenSet, Iterator, List, Optional, Tuple

_DATA = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "data", "given_names.txt")

KIND = "name"

#: line anchors (lower-case) for the redactor's prefilter
ANCHORS: Tuple[str, ...] = (
    "copyright", "©", "(c) 1", "(c) 2", "(c)1", "(c)2",
    "author", "maintainer", "uploaders:", "-by:", "written by", "created by", "contributed by", "developed by",
    "maintained by", "ported by", "originally by", "patch by", "patches by", "thanks to",
    "todo(", "fixme(", "xxx(",
    '"name"', "<name>",
    "@",
)

# --- word classes --------------------------------------------------------------------------
#: a word: letters with an inner hyphen or apostrophe (Jean-Luc, O'Brien), optional final dot
_TOKEN = re.compile(r"[^\W\d_]+(?:['’\-][^\W\d_]+)*\.?(?:[^\W\d_]\.)*")
_YEAR_OR_C = re.compile(r"\s*(?:\(c\)|©|\d{4}(?:\s*[-–,]\s*(?:\d{2,4}|present))*|,|by\b|:)\s*", re.IGNORECASE)

_PARTICLES = frozenset(
    "van von der den de del della dei degli di da das dos du la le lo ten ter zu zur bin ibn al el y e st. af av"
    .split())

#: words that make a run an organisation, a collective, a project or a thing (lower-case)
_ORG_WORDS = frozenset("""
inc inc. incorporated llc l.l.c. ltd ltd. limited gmbh mbh ag kg sa s.a. sas sarl srl spa s.p.a. bv b.v. nv n.v.
ab oy oyj as asa a/s aps plc pty pte lp llp co co. corp corp. corporation company companies cie kk
foundation foundry fund trust authors author contributors contributor developers developer maintainers
maintainer team teams project projects group groups community communities org organisation organization
university univ universität université universidad universita institute institut instituto institution
college school academy laboratory laboratories lab labs centre center centrum council committee board
consortium association society alliance federation union network networks systems system software
technologies technology tech solutions services service industries studio studios studios games media
microsystems computing computer computers research sciences science labs partners holdings enterprises
enterprise agency department ministry office government bureau administration commission
contributing individuals others affiliates subsidiaries owners owner holders holder licensors licensor
platform cloud data digital labs works productions communications electronics devices instruments city pro
integration bot bots robot automation actions pipeline pipelines buildbot
stichting verein e.v. fondation fundación fondazione gesellschaft
""".split())

#: capitalised words that are not part of a person's name in these contexts: a run is split at them
_STOP_WORDS = frozenset("""
a an the this that these those all any each every no not none some other others and or nor but of for to in
on at by from with without into onto under over as is are was were be been being it its it's he she they we
you your our their his her my me us them
copyright copyrights copyrighted (c) author authors authored maintainer maintainers maintained written
created contributed developed ported originally original originator patch patches thanks thank signed
reviewed acked tested reported suggested helped co-authored-by signed-off-by by modified modifications
portions portion parts part rights right reserved reserve license licensed licence licenses licensing
released release see use used using version versions notice notices permission permissions terms
conditions agreement disclaimer warranty warranties liability public general lesser library free open
source code file files program programs documentation module package packages library libraries
application applications product products work works material materials content contents data text
module class function method object interface implementation example examples sample samples test tests
default name names email mail contact support help info information details note notes todo fixme xxx
hack bug bugs issue issues see also et al etc ie eg unknown anonymous various multiple several many
main current new old first last initial based derived adapted inspired taken copied borrowed ported
apache mit bsd gnu gpl lgpl agpl mpl epl cddl isc zlib cc creative commons unlicense wtfpl spdx
python java javascript typescript rust go golang ruby perl php swift kotlin scala haskell lua dart julia
linux windows macos android ios unix posix web http https html css json yaml xml sql api sdk cli gui
january february march april may june july august september october november december jan feb mar apr
jun jul aug sep sept oct nov dec monday tuesday wednesday thursday friday saturday sunday today
mr mrs ms dr prof sir
""".split())

#: single words after TODO( that are tags, not owners (high sensitivity only looks at handles)
_TODO_TAGS = frozenset("""
perf performance cleanup clean refactor refactoring security docs doc test tests testing later someday
fix bug bugs hack temp tmp remove deprecated deprecation compat compatibility api feature features
optimize optimization opt speed memory mem style lint typing types type naming rename release migration
upstream followup follow-up future v2 v3 next any all everyone someone somebody anyone nobody me us team
help unknown misc general ux ui i18n l10n a11y ci build deps dependency dependencies infra config
now soon maybe someday eventually urgent important critical minor major low high medium p0 p1 p2 p3
wip hotfix workaround kludge debt tech-debt techdebt backcompat backport legacy hack hacky todo fixme
python rust java go js ts cpp windows linux mac macos android ios web gpu cpu tpu cuda
""".split())

#: a TODO owner: a user name (``alice``, ``luke-zhu``, ``jdoe``); not all capitals, no digits
_HANDLE = re.compile(r"(?=[^\W\d_]*[a-z])[^\W\d_]{2,24}(?:[-._][^\W\d_]{1,24}){0,2}")

_LEGAL_SUFFIX = re.compile(
    r"\s*[,.]?\s*(?:inc|llc|l\.l\.c|ltd|limited|gmbh|mbh|ag|corp|corporation|co|plc|pty|bv|b\.v|nv|n\.v|sa|s\.a|"
    r"s\.r\.l|srl|spa|s\.p\.a|ab|oy|asa|a/s|aps|lp|llp|kk|sarl|sas|e\.v|incorporated|"
    r"(?:&|and)\s+(?:sons|co|company|partners|associates|daughters|brothers))\b\.?",
    re.IGNORECASE)

# --- contexts ------------------------------------------------------------------------------
_COPYRIGHT = re.compile(r"copyrights?(?![a-z])(?!\s*(?:notice|holder|owner|law|statement|protection|license|licence|"
                        r"and\b|or\b|to\b|of\b|in\b|on\b|is\b|applies|ownership|file))|©|\(c\)\s*(?=[12]\d{3})",
                        re.IGNORECASE)
_AUTHOR = re.compile(
    r"(?:@|\b|_)(?:co-?)?(?:module|section|code|main|original\s+|primary\s+)?authors?(?![a-z])(?:-by)?|"
    r"(?:\b|_)maintainers?(?![a-z])|\buploaders\s*:|\b[a-z]+(?:-[a-z]+)*-by\s*:|"
    r"\b(?:written|created|contributed|developed|maintained|ported|originally|modified|implemented|coded|"
    r"patch(?:es)?|rewritten)\s+by\b|\bthanks\s+to\b",
    re.IGNORECASE)
#: a lower-case word (not "and"): the field's value has ended, prose goes on
_PROSE = re.compile(r"\b(?!and\b)[a-z]{3,}\b")
_FIELD_AFTER = re.compile(r"s?[_\"'\]]*\s*(?:=|:|::|=>|\()")


def _is_field(text: str, s: int, e: int, le: int) -> bool:
    """``@author X``, ``__author__ = X``, ``Author: X``, ``author="X"``, ``Signed-off-by: X``: an explicit field."""
    if text[s] in "@_" or text[e - 1] == ":":
        return True
    word = text[s:e].lower()
    return ("author" in word or "maintainer" in word) and _FIELD_AFTER.match(text, e, le) is not None
_TODO = re.compile(r"\b(?:todo|fixme|xxx)\(\s*([^()\n]{1,60}?)\s*\)", re.IGNORECASE)
_MANIFEST_NAME = re.compile(r"\"name\"\s*:\s*\"([^\"\n]{2,80})\"|<name>\s*([^<\n]{2,80}?)\s*</name>|"
                            r"(?<![\w.])name\s*=\s*\"([^\"\n]{2,80})\"", re.IGNORECASE)
_MANIFEST_OWNER = re.compile(r"author|maintainer|contributor|developer|owner", re.IGNORECASE)
_EMAIL_AFTER = re.compile(r"\s*(?:<|\(|\[)?\s*(?:mailto:)?[\w.+\-]+(?:@|\s+at\s+|\s*\[at\]\s*)[\w\-]+(?:\.[\w\-]+)+")
_EMAIL_PAREN_NAME = re.compile(r"[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+\s*\(([^()\n]{3,60})\)")
_BEFORE_STOPS = frozenset(",;:=([{<>|\"*#/")
_BRACKETED_EMAIL = re.compile(r"<\s*(?:mailto:)?[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+\s*>|\(\s*[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+\s*\)")


#: a line that starts a list of people ("# This is the list of significant contributors", "AUTHORS",
#: "Thanks to:", "Maintainers")
_LIST_HEADING = re.compile(r"\b(?:authors|contributors|maintainers|credits|committers|thanks\s+to|developers)\b",
                           re.IGNORECASE)
#: one item of such a list: the name, alone but for bullets, comment markers and an email or handle
_LIST_ITEM = re.compile(r"[ \t#*/;\-+•]*(?P<name>[^\W\d_][^<>()\[\]@,;:\n]{2,60}?)[ \t]*"
                        r"(?:[<(\[][^<>()\[\]\n]{0,80}[>)\]])?[ \t]*\r?")
#: a line of code, not a heading: brackets, assignments, statements
_CODE_LINE = re.compile(r"[(){}=;\[\]]|\b(?:def|function|class|return|import|var|let|const)\b")
#: file anchors of :meth:`NameFinder.find_list` (lower-case): a text holding one may hold a list of people
LIST_ANCHORS: Tuple[str, ...] = ("authors", "contributors", "maintainers", "credits", "committers", "thanks to")


def _fold(word: str) -> str:
    """``word`` without combining accents (Seán -> Sean, Zoë -> Zoe)."""
    return "".join(ch for ch in unicodedata.normalize("NFKD", word) if not unicodedata.combining(ch))


def load_given_names(path: str = _DATA) -> Tuple[FrozenSet[str], FrozenSet[str]]:
    """(given names, romanized CJK family names) from the data file."""
    given, family = set(), set()
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            word = line.strip()
            if not word or word[0] == "#":
                continue
            if word[0] == "@":
                family.add(word[1:])
            else:
                given.add(word)
    return frozenset(given), frozenset(family)


class _Tok:
    __slots__ = ("start", "end", "word", "kind")

    def __init__(self, start: int, end: int, word: str, kind: str):
        self.start, self.end, self.word, self.kind = start, end, word, kind  # kind: name | initial | particle


def _is_initial(word: str) -> bool:
    """``J.``, ``J.R.R.``, ``J``."""
    core = word.replace(".", "")
    return 1 <= len(core) <= 3 and core.isupper() and (word.endswith(".") or len(core) == 1)


class NameFinder:
    """Person names in attribution contexts; build once per worker (it loads the given-name list)."""

    anchors: Tuple[str, ...] = ANCHORS

    def __init__(self, config=None):
        need_list = True if config is None else bool(getattr(config, "names_need_list", True))
        self.need_list = need_list
        self.given, self.family = load_given_names()

    # --- public ------------------------------------------------------------------------
    def find(self, text: str, start: int, end: int) -> Iterator[Tuple[int, int, str]]:
        """``(start, end, kind)`` of person names within the line ``text[start:end]``."""
        spans: List[Tuple[int, int]] = []
        for s, e in self._spans(text, start, end):
            if not any(s < pe and ps < e for ps, pe in spans):
                spans.append((s, e))
        for s, e in sorted(spans):
            yield s, e, KIND

    def find_list(self, text: str, start: int = 0, end: int = -1) -> Iterator[Tuple[int, int, str]]:
        """``(start, end, kind)`` of the names in a list of people (an AUTHORS or CONTRIBUTORS file,
        a "Thanks to:" section): after a heading line that names such a list, each line that holds
        one name and nothing else (a bullet, comment markers, an email or handle in brackets
        around it) is a person's name -- judged as anywhere else (a known given name first, no
        organisation), except that no other anchor is needed on the line. Runs on the whole text."""
        end = len(text) if end < 0 else end
        in_list = False
        pos = start
        while pos < end:
            stop = text.find("\n", pos, end)
            stop = end if stop < 0 else stop
            line = text[pos:stop]
            if _LIST_HEADING.search(line) and len(line) < 120 and not _CODE_LINE.search(line):
                in_list = True
            elif in_list:
                item = _LIST_ITEM.fullmatch(line)
                if item is not None:
                    s, e = pos + item.start("name"), pos + item.end("name")
                    for a, b in self._runs(text, s, e):
                        if a == s and b == e:  # the whole item is one name
                            yield a, b, KIND
                elif len(line) > 160:
                    in_list = False  # prose: the list has ended
            pos = stop + 1

    # --- contexts ----------------------------------------------------------------------
    def _spans(self, text: str, ls: int, le: int) -> Iterator[Tuple[int, int]]:
        if le - ls > 1000:
            le = ls + 1000  # minified code and data lines: attribution sits at the start
        low = text[ls:le].lower()
        # emails: Name <email>, Name (email), email (Name)
        if "@" in low and ("<" in low or "(" in low):
            for match in _BRACKETED_EMAIL.finditer(text, ls, le):
                yield from self._before(text, ls, match.start(), email=True)
            if "(" in low:
                for match in _EMAIL_PAREN_NAME.finditer(text, ls, le):
                    yield from self._runs(text, match.start(1), match.end(1), email=True)
        if "copyright" in low or "©" in low or "(c)" in low:
            for match in _COPYRIGHT.finditer(text, ls, le):
                yield from self._runs(text, match.end(), le)
        if "author" in low or "maintainer" in low or "by" in low or "uploaders" in low or "thanks" in low:
            for match in _AUTHOR.finditer(text, ls, le):
                field = _is_field(text, match.start(), match.end(), le)
                yield from self._runs(text, match.end(), le, field=field)
        if "(" in low and ("todo" in low or "fixme" in low or "xxx" in low):
            for match in _TODO.finditer(text, ls, le):
                yield from self._todo(text, match.start(1), match.end(1))
        if "name" in low:
            for match in _MANIFEST_NAME.finditer(text, ls, le):
                group = next(g for g in (1, 2, 3) if match.group(g) is not None)
                if _MANIFEST_OWNER.search(text, max(0, ls - 300), match.start()):
                    yield from self._runs(text, match.start(group), match.end(group))

    def _before(self, text: str, ls: int, at: int, email: bool) -> Iterator[Tuple[int, int]]:
        """The run of words that ends right before ``at`` (an email in brackets)."""
        lo = max(ls, at - 120)
        start = lo
        for pos in range(at - 1, lo - 1, -1):
            if text[pos] in _BEFORE_STOPS:
                start = pos + 1
                break
        runs = list(self._runs(text, start, at, email=email, tail=True))
        if runs:
            yield runs[-1]

    def _todo(self, text: str, s: int, e: int) -> Iterator[Tuple[int, int]]:
        owner = text[s:e]
        if "@" in owner or "/" in owner or "#" in owner or any(ch.isdigit() for ch in owner):
            return  # an email (the email rule's), a bug (b/123, #45), a version
        if " " in owner.strip():
            yield from self._runs(text, s, e)
            return
        word = owner.strip(" .:,")
        if not _HANDLE.fullmatch(word) or word.lower() in _TODO_TAGS or word.lower() in _STOP_WORDS:
            return  # a tag (perf, cleanup), a project or an acronym (ONNX, EA2D)
        yield s, s + len(word)

    # --- runs of name-shaped words -----------------------------------------------------
    def _tokens(self, text: str, s: int, e: int) -> List[Optional[_Tok]]:
        """Name-shaped tokens, with ``None`` where a run must end."""
        out: List[Optional[_Tok]] = []
        pos = s
        for match in _TOKEN.finditer(text, s, e):
            gap = text[pos:match.start()]
            if gap and (gap.strip(" \t") or (out and out[-1] is not None and out[-1].word.endswith(".")
                                            and out[-1].kind == "name")):
                out.append(None)  # punctuation, digits, brackets: the run ends
            pos = match.end()
            word = match.group()
            low = word.lower()
            if low in _PARTICLES and word.islower():
                out.append(_Tok(match.start(), match.end(), word, "particle"))
            elif _is_initial(word):
                out.append(_Tok(match.start(), match.end(), word, "initial"))
            elif "." in word.rstrip(".") or "’" in word:
                out.append(None)  # Boutell.Com, www.Example: a domain, not a name
            elif word[0].isupper() and any(ch.islower() for ch in word) and low.rstrip(".") not in _STOP_WORDS:
                if low.rstrip(".") in _ORG_WORDS:
                    out.append(_Tok(match.start(), match.end(), word, "org"))
                else:
                    out.append(_Tok(match.start(), match.end(), word, "name"))
            elif word[0].isupper() and low.rstrip(".") in _ORG_WORDS:
                out.append(_Tok(match.start(), match.end(), word, "org"))
            elif low == "the":
                out.append(_Tok(match.start(), match.end(), word, "the"))
            else:
                out.append(None)
        return out

    def _runs(self, text: str, s: int, e: int, email: bool = False, field: bool = False,
              tail: bool = False) -> Iterator[Tuple[int, int]]:
        tokens = self._tokens(text, s, e)
        run: List[_Tok] = []
        prev_the = False
        for tok in tokens + [None]:
            if tok is not None and tok.kind in ("name", "initial", "particle", "org"):
                run.append(tok)
                continue
            if run:
                span = self._judge(text, run, email, field, prev_the, e, s)
                if span is not None and (not tail or not text[run[-1].end:e].strip(" \t\"'")):
                    yield span
            run = []
            prev_the = tok is not None and tok.kind == "the"

    def _judge(self, text: str, run: List[_Tok], email: bool, field: bool, prev_the: bool,
               limit: int, field_start: int = 0) -> Optional[Tuple[int, int]]:
        while run and run[0].kind == "particle":
            run = run[1:]
        while run and run[-1].kind == "particle":
            run = run[:-1]
        if not run or prev_the:
            return None
        if any(tok.kind == "org" for tok in run):
            return None
        names = [tok for tok in run if tok.kind == "name"]
        if not names or len(run) > 6:
            return None
        end = run[-1].end
        if run[-1].kind == "name" and text[end - 1] == ".":
            end -= 1  # "Jane Doe." ends a sentence
        if _LEGAL_SUFFIX.match(text, end, min(limit + 12, len(text))) and self._legal_after(text, end):
            return None
        start = run[0].start
        first = run[0]
        if len(run) == 1:
            # one word: only after an explicit author field, without the list (high)
            after = text[end:min(limit, end + 2)].lstrip(" \t")
            if not self.need_list and field and len(first.word) >= 3 and not (after[:1].isalpha() or after[:1] == "."):
                return start, end  # the whole value ("@author Linus"), not "Amazon Web Services"
            return None
        if not self.need_list:
            return start, end
        if field and first.kind == "name" and len(run) <= 4 and _PROSE.search(text, field_start, start) is None:
            return start, end  # "Author: Ero Carrera", maintainer="Zanele Kim": the field names a person
            # (its value, not the prose after it: "#Author: X, original styles from Bayesian Methods")
        word = first.word.rstrip(".")
        if first.kind == "name":
            if self._known(word):
                return start, end
            if word in self.family and len(run) >= 2 and self._known(run[1].word):
                return start, end
            if email and word.lower() not in _STOP_WORDS:
                return start, end
            return None
        if first.kind == "initial" and first.word.endswith(".") and names:
            return start, end  # "J. Smith", "M. Stephenson": organisations do not start with initials
        return None

    def _known(self, word: str) -> bool:
        """A known given name, also without its accents (Seán) or as the first part of a hyphenated one."""
        head = word.split("-")[0]
        if word in self.given or head in self.given:
            return True
        folded = _fold(word)
        return folded != word and (folded in self.given or folded.split("-")[0] in self.given)

    @staticmethod
    def _legal_after(text: str, end: int) -> bool:
        """``Jane Doe, Inc.`` / ``Acme Co`` after the run: a company (but not ``Jane Doe, and ...``)."""
        match = _LEGAL_SUFFIX.match(text, end)
        if match is None or not any(ch.isupper() for ch in match.group()):
            return False  # "Inc", "LLC", "GmbH": capitalised; not "co-wrote", "as"
        after = match.end()
        return after >= len(text) or not (text[after].isalpha())
