"""The :class:`Redactor`: one Aho-Corasick pass for anchors, then the rules those anchors name, per line."""

from __future__ import annotations

import bisect
import collections
import ipaddress
import math
import re
from typing import Callable, Dict, Iterable, Iterator, List, Optional, Tuple

import xxhash

from transforms.redact.assignments import _SERVICES, _SERVICE_KEY, _ANNOTATION, _BARE_OK, _DOTTED_NAME, _ENDING_WORDS, _ENV_NAME, _EXPRESSION, _IDENTIFIER_PATH, _KEYWORD, _KEY_WORDS, _NAME_CHARS, _NOT_A_SECRET_VALUE, _NUMBER, _OPERATOR, _PATHLIKE, _PUBLIC_PREFIXES, _REGEXISH, _SHORT_WORDS, _VALUE, _WORDS, _XML_VALUE, _not_secret_name
from transforms.redact.config import CREDIT_CARD, EMAIL, Finding, IP, KEY, NAME, PASSWORD, PHONE, PLACEHOLDER, RedactConfig, Redaction, TOKENS, _checked_replacements, apply_findings
from transforms.redact.patterns import _ASCII_LOWER, _ASSIGNMENT_ANCHORS, _AUTH_HEADER, _B64_RUN, _BEARER, _CLI_PATTERNS, _DOMAIN, _GLOBAL_UNICAST, _IPV4, _IPV4_HINT, _IPV6, _IPV6_HINT, _LOCAL_CHARS, _LOGIN_CALL, _PEM_GAP, _PEM_HEAD, _PEM_LINE, _PUTTY, _QUOTED, _SPECIAL_NETWORKS, _SQL_PASSWORD, _URL_USERINFO, _UUID, _add_line, _first_argument, _is_network, _is_reserved_domain, _overlaps, _parse_ipv6, _resolve, _segment, _version_like
from transforms.redact.formats import PREFIX_RULES
from transforms.redact.rules import _Cand, _Ctx, _ds_rules
from transforms.redact.values import _CAMEL, _not_a_credential, is_hash_on_hash_line, is_placeholder, shannon_entropy

#: after a PEM body's last full line, before the END line: its short last line
_PEM_TAIL = re.compile(r"(?:\\[rn]|[\r\n \t\"',+])+(?P<tail>[A-Za-z0-9+/]{1,15}={0,2})(?=(?:\\[rn]|[\r\n \t\"',+])*$)")


#: kinds found from a name beside a value, not from the value's own format: their short values
#: without digits are not replaced elsewhere in the file (a word can be a password and a word)
_GUESSED = frozenset({"generic_password", "generic_secret", "login_password", "sql_password", "cli_password",
                      "url_password", "netrc_password"})


def _span_detector(find: Callable[[str, int, int], Iterable[Tuple[int, int, str]]], category: str):
    """A detector of ``(start, end, kind)`` spans in a line (names, card and phone numbers) whose
    findings yield to every other detector's on the same span (priority 0)."""

    def detect(redactor: "Redactor", ctx: _Ctx) -> Iterator[_Cand]:
        for start, end, kind in find(ctx.text, ctx.start, ctx.end):
            yield _Cand(start, end, kind, category, 0)

    return detect


class Redactor:
    """Finds and replaces secrets and PII. Build once per worker: it compiles the
    anchor automaton and loads the suffix list."""

    def __init__(self, config: RedactConfig = RedactConfig()):
        import ahocorasick_rs

        self.config = config
        self._ipv4_repl = _checked_replacements(config.ipv4_replacements, 4, "ipv4_replacements")
        self._ipv6_repl = _checked_replacements(config.ipv6_replacements, 6, "ipv6_replacements")
        try:
            self._keep_ips = frozenset(ipaddress.ip_address(a) for a in config.keep_ips)
        except ValueError as exc:
            raise ValueError(f"redact.keep_ips: {exc}") from exc
        self._tld = None
        if config.emails:
            import tldextract

            # the Public Suffix List snapshot shipped inside the package: no download
            self._tld = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None, include_psl_private_domains=False)
            self._tld("warm.up.example.com")  # builds the suffix trie now, in setup, not on the first email

        # detectors: each is a callable (redactor, ctx) -> candidates, with its anchors
        self._detectors: List[Callable[["Redactor", _Ctx], Iterable[_Cand]]] = []
        line_anchors: Dict[str, List[int]] = collections.defaultdict(list)
        file_anchors: Dict[str, List[int]] = collections.defaultdict(list)

        def add(detector, anchors=(), files=()):
            index = len(self._detectors)
            self._detectors.append(detector)
            for anchor in anchors:
                line_anchors[anchor.lower()].append(index)
            for anchor in files:
                file_anchors[anchor.lower()].append(index)

        if config.secrets:
            for rule in _ds_rules() + list(PREFIX_RULES):
                add(rule.run, rule.anchors, rule.file_anchors)
            add(Redactor._assignments, _ASSIGNMENT_ANCHORS)
            add(Redactor._service_assignments, _SERVICES)
            add(Redactor._url_passwords, ("://",))
            add(Redactor._auth_headers, ("authorization", "bearer"))
            add(Redactor._cli_passwords, ("curl", "mysql", "mariadb", "sshpass", "login", "wget", "http ", "-u ",
                                          "-u'", "-u\"", "--user", "--proxy-user"))
            add(Redactor._sql_passwords, ("create user", "alter user", "create role", "alter role", "create login",
                                          "alter login"))
            add(Redactor._login_calls, ("login(", "authenticate(", "auth(", "auth=(", "auth = (", "basicauth(",
                                        "digestauth(", "credentials("))
            add(Redactor._private_keys, ("private key",))
            add(Redactor._putty_keys, ("putty-user-key-file",))
        if config.emails:
            add(Redactor._emails, ("@",))
        #: (regex, detector): every match of the regex makes its line a candidate for the detector
        self._hints: List[Tuple[re.Pattern, int]] = []
        if config.ips:
            self._hints.append((_IPV4_HINT, len(self._detectors)))
            add(Redactor._ipv4)
            self._hints.append((_IPV6_HINT, len(self._detectors)))
            add(Redactor._ipv6)
        if config.names:
            from transforms.redact.names import LIST_ANCHORS, NameFinder

            names = NameFinder(config)
            add(_span_detector(names.find, NAME), names.anchors)
            add(_span_detector(names.find_list, NAME), files=LIST_ANCHORS)  # AUTHORS-style lists: whole file
        if config.credit_cards:
            from transforms.redact.numbers import CardFinder

            cards = CardFinder(config)
            self._hints.append((cards.hint, len(self._detectors)))
            add(_span_detector(cards.find, CREDIT_CARD))
        if config.phones:
            from transforms.redact.numbers import PhoneFinder

            phones = PhoneFinder(config)
            self._hints.append((phones.hint, len(self._detectors)))
            add(_span_detector(phones.find, PHONE))

        self._anchors = sorted(set(line_anchors) | set(file_anchors))
        self._anchor_rules = [
            (tuple(line_anchors.get(a, ())), tuple(file_anchors.get(a, ()))) for a in self._anchors
        ]
        self._automaton = None
        if self._anchors:
            self._automaton = ahocorasick_rs.AhoCorasick(
                self._anchors, implementation=ahocorasick_rs.Implementation.DFA
            )

    # --- public API --------------------------------------------------------------------
    def find(self, text: str) -> List[Finding]:
        """The findings in ``text``, sorted by offset, not overlapping."""
        return self.find_all(text)[0]

    def find_all(self, text: str) -> Tuple[List[Finding], int]:
        """The findings, and how many spans a rule matched but left as placeholders."""
        accepted = _resolve(self._candidates(text))
        placeholders = sum(1 for c in accepted if c.category == PLACEHOLDER)
        findings = [Finding(c.kind, c.start, c.end, self._replacement(c, text)) for c in accepted
                    if c.category != PLACEHOLDER]
        return self._propagate(text, findings), placeholders

    def redact(self, text: str) -> Redaction:
        findings, placeholders = self.find_all(text)
        return apply_findings(text, findings, placeholders)

    # --- the prefilter -----------------------------------------------------------------
    def _candidates(self, text: str) -> List[_Cand]:
        lowered = text.lower()
        if len(lowered) != len(text):  # a few characters lower-case to two; keep offsets exact
            lowered = text.translate(_ASCII_LOWER)
        lines: Dict[int, Tuple[int, set]] = {}
        whole: set = set()
        if self._automaton is not None:
            anchor_rules = self._anchor_rules
            for index, _, end in self._automaton.find_matches_as_indexes(lowered, overlapping=True):
                line_rules, file_rules = anchor_rules[index]
                if file_rules:
                    whole.update(file_rules)
                if line_rules:
                    _add_line(lines, text, end - 1, line_rules)
        for hint, detector in self._hints:
            rules = (detector,)
            for match in hint.finditer(text):
                _add_line(lines, text, match.start(), rules)
        out: List[_Cand] = []
        for index in sorted(whole):
            out.extend(self._detectors[index](self, _Ctx(text, 0, len(text))))
        for start in sorted(lines):
            end, rules = lines[start]
            ctx = _Ctx(text, start, end)
            for index in sorted(rules - whole):
                out.extend(self._detectors[index](self, ctx))
        out.extend(list(self._paired(text, out)))
        return out

    def _paired(self, text: str, cands: List[_Cand]) -> Iterator[_Cand]:
        """A key found by its format often comes with its secret half on the same line
        (``Client("SK…", "<secret>")``, ``key_id, secret``): quoted random strings next to it."""
        seen = set()
        for cand in list(cands):
            if cand.category != KEY or cand.priority < 3:
                continue
            start = text.rfind("\n", 0, cand.start) + 1
            end = text.find("\n", cand.end)
            end = len(text) if end < 0 else end
            if start in seen or end - start > 400:
                continue
            seen.add(start)
            line = text[start:end]
            for match in _QUOTED.finditer(text, start, end):
                value = match.group("v")
                if self.plausible_pair(value, line):
                    yield _Cand(match.start("v"), match.end("v"), "paired_secret", KEY, 1)

    def plausible_pair(self, value: str, line: str) -> bool:
        if not (20 <= len(value) <= 128) or is_placeholder(value) or _UUID.fullmatch(value):
            return False
        if not (any(c.isdigit() for c in value) and any(c.islower() for c in value) and any(c.isupper() for c in value)):
            return False
        return shannon_entropy(value) >= 3.5 and not is_hash_on_hash_line(value, line)

    # --- value judgements --------------------------------------------------------------
    def plausible_token(self, value: str, line: str = "") -> bool:
        """A value a format rule matched: not a placeholder, not a hex digest on a hash line."""
        if is_placeholder(value) or shannon_entropy(value) < 2.5:
            return False
        return not (line and is_hash_on_hash_line(value, line))

    def plausible_password(self, value: str, in_url: bool = False) -> bool:
        if len(value) < self.config.min_password_length or len(value) > 256:
            return False
        if any(ch.isspace() for ch in value) or is_placeholder(value) or _not_a_credential(value):
            return False
        if in_url:
            return not value.startswith(("{", "$", "%", "<", "[")) and "{" not in value
        if _ENV_NAME.fullmatch(value) or _REGEXISH.search(value) or value.lower().startswith("0x"):
            return False  # the name of a variable, a pattern, a number
        has_digit = any(ch.isdigit() for ch in value)
        if not has_digit and ("_" in value or "." in value) and _IDENTIFIER_PATH.fullmatch(value):
            return False  # "hashed_password", "form.password"
        if value.isalpha():
            # a word ("Passwort"), a camelCase name ("nameID", "kmsPswd") is a label; letters alone
            # make a password only when long and irregular
            return len(value) >= 10 and not _CAMEL.fullmatch(value) and shannon_entropy(value) >= 3.2
        return True

    def plausible_key(self, value: str, line: str) -> bool:
        """The value of a ``secret``/``token``/``api_key`` assignment: random enough to be one."""
        n = len(value)
        if n < self.config.min_key_length or n > 1024 or any(ch.isspace() for ch in value):
            return False
        if is_placeholder(value) or _PATHLIKE.search(value) or _DOTTED_NAME.fullmatch(value):
            return False
        if value.startswith(_PUBLIC_PREFIXES) or _NUMBER.fullmatch(value) or _EXPRESSION.fullmatch(value):
            return False
        if _ENV_NAME.fullmatch(value) or _REGEXISH.search(value) or is_hash_on_hash_line(value, line):
            return False
        if _not_a_credential(value) or sum(1 for ch in value if ch.isascii() and ch.isalnum()) * 5 < n * 3:
            return False  # mostly punctuation: a separator, a format string, not a key
        has_digit = any(ch.isdigit() for ch in value)
        has_symbol = any(ch in "-_+/=.~!@#$%^&*" for ch in value)
        mixed = any(ch.islower() for ch in value) and any(ch.isupper() for ch in value)
        if not (has_digit or has_symbol or (mixed and n >= 16)):
            return False
        if not has_digit and (_IDENTIFIER_PATH.fullmatch(value) or _WORDS.fullmatch(value)):
            return False  # "my_secret_value", "config.token", "unused-retrieval-token"
        # short values cannot reach the full threshold: ask for nearly all-distinct characters
        return shannon_entropy(value) >= min(self.config.min_key_entropy, math.log2(n) - 0.5)

    # --- detectors ---------------------------------------------------------------------
    def _service_assignments(self, ctx: _Ctx) -> Iterator[_Cand]:
        """``<SERVICE>_..._KEY = value`` (``TWITTER_CONSUMER_KEY``, ``DATADOG_APP_KEY``)."""
        low = ctx.text[ctx.start:ctx.end].lower()
        for service in _SERVICES:
            pos = low.find(service)
            while pos >= 0:
                if pos == 0 or not low[pos - 1].isalpha():
                    yield from self._assignments(ctx, _SERVICE_KEY, ctx.start + pos + len(service), ctx.start + pos)
                pos = low.find(service, pos + 1)

    def _assignments(self, ctx: _Ctx, keyword=_KEYWORD, at: int = -1, name_from: int = -1) -> Iterator[_Cand]:
        """``name <op> value`` where the name says secret: code, YAML, JSON, .env, INI, XML, flags."""
        text, ls, le = ctx
        line = None
        done_to = ls
        matches = keyword.finditer(text, ls, le) if at < 0 else filter(None, [keyword.match(text, at, le)])
        for match in matches:
            a, b = match.span()
            if a < done_to:
                continue
            word = match.group().lower()
            if word in _SHORT_WORDS and not _segment(text, a, b, left=True):
                continue
            if word in _ENDING_WORDS and not _segment(text, a, b, left=False):
                continue
            ns = a if name_from < 0 else name_from
            while ns > ls and text[ns - 1] in _NAME_CHARS and a - ns < 64:
                ns -= 1
            ne = b
            while ne < le and text[ne] in _NAME_CHARS and ne - b < 64:
                ne += 1
            done_to = ne
            flag = text[ns] == "-"
            while ns < ne and text[ns] in "-.":
                ns += 1
            while ne > ns and text[ne - 1] in "-.":
                ne -= 1
            name = text[ns:ne]
            if not name or _not_secret_name(name) or "." in text[b:ne]:
                continue  # token.find(...), password.encoder=: the keyword is not what is assigned
            is_password = match.group("pw") is not None and not re.search(_KEY_WORDS, name, re.IGNORECASE)
            if line is None:
                line = text[ls:le]
            cand = self._assignment_value(text, ns, ne, le, flag, is_password, line)
            if cand is not None:
                yield cand

    def _assignment_value(self, text, ns, ne, le, flag, is_password, line) -> Optional[_Cand]:
        before = text[ns - 1] if ns > 0 else ""
        if before == ":" and ns > 1 and text[ns - 2] == ":":
            return None  # AWS::IAM::AccessKey, std::secret: a type path, not an assignment
        quoted_only = False
        if before == "<" and ne < le and text[ne] == ">":  # <password>value</password>
            value_match = _XML_VALUE.match(text, ne + 1, le)
        else:
            op_match = _OPERATOR.match(text, ne, le)
            if op_match is not None:
                op = op_match.group("op").strip()
                close = op_match.group("close")
                pos = op_match.end()
                if op == "::":
                    return None
                if op == ">":  # <entry key="password">value</entry>
                    if not close:
                        return None
                    value_match = _XML_VALUE.match(text, pos, le)
                    op = "xml"
                elif op == "(":  # setPassword("x"), .password("x"), withToken("x"); not verify_token("x")
                    callee = text[ns:ne].rsplit(".", 1)[-1].lower()
                    if not (_KEYWORD.fullmatch(callee) or callee.startswith(("set", "with", "use"))):
                        return None
                    quoted_only = True
                elif op in ("==", "!=", "===", "!==", "||", "??"):  # comparisons; x.TOKEN || "fallback"
                    quoted_only = True
                elif op == ",":
                    # define("DB_PASSWORD", "x"), getenv("TOKEN", "x"); not f(password, "x") nor a list
                    if not close or not _first_argument(text, ns):
                        return None
                    quoted_only = True
                elif op == ":":
                    annotation = _ANNOTATION.match(text, pos, le)  # password: str = "x"
                    if annotation is not None:
                        pos = annotation.end()
                if op != "xml":
                    value_match = _VALUE.match(text, pos, le)
            elif flag or text[ns:ne].isupper():  # --password VALUE; SQL: PASSWORD 'value'
                gap = ne
                while gap < le and text[gap] in " \t":
                    gap += 1
                if gap == ne:
                    return None
                quoted_only = not flag
                value_match = _VALUE.match(text, gap, le)
            else:
                return None
        if value_match is None:
            return None
        group = next((g for g in ("dq", "sq", "bq", "bare") if value_match.groupdict().get(g) is not None), None)
        if group is None:
            return None
        start, end = value_match.span(group)
        value = text[start:end]
        if group == "bare":
            if quoted_only:
                return None
            value = value.strip()
            start = text.find(value, start, end) if value else start
            end = start + len(value)
            if not value or not _BARE_OK.fullmatch(value):
                return None
            if end < le and text[end] in "([.":  # a call, an index, an attribute
                return None
            if _IDENTIFIER_PATH.fullmatch(value) and not any(ch.isdigit() for ch in value):
                return None  # a variable: password = user_password
            if value[0] == ":" or value[-1] == ":" or _NUMBER.fullmatch(value):
                return None
        if value.rstrip(".,;").lower() == text[ns:ne].lower() or _NOT_A_SECRET_VALUE.fullmatch(value):
            return None  # a date, a version or an OID, a number
        if _KEYWORD.search(value) and (not any(ch.isdigit() for ch in value) or _IDENTIFIER_PATH.fullmatch(value)):
            return None  # "challengePassword", "my-api-token", "PKCS7PrivateKeyTypes": a label, not a secret
        if is_password:
            if not self.plausible_password(value):
                return None
            return _Cand(start, end, "generic_password", PASSWORD, 1)
        if not self.plausible_key(value, line):
            return None
        return _Cand(start, end, "generic_secret", KEY, 1)

    def _url_passwords(self, ctx: _Ctx) -> Iterator[_Cand]:
        for match in _URL_USERINFO.finditer(ctx.text, ctx.start, ctx.end):
            value = match.group("pw")
            if self.plausible_password(value, in_url=True):
                yield _Cand(match.start("pw"), match.end("pw"), "url_password", PASSWORD, 2)

    def _auth_headers(self, ctx: _Ctx) -> Iterator[_Cand]:
        text = ctx.text
        for match in _AUTH_HEADER.finditer(text, ctx.start, ctx.end):
            value = match.group("cred")
            if not is_placeholder(value) and shannon_entropy(value) >= 2.5:
                yield _Cand(match.start("cred"), match.end("cred"), "auth_header", KEY, 2)
        for match in _BEARER.finditer(text, ctx.start, ctx.end):
            value = match.group("cred")
            if any(ch.isdigit() for ch in value) and not is_placeholder(value) and shannon_entropy(value) >= 3.0:
                yield _Cand(match.start("cred"), match.end("cred"), "auth_header", KEY, 2)

    def _cli_passwords(self, ctx: _Ctx) -> Iterator[_Cand]:
        text = ctx.text
        for pattern in _CLI_PATTERNS:
            for match in pattern.finditer(text, ctx.start, ctx.end):
                value = match.group("pw")
                if self.plausible_password(value, in_url=True):
                    yield _Cand(match.start("pw"), match.end("pw"), "cli_password", PASSWORD, 2)

    def _login_calls(self, ctx: _Ctx) -> Iterator[_Cand]:
        """``login("user", "password")``, ``auth=("user", "password")``: the second argument."""
        for match in _LOGIN_CALL.finditer(ctx.text, ctx.start, ctx.end):
            value = match.group("pw")
            if self.plausible_password(value):
                yield _Cand(match.start("pw"), match.end("pw"), "login_password", PASSWORD, 2)

    def _sql_passwords(self, ctx: _Ctx) -> Iterator[_Cand]:
        for match in _SQL_PASSWORD.finditer(ctx.text, ctx.start, ctx.end):
            value = match.group("pw")
            if self.plausible_password(value):
                yield _Cand(match.start("pw"), match.end("pw"), "sql_password", PASSWORD, 2)

    def _private_keys(self, ctx: _Ctx) -> Iterator[_Cand]:
        text = ctx.text
        for head in _PEM_HEAD.finditer(text, ctx.start, ctx.end):
            label = head.group("label")
            tail = re.compile(r"-{4,5} ?END " + re.escape(label) + r" ?-{4,5}")
            limit = min(len(text), head.end() + 131072)
            stop = tail.search(text, head.end(), limit)
            if stop is not None:
                body_end = stop.start()
            else:  # no END line: the base64-looking lines that follow
                body_end = head.end()
                for piece in _PEM_LINE.finditer(text, head.end(), limit):
                    if piece.start() != body_end:
                        break
                    body_end = piece.end()
            runs = list(_B64_RUN.finditer(text, head.end(), body_end))
            if not runs:
                continue
            gaps = (text[x.end():y.start()] for x, y in zip(runs, runs[1:]))
            if all(_PEM_GAP.fullmatch(gap) for gap in gaps):
                end = runs[-1].end()
                tail = _PEM_TAIL.match(text, end, body_end) if stop is not None else None
                if tail is not None:  # the body's last line, shorter than a run ("GQ==")
                    end = tail.end("tail")
                yield _Cand(runs[0].start(), end, "private_key", KEY, 4)
            else:  # key material inside code (string concatenation, headers): each run alone
                for run in runs:
                    yield _Cand(run.start(), run.end(), "private_key", KEY, 4)

    def _putty_keys(self, ctx: _Ctx) -> Iterator[_Cand]:
        text = ctx.text
        match = _PUTTY.search(text, ctx.start, min(len(text), ctx.start + 65536))
        if match is not None:
            start, end = match.span("body")
            while end > start and text[end - 1] in "\r\n":
                end -= 1
            yield _Cand(start, end, "putty_private_key", KEY, 4)

    def _emails(self, ctx: _Ctx) -> Iterator[_Cand]:
        text, ls, le = ctx
        at = text.find("@", ls, le)
        while at >= 0:
            cand = self._email_at(text, at, ls, le)
            if cand is not None:
                yield cand
            at = text.find("@", at + 1, le)

    def _email_at(self, text: str, at: int, ls: int, le: int) -> Optional[_Cand]:
        start = at
        while start > ls and text[start - 1] in _LOCAL_CHARS and at - start < 64:
            start -= 1
        while start < at and text[start] in "._%+-":
            start += 1
        if start == at or text[at - 1] == ".":
            return None
        if start >= 3 and text[start - 3:start] == "://":
            return None  # scheme://user@host: a URL's user name (a Sentry DSN's key), not a mailbox
        if start > ls and text[start - 1] == ":" and text.rfind("://", ls, start) >= 0:
            token_start = text.rfind("://", ls, start)
            if not any(ch.isspace() for ch in text[token_start:start]):
                return None  # scheme://user:password@host: the password rule's, not an email
        match = _DOMAIN.match(text, at + 1, le)
        if match is None:
            return None
        domain = match.group()
        end = match.end()
        tld = domain.rsplit(".", 1)[1]
        if not (tld.islower() or tld.isupper()):
            return None  # q@k.mT: code, not a mailbox
        if end < le and text[end] == ":" and end + 1 < le and text[end + 1] not in " \t\r\n":
            return None  # git@github.com:owner/repo.git (scp-style remote), not a mailbox
        low = domain.lower()
        if self.config.keep_example_emails and _is_reserved_domain(low):
            return None
        extracted = self._tld(low)
        if not extracted.suffix or not extracted.domain:
            return None  # x@self.weight: no such top-level domain
        return _Cand(start, end, "email", EMAIL, 0)

    def _ipv4(self, ctx: _Ctx) -> Iterator[_Cand]:
        text = ctx.text
        for match in _IPV4.finditer(text, ctx.start, ctx.end):
            try:
                address = ipaddress.IPv4Address(match.group())
            except ValueError:
                continue
            if not self._public(address) or _version_like(text, match.start(), match.end(), ctx.start, ctx.end):
                continue
            if _is_network(text, match.end(), address):
                continue  # 52.216.0.0/15: a network block, not a host
            yield _Cand(match.start(), match.end(), "ipv4", IP, 0)

    def _ipv6(self, ctx: _Ctx) -> Iterator[_Cand]:
        text = ctx.text
        for match in _IPV6.finditer(text, ctx.start, ctx.end):
            start, end = match.span()
            address = _parse_ipv6(match.group())
            if address is None and match.group()[-1] in ":." and not match.group().endswith("::"):
                end -= 1  # "2600:1f18::17:" at the end of a sentence or before a port
                address = _parse_ipv6(text[start:end])
            if address is None or address not in _GLOBAL_UNICAST or not self._public(address):
                continue
            if _is_network(text, end, address):
                continue
            yield _Cand(start, end, "ipv6", IP, 0)

    def _public(self, address) -> bool:
        return (
            address.is_global
            and not address.is_multicast
            and not address.is_reserved
            and address not in self._keep_ips
            and not any(address in net for net in _SPECIAL_NETWORKS.get(address.version, ()))
            and not is_placeholder(str(address).replace(".", "").replace(":", ""))  # 1.2.3.4, 123.45.67.89
        )

    # --- replacement -------------------------------------------------------------------
    def _replacement(self, cand: _Cand, text: str) -> str:
        if cand.category != IP:
            return TOKENS[cand.category]
        original = text[cand.start:cand.end]
        pool = self._ipv6_repl if cand.kind == "ipv6" else self._ipv4_repl
        return pool[xxhash.xxh64_intdigest(original.encode("utf-8")) % len(pool)]

    def _propagate(self, text: str, findings: List[Finding]) -> List[Finding]:
        """Every other occurrence of a found string gets the same replacement."""
        if not findings:
            return findings
        starts = [f.start for f in findings]
        ends = [f.end for f in findings]
        extra: List[Finding] = []
        seen = set()
        for finding in findings:
            original = text[finding.start:finding.end]
            if original in seen:
                continue
            seen.add(original)
            whole_words = finding.replacement == TOKENS[NAME]
            if whole_words and " " not in original:
                continue  # a one-word name (a TODO owner) is a word of the code too: only where it was found
            if finding.kind in _GUESSED and len(original) < 12 and not any(ch.isdigit() for ch in original):
                continue  # a short value without digits that an assignment suggested: only where it was assigned
            pos = text.find(original)
            while pos >= 0:
                end = pos + len(original)
                if whole_words and ((pos > 0 and text[pos - 1].isalnum()) or (end < len(text) and text[end].isalnum())):
                    pos = text.find(original, pos + 1)
                    continue  # "Ann Lee" inside "Joann Leeds"
                i = bisect.bisect_right(starts, pos) - 1
                covered = (i >= 0 and ends[i] > pos) or (i + 1 < len(starts) and starts[i + 1] < end)
                if not covered and not _overlaps(extra, pos, end):
                    extra.append(Finding(finding.kind, pos, end, finding.replacement))
                pos = text.find(original, pos + 1)
        if not extra:
            return findings
        return sorted(findings + extra, key=lambda f: (f.start, f.end))
