"""Phone numbers of many countries, and numbers that are not phones.

National significant numbers are drawn from ranges of each country's numbering plan
and formatted by hand per the national conventions; the ``phonenumbers`` library is
used only to check that a generated number is valid.
"""

import phonenumbers

from . import Cases

CAT = "phone"

D = "0123456789"


def pat(rng, p):
    """Expand a pattern: 'N' = digit 2-9, 'X' = any digit, '[ab..]' = one of, other chars literal."""
    out, i = "", 0
    while i < len(p):
        ch = p[i]
        if ch == "X":
            out += rng.choice(D)
        elif ch == "N":
            out += rng.choice("23456789")
        elif ch == "[":
            j = p.index("]", i)
            out += rng.choice(p[i + 1:j])
            i = j
        else:
            out += ch
        i += 1
    return out


def grp(s, sizes):
    out, i = [], 0
    for g in sizes:
        out.append(s[i:i + g])
        i += g
    return out


# country: (calling code, trunk prefix, [(nsn pattern, national groups, international groups)])
PLANS = {
    "US": ("1", "", [("[2-9]XXNXXXXXX".replace("[2-9]", "[23456789]"), None, None)]),
    "CA": ("1", "", [("[46]16NXXXXXX", None, None), ("604NXXXXXX", None, None)]),
    "GB": ("44", "0", [("20[378]XXXXXXX", [2, 4, 4], [2, 4, 4]), ("7[123457-9]XXXXXXXX".replace("[123457-9]", "[1234579]"), [4, 6], [4, 6]),
                       ("161XXXXXXX", [3, 3, 4], [3, 3, 4])]),
    "DE": ("49", "0", [("30[1-9]XXXXXX".replace("[1-9]", "[123456789]"), [2, 8], [2, 8]), ("17[0-9]XXXXXXX", [3, 7], [3, 7]),
                       ("15[1257]XXXXXXXX", [4, 7], [4, 7]), ("89[1-9]XXXXXX".replace("[1-9]", "[123456789]"), [2, 7], [2, 7])]),
    "FR": ("33", "0", [("1XXXXXXXX", [1, 2, 2, 2, 2], [1, 2, 2, 2, 2]), ("[67]XXXXXXXX", [1, 2, 2, 2, 2], [1, 2, 2, 2, 2])]),
    "ES": ("34", "", [("6XXXXXXXX", [3, 3, 3], [3, 3, 3]), ("91XXXXXXX", [3, 3, 3], [3, 3, 3])]),
    "IT": ("39", "", [("3[1-9]XXXXXXXX".replace("[1-9]", "[123456789]"), [3, 3, 4], [3, 3, 4]), ("06XXXXXXXX", [2, 4, 4], [2, 4, 4])]),
    "NL": ("31", "0", [("6[1-5]XXXXXXX".replace("[1-5]", "[12345]"), [1, 8], [1, 8]), ("20XXXXXXX", [2, 3, 4], [2, 3, 4])]),
    "CH": ("41", "0", [("7[5-9]XXXXXXX".replace("[5-9]", "[56789]"), [2, 3, 2, 2], [2, 3, 2, 2]), ("44XXXXXXX", [2, 3, 2, 2], [2, 3, 2, 2])]),
    "SE": ("46", "0", [("7[02369]XXXXXXX", [2, 3, 2, 2], [2, 3, 2, 2])]),
    "PL": ("48", "", [("5[0137]XXXXXXX", [3, 3, 3], [3, 3, 3]), ("6[069]XXXXXXX", [3, 3, 3], [3, 3, 3])]),
    "IE": ("353", "0", [("8[35-9]XXXXXXX".replace("[35-9]", "[35679]"), [2, 3, 4], [2, 3, 4])]),
    "JP": ("81", "0", [("[789]0XXXXXXXX", [2, 4, 4], [2, 4, 4]), ("3XXXXXXXX", [1, 4, 4], [1, 4, 4])]),
    "AU": ("61", "0", [("4XXXXXXXX", [3, 3, 3], [3, 3, 3]), ("2[89]XXXXXXX", [1, 4, 4], [1, 4, 4])]),
    "IN": ("91", "0", [("[6789]XXXXXXXXX", [5, 5], [5, 5])]),
    "BR": ("55", "", [("119XXXXXXXX", [2, 5, 4], [2, 5, 4]), ("219XXXXXXXX", [2, 5, 4], [2, 5, 4])]),
    "MX": ("52", "", [("55XXXXXXXX", [2, 4, 4], [2, 4, 4])]),
    "CN": ("86", "", [("1[3-9]XXXXXXXXX".replace("[3-9]", "[3456789]"), [3, 4, 4], [3, 4, 4])]),
    "KR": ("82", "0", [("10XXXXXXXX", [2, 4, 4], [2, 4, 4])]),
    "SG": ("65", "", [("[89]XXXXXXX", [4, 4], [4, 4])]),
    "ZA": ("27", "0", [("[678][1-4]XXXXXXX".replace("[1-4]", "[1234]"), [2, 3, 4], [2, 3, 4])]),
    "NG": ("234", "0", [("80[3-9]XXXXXXX".replace("[3-9]", "[3456789]"), [3, 3, 4], [3, 3, 4])]),
    "KE": ("254", "0", [("7[0-2]XXXXXXX".replace("[0-2]", "[012]"), [3, 6], [3, 6])]),
    "AR": ("54", "0", [("11[2-7]XXXXXXX".replace("[2-7]", "[234567]"), [2, 4, 4], [2, 4, 4])]),
}


def valid(cc, nsn):
    try:
        return phonenumbers.is_valid_number(phonenumbers.parse("+" + cc + nsn))
    except phonenumbers.NumberParseException:
        return False


def gen(rng, country):
    cc, trunk, rules = PLANS[country]
    for _ in range(200):
        p, ng, ig = rng.choice(rules)
        nsn = pat(rng, p)
        if valid(cc, nsn):
            return cc, trunk, nsn, ng, ig
    raise RuntimeError(country)


def formats(rng, cc, trunk, nsn, ng, ig):
    if cc == "1":
        a, b, c = nsn[:3], nsn[3:6], nsn[6:]
        national = rng.choice([f"({a}) {b}-{c}", f"{a}-{b}-{c}", f"{a}.{b}.{c}"])
        intl = rng.choice([f"+1 {a}-{b}-{c}", f"+1 ({a}) {b}-{c}", f"+1 {a} {b} {c}"])
    else:
        ngs = grp(nsn, ng)
        if country_sep(cc) == "-":
            national = trunk + "-".join(ngs)
        elif cc == "55":
            national = f"({ngs[0]}) {ngs[1]}-{ngs[2]}"
        elif cc == "61" and nsn[0] != "4":
            national = f"(0{ngs[0]}) {ngs[1]} {ngs[2]}"
        else:
            national = trunk + " ".join(ngs)
        igs = grp(nsn, ig)
        intl = f"+{cc} " + (" ".join(igs) if cc not in ("81", "82") else igs[0] + "-" + "-".join(igs[1:]))
    return {"e164": f"+{cc}{nsn}", "international": intl, "national": national}


def country_sep(cc):
    return "-" if cc in ("81", "82") else " "


POS_CTX = [
    ("e164", ".json", "{{\n  \"name\": \"support desk\",\n  \"phone\": \"{P}\"\n}}\n"),
    ("e164", ".py", "SMS_RECIPIENT = \"{P}\"  # on-call phone\n"),
    ("e164", ".yaml", "contact:\n  mobile: \"{P}\"\n"),
    ("international", ".txt", "Tel: {P}\n"),
    ("international", ".md", "For urgent issues call {P} (24/7).\n"),
    ("international", ".html", "<p>Phone: {P}</p>\n"),
    ("national", ".txt", "Tel: {P}\nFax: {P2}\n"),
    ("national", ".py", "    phone: \"{P}\"\n"),
    ("national", ".java", "// contact the owner at phone {P} before changing this\n"),
    ("national", ".sql", "INSERT INTO contacts (name, phone) VALUES ('front desk', '{P}');\n"),
    ("national", ".csv", "id,phone,city\n{ID},{P},{CITY}\n"),
    ("tel_link", ".html", "<a href=\"tel:{E}\">{P}</a>\n"),
    ("vcard", ".vcf", "BEGIN:VCARD\nVERSION:3.0\nFN:Front Desk\nTEL;TYPE=WORK,VOICE:{P}\nEND:VCARD\n"),
    ("contact_json", ".json", "{{\"contacts\": [{{\"label\": \"mobile\", \"number\": \"{P}\"}}]}}\n"),
]

NEG_CTX = [  # the negative is the part between the two § marks
    ("version_string", ["__version__ = \"§{a}.{b}.{c}§\"\n", "  \"version\": \"§{a}.{b}.{c}-beta.{d}§\",\n"]),
    ("date_time", ["created = \"§{y}-{m:02d}-{dd:02d} {h:02d}:{mi:02d}:{s:02d}§\"\n", "Last-Modified: §20{yy}-{m:02d}-{dd:02d}T{h:02d}:{mi:02d}:{s:02d}Z§\n"]),
    ("ip_address", ["bind_address = \"§10.{a}.{b}.{c}§\"\n", "upstream §192.168.{b}.{c}:8080§;\n", "allow §172.16.{b}.{c}/32§;\n"]),
    ("coordinates", ["location = (§{lat}, {lon}§)\n", "\"geo\": {{§\"lat\": {lat}, \"lng\": {lon}§}},\n"]),
    ("identifier", ["user_id = §{n10}§\n", "\"accountId\": §{n10}§,\n", "issue §#{n6}§ closed\n"]),
    ("hex", ["color = §0x{hx}§\n", "checksum: §{hx}{hx}§\n"]),
    ("timestamp", ["\"ts\": §{n10ts}§,\n", "expires_at=§{n10ts}000§\n"]),
    ("port_list", ["ports: [§8080, 8443, 9090, 9100, 5432§]\n", "EXPOSE §3000 3001 9229§\n"]),
    ("zip_code", ["postal_code = \"§{zip}§\"\n", "\"zip\": \"§{zip}-{zip4}§\",\n"]),
    ("math_constant", ["PI = §3.14159265358979§\n", "E = §2.718281828459045§\n", "GOLDEN = §1.6180339887498948§\n", "SQRT2 = §1.4142135623730951§\n"]),
    ("data_table", ["§{n3} {n4} {n4b} {n3b}\n{n3b} {n4b} {n4} {n3}§\n", "§| {n3} | {n4} | {n4b} |§\n"]),
    ("plain_code_number", ["MAX_BYTES = §{n10}§\n", "seed = §{n10}§\n", "timeout_ms = §{n9}§\n", "np.random.seed(§{n10}§)\n"]),
    ("money_amount", ["total = §{n4}.{n2}§\n", "\"amount\": \"§{n4},{n2}§\",\n"]),
    ("isbn", ["isbn = \"§978-{a}-{n4}-{n3}-{c}§\"\n"]),
]

CITIES = ["Lyon", "Leeds", "Austin", "Osaka", "Porto", "Graz", "Pune", "Cork"]


def build(rng):
    cases = Cases("phone", CAT)
    add = cases.add

    countries = list(PLANS)
    for i in range(190):
        country = countries[i % len(countries)]
        cc, trunk, nsn, ng, ig = gen(rng, country)
        f = formats(rng, cc, trunk, nsn, ng, ig)
        kind, ext, t = POS_CTX[i % len(POS_CTX)]
        if kind == "e164":
            p = f["e164"]
        elif kind in ("international", "vcard", "contact_json"):
            p = f[rng.choice(["international", "e164"])] if kind != "international" else f["international"]
        else:
            p = f["national"] if kind != "tel_link" else rng.choice([f["national"], f["international"]])
        p2 = None
        if "{P2}" in t:
            cc2, tr2, nsn2, ng2, ig2 = gen(rng, country)
            p2 = formats(rng, cc2, tr2, nsn2, ng2, ig2)["national"]
        text = t.format(P=p, P2=p2, E=f["e164"], ID=rng.randint(100, 999), CITY=rng.choice(CITIES))
        pos = [p] + ([p2] if p2 else []) + ([f["e164"]] if kind == "tel_link" and f["e164"] != p else [])
        add(kind, text, pos, [], country=country)
    for i in range(190):
        kind, ts = NEG_CTX[i % len(NEG_CTX)]
        t = rng.choice(ts)
        vals = dict(a=rng.randint(0, 20), b=rng.randint(0, 255), c=rng.randint(1, 254), d=rng.randint(1, 9),
                    y=rng.randint(2015, 2025), yy=rng.randint(15, 25), m=rng.randint(1, 12), dd=rng.randint(1, 28),
                    h=rng.randint(0, 23), mi=rng.randint(0, 59), s=rng.randint(0, 59),
                    lat=round(rng.uniform(-60, 60), 6), lon=round(rng.uniform(-170, 170), 6),
                    n10=rng.randint(10 ** 9, 10 ** 10 - 1), n6=rng.randint(10 ** 5, 10 ** 6 - 1), n9=rng.randint(10 ** 8, 10 ** 9 - 1),
                    hx="".join(rng.choice("0123456789abcdef") for _ in range(8)), n10ts=rng.randint(1500000000, 1760000000),
                    zip=f"{rng.randint(10000, 99999)}", zip4=f"{rng.randint(1000, 9999)}", n3=rng.randint(100, 999),
                    n3b=rng.randint(100, 999), n4=rng.randint(1000, 9999), n4b=rng.randint(1000, 9999), n2=f"{rng.randint(0, 99):02d}")
        marked = t.format(**vals)
        neg = marked.split("§")[1]
        text = marked.replace("§", "")
        add(kind, text, [], [neg])
    return cases
