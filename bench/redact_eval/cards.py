"""Payment card numbers: Luhn-valid numbers by issuer IIN ranges and lengths, and look-alikes.

Issuers' documented public test numbers are their own kind ``test_card``: kept under the
default sensitivity (negatives) and redacted under ``high`` (``high_positives``).
"""

from . import Cases

CAT = "credit_card"

# issuer -> list of (IIN prefixes, lengths)
ISSUERS = {
    "visa": [(["4"], [13, 16, 19])],
    "mastercard": [([str(p) for p in range(51, 56)], [16]), ([str(p) for p in range(2221, 2721)], [16])],
    "amex": [(["34", "37"], [15])],
    "discover": [(["6011"] + [str(p) for p in range(644, 650)] + ["65"], [16, 19])],
    "jcb": [([str(p) for p in range(3528, 3590)], [16])],
    "diners": [(["36"], [14]), ([str(p) for p in range(300, 306)], [14]), (["38", "39"], [16])],
    "unionpay": [(["62"], [16, 19])],
    "maestro": [(["5018", "5020", "5038", "5893", "6304", "6759", "6761", "6762", "6763"], [16, 18, 19])],
    "mir": [([str(p) for p in range(2200, 2205)], [16])],
}

TEST_CARDS = ["4111111111111111", "4242424242424242", "4012888888881881", "4000056655665556", "4222222222222",
              "5555555555554444", "5105105105105100", "2223003122003222", "5200828282828210", "378282246310005",
              "371449635398431", "378734493671000", "6011111111111117", "6011000990139424", "30569309025904",
              "38520000023237", "3530111333300000", "3566002020360505", "6200000000000005", "4000000000000002"]


def luhn_ok(num):
    s = 0
    for i, ch in enumerate(reversed(num)):
        d = int(ch)
        if i % 2:
            d *= 2
            if d > 9:
                d -= 9
        s += d
    return s % 10 == 0


def luhn_complete(partial):
    for c in "0123456789":
        if luhn_ok(partial + c):
            return partial + c


def gen_number(rng, issuer):
    prefixes, lengths = rng.choice(ISSUERS[issuer])
    p, n = rng.choice(prefixes), rng.choice(lengths)
    body = p + "".join(rng.choice("0123456789") for _ in range(n - len(p) - 1))
    return luhn_complete(body)


def fmt(rng, num, issuer=None):
    sep = rng.choice([" ", "-", ""])
    n = len(num)
    if n == 15:
        groups = [4, 6, 5]
    elif n == 14:
        groups = [4, 6, 4]
    elif n == 13:
        groups = [4, 4, 5]
    elif n == 19:
        groups = [4, 4, 4, 4, 3]
    elif n == 18:
        groups = [4, 4, 4, 6]
    else:
        groups = [4, 4, 4, 4]
    out, i = [], 0
    for g in groups:
        out.append(num[i:i + g])
        i += g
    return sep.join(out)


CONTEXTS = [
    ("code", ".py", "card_number = \"{C}\"\nexp_month, exp_year = 8, 2027\n"),
    ("code", ".js", "const payment = {{ pan: '{C}', cvc: '{CVC}', expiry: '09/28' }};\n"),
    ("json", ".json", "{{\n  \"customer_id\": {ID},\n  \"card\": {{\"number\": \"{C}\", \"exp\": \"11/26\"}}\n}}\n"),
    ("log", ".log", "2024-02-1{D} 10:22:31,114 INFO  payment.gateway charge approved card={C} amount=49.90 EUR\n"),
    ("log", ".log", "[WARN] retrying authorization for PAN {C} (attempt 2/3)\n"),
    ("comment", ".java", "    // customer called in, their card {C} was declined twice\n"),
    ("sql", ".sql", "INSERT INTO payments (id, user_id, card_number, amount) VALUES ({ID}, 88, '{C}', 120.00);\n"),
    ("csv", ".csv", "name,card,expiry\nacct-{ID},{C},03/27\n"),
    ("yaml", ".yaml", "billing:\n  card_number: \"{C}\"\n  holder: ACCT-{ID}\n"),
    ("form", ".txt", "POST /checkout card-number={CQ}&exp=1127&cvv={CVC}\n"),
    ("html", ".html", "<input name=\"cc-number\" value=\"{C}\" autocomplete=\"cc-number\">\n"),
    ("email_text", ".txt", "Hi, please charge my card {C}, expiry 10/26. Thanks!\n"),
]

NEG_CONTEXTS = [
    ("luhn_invalid", "card_number = \"{X}\"  # rejected by validator\n"),
    ("luhn_invalid", "{{\"pan\": \"{X}\", \"status\": \"invalid\"}}\n"),
    ("luhn_invalid", "log.info(\"declined: bad checksum {X}\")\n"),
]


def build(rng):
    cases = Cases("card", CAT)
    add = cases.add

    issuers = list(ISSUERS)
    for i in range(180):
        iss = issuers[i % len(issuers)]
        num = gen_number(rng, iss)
        if num in TEST_CARDS:
            continue
        c = fmt(rng, num)
        ctx, ext, t = CONTEXTS[rng.randrange(len(CONTEXTS))]
        text = t.format(C=c, CQ=c.replace(" ", "+"), CVC=rng.randint(100, 999), ID=rng.randint(1000, 99999), D=rng.randint(0, 9))
        add(iss, text, [c.replace(" ", "+") if ctx == "form" else c], [], ext=ext)
    # test cards: kept by default, redacted under high
    for i, num in enumerate(TEST_CARDS * 2):
        assert luhn_ok(num), num
        c = fmt(rng, num) if i >= len(TEST_CARDS) else num
        t = rng.choice(["STRIPE_TEST_CARD = \"{C}\"\n", "# use {C} in the sandbox\n", "    cy.get('#card').type('{C}')\n",
                        "{{\"number\": \"{C}\", \"cvc\": \"123\", \"exp_month\": 12, \"exp_year\": 2030}}\n"])
        add("test_card", t.format(C=c), [], [c], high_positives=[c])
    # look-alikes
    for i in range(50):
        num = gen_number(rng, rng.choice(issuers))
        bad = num[:-1] + str((int(num[-1]) + rng.randint(1, 9)) % 10)
        assert not luhn_ok(bad)
        x = fmt(rng, bad)
        add("luhn_invalid", rng.choice(NEG_CONTEXTS)[1].format(X=x), [], [x])
    for i in range(20):
        num = gen_number(rng, rng.choice(issuers))
        longer = str(rng.randint(1, 9)) + "".join(rng.choice("0123456789") for _ in range(rng.randint(3, 8)))
        run = longer[:2] + num + longer[2:]
        add("inside_longer_digits", rng.choice(["ref = \"{R}\"\n", "tracking_number: {R}\n", "<TxnRef>{R}</TxnRef>\n"]).format(R=run), [], [run])
    for i in range(16):
        ts = str(rng.randint(1500000000, 1760000000)) + (str(rng.randint(100, 999)) if i % 2 else "")
        add("epoch_timestamp", rng.choice(["\"created_at\": {T},\n", "ts={T} level=info msg=\"flushed\"\n", "expires = {T}\n"]).format(T=ts), [], [ts])
    for i in range(16):
        oid = str(rng.randint(10 ** 15, 2 * 10 ** 15))
        oid = oid if not luhn_ok(oid) else luhn_complete(oid[:-1])
        add("order_id", rng.choice(["order_id = {O}\n", "{{\"orderId\": \"{O}\", \"items\": 3}}\n", "Your order #{O} has shipped.\n"]).format(O=oid), [], [oid])
    for i in range(8):
        # Luhn-valid 16-digit numbers with no issuer prefix (leading 1, 7, 8, 9) used as ids
        body = rng.choice("1789") + "".join(rng.choice("0123456789") for _ in range(14))
        n = luhn_complete(body)
        add("luhn_valid_non_iin_id", rng.choice(["account_id: {N}\n", "\"shipment\": \"{N}\",\n"]).format(N=n), [], [n])
    import uuid as _uuid
    for i in range(10):
        u = str(_uuid.UUID(int=rng.getrandbits(128), version=4))
        add("uuid", f"\"transaction_id\": \"{u}\",\n", [], [u])
    for i in range(12):
        body = "978" + "".join(rng.choice("0123456789") for _ in range(9))
        s = sum(int(d) * (1 if k % 2 == 0 else 3) for k, d in enumerate(body))
        isbn = body + str((10 - s % 10) % 10)
        v = isbn if i % 2 else f"{isbn[:3]}-{isbn[3]}-{isbn[4:8]}-{isbn[8:12]}-{isbn[12]}"
        add("isbn_ean", rng.choice(["ISBN {V}\n", "\"ean\": \"{V}\",\n", "barcode = \"{V}\"\n"]).format(V=v), [], [v])
    for i in range(10):
        ph = f"+1 {rng.randint(201, 989)} {rng.randint(200, 999)} {rng.randint(1000, 9999)}"
        # a phone number must not be taken for a card; being redacted as a phone is fine
        add("phone_number", f"Tel: {ph}\n", [], [f"{ph[3:]}"], neg_allowed=["<PHONE>"])
    for i in range(10):
        h = "".join(rng.choice("0123456789abcdef") for _ in range(16))
        add("hex_string", rng.choice(["span_id = \"{H}\"\n", "\"traceFlags\": \"{H}\",\n"]).format(H=h), [], [h])
    consts = ["9007199254740991", "18446744073709551615", "4294967295", "2147483647", "6364136223846793005",
              "1442695040888963407", "9223372036854775807", "3141592653589793", "2718281828459045", "1000000000000000"]
    for cnum in consts:
        add("numeric_constant", rng.choice(["MAX = {N}\n", "const LIMIT = {N}n;\n", "#define K {N}ULL\n"]).format(N=cnum), [], [cnum])
    return cases
