"""Payment card numbers (``<CREDIT_CARD>``) and phone numbers (``<PHONE>``).

Two finders, each built once per worker from the :class:`RedactConfig`, each with a cheap line
prefilter ``hint`` (a regex: every match marks its line) and ``find(text, start, end)`` yielding
``(start, end, kind)`` inside the line ``text[start:end]`` (``text`` is the whole file, so the line
before can be read for context).

Card numbers (:class:`CardFinder`, kind ``credit_card``)
---------------------------------------------------------
* Shape: 13-19 digits written plainly, or in the printed groups ``4-4-4-4`` (also ``4-4-4-4-3``
  and ``4-4-4-1..3``), ``4-6-5`` (Amex) or ``4-6-4`` (Diners), separated by one space or one dash,
  the same separator throughout; not touching a letter, digit or ``_``, and not part of a longer
  number (``1.4111...``, ``...-4111...``, ``12:...``, a fifth group of four digits).
* Issuer: the IIN ranges and lengths of Visa, Mastercard (51-55 and 2221-2720), Amex, Discover,
  JCB, Diners Club, UnionPay, Maestro, Mir, RuPay, Verve, Elo, Hipercard, Dankort, InterPayment and
  InstaPayment (:data:`_IIN`); then the Luhn checksum. UATP (1...) and Troy (9792...) are left out on
  purpose: 1- and 9-leading digit runs are timestamps and large constants far more often.
* Not an identifier: the value of a name that says id, hash, seed, timestamp, serial, ...
  (``order_id = 4539...``, ``np.random.default_rng(6519843218105)``), a number inside a URL path,
  or one of many long numbers on a line (a data row) -- unless a card word (card, credit, visa,
  amex, payment, cvv, ...) is on the line or the line before.
* **Public test numbers** (the choice asked for): the numbers that Stripe, Adyen, Braintree,
  PayPal, Authorize.net, Checkout.com, Worldpay and CyberSource publish for their sandboxes
  (4111 1111 1111 1111, 4242 4242 4242 4242, 5555 5555 5555 4444, 3782 822463 10005, ...,
  :data:`TEST_CARDS`), plus Stripe's numbered families (``4000 0000 0000 XXXX`` and the per-country
  ``4000 00CC C000 00XX``: a Visa starting 4000 with at least nine zeros) are **kept** when
  ``keep_test_cards`` is set (levels ``low`` and ``default``): they are documentation, not anybody's
  card, and code is full of them. ``sensitivity: high`` (or ``keep_test_cards: false``) redacts them
  too.

Phone numbers (:class:`PhoneFinder`, kind ``phone``)
----------------------------------------------------
* Candidates: digits in phone punctuation (``+``, spaces, ``-``, ``.``, ``/``, parentheses, groups
  of up to three separator characters); 7-15 digits (E.164 allows no more), not touching a letter,
  digit or ``_``. Each is checked with the ``phonenumbers`` library (Google's libphonenumber
  metadata): ``parse`` + ``is_valid_number`` -- measured about 5x faster per line than
  ``PhoneNumberMatcher(leniency=VALID)``, which also scans every digit run itself. Only valid numbers
  count.
* Never a phone: dates and date-times (``2024-01-15 12``, ``15/01/2024``), times (``12:30``), dotted
  versions (``10.0.19041``, any dotted group of one digit, the version words and ``v``/``Name/``
  before, as for IPs), dotted quads, decimals and coordinates (one dot; a dot mixed with other
  separators), US ZIP+4 codes, numbers after ``#``, ``$``, ``@``, ``/``, ``.``, ``-``, ``:`` after a digit
  (ports), the value of a name that says id/hash/timestamp/port/zip/..., numbers in a data row (many
  other numbers on the line), national numbers of one or two repeated digits. Ascending runs
  (``+1 234 567 8901``, ``+33 1 23 45 67 89``) stay phone numbers: they are valid, and they are
  libphonenumber's own example numbers for many countries.
* Context (``phones_need_context``, levels ``low``/``default``): a number counts in international form
  (``+CC ...``; ``00CC`` only beside a phone word) or beside a phone word on its line (or on the line
  before when the number stands alone): *strong* words -- phone, tel (``tel:`` links, vCard ``TEL;``,
  ``telNo``), fax, mobile, cell phone, whatsapp, sms, ☎ 📞 📱, telefon/teléfono/téléphone, handy,
  msisdn -- accept a number in any form, bare digits included (``"phone": "4155552671"``); *weak*
  words -- call, contact, dial, hotline, reach, ``Ph:``, signature labels ``T:``/``M:``/``F:`` -- only a
  number in phone punctuation. Without context (``sensitivity: high``): any valid number in phone
  punctuation or international form, but never a bare digit run without a strong word.
* Regions of national numbers (the choice asked for): first ``US`` (NANP: the most common national
  format in code and docs, and no trunk prefix), then the regions named on the line (a country name
  or adjective, or the country-code TLD of an email or URL there), then -- for a number that starts
  with a trunk ``0`` and has a phone word beside it -- :data:`TRUNK_REGIONS` (GB, DE, FR, IT,
  NL, BE, CH, AT, AU, NZ, IN, JP, BR, ZA, IE, SE, ...); the first region in which the number is valid
  wins. A bare run of 11+ digits beside a strong word is also tried as international digits without
  the ``+`` (``"msisdn": "447911123456"``). A national number with no region evidence other than US
  is left unless valid in the US.
"""

from __future__ import annotations

import re
from typing import Iterator, List, Optional, Sequence, Tuple

from transforms.redact.config import CREDIT_CARD, PHONE, RedactConfig
from transforms.redact.patterns import _version_like

_Span = Tuple[int, int, str]


# --- shared context checks ---------------------------------------------------------------------
def _is_word(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


#: the identifier (and its assignment operator, opening quote or bracket) right before a value
_NAME_BEFORE = re.compile(r"(?P<name>[A-Za-z_][A-Za-z0-9_.\-]*)[\"'`\]]*\s*(?:[:=]|=>|:=|\+=)?\s*[\"'`(\[{]*\s*$")
_CAMEL_PARTS = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+")
#: the last word of a name that makes its value an identifier, a count or a time, not a card or phone
_ID_LAST = frozenset(
    """id ids uuid guid key hash checksum crc count size len length offset timestamp ts epoch time date nonce
    seed seq serial sku ean upc isbn issn imei iccid imsi pid uid gid port zip zipcode postcode postal version
    ver rev build tracking ref""".split()
)
#: a word anywhere in that name that does the same (``random_state``, ``rng``, ``hash_value``)
_ID_ANY = frozenset("seed rng random hash uuid guid nonce timestamp epoch checksum crc snowflake example".split())


def _named_as_id(text: str, ls: int, start: int) -> bool:
    """The value at ``start`` is assigned to (or passed to) a name that says id/hash/seed/time."""
    match = _NAME_BEFORE.search(text, max(ls, start - 64), start)
    if match is None:
        return False
    parts = [p.lower() for p in _CAMEL_PARTS.findall(match.group("name"))]
    if not parts:
        return False
    return parts[-1] in _ID_LAST or any(p in _ID_ANY for p in parts)


_LONG_NUMBER = re.compile(r"\d[\d.,]{4,}")


def _data_row(text: str, ls: int, le: int, start: int, end: int, many: int = 3) -> bool:
    """At least ``many`` other numbers of five or more digits on the line: a row of data."""
    count = 0
    for match in _LONG_NUMBER.finditer(text, ls, le):
        if match.end() <= start or match.start() >= end:
            count += 1
            if count >= many:
                return True
    return False


def _previous_line(text: str, ls: int, limit: int = 120) -> Tuple[int, int]:
    """The span of the last ``limit`` characters of the line before the one starting at ``ls``."""
    if ls <= 0:
        return 0, 0
    pe = ls - 1
    if pe > 0 and text[pe - 1] == "\r":
        pe -= 1
    ps = text.rfind("\n", 0, pe) + 1
    return max(ps, pe - limit), pe


def _one_digit_repeated(digits: str) -> bool:
    """``5555555555``, ``4545454545``: a stand-in, not a number someone owns. (Ascending runs such as
    ``+33 1 23 45 67 89`` are left as numbers: they are libphonenumber's own example numbers, valid.)"""
    return len(set(digits)) <= 2


# --- cards -------------------------------------------------------------------------------------
def _counting(digits: str, run: int = 7) -> bool:
    """Seven or more digits counting up or down (``6543210123456788``): a test constant, not a card."""
    length = 1
    step = 0
    for a, b in zip(digits, digits[1:]):
        diff = int(b) - int(a)
        if diff in (1, -1) and (diff == step or length == 1):
            length, step = length + 1, diff
        elif diff in (1, -1):
            length, step = 2, diff
        else:
            length, step = 1, 0
        if length >= run:
            return True
    return False


def luhn_ok(digits: str) -> bool:
    """The Luhn (mod 10) checksum of a digit string."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = ord(ch) - 48
        if i & 1:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


_R = range
#: (issuer, prefix length, first prefix, last prefix, card lengths): the issuers' IIN ranges
_IIN: Tuple[Tuple[str, int, int, int, Sequence[int]], ...] = (
    ("visa", 1, 4, 4, (13, 16, 19)),
    ("mastercard", 2, 51, 55, (16,)),
    ("mastercard", 4, 2221, 2720, (16,)),
    ("amex", 2, 34, 34, (15,)),
    ("amex", 2, 37, 37, (15,)),
    ("discover", 4, 6011, 6011, tuple(_R(16, 20))),
    ("discover", 3, 644, 649, tuple(_R(16, 20))),
    ("discover", 2, 65, 65, tuple(_R(16, 20))),
    ("discover", 6, 622126, 622925, tuple(_R(16, 20))),
    ("jcb", 4, 3528, 3589, tuple(_R(16, 20))),
    ("jcb", 4, 3088, 3094, (16,)),
    ("jcb", 4, 3096, 3102, (16,)),
    ("jcb", 4, 3112, 3120, (16,)),
    ("jcb", 4, 3158, 3159, (16,)),
    ("jcb", 4, 3337, 3349, (16,)),
    ("diners", 3, 300, 305, tuple(_R(14, 20))),
    ("diners", 4, 3095, 3095, tuple(_R(14, 20))),
    ("diners", 2, 36, 36, tuple(_R(14, 20))),
    ("diners", 2, 38, 39, tuple(_R(14, 20))),
    ("unionpay", 2, 62, 62, tuple(_R(16, 20))),
    ("maestro", 4, 5018, 5018, tuple(_R(13, 20))),
    ("maestro", 4, 5020, 5020, tuple(_R(13, 20))),
    ("maestro", 4, 5038, 5038, tuple(_R(13, 20))),
    ("maestro", 4, 5893, 5893, tuple(_R(13, 20))),
    ("maestro", 2, 56, 58, tuple(_R(16, 20))),
    ("maestro", 4, 6304, 6304, tuple(_R(13, 20))),
    ("maestro", 4, 6759, 6759, tuple(_R(13, 20))),
    ("maestro", 4, 6761, 6763, tuple(_R(13, 20))),
    ("mir", 4, 2200, 2204, tuple(_R(16, 20))),
    ("rupay", 2, 60, 60, (16,)),
    ("rupay", 3, 508, 508, (16,)),
    ("verve", 6, 506099, 506198, (16, 18, 19)),
    ("verve", 6, 650002, 650027, (16, 18, 19)),
    ("elo", 4, 5041, 5041, (16,)),
    ("elo", 4, 5066, 5067, (16,)),
    ("elo", 3, 509, 509, (16,)),
    ("elo", 4, 6277, 6277, (16,)),
    ("elo", 4, 6362, 6363, (16,)),
    ("hipercard", 6, 606282, 606282, (16, 19)),
    ("hipercard", 4, 3841, 3841, (16, 19)),
    ("dankort", 4, 5019, 5019, (16,)),
    ("interpayment", 3, 636, 636, tuple(_R(16, 20))),
    ("instapayment", 3, 637, 639, (16,)),
)


def card_issuer(digits: str) -> Optional[str]:
    """The issuer whose IIN range and length ``digits`` fits (the Luhn check is separate)."""
    n = len(digits)
    for issuer, plen, lo, hi, lengths in _IIN:
        if n in lengths and lo <= int(digits[:plen]) <= hi:
            return issuer
    return None


#: the issuers' and gateways' published sandbox numbers (Stripe, Adyen, Braintree, PayPal,
#: Authorize.net, Checkout.com, Worldpay, CyberSource, ...): kept when ``keep_test_cards``
TEST_CARDS = frozenset("""
4111111111111111 4242424242424242 4012888888881881 4222222222222 4000056655665556 4005519200000004
4009348888881881 4012000033330026 4012000077777777 4217651111111119 4500600000000061 4012888818888
4007000000027 4444333322221111 4988438843884305 4166676667666746 4646464646464644 4000620000000007
4000060000000006 4400000000000008 4917610000000000 4543474002249996 4484070000035519 4917300800000000
4462030000000000 4000002500001001
5555555555554444 5105105105105100 5200828282828210 2223003122003222 5454545454545454 5555444433331111
2222400070000005 2222410740360010 2223000048400011 2223000010309703 2223000010309711 5577000055770004
5136333333333335 5585558555855583 5424000000000015 5436031030606378 5199992312641465 5555558265554449
5200007840000022 5062210000000009 5019717010103742 5610591081018250
378282246310005 371449635398431 378734493671000 370000000000002 345678901234564 343434343434343
6011111111111117 6011000990139424 6011981111111113 6011000991300009 6011601160116611 6445644564456445
6011000000000012 6555900000604105 6011000400000000
3056930009020004 36227206271667 36259600000004 30569309025904 38520000023237 36006666333344 38000000000006
36700102000000 36148900647913
3566002020360505 3530111333300000 3569990010095841 3566111111111113 3088000000000017 3528000700000000
6200000000000005 6205500000000000004 6243030000000001 6250946000000016 6221261111117766 6223164991230014
6304000000000000 6731012345678906 6759649826438453 6331101999990016 5641820000000005
""".split())


def is_test_card(digits: str) -> bool:
    """One of :data:`TEST_CARDS`, or Stripe's numbered 4000 families (``4000 0000 0000 0077``, the
    per-country ``4000 0076 0000 0002``): a Visa starting 4000 with at least nine zeros."""
    if digits in TEST_CARDS:
        return True
    return len(digits) == 16 and digits.startswith("4000") and digits.count("0") >= 9


# (``[0-9]``, not ``\d``: the ASCII class is about half again as fast to scan for)
_CARD_HINT = re.compile(r"[2-6](?<![0-9A-Za-z_.][2-6])[0-9]{3}(?:[ +-]?[0-9]{4}[ +-]?[0-9]{4}|[ -][0-9]{6}[ -][0-9]{4})")
_CARD = re.compile(
    r"(?<![\w])(?:"
    r"(?P<plain>[0-9]{13,19})"
    r"|[0-9]{4}(?P<s>[ +-])[0-9]{4}(?P=s)[0-9]{4}(?P=s)[0-9]{1,7}(?:(?P=s)[0-9]{3})?"  # 4-4-4-4(-3), 4-4-4-1..7
    r"|[0-9]{4}(?P<v>[ -])[0-9]{4}(?P=v)[0-9]{5}"  # 13-digit Visa 4-4-5
    r"|[0-9]{4}(?P<a>[ -])[0-9]{6}(?P=a)[0-9]{4,5}"  # Amex 4-6-5, Diners 4-6-4
    r")(?!\w)"
)
_CARD_WORDS = re.compile(
    r"card|credit|debit|visa|master|amex|american.?express|discover|\bjcb\b|diners|union.?pay|maestro|\bmir\b|"
    r"\bpan\b|\bcc(?:_?num(?:ber)?|n|_?no)?\b|payment|billing|checkout|\bcvv|\bcvc|expir|\bexp\b|stripe|braintree|"
    r"adyen|paypal|tarjeta|karte|carte|cart[aã]o|\bkk\b",
    re.IGNORECASE,
)
_PATH_BEFORE = frozenset("/\\#$%@&~^")


class CardFinder:
    """Payment card numbers: issuer prefix and length, Luhn, printed grouping, not an id."""

    kind = CREDIT_CARD
    #: 12+ digits from a card's first digit (2-6), in the groups cards are printed in
    hint = _CARD_HINT

    def __init__(self, config: RedactConfig = RedactConfig()):
        self.keep_test_cards = bool(config.keep_test_cards)

    def find(self, text: str, start: int, end: int) -> Iterator[_Span]:
        card_words: Optional[bool] = None
        for match in _CARD.finditer(text, start, end):
            s, e = match.span()
            number = match.group()
            sep = match.group("s") or match.group("a") or match.group("v") or ""  # "+": a form-encoded space
            if not self._bounded(text, s, e, start, end, sep):
                continue
            span = self._check(number, s, e)
            if span is None and sep == " " and match.group("s") and number.count(" ") >= 4:
                # "4111 1111 1111 1111 123": a card and its CVV; the first sixteen digits alone
                span = self._check(number[:19], s, s + 19)
            if span is None:
                continue
            s, e = span
            if _named_as_id(text, start, s):
                continue  # order_id = ..., "cardId": ... (the name says what it is, card words or not)
            if card_words is None:
                card_words = self._card_words(text, start, end)
            if not card_words:
                if sep == "+" or (s > start and text[s - 1] in _PATH_BEFORE) or _data_row(text, start, end, s, e):
                    continue  # "+" between groups: a card only where the line speaks of cards (a form post)
            yield s, e, CREDIT_CARD

    def _check(self, number: str, s: int, e: int) -> Optional[Tuple[int, int]]:
        digits = number.replace(" ", "").replace("-", "").replace("+", "")
        if card_issuer(digits) is None or not luhn_ok(digits) or _counting(digits):
            return None
        if self.keep_test_cards and is_test_card(digits):
            return None
        return s, e

    @staticmethod
    def _bounded(text: str, s: int, e: int, ls: int, le: int, sep: str) -> bool:
        """Not a piece of a longer number: a decimal, a dashed id, a time, a longer group run."""
        if s - 2 >= ls and text[s - 2].isdigit() and text[s - 1] in ".-:/+" + sep:
            return False
        if s - 1 >= ls and text[s - 1] == ".":  # "v.4111...", ".4111" (a fraction)
            return False
        if e + 1 < le and text[e] in ".-:/" and text[e + 1].isdigit():
            return False
        if sep and e + 1 < le and text[e] == sep and text[e + 1].isdigit():
            # another group after the card's: a table of numbers (a CVV after a 4-4-4-4 is tried apart)
            j = e + 1
            while j < le and text[j].isdigit():
                j += 1
            if j - e - 1 >= 4:
                return False
        return True

    @staticmethod
    def _card_words(text: str, ls: int, le: int) -> bool:
        if _CARD_WORDS.search(text, ls, le):
            return True
        ps, pe = _previous_line(text, ls)
        return pe > ps and _CARD_WORDS.search(text, ps, pe) is not None


# --- phones ------------------------------------------------------------------------------------
#: seven digits with at most three separator characters between any two: every phone number
_PHONE_HINT = re.compile(r"[0-9](?<![0-9A-Za-z_.][0-9])[0-9](?:[-. ()/\u00a0]{0,3}[0-9]){5}")
_PHONE = re.compile(r"(?:\(\+|\+?\(?)\d(?:[\d()]|[ \u00a0\t.\-/]{1,3}(?=\(?\d))*")
_STRONG_WORDS = re.compile(
    r"(?-i:(?<![a-z]))phone|cell-?phone|\bfax|mobile|\bmobil\b|\bmob\b|whatsapp|\bsms\b|☎|📞|📱|cellular|telef[oó]n|t[eé]l[eé]phone|"
    r"\bhandy\b|msisdn|\bt[eé]lf?\b|\btlf\b|\bfon\b",
    re.IGNORECASE,
)
#: tel written into a name or a scheme: ``telNo``, ``tel_no``, ``TEL;TYPE=cell:``, ``tel:+1...``
_TEL = re.compile(r"(?<![A-Za-z])(?:(?:tel|Tel)(?=[A-Z0-9_:;.\-]|\b)|TEL(?=[0-9_:;.\-]|\b))")
#: words that make a number in phone punctuation a phone (not a bare digit run)
_WEAK_WORDS = re.compile(r"\bcall|contact|\bdial|hotline|\breach\b|\bph\b|\bcell\b|\bvoice\b", re.IGNORECASE)
_DATE = re.compile(r"(?:\d{4}([-/.])\d{1,2}\1\d{1,2}|\d{1,2}([-/.])\d{1,2}\2(?:\d{4}|\d{2}))(?:$|[ \u00a0T])")
_ZIP4 = re.compile(r"\d{5}-\d{4}")
#: "2011-2026", "1998 - 2004": a range of years (a copyright line beside "Libphonenumber")
_YEARS = re.compile(r"(?:1[89]|20)\d\d[ \u00a0]?[-–/][ \u00a0]?(?:(?:1[89]|20)\d\d|\d\d)")
_SEPARATORS = re.compile(r"[^\d+()]+")
_SPLIT = re.compile(r"[ \u00a0\t]*/[ \u00a0\t]*|[ \u00a0\t]{2,}")

#: regions tried for a national number starting with a trunk 0, beside a strong phone word
TRUNK_REGIONS = ("GB", "DE", "FR", "IT", "NL", "BE", "CH", "AT", "AU", "NZ", "IN", "JP", "BR", "ZA", "IE", "SE",
                 "TR", "KR", "PH", "ID", "TH", "EG", "NG", "PK")
_COUNTRY_WORDS = {
    "canada": "CA", "canadian": "CA", "usa": "US", "united states": "US", "mexico": "MX", "mexican": "MX",
    "uk": "GB", "united kingdom": "GB", "britain": "GB", "british": "GB", "england": "GB", "london": "GB",
    "germany": "DE", "german": "DE", "deutschland": "DE", "berlin": "DE", "france": "FR", "french": "FR",
    "paris": "FR", "spain": "ES", "spanish": "ES", "españa": "ES", "madrid": "ES", "italy": "IT",
    "italian": "IT", "italia": "IT", "netherlands": "NL", "dutch": "NL", "belgium": "BE", "switzerland": "CH",
    "swiss": "CH", "austria": "AT", "sweden": "SE", "swedish": "SE", "norway": "NO", "denmark": "DK",
    "finland": "FI", "poland": "PL", "polish": "PL", "portugal": "PT", "brazil": "BR", "brasil": "BR",
    "argentina": "AR", "australia": "AU", "australian": "AU", "sydney": "AU", "india": "IN", "indian": "IN",
    "japan": "JP", "japanese": "JP", "tokyo": "JP", "china": "CN", "chinese": "CN", "korea": "KR",
    "singapore": "SG", "russia": "RU", "russian": "RU", "ireland": "IE", "irish": "IE", "new zealand": "NZ",
    "south africa": "ZA", "israel": "IL", "turkey": "TR", "türkiye": "TR",
}
_COUNTRY = re.compile(r"\b(?:" + "|".join(sorted(map(re.escape, _COUNTRY_WORDS), key=len, reverse=True)) + r")\b",
                      re.IGNORECASE)
_CCTLD = re.compile(r"[@.][a-z0-9\-]+\.(?:(?:co|com|org|net|ac|gov)\.)?([a-z]{2})\b", re.IGNORECASE)


_GROUPS = re.compile(r"\d+")
#: a parenthesised remark after a number, not part of it: "(24/7)", "(ext)", "(2x)"
_TRAILING_REMARK = re.compile(r"[ \u00a0\t]+\([^()]*[^()\d \u00a0\t-][^()]*\)$|[ \u00a0\t]+\(\d{1,2}/\d{1,2}\)$")
#: regions tried, after the US and the regions the line names, for a national number beside a strong
#: phone word: the most populous ones whose numbers are written in code and contact data
FALLBACK_REGIONS = ("BR", "MX", "ES", "FR", "DE", "GB", "IT", "IN", "CN", "JP", "KR", "ID", "PH", "VN", "TH", "TR",
                    "RU", "PL", "NL", "PT", "AR", "CO", "CL", "PE", "SG", "HK", "TW", "MY", "AU", "ZA", "NG", "KE",
                    "EG", "SA", "AE", "IL", "SE", "CH", "AT", "BE")


def _balanced(text: str, s: int, e: int) -> Tuple[int, int]:
    """Parentheses kept only in pairs: ``(415) 555-2671`` keeps them, ``f(4155552671)`` loses the ``)``."""
    while e > s and text[e - 1] in "(/-. ":
        e -= 1
    opened, closed = text.count("(", s, e), text.count(")", s, e)
    while closed > opened and e > s and text[e - 1] == ")":
        e -= 1
        closed -= 1
    while opened > closed and s < e and text[s] == "(":
        s += 1
        opened -= 1
    return s, e


def _dotted_ok(text: str, s: int, e: int, ls: int, le: int, body: str, seps: List[str]) -> bool:
    """A dotted number is a phone only as ``415.555.2671`` (``+1.415.555.2671``, ``1.800.555.0199``): all
    dots, groups of two or more digits, not a dotted quad, no version word or ``v``/``name/`` before it."""
    if any(sep != "." for sep in seps):
        return False  # "40.7128 -74.0060": a coordinate pair; dots mixed with other separators
    groups = _GROUPS.findall(body)
    if len(groups) <= 2:
        return False  # a decimal
    lengths = [len(g) for g in groups]
    if 1 in lengths[1:] or (lengths[0] == 1 and not (body[:1] == "+" or lengths == [1, 3, 3, 4])):
        return False  # 10.0.19041.1: a version
    if len(groups) == 4 and max(lengths) <= 3:
        return False  # a dotted quad
    return not _version_like(text, s, e, ls, le)


_TAGS = re.compile(r"<[^<>]*>")


class _LineContext:
    """The phone words of one line, looked up once (and those of the line before, when asked)."""

    __slots__ = ("text", "start", "end", "strong", "weak", "_prev", "_regions")

    def __init__(self, text: str, start: int, end: int):
        self.text, self.start, self.end = text, start, end
        self.strong: Optional[bool] = None  # looked up on the first candidate that gets that far
        self.weak = False
        self._prev: Optional[Tuple[bool, bool]] = None
        self._regions: Optional[List[str]] = None

    def words(self, pos: int) -> Tuple[bool, bool]:
        """(strong, weak) for a number at ``pos``: the line's words, or the line before's when the
        number stands alone on its line, markup aside (a label above it: ``phone:`` then ``  - 415 555 2671``,
        ``<dt>Phone</dt>`` then ``<dd>415 555 2671</dd>``)."""
        if self.strong is None:
            self.strong, self.weak = _words(self.text, self.start, self.end)
        if self.strong or any(ch.isalpha() for ch in _TAGS.sub("", self.text[self.start:pos])):
            return self.strong, self.weak
        if self._prev is None:
            ps, pe = _previous_line(self.text, self.start)
            self._prev = _words(self.text, ps, pe)
        return self._prev[0], self.weak or self._prev[1]

    def regions(self, supported) -> List[str]:
        """Regions named on the line: a country word, the country-code TLD of an email or URL."""
        if self._regions is None:
            out: List[str] = []
            for match in _COUNTRY.finditer(self.text, self.start, self.end):
                region = _COUNTRY_WORDS[match.group().lower()]
                if region not in out:
                    out.append(region)
            for match in _CCTLD.finditer(self.text, self.start, self.end):
                code = match.group(1).upper()
                code = "GB" if code == "UK" else code
                if code in supported and code not in out:
                    out.append(code)
            self._regions = out
        return self._regions


#: North American layout: [+1 or 1] then (415) 555-2671, 415-555-2671, 415.555.2671, 415 555 2671
_NANP = re.compile(r"(?:\+?1[-. ]?)?(?:\(\d{3}\)[-. ]?\d{3}([-. ])|\d{3}([-. ])\d{3}\2)\d{4}")
_PAREN_GROUP = re.compile(r"\(\+?\d{1,5}\)[ \u00a0]?")


def _inner_separators(value: str) -> List[str]:
    """The separators between the digit groups of a national number, after a parenthesised area code."""
    return _SEPARATORS.findall(_PAREN_GROUP.sub("", value))


#: substrings one of which a line with a phone word holds (a cheap test before the word regexes)
_GATE_WORDS = ("phone", "tel", "tél", "fax", "mob", "cell", "call", "contact", "dial", "sms", "whatsapp", "hotline",
               "reach", "ph", "voice", "handy", "fon", "tlf", "msisdn", "\u260e", "\U0001f4de", "\U0001f4f1")


def _words(text: str, start: int, end: int) -> Tuple[bool, bool]:
    """(a strong phone word, any phone word) in ``text[start:end]``."""
    if end <= start:
        return False, False
    low = text[start:end].lower()
    if not any(w in low for w in _GATE_WORDS):
        return False, False
    strong = _STRONG_WORDS.search(text, start, end) is not None or _TEL.search(text, start, end) is not None
    return strong, strong or _WEAK_WORDS.search(text, start, end) is not None


def _may_have_words(text: str, start: int, end: int) -> bool:
    """A phone word may be on the line or on the line before (lower-cased substring tests)."""
    low = text[start:end].lower()
    if any(w in low for w in _GATE_WORDS):
        return True
    ps, pe = _previous_line(text, start)
    if pe > ps:
        low = text[ps:pe].lower()
        return any(w in low for w in _GATE_WORDS)
    return False


def _phonenumbers():
    import phonenumbers

    return phonenumbers


class PhoneFinder:
    """Valid phone numbers (``phonenumbers``), in international form or beside a phone word."""

    kind = PHONE
    #: seven digits, at most three separator characters between any two, not inside a word, a
    #: hex string or a decimal fraction: every phone number has such a stretch
    hint = _PHONE_HINT

    def __init__(self, config: RedactConfig = RedactConfig()):
        self.need_context = bool(config.phones_need_context)
        self._pn = _phonenumbers()
        self._regions = frozenset(self._pn.SUPPORTED_REGIONS)

    # --- the public API ----------------------------------------------------------------------
    def find(self, text: str, start: int, end: int) -> Iterator[_Span]:
        if self.need_context and text.find("+", start, end) < 0 and not _may_have_words(text, start, end):
            return  # no international number and no phone word on the line or the one before
        ctx = _LineContext(text, start, end)
        for match in _PHONE.finditer(text, start, end):
            s, e = match.span()
            if e - s < 7:
                continue
            remark = _TRAILING_REMARK.search(text, s, e)
            if remark is not None:
                e = remark.start()  # "+33 1 05 01 16 00 (24/7)": a remark after the number
            s, e = _balanced(text, s, e)
            digits = sum(1 for ch in text[s:e] if ch.isdigit())
            if digits < 7:
                continue
            if digits > 15 or (e - s > 20 and _SPLIT.search(text, s, e)):
                parts = self._split(text, s, e)
            else:
                parts = [(s, e)]
            for ps, pe in parts:
                if self._judge(text, ps, pe, ctx, outer_left=ps == s, outer_right=pe == e):
                    yield ps, pe, PHONE

    # --- candidates ----------------------------------------------------------------------------
    @staticmethod
    def _split(text: str, s: int, e: int) -> List[Tuple[int, int]]:
        """``415-555-2671 / 415-555-2672``: the pieces between slashes and wide gaps."""
        out, pos = [], s
        for gap in _SPLIT.finditer(text, s, e):
            if gap.start() > pos:
                out.append(_balanced(text, pos, gap.start()))
            pos = gap.end()
        if pos < e:
            out.append(_balanced(text, pos, e))
        return [(a, b) for a, b in out if b - a >= 7]

    def _judge(self, text: str, s: int, e: int, ctx: "_LineContext", outer_left: bool = True,
               outer_right: bool = True) -> bool:
        ls, le = ctx.start, ctx.end
        value = text[s:e]
        body = value.lstrip("(")
        intl = body[:1] == "+"
        seps = _SEPARATORS.findall(body.lstrip("+"))
        if not intl and not seps and "(" not in value:  # a bare digit run
            if not ctx.words(s)[0]:
                return False  # a digit run of code: only a strong phone word makes it a number
        digits = "".join(ch for ch in value if ch.isdigit())
        n = len(digits)
        if n < 7 or n > 15:
            return False
        # boundaries: not a piece of a word, a path, a version, a negative number or a time
        if outer_left:
            before = text[s - 1] if s > ls else " "
            if _is_word(before) or before in ".-/\\#$@%&~^+*|":
                return False
            if before == ":" and s - 2 >= ls and text[s - 2].isdigit():
                return False
        if outer_right:
            after = text[e] if e < le else " "
            if _is_word(after) and not (after in "xX" and e + 1 < le and text[e + 1].isdigit()):
                return False
            if after in ":.-/" and e + 1 < le and text[e + 1].isdigit():
                return False
            if after in "%°":
                return False  # 12.345678%, 51.5074°: a measure, a coordinate
        # shapes that are not phone numbers
        if _DATE.match(body) or _YEARS.fullmatch(body):
            return False
        if "." in value and not _dotted_ok(text, s, e, ls, le, body, seps):
            return False
        groups = _GROUPS.findall(body)
        if len(groups) > 7 or sum(1 for g in groups[2:] if len(g) == 1) > (1 if intl else 0):
            return False  # "1 2 3 4 5 6 7": a row of small numbers
        # context
        strong, weak = ctx.words(s)
        if not intl and body.startswith("00") and strong:
            intl, value = True, "+" + body[2:]
        if not (intl or strong):
            if self.need_context and not weak:
                return False
            if not weak and not _NANP.fullmatch(value):
                return False  # no phone word: only the North American layout (415) 555-2671, 415-555-2671
            if not _NANP.fullmatch(value) and (
                _ZIP4.fullmatch(value) or len({sep.strip() or " " for sep in _inner_separators(value)}) > 1
            ):
                return False  # 02110-1301; "43 -15 790 705": mixed separators, a row of numbers
        if _named_as_id(text, ls, s):
            return False
        if not strong and _data_row(text, ls, le, s, e):
            return False
        number = self._parse(value, intl, ctx, weak, strong)
        return number is not None and not _one_digit_repeated(str(number.national_number))

    def _parse(self, value: str, intl: bool, ctx: "_LineContext", weak: bool, strong: bool):
        pn = self._pn
        if intl:
            regions: Sequence[Optional[str]] = (None,)
        else:
            regions = ["US"] + [r for r in ctx.regions(self._regions) if r != "US"]
            if weak and value.lstrip("(")[:1] == "0":
                regions += [r for r in TRUNK_REGIONS if r not in regions]
            elif strong and value[:1] in "123456789" and value.isdigit() and len(value) >= 11:
                # "msisdn": "447911123456": international digits written without the +
                regions.append("+")
            if strong and not _NANP.fullmatch(value) and not value.isdigit():
                # "Tel: 579 949 024", phone: "(11) 96747-1339": a national number of a populous region
                # written in groups (a bare run is a constant: phone_ttl = 86400000); the North American
                # layout is the US's: "(111) 555-1212" is no number, not a Korean one
                regions += [r for r in FALLBACK_REGIONS if r not in regions]
        for region in regions:
            if region == "+":
                value, region = "+" + value, None
            try:
                number = pn.parse(value, region)
            except pn.NumberParseException:
                continue
            if pn.is_valid_number(number):
                return number
        return None
