"""Card and phone numbers (transforms/redact/numbers.py): positives and hard negatives, pure (no Beam).

The finders are run the way the redactor runs them: ``find`` only on the lines their ``hint`` marks.
"""

import random

import phonenumbers
import pytest

from transforms.redact import RedactConfig
from transforms.redact.numbers import (
    TEST_CARDS, CardFinder, PhoneFinder, card_issuer, is_test_card, luhn_ok,
)

DEFAULT = RedactConfig()
HIGH = RedactConfig(sensitivity="high")
LOW = RedactConfig(sensitivity="low")


def scan(finder, text):
    """The strings ``finder`` reports, on the lines its hint marks (as the redactor calls it)."""
    out = []
    pos = 0
    for line in text.split("\n"):
        start, end = pos, pos + len(line)
        pos = end + 1
        if finder.hint.search(text, start, end) is None:
            continue
        for s, e, kind in finder.find(text, start, end):
            assert start <= s < e <= end
            assert kind == finder.kind
            out.append(text[s:e])
    return out


@pytest.fixture(scope="module")
def cards():
    return CardFinder(DEFAULT)


@pytest.fixture(scope="module")
def cards_high():
    return CardFinder(HIGH)


@pytest.fixture(scope="module")
def phones():
    return PhoneFinder(DEFAULT)


@pytest.fixture(scope="module")
def phones_high():
    return PhoneFinder(HIGH)


# --- card numbers: generated per issuer, Luhn-valid, deterministic -----------------------------
def luhn_complete(body: str) -> str:
    """``body`` with the check digit that makes it Luhn-valid."""
    for d in "0123456789":
        if luhn_ok(body + d):
            return body + d
    raise AssertionError(body)


ISSUERS = [  # (issuer, IIN prefix, length)
    ("visa", "4", 16), ("visa", "4", 13), ("visa", "4", 19),
    ("mastercard", "51", 16), ("mastercard", "53", 16), ("mastercard", "55", 16),
    ("mastercard", "2221", 16), ("mastercard", "2500", 16), ("mastercard", "2720", 16),
    ("amex", "34", 15), ("amex", "37", 15),
    ("discover", "6011", 16), ("discover", "644", 16), ("discover", "65", 16), ("discover", "622500", 16),
    ("jcb", "3528", 16), ("jcb", "3589", 16), ("jcb", "3530", 19),
    ("diners", "300", 14), ("diners", "305", 14), ("diners", "36", 14), ("diners", "38", 16),
    ("unionpay", "62", 16), ("unionpay", "62", 19),
    ("maestro", "6759", 16), ("maestro", "5018", 19), ("maestro", "6304", 16),
    ("mir", "2200", 16), ("mir", "2204", 16),
]


def generated_cards(per_issuer=4, seed=7):
    rng = random.Random(seed)
    out = []
    for issuer, prefix, length in ISSUERS:
        made = 0
        while made < per_issuer:
            body = prefix + "".join(rng.choice("0123456789") for _ in range(length - len(prefix) - 1))
            number = luhn_complete(body)
            if is_test_card(number) or len(set(number[len(prefix):])) < 4:
                continue
            assert card_issuer(number) is not None, number
            out.append((issuer, number))
            made += 1
    return out


CARDS = generated_cards()


def printed(number: str, sep: str) -> str:
    """The way cards are printed: 4-6-5 (Amex), 4-6-4 (Diners 14), else groups of four."""
    if len(number) == 15 and number[:2] in ("34", "37"):
        return sep.join((number[:4], number[4:10], number[10:]))
    if len(number) == 14:
        return sep.join((number[:4], number[4:10], number[10:]))
    return sep.join(number[i:i + 4] for i in range(0, len(number), 4))


CARD_CONTEXTS = [
    'card_number = "{}"',
    '{{"cc": "{}", "exp": "12/27"}}',
    "  credit_card: {}",
    "INSERT INTO payments (pan) VALUES ('{}');",
    "// charge card {} for the order",
    "Visa,{},12/26,123",
    "    <CardNumber>{}</CardNumber>",
    "pay --card {} --cvv 123",
]


def test_luhn_and_issuers():
    assert luhn_ok("4111111111111111") and luhn_ok("378282246310005") and not luhn_ok("4111111111111112")
    assert card_issuer("4111111111111111") == "visa"
    assert card_issuer("2221000000000009") == "mastercard"
    assert card_issuer("2721000000000000") is None  # past the 2-series range
    assert card_issuer("378282246310005") == "amex"
    assert card_issuer("3782822463100050") is None  # Amex is 15 digits
    assert card_issuer("1234567812345670") is None
    assert card_issuer("9792000000000001") is None  # Troy: left out (9-leading constants)


@pytest.mark.parametrize("issuer,number", CARDS)
def test_generated_cards_plain_and_printed(cards, issuer, number):
    for sep in ("", " ", "-"):
        shown = printed(number, sep) if sep else number
        text = CARD_CONTEXTS[len(shown) % len(CARD_CONTEXTS)].format(shown)
        assert scan(cards, text) == [shown], (issuer, text)


def test_cards_in_every_context(cards):
    number = luhn_complete("453201511283036")
    for ctx in CARD_CONTEXTS:
        for shown in (number, printed(number, " "), printed(number, "-")):
            text = ctx.format(shown)
            assert scan(cards, text) == [shown], text


def test_card_without_card_word(cards):
    number = luhn_complete("549281736450918")
    assert scan(cards, f'x = "{number}"') == [number]
    assert scan(cards, f"# {printed(number, ' ')}") == [printed(number, " ")]


def test_card_then_cvv(cards):
    number = luhn_complete("455673758689985")
    text = f"{printed(number, ' ')} 123"
    assert scan(cards, text) == [printed(number, " ")]
    assert scan(cards, f"card: {printed(number, ' ')} 12/27 cvv 123") == [printed(number, " ")]


def test_card_hard_negatives(cards, cards_high):
    good = luhn_complete("453201511283036")
    bad_luhn = good[:-1] + str((int(good[-1]) + 1) % 10)
    amex = luhn_complete("37144963539843")[:15]
    negatives = [
        f"card = {bad_luhn}",  # Luhn fails
        "card = 1234567890123452",  # no issuer starts with 1
        "card = 9111111111111118",
        f"card = {good}7",  # 17 digits: not a Visa length
        f"card = {good[:4]} {good[4:8]}-{good[8:12]} {good[12:]}",  # mixed separators
        f"card = {good[:4]}  {good[4:8]}  {good[8:12]}  {good[12:]}",  # double spaces
        f"x = 1{good}",  # inside a longer run
        f"x = {good}0123",
        f"h = 0x{good}",  # hex
        f"h = '{good}abcdef'",
        f"h = 'ab{good}'",
        f"u = '{good[:8]}-{good[8:12]}-{good[12:]}-1234-567890123456'",  # uuid-shaped
        f"t = {good[:4]}-{good[4:8]}-{good[8:12]}-{good[12:]}-9999",  # a fifth group: an id
        f"row = {good[:4]} {good[4:8]} {good[8:12]} {good[12:]} 5678 9012",  # a table
        f"pi = 3.{good}",  # a fraction
        f"v = {good}.5",
        f"x = 4.{good[1:]}e-301",
        f"order_id = {good}",  # the name says id
        f'"card_id": "{good}"',
        f'"transactionId": "{good}"',
        f"userId={good}",
        f"timestamp = {good}",
        f"seed = {good}",
        f"rng = np.random.default_rng({good})",
        f"hash_value = {good}",
        f"https://example.org/status/{good}",  # a path segment
        f"see issue #{good}",
        f"[{good}, 5499876543210987, 4024007145862381, 5500005555555559]",  # a data row
        f"ts = {amex}0",
        "1700000000000  1700000000000000  1700000000000000000",  # timestamps (ms, us, ns)
        "version = 4.1.1.1111.1111.1111",
        f"file_{good}.txt",
        f"v{good}",
    ]
    for text in negatives:
        assert scan(cards, text) == [], text
        assert scan(cards_high, text) == [], text


def test_card_word_overrides_id_looking_context(cards):
    number = luhn_complete("549281736450918")
    assert scan(cards, f"[{number}, 1234567890123456, 9999999999999999, 1111111111111111]  # card numbers") == [number]


def test_test_cards_are_a_switch(cards, cards_high):
    for number in ("4111111111111111", "4242424242424242", "5555555555554444", "378282246310005",
                   "6011111111111117", "3530111333300000", "30569309025904"):
        text = f'card_number = "{number}"'
        assert scan(cards, text) == [], number  # default: kept (documentation, not a person's card)
        assert scan(cards_high, text) == [number], number  # high: redacted too
        assert scan(CardFinder(RedactConfig(keep_test_cards=False)), text) == [number]
    assert scan(cards, "Card: 4111 1111 1111 1111 exp 12/30") == []
    assert scan(cards_high, "Card: 4111 1111 1111 1111 exp 12/30") == ["4111 1111 1111 1111"]
    assert scan(CardFinder(LOW), 'cc = "4242424242424242"') == []


def test_stripe_families_are_test_cards():
    for number in ("4000000000000077", "4000000760000002", "4000002500003155", "4000008260000000"):
        assert luhn_ok(number) and is_test_card(number), number
    assert not is_test_card(luhn_complete("400012345678901"))


def test_test_card_list_is_well_formed():
    for number in TEST_CARDS:
        assert number.isdigit() and 13 <= len(number) <= 19 and luhn_ok(number), number


# --- phone numbers ----------------------------------------------------------------------------
REGIONS = ("US", "CA", "GB", "DE", "FR", "IT", "ES", "NL", "BE", "CH", "AT", "SE", "NO", "DK", "PL", "PT", "IE",
           "AU", "NZ", "JP", "CN", "KR", "IN", "SG", "HK", "BR", "MX", "AR", "ZA", "NG", "EG", "IL", "TR", "RU",
           "UA", "AE", "SA", "PH", "ID", "TH", "VN", "MY", "CL", "CO", "KE")


def example_numbers():
    out = []
    for region in REGIONS:
        for kind in (phonenumbers.PhoneNumberType.FIXED_LINE, phonenumbers.PhoneNumberType.MOBILE):
            number = phonenumbers.example_number_for_type(region, kind)
            if number is not None:
                out.append((region, number))
    return out


EXAMPLES = example_numbers()
INTL_FORMATS = (phonenumbers.PhoneNumberFormat.INTERNATIONAL, phonenumbers.PhoneNumberFormat.E164)


@pytest.mark.parametrize("region,number", EXAMPLES, ids=[f"{r}-{n.national_number}" for r, n in EXAMPLES])
def test_international_numbers_of_many_countries(phones, phones_high, region, number):
    for fmt in INTL_FORMATS:
        shown = phonenumbers.format_number(number, fmt)
        for text in (f'"{shown}"', f"Reach our office: {shown}.", f"  - {shown}", f"<td>{shown}</td>"):
            assert scan(phones, text) == [shown], text
            assert scan(phones_high, text) == [shown], text


@pytest.mark.parametrize("region,number", EXAMPLES, ids=[f"{r}-{n.national_number}" for r, n in EXAMPLES])
def test_international_numbers_beside_a_phone_word(phones, region, number):
    shown = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    assert scan(phones, f"Phone: {shown}") == [shown]
    assert scan(phones, f'"mobile": "{shown}",') == [shown]


NATIONAL = [  # (text, the number) with a phone word: in the default mode
    ("Phone: (415) 555-2671", "(415) 555-2671"),
    ("phone = '415-555-2671'", "415-555-2671"),
    ('"phone": "4155552671"', "4155552671"),
    ("Tel. 415.555.2671", "415.555.2671"),
    ("Call us at 1-800-555-0199 today", "1-800-555-0199"),
    ("contact: (212) 555-0143", "(212) 555-0143"),
    ("fax: 020 7946 0958", "020 7946 0958"),
    ("Telefon: 030 1234567", "030 1234567"),
    ("Tél : 01 42 68 53 00", "01 42 68 53 00"),
    ("mobile: 07911 123456", "07911 123456"),
    ("Tel: 0845 155 2455", "0845 155 2455"),
    ("phone_number: 03-1234-5678", "03-1234-5678"),
    ('<a href="tel:4155552671">call</a>', "4155552671"),
    ("TEL;TYPE=work,voice:(111) 555-1212", None),  # 111: no such area code
    ("TEL;TYPE=work,voice:(312) 555-1212", "(312) 555-1212"),
    ("telNo = '06 12 34 56 78'", "06 12 34 56 78"),
    ("WhatsApp 98765 12345 (India)", "98765 12345"),
    ("Tel: 02 9374 4000, Sydney", "02 9374 4000"),
    ("cell 604-555-0134", "604-555-0134"),
    ('"msisdn": "447911123456"', "447911123456"),
    ("mobile = '0412 345 678'", "0412 345 678"),
    ("PHONE_MAX = 999999999", None),
    ("phone_ttl = 86400000", None),
    ("telemetry_interval = (415) 555-2671", None),
]


@pytest.mark.parametrize("text,expected", NATIONAL)
def test_national_numbers_beside_a_phone_word(phones, text, expected):
    assert scan(phones, text) == ([expected] if expected else [])


def test_phone_word_on_the_line_before(phones):
    assert scan(phones, "phone:\n  - 415 555 2671\n") == ["415 555 2671"]
    assert scan(phones, "<dt>Telephone</dt>\n<dd>(415) 555-2671</dd>") == ["(415) 555-2671"]
    assert scan(phones, "width:\n  - 415 555 2671\n") == []


def test_two_numbers_on_a_line(phones):
    assert scan(phones, "Tel: (412) 268-4387, fax: (412) 268-7395") == ["(412) 268-4387", "(412) 268-7395"]
    assert scan(phones, "phone 415-555-2671 / 415-555-2672") == ["415-555-2671", "415-555-2672"]


def test_context_rule_default_vs_high(phones, phones_high):
    for text, shown in (("x = '415-555-2671'", "415-555-2671"), ("office (312) 555-1212", "(312) 555-1212"),
                        ("415.555.2671", "415.555.2671"), ("1 (800) 555-0199", "1 (800) 555-0199")):
        assert scan(phones, text) == [], text  # default: a national number needs a phone word
        assert scan(phones_high, text) == [shown], text  # high: phone punctuation is enough
    # never a bare digit run of code, even in high
    for text in ("x = 4155552671", "n = 02079460958", "id: 4155552671"):
        assert scan(phones_high, text) == [], text
    # high without a word: only the North American layout for a national number
    assert scan(phones_high, "ref 030 1234567") == []


def test_phone_placeholders(phones):
    assert scan(phones, "Phone: 123-456-7890") == []  # not valid: no area code 123
    assert scan(phones, "Phone: 555-555-5555") == []
    assert scan(phones, "Phone: +1 (XXX) XXX-XXXX") == []
    assert scan(phones, "Phone: +1 234 567 8901") == ["+1 234 567 8901"]  # valid, so a number


PHONE_NEGATIVES = [
    # versions
    "version 10.0.19041.1", "v10.0.1234.56", "__version__ = '2024.01.1502'", "Chrome/120.0.6099.109",
    "numpy>=1.26.4123", "release 415.555.2671", "build: 415.555.2671",
    # dates and times
    "released 2024-01-15 12:30:45", "date: 15/01/2024 14:22", "2024/01/15", "on 01-15-2024 at 10:30",
    "ts = '2024-01-15T12:30:45.123456Z'", "12:30:45.1234567", "20240115 123045",
    # IPs and ports
    "server 192.168.100.200:8080", "addr 203.0.113.195", "listen 0.0.0.0:8000", "host:5551234567",
    # coordinates and decimals
    "coords 37.7749, -122.4194", "lat=-33.8688197, lon=151.2092955", "(51.5073509, -0.1277583)",
    "pi = 3.14159265358979", "x = 4155552671.5", "51.5074° N", "rate 12.345678%",
    # ids, hashes, hex, timestamps
    "user_id = 4155552671", '"orderId": "415-555-2671"', "created_at = 1700000000", "1700000000123",
    "commit 4155552671abc", "0x4155552671", "sha 9f86d081884c7d659a2feaa0c55ad015", "#4155552671",
    "uuid 41555526-7141-5555-2671-415555267141", "ISBN 978-3-16-148410-0", "SSN 123-45-6789",
    "x = 4155552671", "timeout_ms = 4155552671", "port = 4155552671",
    # data rows, math, zip codes
    "[4155552671, 4155552672, 4155552673]", "row = 415 555 2671 415 555 2672 100 200",
    "C 241 ; WX 796 ; N ae ; B 34 -15 762 479 ;", "pp. 417-420 (2003)", "ration = 512 / (3755 - 512) = 0.157",
    "Boston, MA 02110-1301", "zip: 94105-1234", "1 2 3 4 5 6 7 8 9", "a = b +1234567",
    # card numbers are not phones
    "card 4111 1111 1111 1111", "4242424242424242",
    # paths, urls
    "/api/v1/users/4155552671", "https://example.org/415-555-2671/edit", "file_415-555-2671.txt",
]


@pytest.mark.parametrize("text", PHONE_NEGATIVES)
def test_phone_hard_negatives(phones, phones_high, text):
    assert scan(phones, text) == [], text
    if text not in ("x = 4155552671",):
        assert scan(phones_high, text) == [], text


@pytest.mark.parametrize("text", ["matrix 415 555 2671", "E = 415 555 2671 * c", "x = (415) 555-2671"])
def test_phone_shaped_numbers_without_a_word(phones, phones_high, text):
    assert scan(phones, text) == []  # default: no phone word, no +CC: not a phone
    assert len(scan(phones_high, text)) == 1  # high: valid and in the North American layout


@pytest.mark.parametrize("text", [
    "Phone: version 10.0.19041.1", "tel: 2024-01-15 12:30", "phone_id = 4155552671", "phoneCount: 4155552671",
    "Phone: 192.168.100.200", "mobile 37.7749, -122.4194", "fax timestamp 1700000000", "call(4155552671)",
    "contact 4155552671", "phone: 02110-1301x",
])
def test_phone_words_do_not_make_anything_a_phone(phones, text):
    assert scan(phones, text) == [], text


def test_regions_named_on_the_line(phones):
    # an Italian landline without the +39: Italy is named, so IT is tried after US
    assert scan(phones, "Telefono (Italia): 06 6982 1234") == ["06 6982 1234"]
    # a Spanish mobile has no trunk 0: beside a strong phone word the populous regions are tried too
    assert scan(phones, "Phone 612 345 678") == ["612 345 678"]
    assert scan(phones, "Phone 612345678") == []  # ... but only for a number written in groups
    assert scan(phones, "Phone (Spain) 612 345 678") == ["612 345 678"]
    assert scan(phones, "Phone 612 345 678, info@empresa.es") == ["612 345 678"]


def test_hint_marks_every_found_line(phones_high, cards_high):
    text = "\n".join([
        "Phone: +1 (415) 555-2671", "Tel: 0845 155 2455", "+44 20 7946 0958", "card 4556 7375 8689 9855",
        "Amex 3714 496353 98431", "cc=4556737586899855",
    ])
    for finder in (phones_high, cards_high):
        pos = 0
        for line in text.split("\n"):
            start, end = pos, pos + len(line)
            pos = end + 1
            if list(finder.find(text, start, end)):
                assert finder.hint.search(text, start, end) is not None, line


def test_deterministic_and_sorted(phones, cards):
    text = "Phone: +1 415 555 2671 or (415) 555-2672; card 4556 7375 8689 9855\n" * 3
    first = [list(f.find(text, 0, len(text))) for f in (phones, cards)]
    second = [list(f.find(text, 0, len(text))) for f in (PhoneFinder(DEFAULT), CardFinder(DEFAULT))]
    assert first == second
    for spans in first:
        assert spans == sorted(spans)


def test_phone_words_inside_other_words_and_year_ranges(phones):
    assert scan(phones, "# Copyright (C) 2011-2026 The Libphonenumber Authors") == []
    assert scan(phones, "iPhone 612 345 678 units sold") == []
    assert scan(phones, "userPhone = '+44 20 7946 0958'") == ["+44 20 7946 0958"]
    assert scan(phones, "For urgent issues call +33 1 05 01 16 00 (24/7).") == ["+33 1 05 01 16 00"]
    assert scan(phones, 'phone: "(11) 96747-1339"') == ["(11) 96747-1339"]  # a Brazilian mobile, no region named


def test_card_groupings_and_form_encoded_spaces(cards):
    visa13 = luhn_complete("465509809104")
    maestro18 = luhn_complete("50187568440858508")
    discover = luhn_complete("653274921732946")
    spaced13 = f"{visa13[:4]} {visa13[4:8]} {visa13[8:]}"
    spaced18 = f"{maestro18[:4]} {maestro18[4:8]} {maestro18[8:12]} {maestro18[12:]}"
    plus = "+".join([discover[:4], discover[4:8], discover[8:12], discover[12:]])
    assert scan(cards, f'card_number = "{spaced13}"') == [spaced13]
    assert scan(cards, f'card_number: "{spaced18}"') == [spaced18]
    assert scan(cards, f"POST /checkout card-number={plus}&exp=1127") == [plus]
    assert scan(cards, f"total = {plus}") == []  # "+" between groups: a card only where cards are spoken of


def test_counting_digits_are_test_constants_not_cards(cards):
    assert scan(cards, "add '6543210123456788' 0.499999999 -> '6543210123456788'") == []
    counting = luhn_complete("549876543210987")  # a Mastercard prefix, then 98765432109 counting down
    assert scan(cards, f'card_number = "{counting}"') == []
    real = luhn_complete("549281736450918")
    assert scan(cards, f'card_number = "{real}"') == [real]
