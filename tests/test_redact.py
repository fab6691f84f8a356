import collections
import dataclasses
import importlib.util
import io
import ipaddress
import json
import os
import random

import pytest

from transforms.base import DictCounter
from transforms.record import CodeFile
from transforms.redact import (
    IP,
    KEY,
    PASSWORD,
    RedactConfig,
    Redactor,
    category_of,
    is_placeholder,
    make_core,
    redact_record,
)

DATA = os.path.join(os.path.dirname(__file__), "data", "redact")
PII_KINDS = {"email", "ipv4", "ipv6"}


def _load(name):
    with open(os.path.join(DATA, name), encoding="utf-8") as handle:
        return [json.loads(line) for line in handle]


POSITIVES = _load("positives.jsonl")
NEGATIVES = _load("negatives.jsonl")


@pytest.fixture(scope="module")
def redactor():
    return Redactor()


def rec(content, **kw):
    base = dict(blob_id="b", content_id="c", directory_id="d", path="src/settings.py", repo_name="o/r",
                snapshot_id="s", revision_id="r", branch_name="refs/heads/main", content=content)
    base.update(kw)
    return CodeFile(**base)


# --- the corpus ---------------------------------------------------------------------------
def test_corpus_is_what_the_seeded_script_writes():
    spec = importlib.util.spec_from_file_location("make_corpus", os.path.join(DATA, "make_corpus.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    gen = module.Gen(module.SEED)
    assert module.positives(gen) == POSITIVES
    assert module.negatives(gen) == NEGATIVES


def test_corpus_size_and_spread():
    kinds = collections.defaultdict(set)
    for row in POSITIVES:
        kinds[row["kind"]].add(row["syntax"])
    credential_kinds = {k: s for k, s in kinds.items() if k not in PII_KINDS}
    assert len(POSITIVES) >= 150
    assert len(credential_kinds) >= 40
    assert sum(len(s) >= 3 for s in credential_kinds.values()) >= 40  # several syntaxes each
    assert len(NEGATIVES) >= 100
    categories = collections.Counter(row["category"] for row in NEGATIVES)
    for category in ("hash", "uuid", "base64_image", "lorem", "placeholder", "version", "private_ip"):
        assert categories[category] >= 5, category


def test_recall_and_false_positives_on_corpus(redactor):
    missed = [row["id"] for row in POSITIVES
              if any(secret in redactor.redact(row["text"]).text for secret in row["secrets"])]
    flagged = [row["id"] for row in NEGATIVES if redactor.find(row["text"])]
    recall = 1 - len(missed) / len(POSITIVES)
    fp_rate = len(flagged) / len(NEGATIVES)
    assert recall >= 0.95, (recall, missed)
    assert fp_rate <= 0.05, (fp_rate, flagged)


def test_replacement_category_matches_what_was_found(redactor):
    expected = {"email": "<EMAIL>", "url_password": "<PASSWORD>", "generic_password": "<PASSWORD>",
                "cli_password": "<PASSWORD>", "sql_password": "<PASSWORD>", "github_token": "<KEY>",
                "private_key": "<KEY>", "jwt": "<KEY>"}
    for row in POSITIVES:
        findings = redactor.find(row["text"])
        assert findings, row["id"]
        if row["kind"] in expected:
            assert expected[row["kind"]] in {f.replacement for f in findings}, row["id"]
        if row["kind"] in ("ipv4", "ipv6"):
            assert any(category_of(f) == IP for f in findings), row["id"]


def _composites():
    """Files stitched from corpus lines (seeded): many secrets, repeats and near-misses per file."""
    rng = random.Random(7)
    lines = [line for row in POSITIVES + NEGATIVES for line in row["text"].splitlines(keepends=True)]
    out = []
    for _ in range(40):
        picked = rng.sample(lines, 30)
        picked += rng.sample(picked, 5)  # the same secret again, later in the file
        out.append("".join(picked))
    return out


def _all_texts():
    return [row["text"] for row in POSITIVES + NEGATIVES] + _composites()


# --- properties ---------------------------------------------------------------------------
def test_no_found_string_survives(redactor):
    for text in _all_texts():
        result = redactor.redact(text)
        for finding in result.findings:
            original = text[finding.start:finding.end]
            assert original not in result.text, (finding, original)


def test_idempotent(redactor):
    for text in _all_texts():
        once = redactor.redact(text)
        twice = redactor.redact(once.text)
        assert twice.text == once.text
        assert twice.findings == ()


def test_offsets_point_into_the_input(redactor):
    for text in _all_texts():
        result = redactor.redact(text)
        pos, parts = 0, []
        for finding in result.findings:
            assert pos <= finding.start < finding.end <= len(text)
            parts.append(text[pos:finding.start] + finding.replacement)
            pos = finding.end
        assert "".join(parts) + text[pos:] == result.text


def test_offsets_are_code_points_even_when_lowercasing_changes_length(redactor):
    text = "İstanbul ofisi: İİİ token = \"k9Xq2LmP7vR4tY8w\" ve ana@posteo.de\n"
    result = redactor.redact(text)
    assert [text[f.start:f.end] for f in result.findings] == ["k9Xq2LmP7vR4tY8w", "ana@posteo.de"]
    assert result.text == "İstanbul ofisi: İİİ token = \"<KEY>\" ve <EMAIL>\n"


def test_deterministic_and_free_of_instance_state():
    texts = _all_texts()
    first = Redactor()
    forward = [first.redact(t) for t in texts]
    second = Redactor()
    backward = [second.redact(t) for t in reversed(texts)][::-1]
    assert forward == backward


# --- behaviour ----------------------------------------------------------------------------
def test_same_secret_same_replacement_everywhere_in_its_file(redactor):
    text = ("DB_PASSWORD=Zq8!mW2rT5vK\n"
            "# remember: psql uses Zq8!mW2rT5vK too\n"
            "conn = connect(password=os.environ['X'])  # was Zq8!mW2rT5vK\n")
    result = redactor.redact(text)
    assert "Zq8!mW2rT5vK" not in result.text
    assert result.text.count("<PASSWORD>") == 3
    assert {f.kind for f in result.findings} == {"generic_password"}


def test_public_ips_become_stable_private_addresses_of_the_same_version(redactor):
    a = redactor.redact("upstream 52.14.203.77:443;\nbackup 52.14.203.77\npeer 2a03:2880:f12f:83:face:b00c:0:25de\n")
    b = redactor.redact("ssh root@52.14.203.77\n")
    v4 = {f.replacement for f in a.findings if f.kind == "ipv4"} | {f.replacement for f in b.findings}
    assert len(v4) == 1
    v4_addr = ipaddress.ip_address(v4.pop())
    assert v4_addr.version == 4 and v4_addr.is_private
    v6 = [f.replacement for f in a.findings if f.kind == "ipv6"]
    assert len(v6) == 1 and ipaddress.ip_address(v6[0]).version == 6 and ipaddress.ip_address(v6[0]).is_private
    assert a.counts()["ip"] == 3


@pytest.mark.parametrize("text", [
    "nameserver 8.8.8.8\nnameserver 1.1.1.1\nnameserver 2606:4700:4700::1111\n",
    "bind 10.1.2.3 172.16.0.9 192.168.1.1 127.0.0.1 0.0.0.0 169.254.169.254 100.64.0.1 ::1 fe80::1 fd00::7\n",
    "docs: 192.0.2.10 198.51.100.7 203.0.113.200 2001:db8::42\n",
    "__version__ = '2.10.3.1'\nUA = 'Chrome/120.0.0.0'\nfoo==1.2.3.4\n<version>9.3.0.25</version>\n",
    "allow 52.216.0.0/15;\nmask 255.255.255.0\nmcast 224.0.0.251\n",
    "std::vector<int> v; auto t = 12:30:45; mac 00:1A:2B:3C:4D:5E\n",
])
def test_addresses_left_alone(redactor, text):
    assert redactor.find(text) == []


@pytest.mark.parametrize("text", [
    "def set_name(self, nameID):\n    \"\"\"Set the record identified by 'nameID'.\"\"\"\n",  # prose, not SQL
    "\"KeyStorePassword\": \"kmsPswd\",\n\"password\": \"Passwort\"\n",  # labels, not passwords
    "3.5.5.1 Confidentiality Obligations. You agree ...\n2.1.2.1.  As a Result of Claims\n",  # headings
    "server = '123.45.67.89'  # placeholder\nping 1.2.3.4\n",  # sequential placeholders
    "\"SessionToken\": \"ABC12345\",\n\"output_token\": \"Stream.Shards[-1].ShardId\"\n",
    "return verify_token(\"k9Xq2LmP7vR4tY8w\")\nMovedAttribute(\"HTTPPasswordMgr\", \"urllib2\", \"urllib.request\")\n",
    "url = 'github://org:repo@sha/path'\n",  # too short to be a password
    "mapboxgl.accessToken = 'pk.eyJ1IjoiYWNtZSJ9.abcdefghij0123456789XY';\n",  # publishable
])
def test_false_positive_controls(redactor, text):
    assert redactor.find(text) == []


@pytest.mark.parametrize("text", [
    "@app.route('/')\n", "lodash@4.17.21", "icon@2x.png", "git@github.com:acme/x.git", "y = x @ self.weight",
    "mail dev@example.org or qa@lab.test", "@media (max-width: 600px)",
])
def test_not_emails(redactor, text):
    assert redactor.find(text) == []


def test_credential_pairs_and_positional_passwords(redactor):
    text = "client = twilio('SK388b984fe6f07fb5c39ac7bfcad68a87', '4jLxf8ZeZuloCAInXjFAEpJXJIG7p5aO')\n"
    assert redactor.redact(text).text == "client = twilio('<KEY>', '<KEY>')\n"
    text = "requests.get(url, auth=('deploy', 'Wq7!rT2zPx9k'))\nvar signingKey = []byte(\"nkGupAktUoPFf1fq\")\n"
    assert redactor.redact(text).text == "requests.get(url, auth=('deploy', '<PASSWORD>'))\nvar signingKey = []byte(\"<KEY>\")\n"


def test_email_variants(redactor):
    text = "Author: Ana <ana.souza+oss@univ-lyon1.fr>, mailto:OPS@ACME-CORP.IO; (k@mail.ru)\n"
    result = redactor.redact(text)
    assert result.text == "Author: Ana <<EMAIL>>, mailto:<EMAIL>; (<EMAIL>)\n"


def test_placeholders():
    for value in ("changeme", "<your-api-key>", "${DB_PASSWORD}", "{{ vault_token }}", "xxxxxxxxxxxx", "********",
                  "YOUR_TOKEN_HERE", "AKIAIOSFODNN7EXAMPLE", "%(password)s", "abcdefghijkl", "12345678"):
        assert is_placeholder(value), value
    for value in ("k9Xq2LmP7vR4tY8w", "Zq8!mW2rT5vK", "ghp_aB3dE5fG7hI9jK1lM3nO5pQ7rS9tU1vW3xY5"):
        assert not is_placeholder(value), value


def test_hashes_next_to_hash_words_are_kept_keys_are_not(redactor):
    digest = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
    assert redactor.find(f"sha256 = \"{digest}\"\n") == []
    assert redactor.find(f"checksum: {digest}\n") == []
    assert [f.kind for f in redactor.find(f"DO_TOKEN=dop_v1_{digest}\n")] == ["digitalocean_token"]


def test_private_key_block_keeps_its_armor(redactor):
    text = ("key = \"-----BEGIN EC PRIVATE KEY-----\\nMHcCAQEEIBkg4LVWM9nuwNSk3yByxZpYRTBnVJk5oBqhXdmCkTeSoAoGCCqGSM49"
            "\\nAwEHoUQDQgAEa2pQXdYv7zDUvR+TjrWvP4gXy9o2RV2jPsq1SVn9o3Qmj0m2\\n-----END EC PRIVATE KEY-----\\n\"\n")
    result = redactor.redact(text)
    assert result.text == "key = \"-----BEGIN EC PRIVATE KEY-----\\n<KEY>\\n-----END EC PRIVATE KEY-----\\n\"\n"


def test_kinds_and_categories(redactor):
    cases = {
        "aws_access_key_id": "aws_access_key_id = AKIAQ5BXR4XWIJ2YKT3P\n",
        "anthropic_api_key": "ANTHROPIC_API_KEY=sk-ant-api03-" + "aZ3_" * 23 + "x" + "AA\n",
        "url_password": "redis://:Ghq7!p2LzX9@cache.acme.io:6379/0\n",
        "sql_password": "CREATE USER app IDENTIFIED BY 'n7Vq2!xLp9Rz';\n",
        "cli_password": "mysql -u root -pN7vq2xLp9Rz orders\n",
        "auth_header": "curl -H 'Authorization: Bearer 9xKq2LmP7vR4tY8wZ3nB5cD1' https://api.acme.io\n",
        "login_password": "server.login('alerts@acme.io', 'Wq7!rT2zPx9k')\n",
    }
    for kind, text in cases.items():
        findings = [f for f in redactor.find(text) if f.kind != "email"]
        assert [f.kind for f in findings] == [kind], (kind, findings)
    assert category_of(redactor.find(cases["url_password"])[0]) == PASSWORD
    assert category_of(redactor.find(cases["aws_access_key_id"])[0]) == KEY


def test_switches_turn_detectors_off():
    text = "token = \"k9Xq2LmP7vR4tY8w\"\nmail ana@posteo.de from 52.14.203.77\n"
    assert [f.kind for f in Redactor(RedactConfig(emails=False, ips=False)).find(text)] == ["generic_secret"]
    assert [f.kind for f in Redactor(RedactConfig(secrets=False, ips=False)).find(text)] == ["email"]
    assert [f.kind for f in Redactor(RedactConfig(secrets=False, emails=False)).find(text)] == ["ipv4"]
    assert [f.kind for f in Redactor(RedactConfig(keep_example_emails=False, secrets=False, ips=False))
            .find("x@example.com")] == ["email"]


@pytest.mark.parametrize("field,value", [
    ("ipv4_replacements", ("8.8.8.8",)),
    ("ipv4_replacements", ()),
    ("ipv6_replacements", ("10.0.0.1",)),
    ("keep_ips", ("not-an-ip",)),
])
def test_bad_config_fails_when_read(field, value):
    with pytest.raises(ValueError, match=f"redact.{field}"):
        RedactConfig(**{field: value})


# --- the stage ----------------------------------------------------------------------------
def test_redact_record_counts():
    core = make_core(RedactConfig())
    count = DictCounter()
    record = rec("DB_PASSWORD=Zq8!mW2rT5vK\nGITHUB_TOKEN=ghp_aB3dE5fG7hI9jK1lM3nO5pQ7rS9tU1vW3xY5\n"
                 "# ana@posteo.de, 52.14.203.77, DB_PASSWORD again: Zq8!mW2rT5vK\n")
    out = core(record, count)
    assert out.content == ("DB_PASSWORD=<PASSWORD>\nGITHUB_TOKEN=<KEY>\n"
                           f"# <EMAIL>, {out.content.split(', ')[1]}, DB_PASSWORD again: <PASSWORD>\n")
    assert (out.redacted_emails, out.redacted_keys, out.redacted_passwords, out.redacted_names,
            out.redacted_ips) == (1, 1, 2, 0, 1)
    assert count == {"redacted:email": 1, "redacted:key": 1, "redacted:password": 2, "redacted:ip": 1,
                     "kind:email": 1, "kind:github_token": 1, "kind:generic_password": 2, "kind:ipv4": 1,
                     "files_redacted": 1}
    again = DictCounter()
    assert core(out, again) == out  # idempotent, counts unchanged
    assert again == {}


def test_clean_record_is_returned_unchanged():
    count = DictCounter()
    record = rec("def add(a, b):\n    return a + b\n")
    assert redact_record(record, Redactor(), count) is record
    assert count == {}


def test_stage_in_a_test_pipeline():
    import functools

    import apache_beam as beam
    from apache_beam.testing.test_pipeline import TestPipeline
    from apache_beam.testing.util import assert_that, equal_to

    from transforms.base import Stage
    from transforms.redact import STAGE

    records = [rec("token = 'k9Xq2LmP7vR4tY8w'\n", path="a.py"), rec("print('hi')\n", path="b.py"),
               rec("host 52.14.203.77\n", path="c.py")]
    with TestPipeline(runner="DirectRunner") as pipeline:
        kept, rejects = (pipeline | beam.Create(records) | Stage(STAGE, functools.partial(make_core, RedactConfig())))
        assert_that(kept | beam.Map(lambda r: (r.path, r.content.split()[-1], r.redacted_keys, r.redacted_ips)),
                    equal_to([("a.py", "'<KEY>'", 1, 0), ("b.py", "print('hi')", 0, 0),
                              ("c.py", Redactor().redact("52.14.203.77").text, 0, 1)]), label="Kept")
        assert_that(rejects, equal_to([]), label="NoRejects")
    result = pipeline.result
    from apache_beam.metrics.metric import MetricsFilter

    counters = {c.key.metric.name: c.committed for c in result.metrics().query(
        MetricsFilter().with_namespace("codestack.redact"))["counters"]}
    assert counters == {"kept": 3, "redacted:key": 1, "redacted:ip": 1, "kind:generic_secret": 1, "kind:ipv4": 1,
                        "files_redacted": 2}


def test_config_section_and_defaults():
    from pipeline.config import Config, config_from_dict

    config = config_from_dict({"redact": {"emails": False, "ipv4_replacements": ["10.9.8.7"]}})
    assert config.redact == dataclasses.replace(RedactConfig(), emails=False, ipv4_replacements=("10.9.8.7",))
    assert Config().redact == RedactConfig()


# --- the command --------------------------------------------------------------------------
def test_cli_text_and_json(tmp_path, capsys):
    from pipeline.cli import main

    path = tmp_path / "app.env"
    text = "GITHUB_TOKEN=ghp_aB3dE5fG7hI9jK1lM3nO5pQ7rS9tU1vW3xY5\nOWNER=ana@posteo.de\n"
    path.write_text(text)
    assert main(["redact", str(path)]) == 0
    captured = capsys.readouterr()
    assert captured.out == "GITHUB_TOKEN=<KEY>\nOWNER=<EMAIL>\n"
    assert "redacted 1 email, 1 key" in captured.err
    assert main(["redact", str(path), "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload == {"text": "GITHUB_TOKEN=<KEY>\nOWNER=<EMAIL>\n", "findings": [
        {"kind": "github_token", "start": 13, "end": 53, "replacement": "<KEY>"},
        {"kind": "email", "start": 60, "end": 73, "replacement": "<EMAIL>"}]}
    for f in payload["findings"]:
        assert text[f["start"]:f["end"]] in ("ghp_aB3dE5fG7hI9jK1lM3nO5pQ7rS9tU1vW3xY5", "ana@posteo.de")


def test_cli_stdin_and_errors(tmp_path, capsys, monkeypatch):
    from pipeline.cli import main

    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(b"pass: Zq8!mW2rT5vK\n")))
    assert main(["redact"]) == 0
    assert capsys.readouterr().out == "pass: <PASSWORD>\n"
    assert main(["redact", str(tmp_path / "missing.txt")]) == 2
    assert "missing.txt: cannot read" in capsys.readouterr().err
    binary = tmp_path / "x.bin"
    binary.write_bytes(b"\x00\x01\x02")
    assert main(["redact", str(binary)]) == 2
    assert "not text (binary)" in capsys.readouterr().err


def test_object_identifiers_that_read_as_addresses_are_left():
    text = "uuid3(NAMESPACE_OID, b'1.3.6.1')\nCN = '2.5.4.3'\nSAN = \"2.5.29.17\"\nhost = '52.14.7.80'\n"
    assert [f.kind for f in Redactor().find(text)] == ["ipv4"]


def test_java_language_specification_sections_are_not_addresses():
    text = ("/**\n * @jls 9.6.4.3 @Inherited\n * and {@jls\n * 8.10.4.1}, {@jls 8.10.4.2}) it is\n */\n"
            "// From JLS 8.1.1.2:\nhost = '52.14.7.80'\n")
    assert [f.kind for f in Redactor().find(text)] == ["ipv4"]
