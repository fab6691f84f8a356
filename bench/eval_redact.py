"""Independent evaluation of the PII/secret redactor (black box), with detect-secrets as a peer on secrets.

    python bench/eval_redact.py [--split dev|heldout|both] [--show-failures] [--no-peer]

Cases come from ``bench/redact_eval`` (generated at run time; names also read real
attribution lines of installed packages).  Each case is in ``dev`` or ``heldout`` by
the sha1 of its id.  Figures per category and split:

* recall: share of positives whose every substring is gone from the redacted text;
* look-alike FP rate: share of negative substrings that do not survive intact
  (a case may allow given replacements, e.g. a phone number in a card look-alike may
  become ``<PHONE>``).

Public test card numbers (kind ``test_card``) are scored apart: kept under the default
sensitivity, redacted under ``high``.  ``--show-failures`` prints failures of the dev
split only; it refuses for ``--split heldout``: the held-out half is never looked at
while tuning.  The last line printed is a JSON object with every figure.
"""

import argparse
import json
import os
import sys
import tempfile
import time
from collections import defaultdict

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
sys.path.insert(0, HERE)

from redact_eval import build_all, names as names_mod  # noqa: E402

CATS = ["secret", "name", "credit_card", "phone"]


def parts(p):
    return p if isinstance(p, list) else [p]


def positive_gone(p, out):
    return all(q not in out for q in parts(p))


def spans(text, sub):
    i, res = text.find(sub), []
    while i >= 0:
        res.append((i, i + len(sub)))
        i = text.find(sub, i + 1)
    return res


def negative_survives(c, n, res):
    if res.text.count(n) >= c["text"].count(n):
        return True
    allowed = c.get("neg_allowed")
    if not allowed:
        return False
    for s, e in spans(c["text"], n):
        for f in res.findings:
            if f.start < e and s < f.end and f.replacement not in allowed:
                return False
    return True


def score(cases, redact, use_high=False):
    """Per case: list of positive booleans, list of negative booleans (True = survived)."""
    out = {}
    for c in cases:
        res = redact(c["text"])
        if use_high:
            pos = [positive_gone(p, res.text) for p in c.get("high_positives", [])]
            neg = []
        else:
            pos = [positive_gone(p, res.text) for p in c["positives"]]
            neg = [negative_survives(c, n, res) for n in c["negatives"]]
        out[c["id"]] = (pos, neg, res.text)
    return out


# ---------------------------------------------------------------- detect-secrets peer

def detect_secrets_peer(cases):
    from detect_secrets.core.scan import scan_file
    from detect_secrets.settings import default_settings
    out = {}
    with tempfile.TemporaryDirectory(prefix="redact_eval_") as tmp, default_settings():
        for k, c in enumerate(cases):
            ext = c.get("ext", ".txt")
            name = f"case{k}{ext}" if ext.startswith(".") or not ext else ext
            if not ext:
                name = "Dockerfile"
            d = os.path.join(tmp, str(k))
            os.mkdir(d)
            path = os.path.join(d, name)
            with open(path, "w", encoding="utf-8") as fh:
                fh.write(c["text"])
            try:
                found = [(s.secret_value or "", s.line_number) for s in scan_file(path)]
            except Exception:
                found = []
            out[c["id"]] = found
    return out


def line_of(text, idx):
    return text.count("\n", 0, idx) + 1


def ds_found(c, p, reported):
    ps = parts(p)
    if len(ps) == 1:
        q = ps[0]
        return any(v and (q in v or v in q) for v, _ in reported)
    # a multi-line secret (a PEM body): every part contained, or a report inside its lines
    if all(any(v and (q in v or v in q) for v, _ in reported) for q in ps):
        return True
    first, last = c["text"].find(ps[0]), c["text"].find(ps[-1])
    lo, hi = line_of(c["text"], first) - 1, line_of(c["text"], last) + 1
    return any(lo <= ln <= hi for _, ln in reported)


def ds_flags_negative(c, n, reported):
    lines = c["text"].split("\n")
    offs, o = [], 0
    for ln in lines:
        offs.append(o)
        o += len(ln) + 1
    nsp = spans(c["text"], n)
    for v, ln in reported:
        if not v:
            continue
        if n in v or v in n:
            return True
        if 1 <= ln <= len(lines):
            for s, e in spans(lines[ln - 1], v):
                a, b = offs[ln - 1] + s, offs[ln - 1] + e
                if any(a < ne and ns < b for ns, ne in nsp):
                    return True
    return False


# ---------------------------------------------------------------- report

def ratio(a, b):
    return round(a / b, 4) if b else None


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--split", choices=["dev", "heldout", "both"], default="both")
    ap.add_argument("--show-failures", action="store_true", help="print failing dev cases (refused for heldout)")
    ap.add_argument("--no-peer", action="store_true", help="skip the detect-secrets peer")
    args = ap.parse_args()
    if args.show_failures and args.split == "heldout":
        print("refusing --show-failures for the held-out split: it is never looked at while tuning "
              "(use --split dev)", file=sys.stderr)
        return 2

    t0 = time.time()
    from transforms.redact import RedactConfig, Redactor
    all_cases = build_all()
    splits = ["dev", "heldout"] if args.split == "both" else [args.split]
    cases = [c for c in all_cases if c["split"] in splits]
    t_build = time.time() - t0

    r_def = Redactor(RedactConfig())
    r_high = Redactor(RedactConfig(sensitivity="high"))
    main_cases = [c for c in cases if c["kind"] != "test_card"]
    test_cards = [c for c in cases if c["kind"] == "test_card"]
    s_def = score(cases, r_def.redact)
    s_high = score(test_cards, r_high.redact, use_high=True)

    peer = None
    if not args.no_peer:
        peer = detect_secrets_peer([c for c in cases if c["category"] == "secret"])

    figures = {}
    for sp in splits:
        figures[sp] = {}
        for cat in CATS:
            cs = [c for c in main_cases if c["split"] == sp and c["category"] == cat]
            pos = [b for c in cs for b in s_def[c["id"]][0]]
            neg = [b for c in cs for b in s_def[c["id"]][1]]
            lookalike_cases = [c for c in cs if not c["positives"]]
            f = {"cases": len(cs), "positive_cases": len(cs) - len(lookalike_cases), "lookalike_cases": len(lookalike_cases),
                 "positives": len(pos), "found": sum(pos), "recall": ratio(sum(pos), len(pos)),
                 "negatives": len(neg), "negatives_damaged": len(neg) - sum(neg), "lookalike_fp_rate": ratio(len(neg) - sum(neg), len(neg)),
                 "kinds": len({c["kind"] for c in cs if c["positives"]})}
            if cat == "secret" and peer is not None:
                dpos = [ds_found(c, p, peer[c["id"]]) for c in cs for p in c["positives"]]
                dneg = [ds_flags_negative(c, n, peer[c["id"]]) for c in cs for n in c["negatives"]]
                f["detect_secrets"] = {"found": sum(dpos), "recall": ratio(sum(dpos), len(dpos)),
                                       "negatives_flagged": sum(dneg), "lookalike_fp_rate": ratio(sum(dneg), len(dneg))}
            figures[sp][cat] = f
        tc = [c for c in test_cards if c["split"] == sp]
        kept = [b for c in tc for b in s_def[c["id"]][1]]
        red = [b for c in tc for b in s_high[c["id"]][0]]
        figures[sp]["test_card"] = {"cases": len(tc), "default_kept": sum(kept), "default_kept_rate": ratio(sum(kept), len(kept)),
                                    "high_redacted": sum(red), "high_recall": ratio(sum(red), len(red))}

    # per-kind recall for secrets on dev
    per_kind = {}
    if "dev" in splits:
        acc = defaultdict(lambda: [0, 0, 0])
        for c in main_cases:
            if c["split"] == "dev" and c["category"] == "secret" and c["positives"]:
                pos = s_def[c["id"]][0]
                a = acc[c["kind"]]
                a[0] += sum(pos)
                a[1] += len(pos)
                if peer is not None:
                    a[2] += sum(ds_found(c, p, peer[c["id"]]) for p in c["positives"])
        per_kind = {k: {"found": v[0], "total": v[1], "recall": ratio(v[0], v[1]),
                        **({"detect_secrets_found": v[2]} if peer is not None else {})} for k, v in sorted(acc.items())}

    # ------------------------------------------------ print
    print(f"redactor eval: {len(cases)} cases ({', '.join(splits)}); build {t_build:.1f}s; "
          f"names real lines ok={names_mod.STATS['real_ok']} skipped={names_mod.STATS['real_skipped']}")
    hdr = f"{'split':8} {'category':12} {'cases':>5} {'pos':>5} {'recall':>7} {'neg':>5} {'FP':>7}   peer detect-secrets recall / FP"
    print(hdr)
    print("-" * len(hdr))
    for sp in splits:
        for cat in CATS:
            f = figures[sp][cat]
            peer_s = ""
            if "detect_secrets" in f:
                d = f["detect_secrets"]
                peer_s = f"   {d['recall']!s:>6} / {d['lookalike_fp_rate']!s:>6}"
            print(f"{sp:8} {cat:12} {f['cases']:>5} {f['positives']:>5} {f['recall']!s:>7} {f['negatives']:>5} {f['lookalike_fp_rate']!s:>7}{peer_s}")
        t = figures[sp]["test_card"]
        print(f"{sp:8} {'test_card':12} {t['cases']:>5}  kept by default: {t['default_kept_rate']}   redacted under high: {t['high_recall']}")
    if per_kind:
        print("\nsecrets on dev, recall per kind (found/total" + (", detect-secrets found" if peer is not None else "") + "):")
        items = [f"{k} {v['found']}/{v['total']}" + (f" ds={v['detect_secrets_found']}" if peer is not None else "") for k, v in per_kind.items()]
        for i in range(0, len(items), 4):
            print("  " + "   ".join(f"{x:<44}" for x in items[i:i + 4]).rstrip())

    if args.show_failures:
        print("\nfailures (dev split only; held-out failures are never shown):")
        for c in cases:
            if c["split"] != "dev":
                continue
            pos, neg, out = s_def[c["id"]]
            missed = [p for p, ok in zip(c["positives"], pos) if not ok]
            damaged = [n for n, ok in zip(c["negatives"], neg) if not ok]
            if c["kind"] == "test_card":
                hpos = s_high[c["id"]][0]
                missed += [("high", p) for p, ok in zip(c.get("high_positives", []), hpos) if not ok]
            if missed or damaged:
                print(f"--- {c['id']} [{c['kind']}]  missed={missed!r}  damaged={damaged!r}")
                print("    in : " + c["text"].rstrip("\n").replace("\n", "\n         "))
                print("    out: " + out.rstrip("\n").replace("\n", "\n         "))

    try:
        from _common import commit
        cm = commit()
    except Exception:
        cm = "unknown"
    summary = {"bench": "eval_redact", "commit": cm, "splits": splits, "figures": figures, "secret_per_kind_dev": per_kind,
               "names_real_lines": dict(names_mod.STATS), "elapsed_s": round(time.time() - t0, 1)}
    print(json.dumps(summary, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
