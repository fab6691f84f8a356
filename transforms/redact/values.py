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


#: values published in providers' documentation as examples (AWS, Stripe, GitHub, jwt.io, the Azure
#: storage emulator, Slack): found by their format, never anyone's credential
_DOCUMENTED = (
    "akiaiosfodnn7example", "wjalrxutnfemi/k7mdeng/bpxrficyexamplekey", "sk_test_4ec39hqlyjwdarjtt1zdp7dc",
    "sk_test_bqokikjovbii2hlwgh4olfq2", "ghp_16c7e42f292c6912e7710c838347ae178b4a",
    "sflkxwrjsmekkf2qt4fwpmejf36pok6yjv_adqssw5c",  # jwt.io's signature
    "eby8vdm02xnocqflquwjplmetlcdxj1ouzft50usrz6ifsufq2uverz4i6tq/k1szfpotr/kbhbeksogmgw==",
    "xoxb-not-a-real-token", "t00000000/b00000000/xxxxxxxxxxxxxxxxxxxxxxxx",
)
#: adjacent characters of the alphabet, the digits and the keyboard rows, in each direction
_SEQ_STRINGS = ("abcdefghijklmnopqrstuvwxyz", "01234567890", "qwertyuiop", "asdfghjkl", "zxcvbnm")
_ASCENDING = frozenset((s[i], s[i + 1]) for s in _SEQ_STRINGS for i in range(len(s) - 1))
_DESCENDING = frozenset((b, a) for a, b in _ASCENDING)


def _sequence_runs(low: str):
    """Lengths of the runs of ``low`` that walk the alphabet, the digits or a keyboard row (one
    direction), and of the runs of one repeated character."""
    seq, same = [], []
    run_up = run_down = run_same = 1
    for a, b in zip(low, low[1:]):
        run_up = run_up + 1 if (a, b) in _ASCENDING else (seq.append(run_up) or 1)
        run_down = run_down + 1 if (a, b) in _DESCENDING else (seq.append(run_down) or 1)
        run_same = run_same + 1 if a == b and a.isalnum() else (same.append(run_same) or 1)
    seq += [run_up, run_down]
    same.append(run_same)
    return seq, same


def _is_sequence_filled(low: str) -> bool:
    """``AIzaSyabcdefghijklmnopqrstuvwxyz1234567``, ``xoxp-1234567890``, ``sk_live_000000000000``: a
    prefix and then an obvious sequence or one character repeated."""
    alnum = sum(1 for c in low if c.isascii() and c.isalnum())
    if alnum < 8:
        return False
    seq, same = _sequence_runs(low)
    longest = max(seq)
    if longest >= 10 or (longest >= 6 and sum(n for n in seq if n >= 4) * 2 >= alnum):
        return True
    return sum(n for n in same if n >= 4) * 2 >= alnum


def is_placeholder(value: str) -> bool:
    """True for values that stand in for a secret rather than being one."""
    low = value.lower()
    if low in _PLACEHOLDER_WORDS or _PLACEHOLDER.search(value):
        return True
    if any(doc in low for doc in _DOCUMENTED) or _is_sequence_filled(low):
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


_LABEL_END = re.compile(r"[:：…]$|\.\.\.$")


def _not_a_credential(value: str) -> bool:
    """Punctuation soup (``,.:-¨@*¿?!``), a label (``Password:``), a word ending a sentence
    (``Optional.``), a word in another script or with accents and no digit (``Contraseña``,
    ``Пароль``): text around a password field, not a password."""
    alnum = sum(1 for ch in value if ch.isascii() and ch.isalnum())
    if alnum < 3 or alnum * 3 < len(value):
        return True
    if _LABEL_END.search(value) and not any(ch.isdigit() for ch in value):
        return True
    if value[-1] in ".,;!?)" and value[:-1].isalpha():
        return True  # "Optional.", "Required.": a word ending a sentence (API docs: "Password: Optional. ...")
    if not value.isascii() and not any(ch.isdigit() for ch in value):
        return all(ch.isalpha() or ch in " -_.'’" for ch in value)
    return False
