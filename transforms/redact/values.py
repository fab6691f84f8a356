"""Small tests on candidate values: entropy, placeholders and sequences, digests on hash lines."""

from __future__ import annotations

import collections
import math
import re



# --- small value tests ----------------------------------------------------------------
def shannon_entropy(value: str) -> float:
    n = len(value)
    if not n:
        return 0.0
    return -sum(c / n * math.log2(c / n) for c in collections.Counter(value).values())


_PLACEHOLDER = re.compile(
    r"example|changeme|change[_\-. ]?(?:me|it|this)|placeholder|dummy|redacted|replace[_\-. ]?(?:me|this|with)|"
    r"^your|[_\-. ]your[_\-. ]|insert[_\-. ]|[_\-. ]here$|xxxx|\*\*\*|\.\.\.|•|<[^>]*>|<[A-Za-z_\-]|\{\{|\}\}|\$\{|\$\(|"
    r"%\(|%[sdr]$|^%\w+%$|\{\d*\}|^\$[A-Za-z_]|^\{[^}]*\}$|^\[[^\]]*\]$|\bfake\b|^(?:demo|sample|test|mock)[_\-]",
    re.IGNORECASE,
)
_PLACEHOLDER_WORDS = frozenset(
    """password passwd pass pwd secret secrets token apikey api_key api-key key value none null nil true false
    undefined string str bytes int bool default empty required optional test testing foo bar baz qux foobar
    admin root user username guest changeit letmein mysecret mypassword yourpassword supersecret secretkey
    secret_key password123 hunter2 abc123 string_value your_token your_api_key n/a na tbd todo""".split()
)
_SEQUENCES = (
    "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz",
    "0123456789012345678901234567890123456789",
    "9876543210987654321098765432109876543210",
    "zyxwvutsrqponmlkjihgfedcbazyxwvutsrqponmlkjihgfedcba",
    "qwertyuiopasdfghjklzxcvbnmqwertyuiopasdfghjklzxcvbnm",
    "0123456789abcdef0123456789abcdef0123456789abcdef",
)


_RUNS = re.compile(r"[a-z]+|[0-9]+")
_CAMEL = re.compile(r"[A-Za-z][a-z]*(?:[A-Z][a-z]+)*[A-Z]*|[a-z]+|[A-Z]+")
_FILLER_WORDS = frozenset("user username name my your the a an of for and or here".split())


def is_placeholder(value: str) -> bool:
    """True for values that stand in for a secret rather than being one."""
    low = value.lower()
    if low in _PLACEHOLDER_WORDS or _PLACEHOLDER.search(value):
        return True
    if len(set(low)) <= 2:  # "aaaaaaaa", "abababab", "00000000"
        return True
    stripped = low.strip("-_.")
    if any(stripped in seq for seq in _SEQUENCES):
        return True
    words = re.sub(r"%[0-9a-f]{2}|[^a-z0-9]+", " ", low).split()  # "username%3Apassword", "user:pass"
    if len(words) > 1 and all(w in _PLACEHOLDER_WORDS or w in _FILLER_WORDS for w in words):
        return True
    runs = _RUNS.findall(low)  # "ABC12345", "abcdef-123456": every run a sequence
    return len(runs) > 1 and all(len(run) >= 3 and any(run in seq for seq in _SEQUENCES) for run in runs)


_HEX = re.compile(r"[0-9a-fA-F]+")
_HASH_WORDS = re.compile(r"sha\d*|md5|hash|checksum|digest|integrity|fingerprint|etag|commit|crc", re.IGNORECASE)
_HASH_LENGTHS = frozenset({32, 40, 56, 64, 96, 128})


def is_hash_on_hash_line(value: str, line: str) -> bool:
    """A hex digest of a standard length on a line that speaks of hashes."""
    return len(value) in _HASH_LENGTHS and _HEX.fullmatch(value) is not None and _HASH_WORDS.search(line) is not None


def _is_alnum(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()
