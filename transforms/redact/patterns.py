"""The other detectors' patterns and helpers: URLs, headers, CLI flags, private keys, emails, IP addresses and versions."""

from __future__ import annotations

import bisect
import ipaddress
import re
from typing import Dict, List, Sequence, Tuple


from transforms.redact.config import Finding
from transforms.redact.rules import _Cand
from transforms.redact.values import _is_alnum

# --- helpers of the detectors -----------------------------------------------------------
_ASCII_LOWER = {c: c + 32 for c in range(ord("A"), ord("Z") + 1)}

_ASSIGNMENT_ANCHORS = (
    "password", "passwd", "passphrase", "pass", "pwd", "contrasena", "contraseña", "secret", "token",
    "api_key", "apikey", "api-key", "api.key", "access_key", "accesskey", "access-key", "private_key",
    "privatekey", "private-key", "auth", "credential", "account_key", "accountkey", "master_key", "masterkey",
    "signing_key", "signingkey", "encryption_key", "encryptionkey", "app_key", "appkey", "app-key",
    "service_key", "subscription-key", "subscription_key", "db_key", "client_key", "clientkey",
) + tuple(f"{who}{sep}pat" for who in ("github", "gitlab", "git", "hf", "ado", "devops", "azure") for sep in ("_", "-", ".", "")) + tuple(
    f"{stem}{sep}key" for stem in ("api", "access", "private", "account", "master", "signing", "encryption", "app",
                                   "service", "subscription", "db", "database", "client", "aes", "hmac", "function",
                                   "storage", "shared", "cipher", "crypto", "jwt", "session", "cookie", "webhook")
                     for sep in ("_", "-", ".", ""))


def _add_line(lines: Dict[int, Tuple[int, set]], text: str, pos: int, rules: Sequence[int]) -> None:
    start = text.rfind("\n", 0, pos) + 1
    entry = lines.get(start)
    if entry is None:
        end = text.find("\n", pos)
        if end < 0:
            end = len(text)
        entry = lines[start] = (end, set())
    entry[1].update(rules)


def _segment(text: str, a: int, b: int, left: bool) -> bool:
    """``text[a:b]`` ends a segment of a name (and starts one if ``left``): snake, kebab,
    dotted or camel case; ``GITHUB_TOKEN``, ``accessToken``, but not ``tokenizer``."""
    right = text[b] if b < len(text) else " "
    if _is_alnum(right):
        if not (right.isdigit() or (right.isupper() and text[b - 1].islower())):
            return False
    if not left or a == 0:
        return True
    before = text[a - 1]
    return not _is_alnum(before) or before.isdigit() or (before.islower() and text[a].isupper())


def _first_argument(text: str, ns: int) -> bool:
    """The quoted name starting at ``ns`` is the first argument of a call that sets or reads a
    setting: ``define("DB_PASSWORD", "x")``, ``os.getenv("TOKEN", "x")``, ``headers.put("X-Api-Key", "x")``."""
    i = ns - 1
    if i < 0 or text[i] not in "\"'`":
        return False
    i -= 1
    while i >= 0 and text[i] in " \t":
        i -= 1
    if i < 0 or text[i] != "(":
        return False
    j = i
    while j > 0 and (text[j - 1].isalnum() or text[j - 1] == "_"):
        j -= 1
    return text[j:i].lower() in _SETTING_CALLS


_SETTING_CALLS = frozenset(
    """define getenv get setdefault put set setenv putenv setproperty getproperty setitem getitem add header
    setheader addheader append env config option fetch getstring withenv environ""".split()
)


_PREFIX_LEN = re.compile(r"/(\d{1,3})(?!\d)")


def _is_network(text: str, end: int, address) -> bool:
    """``address/len`` with no host bits set: a CIDR block."""
    match = _PREFIX_LEN.match(text, end)
    if match is None:
        return False
    try:
        ipaddress.ip_network(f"{address}/{match.group(1)}", strict=True)
    except ValueError:
        return False
    return int(match.group(1)) < address.max_prefixlen


def _parse_ipv6(token: str):
    try:
        return ipaddress.IPv6Address(token)
    except ValueError:
        return None


def _resolve(cands: List[_Cand]) -> List[_Cand]:
    """Non-overlapping candidates: higher priority first, then longer, then earlier."""
    accepted: List[_Cand] = []
    starts: List[int] = []
    for cand in sorted(set(cands), key=lambda c: (-c.priority, -(c.end - c.start), c.start, c.kind)):
        i = bisect.bisect_right(starts, cand.start)
        if i > 0 and accepted[i - 1].end > cand.start:
            continue
        if i < len(starts) and starts[i] < cand.end:
            continue
        starts.insert(i, cand.start)
        accepted.insert(i, cand)
    return accepted


def _overlaps(findings: List[Finding], start: int, end: int) -> bool:
    return any(f.start < end and start < f.end for f in findings)


_URL_USERINFO = re.compile(
    r"(?i)\b[a-z][a-z0-9+.\-]{1,20}://(?P<user>[^:@/\s'\"`<>{}]{0,128}):(?P<pw>[^@/\s'\"`<>]{1,256})@"
    r"(?=[\[A-Za-z0-9])"
)
_AUTH_HEADER = re.compile(
    r"(?i)\b(?:proxy-)?authorization[\"'`]?\s*(?:[:=,]|=>)?\s*[\"'`]?\s*"
    r"(?:bearer|basic|token|digest|sso-key|apikey)\s+(?P<cred>[A-Za-z0-9._~+/\-]{8,}={0,2})(?![A-Za-z0-9._~+/=\-])"
)
_BEARER = re.compile(r"\b[Bb]earer\s+(?P<cred>[A-Za-z0-9._~+/\-]{16,}={0,2})(?![A-Za-z0-9._~+/=\-])")
_CLI_PATTERNS = (
    # curl -u user:password / --user user:password (also wget --http-password, http user:pass)
    re.compile(r"(?:\s|^)(?:-u|--user|--proxy-user)(?:\s*|=)[\"']?[^:\s\"'@$]{1,64}:(?P<pw>[^\s\"']{1,128})(?=[\"'\s]|$)",
               re.MULTILINE),
    # quoted: the password may hold spaces and @ (curl -u 'deploy:p@ss word')
    re.compile(r"(?:\s|^)(?:-u|--user|--proxy-user)(?:\s*|=)(?P<q>[\"'])[^:\"'\r\n$]{1,64}:(?P<pw>[^\"'\r\n]{1,128})(?P=q)",
               re.MULTILINE),
    # mysql -pSECRET / -p'SECRET' (no space: that is the mysql syntax)
    re.compile(r"\b(?:mysql|mysqldump|mysqladmin|mariadb)\b[^\n]*?\s-p(?P<q>[\"']?)(?P<pw>[^\s\"']{4,128})(?P=q)(?=\s|$)",
               re.MULTILINE),
    # sshpass -p SECRET, docker login -p SECRET
    re.compile(r"\b(?:sshpass|login)\b[^\n]*?\s-p\s+(?P<q>[\"']?)(?P<pw>[^\s\"']{4,128})(?P=q)(?=\s|$)",
               re.MULTILINE),
)
_QUOTED = re.compile(r"[\"'`](?P<v>[A-Za-z0-9+/=_\-]{20,128})[\"'`]")
_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
_LOGIN_CALL = re.compile(
    r"(?i)(?:\b(?:login|authenticate|auth|basicauth|httpbasicauth|httpdigestauth|digestauth|credentials)\(|"
    r"\bauth\s*=\s*[(\[])\s*[\"'][^\"'\r\n]{1,128}[\"']\s*,\s*(?P<q>[\"'])(?P<pw>[^\"'\r\n]{1,128})(?P=q)"
)
_SQL_PASSWORD = re.compile(
    r"(?i)\b(?:create|alter)\s+(?:user|role|login)\b[^;\n]*?"
    r"(?:\bidentified\s+(?:with\s+\w+\s+)?by(?:\s+password)?|\bwith\s+(?:encrypted\s+)?password|\bpassword\s*=)\s*"
    r"(?P<q>['\"])(?P<pw>[^'\"\r\n]{1,128})(?P=q)"
)
_PEM_HEAD = re.compile(r"-{4,5} ?BEGIN (?P<label>(?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?) ?-{4,5}")
_PEM_LINE = re.compile(r"(?:\\[rn]|[\r\n\t \"',+]|[A-Za-z0-9+/=]{16,}|[A-Za-z\-]+: [^\r\n\\]*)")
_B64_RUN = re.compile(r"(?:(?<=\\[nr])|(?<![A-Za-z0-9+/\\]))[A-Za-z0-9+/]{16,}={0,2}")
_PEM_GAP = re.compile(r"(?:\\[rn]|[\r\n \t])*")
_PUTTY = re.compile(r"PuTTY-User-Key-File-[23]:.{0,8192}?Private-Lines:\s*\d+\s*\r?\n(?P<body>(?:[A-Za-z0-9+/=]+\r?\n?){1,256})",
                    re.DOTALL)
_LOCAL_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._%+-")
_DOMAIN = re.compile(r"(?:[A-Za-z0-9](?:[A-Za-z0-9\-]{0,61}[A-Za-z0-9])?\.){1,8}[A-Za-z]{2,24}(?![A-Za-z0-9\-]|\.[A-Za-z0-9])")
_RESERVED_TLDS = ("example", "test", "invalid", "localhost", "local")
_RESERVED_DOMAINS = ("example.com", "example.org", "example.net")


def _is_reserved_domain(domain: str) -> bool:
    if domain.rsplit(".", 1)[-1] in _RESERVED_TLDS:
        return True
    return any(domain == d or domain.endswith("." + d) for d in _RESERVED_DOMAINS)


_IPV4_HINT = re.compile(r"\d\.\d{1,3}\.\d{1,3}\.\d")
_IPV6_HINT = re.compile(r":[0-9A-Fa-f]{0,4}:")
_OCTET = r"(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)"
_IPV4 = re.compile(rf"(?<![\w.]){_OCTET}(?:\.{_OCTET}){{3}}(?![\w]|\.\d)")
_IPV6 = re.compile(r"(?<![\w:.%])[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7}(?:\.\d{1,3}){0,3}(?![\w:])")
_GLOBAL_UNICAST = ipaddress.IPv6Network("2000::/3")
#: IANA special-purpose blocks that ``ipaddress`` counts as global (protocol assignments, AS112, 6to4 relay)
_SPECIAL_NETWORKS = {4: tuple(ipaddress.IPv4Network(n) for n in (
    "192.0.0.0/24", "192.31.196.0/24", "192.52.193.0/24", "192.88.99.0/24", "192.175.48.0/24",
    # object identifiers that read as addresses: the internet arc (1.3.6.1) and X.500's attribute
    # types and certificate extensions (2.5.4.3 commonName, 2.5.29.17 subjectAltName)
    "1.3.6.1/32", "2.5.4.0/24", "2.5.29.0/24"))}
#: right before a dotted quad: it is a version or a numbered reference, not an address
_VERSION_BEFORE = re.compile(r"(?:\b[vV][\s\"'=(]*|[A-Za-z0-9][/:]|(?:[=<>!~^]=|[~^])[\s\"'=(]*)$")
#: on the line before it: words that speak of versions, specifications and identifiers
_VERSION_WORDS = re.compile(
    r"(?i)version|release|build|firmware|revision|\bver\b|pkgver|\brev\b|\boid\b|identifier|section|\bsec\b|§|"
    r"chapter|clause|\brfc\s*\d|spec\b|\bcf\.|figure|appendix|\bjls\b|\bjvms\b|\bjep\b|\bjsr\b"
)


_HEADING = re.compile(r"[.)]?[ \t]{1,3}[A-Z][a-z]")


def _version_like(text: str, start: int, end: int, ls: int, le: int) -> bool:
    """A dotted quad that is a version or a section number: after a version word or ``Name/``,
    ``>=``, ``name:``; before ``-rc``/``.v3``."""
    if _VERSION_BEFORE.search(text, max(ls, start - 8), start) or _VERSION_WORDS.search(text, max(ls, start - 48), start):
        return True
    if ls > 0 and not text[ls:start].strip(" \t#*/-;{"):  # the first word of a (comment) line: the previous
        if _VERSION_WORDS.search(text, max(0, ls - 1 - 32), ls - 1):  # line's end may name it ("{@jls\n * 8.1}")
            return True
    if end + 1 < le and text[end] in "-+." and text[end + 1].isalpha():
        return True
    # "3.5.5.1 Confidentiality Obligations": a numbered heading at the start of a line
    heading = _HEADING.match(text, end, le)
    return heading is not None and not text[ls:start].strip(" \t#*/-;")
