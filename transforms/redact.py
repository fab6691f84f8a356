"""Stage ``redact``: remove secrets and PII from file contents (after dedup, before token counts).

What is found
-------------
* **Secrets** (``<KEY>`` / ``<PASSWORD>``): detect-secrets' own detection patterns
  (the ``denylist`` regexes of its regex plugins, imported from the library: AWS,
  Artifactory, Azure storage, basic auth, Cloudant, Discord, GitHub, GitLab, IBM,
  Mailchimp, OpenAI, PyPI, SendGrid, Slack, SoftLayer, Square, Stripe, Telegram,
  Twilio; its JWT validator) plus codestack's rules for current credential formats
  (:data:`PREFIX_RULES`: GCP, Azure AD/SAS/Service Bus, DigitalOcean, Alibaba, Heroku,
  fine-grained GitHub, Bitbucket/Atlassian, npm, RubyGems, NuGet, Docker Hub,
  Terraform Cloud, Vault, Anthropic, OpenAI project keys, Hugging Face, Groq,
  Shopify, Teams/Discord webhooks, JWTs, age keys, ...), private key blocks (PEM,
  in JSON strings or code, PuTTY), URLs with passwords, ``Authorization`` headers,
  CLI flags (``curl -u``, ``mysql -p``, ``sshpass -p``, ``--password``), SQL
  ``CREATE USER ... IDENTIFIED BY``, ``login(user, password)`` calls, and generic
  ``password``/``secret``/``token``/``api_key`` assignments in code, YAML, JSON,
  .env, INI, properties, XML and shell. A quoted random string on the line of a key
  found by its format is taken as that key's other half (``Client("SK…", "<secret>")``).
* **PII**: emails (``<EMAIL>``; anchored on ``@`` and the delimiters around it,
  the top-level domain checked against the Public Suffix List that ``tldextract``
  ships) and public IPv4/IPv6 host addresses (parsed with ``ipaddress``).

detect-secrets' high-entropy-string plugins are not used on their own: a random
string with no key name next to it is as often a hash, an id or test data as a
credential. Entropy is used where a key is expected (the value of a ``secret``
or ``token`` assignment). Its keyword plugin is replaced by the assignment
parser here, which knows more syntaxes; its IP plugin by the PII rules.

Names are not detected: no maintained library ships a local model for them
through the registries codestack installs from (spaCy's models are published
outside PyPI), so ``redacted_names`` stays 0 and ``<NAME>`` is never produced.

Left alone (false-positive controls)
------------------------------------
Placeholders (``xxxx``, ``<your-key>``, ``changeme``, ``${VAR}``, ``{{ var }}``,
``%(x)s``, ``example``, sequences like ``ABC12345``), references
(``os.environ[...]``, ``config.password``, calls), camelCase labels, low-entropy
values, hex digests on lines that speak of sha/md5/hash/checksum, names that say
the value is not a secret (``password_hash``, ``token_url``, ``secret_name``,
``client_id``, ``PublicKeyToken``), publishable keys (``pk_live_``, ``pk.``),
private/loopback/link-local/documentation/reserved/multicast IPs, CIDR network
blocks, the well-known public DNS resolvers, version-like dotted numbers
(``version 1.2.3.4``, ``Chrome/120.0.0.0``, ``>=1.2.3.4``, ``image:9.3.0.25``,
numbered headings), emails at domains reserved for examples (RFC 2606/6761).

How it is fast
--------------
One Aho-Corasick pass (ahocorasick-rs, a DFA) over the lower-cased text finds every
anchor (key prefixes, keywords, ``@``, ``://``, ``private key``) and two cheap
regexes find digits-and-dots and hex-and-colons; only the lines holding a hit go
to the rules those anchors name, each rule once per line. A few rules whose
format has no anchor (Discord and Twilio keys) run on the whole file, and only
when the file names the service.

Redaction
---------
The same secret gets the same replacement everywhere in its file: every other
occurrence of a found string is replaced too. Public IPs become one of a fixed
set of private addresses of the same version, chosen by a stable hash (xxh64) of
the original, never by instance state: the same address maps to the same
replacement in every file and run. Replacements are never detected again, so
redacting redacted text changes nothing.

Pure core: :class:`Redactor` (built once per worker) with :meth:`Redactor.redact`
returning the text and the findings (``kind``, ``start``, ``end``,
``replacement``; offsets are code-point offsets into the input), and
:func:`redact_record` for a :class:`CodeFile`, which adds the per-category counts
to ``redacted_*`` and counts ``redacted:<category>``, ``kind:<kind>`` and
``files_redacted`` (namespace ``codestack.redact``, so they reach the manifest).
"""

from __future__ import annotations

import bisect
import collections
import dataclasses
import ipaddress
import math
import re
from typing import Callable, Dict, Iterable, Iterator, List, NamedTuple, Optional, Pattern, Sequence, Tuple

import xxhash

from transforms.base import Count, Outcome
from transforms.cache.memo import Memo, dumps as memo_dumps, loads as memo_loads
from transforms.record import CodeFile

STAGE = "redact"

# --- categories, their replacement tokens and record columns ---------------------------
EMAIL, KEY, PASSWORD, NAME, IP = "email", "key", "password", "name", "ip"
TOKENS = {EMAIL: "<EMAIL>", KEY: "<KEY>", PASSWORD: "<PASSWORD>", NAME: "<NAME>"}
#: category -> CodeFile column holding its count
RECORD_FIELDS = {
    EMAIL: "redacted_emails",
    KEY: "redacted_keys",
    PASSWORD: "redacted_passwords",
    NAME: "redacted_names",
    IP: "redacted_ips",
}
CATEGORIES = (EMAIL, KEY, PASSWORD, NAME, IP)

#: Public DNS resolvers: well known, never personal, left alone.
DEFAULT_KEEP_IPS = (
    "1.0.0.1", "1.1.1.1",  # Cloudflare
    "4.2.2.1", "4.2.2.2",  # Level3
    "8.8.4.4", "8.8.8.8",  # Google
    "9.9.9.9", "149.112.112.112",  # Quad9
    "64.6.64.6", "64.6.65.6",  # Verisign
    "76.76.2.0", "76.76.10.0",  # Control D
    "94.140.14.14", "94.140.15.15",  # AdGuard
    "185.228.168.9", "185.228.169.9",  # CleanBrowsing
    "208.67.220.220", "208.67.222.222",  # OpenDNS
    "2001:4860:4860::8844", "2001:4860:4860::8888",
    "2606:4700:4700::1001", "2606:4700:4700::1111",
    "2620:fe::9", "2620:fe::fe",
    "2620:119:35::35", "2620:119:53::53",
)
DEFAULT_IPV4_REPLACEMENTS = ("10.0.42.17", "10.13.7.201", "172.16.25.118", "172.22.190.4", "192.168.47.93")
DEFAULT_IPV6_REPLACEMENTS = ("fd3c:9a1e:47b2::17", "fd3c:9a1e:47b2::2a", "fd51:e0c4:2d6f::8", "fd7a:115c:a1e0::53")


def _checked_replacements(addresses: Sequence[str], version: int, where: str) -> Tuple[str, ...]:
    """Replacements must be private (so that redacting again leaves them) and of the right version."""
    if not addresses:
        raise ValueError(f"redact.{where}: needs at least one address")
    for address in addresses:
        try:
            parsed = ipaddress.ip_address(address)
        except ValueError as exc:
            raise ValueError(f"redact.{where}: {exc}") from exc
        if parsed.version != version or parsed.is_global:
            raise ValueError(f"redact.{where}: {address} is not a private IPv{version} address")
    return tuple(addresses)


@dataclasses.dataclass(frozen=True)
class RedactConfig:
    #: look for credentials (keys, tokens, passwords, private keys)
    secrets: bool = True
    #: replace email addresses with <EMAIL>
    emails: bool = True
    #: replace public IP addresses with private ones
    ips: bool = True
    #: leave emails at domains reserved for documentation (example.com, *.test, ...)
    keep_example_emails: bool = True
    #: public addresses left alone (the well-known DNS resolvers)
    keep_ips: Tuple[str, ...] = DEFAULT_KEEP_IPS
    #: private IPv4 addresses that replace public ones (chosen by a stable hash)
    ipv4_replacements: Tuple[str, ...] = DEFAULT_IPV4_REPLACEMENTS
    #: private IPv6 addresses that replace public ones
    ipv6_replacements: Tuple[str, ...] = DEFAULT_IPV6_REPLACEMENTS
    #: shortest value of a password assignment that is redacted
    min_password_length: int = 6
    #: shortest value of a generic secret/token/api_key assignment that is redacted (values under
    #: 12 characters must also be nearly all distinct characters)
    min_key_length: int = 8
    #: least Shannon entropy (bits per character) of such a value
    min_key_entropy: float = 3.0

    def __post_init__(self):  # a bad address fails when the config is read, not on a worker
        _checked_replacements(self.ipv4_replacements, 4, "ipv4_replacements")
        _checked_replacements(self.ipv6_replacements, 6, "ipv6_replacements")
        for address in self.keep_ips:
            try:
                ipaddress.ip_address(address)
            except ValueError as exc:
                raise ValueError(f"redact.keep_ips: {exc}") from exc


class Finding(NamedTuple):
    """One replaced span: ``text[start:end]`` of the input became ``replacement``."""

    kind: str  # the detector: "github_token", "email", "ipv4", "generic_password", ...
    start: int
    end: int
    replacement: str

    def to_json(self) -> dict:
        return {"kind": self.kind, "start": self.start, "end": self.end, "replacement": self.replacement}


class Redaction(NamedTuple):
    text: str
    findings: Tuple[Finding, ...]

    def counts(self) -> Dict[str, int]:
        """Findings per category (``email``, ``key``, ``password``, ``name``, ``ip``)."""
        out = dict.fromkeys(CATEGORIES, 0)
        for finding in self.findings:
            out[category_of(finding)] += 1
        return out


def category_of(finding: Finding) -> str:
    for category, token in TOKENS.items():
        if finding.replacement == token:
            return category
    return IP


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


# --- the candidate of a span ------------------------------------------------------------
class _Cand(NamedTuple):
    start: int
    end: int
    kind: str
    category: str
    priority: int  # higher wins an overlap; then the longer span


class _Ctx(NamedTuple):
    text: str
    start: int  # of the line (or of the whole text for file-level rules)
    end: int


# --- detect-secrets' detection patterns -------------------------------------------------
def _ds_rules() -> List["_Rule"]:
    """detect-secrets' regex plugins as rules: their ``denylist`` patterns, which group holds
    the secret, and the anchors that make a line a candidate for them."""
    from detect_secrets.plugins.artifactory import ArtifactoryDetector
    from detect_secrets.plugins.aws import AWSKeyDetector
    from detect_secrets.plugins.azure_storage_key import AzureStorageKeyDetector
    from detect_secrets.plugins.basic_auth import BasicAuthDetector
    from detect_secrets.plugins.cloudant import CloudantDetector
    from detect_secrets.plugins.discord import DiscordBotTokenDetector
    from detect_secrets.plugins.github_token import GitHubTokenDetector
    from detect_secrets.plugins.gitlab_token import GitLabTokenDetector
    from detect_secrets.plugins.ibm_cloud_iam import IbmCloudIamDetector
    from detect_secrets.plugins.ibm_cos_hmac import IbmCosHmacDetector
    from detect_secrets.plugins.mailchimp import MailchimpDetector
    from detect_secrets.plugins.openai import OpenAIDetector
    from detect_secrets.plugins.pypi_token import PypiTokenDetector
    from detect_secrets.plugins.sendgrid import SendGridDetector
    from detect_secrets.plugins.slack import SlackDetector
    from detect_secrets.plugins.softlayer import SoftlayerDetector
    from detect_secrets.plugins.square_oauth import SquareOAuthDetector
    from detect_secrets.plugins.stripe import StripeDetector
    from detect_secrets.plugins.telegram_token import TelegramBotTokenDetector
    from detect_secrets.plugins.twilio import TwilioKeyDetector

    def pats(plugin) -> List[Pattern]:  # their patterns, with ^/$ at line bounds
        return [re.compile(p.pattern, p.flags | re.MULTILINE) for p in plugin.denylist]

    aws, art = pats(AWSKeyDetector), pats(ArtifactoryDetector)
    slack = pats(SlackDetector)
    gitlab_anchors = ("glpat-", "gldt-", "glft-", "glsoat-", "glrt-", "gr1348941", "glcbt-", "glimt-", "glptt-",
                      "glagent-", "gloas-")
    rules = [
        _Rule("aws_access_key_id", KEY, aws[0], anchors=("akia", "asia", "abia", "acca", "a3t"), bounded=True),
        _Rule("aws_secret_access_key", KEY, aws[1], group=1, anchors=("aws",)),
        _Rule("artifactory_token", KEY, art[0], trim=" \t=:\"'", anchors=("akc",)),
        _Rule("artifactory_password", KEY, art[1], trim=" \t=:\"'", file_anchors=("artifactory", "jfrog")),
        _Rule("azure_storage_account_key", KEY, pats(AzureStorageKeyDetector)[0], after="=", anchors=("accountkey=",)),
        _Rule("url_password", PASSWORD, pats(BasicAuthDetector)[0], group=1, anchors=("://",), priority=2,
              password=True),
        _Rule("discord_bot_token", KEY, pats(DiscordBotTokenDetector)[0], file_anchors=("discord",), bounded=True),
        _Rule("github_token", KEY, pats(GitHubTokenDetector)[0], anchors=("ghp_", "gho_", "ghu_", "ghs_", "ghr_"),
              bounded=True),
        _Rule("mailchimp_api_key", KEY, pats(MailchimpDetector)[0], anchors=("-us",), bounded=True),
        _Rule("openai_api_key", KEY, pats(OpenAIDetector)[0], anchors=("t3blbkfj",)),
        _Rule("sendgrid_api_key", KEY, pats(SendGridDetector)[0], anchors=("sg.",)),
        _Rule("slack_token", KEY, slack[0], anchors=("xox",)),
        _Rule("slack_webhook", KEY, slack[1], anchors=("hooks.slack.com",)),
        _Rule("square_oauth_secret", KEY, pats(SquareOAuthDetector)[0], anchors=("sq0csp-",)),
        _Rule("stripe_key", KEY, pats(StripeDetector)[0], anchors=("k_live_",)),
        _Rule("telegram_bot_token", KEY, pats(TelegramBotTokenDetector)[0], anchors=(":aa",),
              file_anchors=("telegram",), bounded=True),
        _Rule("twilio_key", KEY, pats(TwilioKeyDetector)[0], file_anchors=("twilio",), bounded=True),
        _Rule("twilio_key", KEY, pats(TwilioKeyDetector)[1], file_anchors=("twilio",), bounded=True),
    ]
    rules += [_Rule("gitlab_token", KEY, p, anchors=gitlab_anchors, bounded=True) for p in pats(GitLabTokenDetector)]
    rules += [_Rule("pypi_token", KEY, p, anchors=("pypi-ag",)) for p in pats(PypiTokenDetector)]
    secret_key = ("secret_access_key", "secret-access-key", "secretaccesskey", "secret_key", "secret-key", "secretkey")
    for kind, plugin, anchors in (  # assignment patterns: the lines naming the service
        ("cloudant_credentials", CloudantDetector, ("cloudant",)),
        ("ibm_cloud_iam_key", IbmCloudIamDetector, ("ibm", "iam")),
        ("ibm_cos_hmac_secret", IbmCosHmacDetector, secret_key),
        ("softlayer_api_key", SoftlayerDetector, ("softlayer", "sl_", "sl-")),
    ):
        for pattern in pats(plugin):
            rules.append(_Rule(kind, KEY, pattern, group=1, anchors=anchors))
    return rules


@dataclasses.dataclass(frozen=True)
class _Rule:
    """A regex whose ``group`` is the secret; run on the lines holding one of ``anchors``
    (lower-case literals), or on the whole file when it holds one of ``file_anchors``."""

    kind: str
    category: str
    pattern: Pattern
    group: int = 0
    anchors: Tuple[str, ...] = ()
    file_anchors: Tuple[str, ...] = ()
    trim: str = ""  # characters stripped from both ends of the span
    after: str = ""  # the secret starts after the first occurrence of this literal in the span
    bounded: bool = False  # the span must not touch letters or digits on either side
    check: Optional[Callable[[str], bool]] = None
    priority: int = 3
    password: bool = False  # judge the value as a password, not a key

    def run(self, redactor: "Redactor", ctx: _Ctx) -> Iterator[_Cand]:
        text = ctx.text
        for match in self.pattern.finditer(text, ctx.start, ctx.end):
            start, end = match.span(self.group)
            if start < 0 or start == end:
                continue
            if self.after:
                cut = text.find(self.after, start, end)
                if cut >= 0:
                    start = cut + len(self.after)
            if self.trim:
                while start < end and text[start] in self.trim:
                    start += 1
                while end > start and text[end - 1] in self.trim:
                    end -= 1
            if self.bounded and (
                (start > 0 and _is_alnum(text[start - 1])) or (end < len(text) and _is_alnum(text[end]))
            ):
                continue
            value = text[start:end]
            if self.check is not None and not self.check(value):
                continue
            if self.password:
                if not redactor.plausible_password(value, in_url=True):
                    continue
            elif not redactor.plausible_token(value, _line_at(text, start)):
                continue
            yield _Cand(start, end, self.kind, self.category, self.priority)


def _line_at(text: str, pos: int) -> str:
    end = text.find("\n", pos)
    return text[text.rfind("\n", 0, pos) + 1:end if end >= 0 else len(text)]


def _jwt_ok(value: str) -> bool:
    from detect_secrets.plugins.jwt import JwtTokenDetector

    return JwtTokenDetector.is_formally_valid(value)


def _rx(pattern: str, flags: int = 0) -> Pattern:
    return re.compile(pattern, flags | re.MULTILINE)


#: codestack's own rules for credential formats (kind, regex, secret group, anchors ...).
PREFIX_RULES: Tuple[_Rule, ...] = (
    # --- cloud providers ---
    _Rule("aws_secret_access_key", KEY,
          _rx(r"(?i)aws_?secret_?(?:access_?)?key[\"'\]]*\s*(?:=|:|=>|,)\s*[\"']?([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])"),
          group=1, anchors=("aws_secret", "awssecret", "aws-secret", "secret_access_key", "secretaccesskey")),
    _Rule("aws_session_token", KEY, _rx(r"(?:IQoJb3JpZ2luX2Vj|FwoGZXIvYXdzE)[A-Za-z0-9/+=]{100,}"),
          anchors=("iqojb3jpz2lux2vj", "fwogzxivyxdze")),
    _Rule("gcp_api_key", KEY, _rx(r"AIza[0-9A-Za-z_\-]{35}"), anchors=("aiza",), bounded=True),
    _Rule("gcp_oauth_client_secret", KEY, _rx(r"GOCSPX-[0-9A-Za-z_\-]{28}"), anchors=("gocspx-",), bounded=True),
    _Rule("google_oauth_access_token", KEY, _rx(r"ya29\.[0-9A-Za-z_\-]{30,}"), anchors=("ya29.",), bounded=True),
    _Rule("google_oauth_refresh_token", KEY, _rx(r"1//0[0-9A-Za-z_\-]{40,}"), anchors=("1//0",)),
    _Rule("gcp_private_key_id", KEY, _rx(r"\"private_key_id\"\s*:\s*\"([0-9a-f]{40})\""), group=1,
          anchors=("private_key_id",)),
    _Rule("ibm_cloud_iam_key", KEY, _rx(r"(?i)ibm_api_key_id[\"'\]]*\s*[=:]\s*[\"']([A-Za-z0-9_\-]{44})[\"']"), group=1,
          anchors=("ibm_api_key_id",)),
    _Rule("azure_shared_access_key", KEY, _rx(r"(?i)SharedAccessKey\s*=\s*([A-Za-z0-9+/]{42,43}=)"), group=1,
          anchors=("sharedaccesskey",)),
    _Rule("azure_sas_token", KEY, _rx(r"[?&;]sig=([A-Za-z0-9%+/]{40,}(?:%3D|=)?)"), group=1, anchors=("sig=",),
          check=lambda v: len(v) >= 43),
    _Rule("azure_ad_client_secret", KEY,
          _rx(r"(?<![A-Za-z0-9_~.\-])([A-Za-z0-9_~.]{3}\dQ~[A-Za-z0-9_~.\-]{31,34})(?![A-Za-z0-9_~.\-])"), group=1,
          anchors=("q~",)),
    _Rule("digitalocean_token", KEY, _rx(r"do[opr]_v1_[a-f0-9]{64}"), anchors=("dop_v1_", "doo_v1_", "dor_v1_"),
          bounded=True),
    _Rule("alibaba_access_key_id", KEY, _rx(r"LTAI[A-Za-z0-9]{20}"), anchors=("ltai",), bounded=True),
    _Rule("heroku_api_key", KEY, _rx(r"HRKU-AA[0-9A-Za-z_\-]{58}"), anchors=("hrku-",), bounded=True),
    _Rule("heroku_api_key", KEY,
          _rx(r"(?i)heroku[\w.\-]{0,20}(?:key|token|secret)[\"'\]]*\s*(?:=|:|=>)\s*[\"']?"
              r"([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\b"), group=1, anchors=("heroku",)),
    # --- version control and package registries ---
    _Rule("github_fine_grained_pat", KEY, _rx(r"github_pat_[0-9A-Za-z]{22}_[0-9A-Za-z]{59}"),
          anchors=("github_pat_",), bounded=True),
    _Rule("bitbucket_app_password", KEY, _rx(r"ATBB[A-Za-z0-9_=.\-]{28,40}"), anchors=("atbb",), bounded=True),
    _Rule("atlassian_api_token", KEY, _rx(r"ATATT3[A-Za-z0-9_=\-]{150,250}"), anchors=("atatt3",), bounded=True),
    _Rule("npm_token", KEY, _rx(r"npm_[A-Za-z0-9]{36}"), anchors=("npm_",), bounded=True),
    _Rule("npm_token", KEY, _rx(r"(?i)_authToken\s*=\s*[\"']?([A-Za-z0-9_\-]{36,})"), group=1,
          anchors=("_authtoken",)),
    _Rule("rubygems_api_key", KEY, _rx(r"rubygems_[a-f0-9]{48}"), anchors=("rubygems_",), bounded=True),
    _Rule("nuget_api_key", KEY, _rx(r"oy2[a-z0-9]{43}"), anchors=("oy2",), bounded=True),
    _Rule("dockerhub_token", KEY, _rx(r"dckr_(?:pat|oat)_[A-Za-z0-9_\-]{27,40}"), anchors=("dckr_",), bounded=True),
    _Rule("clojars_token", KEY, _rx(r"CLOJARS_[a-z0-9]{60}"), anchors=("clojars_",), bounded=True),
    _Rule("terraform_cloud_token", KEY, _rx(r"[A-Za-z0-9]{14}\.atlasv1\.[A-Za-z0-9_=\-]{60,70}"),
          anchors=(".atlasv1.",)),
    _Rule("vault_token", KEY, _rx(r"hv[sb]\.[A-Za-z0-9_\-]{90,120}"), anchors=("hvs.", "hvb."), bounded=True),
    _Rule("pulumi_token", KEY, _rx(r"pul-[a-f0-9]{40}"), anchors=("pul-",), bounded=True),
    _Rule("doppler_token", KEY, _rx(r"dp\.(?:pt|st|sa|ct|scim|audit)\.[A-Za-z0-9]{40,44}"),
          anchors=("dp.pt.", "dp.st.", "dp.sa.", "dp.ct.", "dp.scim.", "dp.audit."), bounded=True),
    _Rule("postman_api_key", KEY, _rx(r"PMAK-[a-f0-9]{24}-[a-f0-9]{34}"), anchors=("pmak-",), bounded=True),
    _Rule("grafana_token", KEY, _rx(r"glsa_[A-Za-z0-9]{32}_[A-Fa-f0-9]{8}"), anchors=("glsa_",), bounded=True),
    _Rule("grafana_token", KEY, _rx(r"glc_[A-Za-z0-9+/]{32,400}={0,2}"), anchors=("glc_",), bounded=True),
    _Rule("newrelic_api_key", KEY, _rx(r"NRAK-[A-Z0-9]{27}"), anchors=("nrak-",), bounded=True),
    _Rule("databricks_token", KEY, _rx(r"dapi[a-f0-9]{32}(?:-\d)?"), anchors=("dapi",), bounded=True),
    _Rule("sentry_token", KEY, _rx(r"sntry[su]_[A-Za-z0-9+/=_\-]{60,}"), anchors=("sntrys_", "sntryu_"),
          bounded=True),
    _Rule("supabase_token", KEY, _rx(r"sbp_[a-f0-9]{40}"), anchors=("sbp_",), bounded=True),
    _Rule("planetscale_token", KEY, _rx(r"pscale_(?:tkn|pw|oauth)_[A-Za-z0-9_\-=.]{32,64}"), anchors=("pscale_",),
          bounded=True),
    _Rule("flyio_token", KEY, _rx(r"fo1_[A-Za-z0-9_\-]{43}"), anchors=("fo1_",), bounded=True),
    _Rule("dynatrace_token", KEY, _rx(r"dt0c01\.[A-Z0-9]{24}\.[A-Z0-9]{64}"), anchors=("dt0c01.",)),
    _Rule("linear_api_key", KEY, _rx(r"lin_api_[A-Za-z0-9]{40}"), anchors=("lin_api_",), bounded=True),
    _Rule("figma_token", KEY, _rx(r"figd_[A-Za-z0-9_\-]{40}"), anchors=("figd_",), bounded=True),
    _Rule("notion_token", KEY, _rx(r"ntn_[0-9]{11}[A-Za-z0-9]{35}"), anchors=("ntn_",), bounded=True),
    _Rule("easypost_api_key", KEY, _rx(r"EZ[AT]K[A-Za-z0-9]{54}"), anchors=("ezak", "eztk"), bounded=True),
    # --- chat and webhooks ---
    _Rule("slack_app_token", KEY, _rx(r"xapp-\d-[A-Z0-9]+-\d+-[a-f0-9]+"), anchors=("xapp-",), bounded=True),
    _Rule("slack_webhook", KEY, _rx(r"https://hooks\.slack\.com/(?:workflows|triggers)/T[A-Z0-9]+/[A-Za-z0-9/]{20,}"),
          anchors=("hooks.slack.com",)),
    _Rule("discord_webhook", KEY,
          _rx(r"https://(?:ptb\.|canary\.)?discord(?:app)?\.com/api/webhooks/\d+/([A-Za-z0-9_\-]{60,68})"), group=1,
          anchors=("discord",)),
    _Rule("teams_webhook", KEY,
          _rx(r"https://[a-z0-9\-]+\.webhook\.office\.com/webhookb2/[0-9a-f\-]{36}@[0-9a-f\-]{36}/"
              r"IncomingWebhook/([0-9a-f]{32}/[0-9a-f\-]{36}(?:/[A-Za-z0-9_\-]+)?)"), group=1,
          anchors=("webhook.office.com",)),
    # --- AI and SaaS APIs ---
    _Rule("openai_api_key", KEY, _rx(r"sk-(?:proj|svcacct|admin)-[A-Za-z0-9_\-]{20,}T3BlbkFJ[A-Za-z0-9_\-]{20,}"),
          anchors=("t3blbkfj",)),
    _Rule("openai_api_key", KEY, _rx(r"sk-(?:proj|svcacct|admin)-[A-Za-z0-9_\-]{80,}"),
          anchors=("sk-proj-", "sk-svcacct-", "sk-admin-"), bounded=True),
    _Rule("anthropic_api_key", KEY, _rx(r"sk-ant-(?:api03|admin01)-[A-Za-z0-9_\-]{93}AA"), anchors=("sk-ant-",),
          bounded=True),
    _Rule("huggingface_token", KEY, _rx(r"(?:hf|api_org)_[A-Za-z]{34}"), anchors=("hf_", "api_org_"), bounded=True),
    _Rule("groq_api_key", KEY, _rx(r"gsk_[A-Za-z0-9]{52}"), anchors=("gsk_",), bounded=True),
    _Rule("replicate_api_token", KEY, _rx(r"r8_[A-Za-z0-9]{37}"), anchors=("r8_",), bounded=True),
    _Rule("perplexity_api_key", KEY, _rx(r"pplx-[A-Za-z0-9]{48}"), anchors=("pplx-",), bounded=True),
    _Rule("xai_api_key", KEY, _rx(r"xai-[A-Za-z0-9]{80}"), anchors=("xai-",), bounded=True),
    _Rule("stripe_key", KEY, _rx(r"(?:sk|rk)_(?:live|test)_[0-9A-Za-z]{24,99}"), anchors=("k_live_", "k_test_"),
          bounded=True),
    _Rule("stripe_webhook_secret", KEY, _rx(r"whsec_[A-Za-z0-9]{32,}"), anchors=("whsec_",), bounded=True),
    _Rule("mailgun_api_key", KEY, _rx(r"key-[0-9a-f]{32}"), anchors=("key-",), bounded=True),
    _Rule("mailgun_api_key", KEY, _rx(r"[0-9a-f]{32}-[0-9a-f]{8}-[0-9a-f]{8}"), file_anchors=("mailgun",),
          bounded=True),
    _Rule("square_access_token", KEY, _rx(r"sq0atp-[0-9A-Za-z_\-]{22}"), anchors=("sq0atp-",), bounded=True),
    _Rule("square_access_token", KEY, _rx(r"EAAA[A-Za-z0-9_\-]{60}"), anchors=("eaaa",), bounded=True),
    _Rule("facebook_access_token", KEY, _rx(r"EAA[A-Za-z0-9]{100,}"), anchors=("eaa",), bounded=True),
    _Rule("shopify_token", KEY, _rx(r"shp(?:at|ca|pa|ss)_[a-fA-F0-9]{32}"),
          anchors=("shpat_", "shpca_", "shppa_", "shpss_"), bounded=True),
    _Rule("mapbox_secret_token", KEY, _rx(r"sk\.eyJ[A-Za-z0-9_\-]{40,}\.[A-Za-z0-9_\-]{20,}"), anchors=("sk.eyj",),
          bounded=True),
    # --- tokens and keys of any issuer ---
    _Rule("jwt", KEY, _rx(r"eyJ[A-Za-z0-9_\-]{10,}={0,2}\.eyJ[A-Za-z0-9_\-]{4,}={0,2}\.[A-Za-z0-9_\-]*={0,2}"),
          anchors=("eyj",), check=_jwt_ok),
    _Rule("age_secret_key", KEY, _rx(r"AGE-SECRET-KEY-1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58}"),
          anchors=("age-secret-key-1",)),
    _Rule("django_secret_key", KEY, _rx(r"django-insecure-[A-Za-z0-9!@#$%^&*(\-_=+)]{30,}"),
          anchors=("django-insecure-",)),
)


# --- assignments: name, operator, value --------------------------------------------------
#: words in a name that make its value a secret; the category is PASSWORD for the first group
_PASSWORD_WORDS = r"password|passwd|passphrase|contrase(?:ñ|n)a|pass|pwd"
_KEY_WORDS = (
    r"secret|token|api[_\-.]?key|access[_\-.]?key|private[_\-.]?key|auth[_\-.]?key|account[_\-.]?key|"
    r"master[_\-.]?key|signing[_\-.]?key|encryption[_\-.]?key|app[_\-.]?key|service[_\-.]?key|"
    r"subscription[_\-.]?key|db[_\-.]?key|database[_\-.]?key|client[_\-.]?key|credentials?|auth|"
    r"(?:github|gitlab|git|hf|ado|devops|azure)[_\-.]?pat"
)
_KEYWORD = re.compile(rf"(?P<pw>{_PASSWORD_WORDS})|(?P<key>{_KEY_WORDS})", re.IGNORECASE)
#: short keywords that must be a whole segment of the name (``pass`` but not ``compass``)
_SHORT_WORDS = frozenset({"pass", "pwd", "auth"})
#: keywords that must end a segment (``token`` but not ``tokenizer``)
_ENDING_WORDS = frozenset({"token", "secret", "credential", "credentials"})
#: a name with one of these segments does not name a secret value (``password_hash``, ``client_id``)
_NOT_SECRET_SEGMENTS = frozenset(
    """id ids uuid guid name names username file filename files path dir url uri urls endpoint host hostname
    length len size min max count limit type types kind format field column label prompt placeholder hint policy
    pattern regex rule rules valid validation validator reset forgot confirm confirmation expiry expires expiration
    expire expired ttl timeout header headers prefix suffix param params var ref mode enabled enable required input
    error errors message msg title desc description help question icon class style color template view form page
    route handler callback method provider strategy manager location generator encoder decoder parser
    lexer counter index offset public publishable sitekey cookie usage tokens version date time flag show visible
    strength rotation retries attempts cache lifetime scope scopes audience issuer algorithm alg encoding charset
    mask display hash hashed digest sha sha1 sha256 sha512 md5 checksum crc salt fingerprint example sample button
    link widget key_id keyid toggle visibility hidden mgr last used changed updated created next continuation
    pagination page cursor marker""".split()
)
#: nor does a name containing one of these anywhere
_NOT_SECRET_PARTS = re.compile(
    r"hash|digest|checksum|tokeni[sz]|passthrough|passenger|passive|passport|passage|bypass|compass|surpass|"
    r"pass(?:ed|es|ing)(?![a-z])|placeholder",
    re.IGNORECASE,
)
_SEGMENT = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+")


def _not_secret_name(name: str) -> bool:
    if _NOT_SECRET_PARTS.search(name):
        return True
    return any(seg.lower() in _NOT_SECRET_SEGMENTS for seg in _SEGMENT.findall(name))


_NAME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.")
#: what follows a name: closing quote/bracket, the operator
_OPERATOR = re.compile(
    r"""(?P<close>(?:["'`]|\\["'])?\]?["']?)[ \t]*"""
    r"""(?P<op>:=|=>|<-|===|!==|==|!=|=|::|:|\(|,|>|[ \t]+(?:value|val|content)[ \t]*=)"""
)
#: a value: quoted (with escapes) or bare
_VALUE = re.compile(
    r"""[ \t]*(?:(?:\[\]byte|(?:new\s+)?String|str|bytes|bytearray|SecretStr|SecretString|Secret|Buffer\.from|"""
    r"""Some|Cow::from|SecureString)\([ \t]*(?=[@bBrRuU]{0,2}["']))?(?:@|[bBrRuU]{1,2}(?=["']))?"""
    r"""(?:"(?P<dq>(?:[^"\\\r\n]|\\.){1,512})"|'(?P<sq>(?:[^'\\\r\n]|\\.){1,512})'|`(?P<bq>[^`\\\r\n]{1,512})`"""
    r"""|(?P<bare>[^\s"'`,;)\]}<>&|]{1,512}))"""
)
_XML_VALUE = re.compile(r"(?P<bare>[^<\r\n]{1,512})</")
_IDENTIFIER_PATH = re.compile(r"[A-Za-z_$][\w$]*(?:(?:\.|::|->)[A-Za-z_$][\w$]*)*")
_BARE_OK = re.compile(r"[A-Za-z0-9_\-+/=.~!@#$%^*:?]+")
_PATHLIKE = re.compile(r"^(?:/|\./|\.\./|~/|[A-Za-z]:\\)|://|\.(?:pem|key|crt|cer|p12|pfx|json|ya?ml|txt|env|cfg|conf|ini|properties|xml|toml|jks|keystore|gpg|asc)$", re.IGNORECASE)
_DOTTED_NAME = re.compile(r"[a-z_][a-z0-9_\-]*(?:\.[a-z_][a-z0-9_\-]*)+")
_ENV_NAME = re.compile(r"[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+")
_NUMBER = re.compile(r"0[xX][0-9a-fA-F]+|\d+[lLuU]?")
#: "StreamDescription.Shards[-1].ShardId", "data['token']": a path into a structure
_EXPRESSION = re.compile(r"[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*|\[[^\]]*\])*(?:\[[^\]]*\])(?:\.[A-Za-z_$][\w$]*|\[[^\]]*\])*")
_NOT_A_SECRET_VALUE = re.compile(r"\d{4}-\d{2}-\d{2}(?:[T ][\d:.]+)?(?:Z|[+-]\d{2}:?\d{2})?|\d+(?:\.\d+)+|v?\d+\.\d+\.\d+\S*")
#: publishable keys: public by design (Stripe, Mapbox, ...)
_PUBLIC_PREFIXES = ("pk_live_", "pk_test_", "pk.")
_WORDS = re.compile(r"[A-Za-z]+(?:[-_.:/][A-Za-z]+)*")
_REGEXISH = re.compile(r"\\[dswbDSWB]|\[\^?[a-zA-Z0-9]-[a-zA-Z0-9]|\(\?[:=!<P]|\.\*|\.\+|\{\d+,?\d*\}")
#: a type annotation between ``name:`` and ``= value`` (Python, TypeScript)
_ANNOTATION = re.compile(r"[ \t]*[A-Za-z_][\w.]*(?:\[[\w.\[\], |]*\])?(?:[ \t]*\|[ \t]*[A-Za-z_][\w.]*)*[ \t]*=(?![=>])")


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
            add(Redactor._url_passwords, ("://",))
            add(Redactor._auth_headers, ("authorization", "bearer"))
            add(Redactor._cli_passwords, ("curl", "mysql", "mariadb", "sshpass", "login", "wget", "http "))
            add(Redactor._sql_passwords, ("create user", "alter user", "create role", "alter role", "create login",
                                          "alter login"))
            add(Redactor._login_calls, ("login(", "authenticate(", "auth(", "auth=(", "auth = (", "basicauth(",
                                        "digestauth(", "credentials("))
            add(Redactor._private_keys, ("private key",))
            add(Redactor._putty_keys, ("putty-user-key-file",))
        if config.emails:
            add(Redactor._emails, ("@",))
        self._ipv4_detector = self._ipv6_detector = -1
        if config.ips:
            self._ipv4_detector = len(self._detectors)
            add(Redactor._ipv4)
            self._ipv6_detector = len(self._detectors)
            add(Redactor._ipv6)

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
        cands = self._candidates(text)
        accepted = _resolve(cands)
        findings = [Finding(c.kind, c.start, c.end, self._replacement(c, text)) for c in accepted]
        return self._propagate(text, findings)

    def redact(self, text: str) -> Redaction:
        return apply_findings(text, self.find(text))

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
        if self._ipv4_detector >= 0:
            for match in _IPV4_HINT.finditer(text):
                _add_line(lines, text, match.start(), (self._ipv4_detector,))
            for match in _IPV6_HINT.finditer(text):
                _add_line(lines, text, match.start(), (self._ipv6_detector,))
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
        if any(ch.isspace() for ch in value) or is_placeholder(value):
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
    def _assignments(self, ctx: _Ctx) -> Iterator[_Cand]:
        """``name <op> value`` where the name says secret: code, YAML, JSON, .env, INI, XML, flags."""
        text, ls, le = ctx
        line = None
        done_to = ls
        for match in _KEYWORD.finditer(text, ls, le):
            a, b = match.span()
            if a < done_to:
                continue
            word = match.group().lower()
            if word in _SHORT_WORDS and not _segment(text, a, b, left=True):
                continue
            if word in _ENDING_WORDS and not _segment(text, a, b, left=False):
                continue
            ns = a
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
                elif op in ("==", "!=", "===", "!=="):
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
        if value.lower() == text[ns:ne].lower() or _NOT_A_SECRET_VALUE.fullmatch(value):
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
                yield _Cand(runs[0].start(), runs[-1].end(), "private_key", KEY, 4)
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
            pos = text.find(original)
            while pos >= 0:
                end = pos + len(original)
                i = bisect.bisect_right(starts, pos) - 1
                covered = (i >= 0 and ends[i] > pos) or (i + 1 < len(starts) and starts[i + 1] < end)
                if not covered and not _overlaps(extra, pos, end):
                    extra.append(Finding(finding.kind, pos, end, finding.replacement))
                pos = text.find(original, pos + 1)
        if not extra:
            return findings
        return sorted(findings + extra, key=lambda f: (f.start, f.end))


# --- helpers of the detectors -----------------------------------------------------------
_ASCII_LOWER = {c: c + 32 for c in range(ord("A"), ord("Z") + 1)}

_ASSIGNMENT_ANCHORS = (
    "password", "passwd", "passphrase", "pass", "pwd", "contrasena", "contraseña", "secret", "token",
    "api_key", "apikey", "api-key", "api.key", "access_key", "accesskey", "access-key", "private_key",
    "privatekey", "private-key", "auth", "credential", "account_key", "accountkey", "master_key", "masterkey",
    "signing_key", "signingkey", "encryption_key", "encryptionkey", "app_key", "appkey", "app-key",
    "service_key", "subscription-key", "subscription_key", "db_key", "client_key", "clientkey",
) + tuple(f"{who}{sep}pat" for who in ("github", "gitlab", "git", "hf", "ado", "devops", "azure") for sep in ("_", "-", ".", ""))


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
    re.compile(r"(?:\s|^)(?:-u|--user|--proxy-user)\s*[\"']?[^:\s\"'@]{1,64}:(?P<pw>[^\s\"'@]{1,128})(?=[\"'\s]|$)",
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
    "192.0.0.0/24", "192.31.196.0/24", "192.52.193.0/24", "192.88.99.0/24", "192.175.48.0/24"))}
#: right before a dotted quad: it is a version or a numbered reference, not an address
_VERSION_BEFORE = re.compile(r"(?:\b[vV][\s\"'=(]*|[A-Za-z0-9][/:]|(?:[=<>!~^]=|[~^])[\s\"'=(]*)$")
#: on the line before it: words that speak of versions, specifications and identifiers
_VERSION_WORDS = re.compile(
    r"(?i)version|release|build|firmware|revision|\bver\b|pkgver|\brev\b|\boid\b|identifier|section|\bsec\b|§|"
    r"chapter|clause|\brfc\s*\d|spec\b|\bcf\.|figure|appendix"
)


_HEADING = re.compile(r"[.)]?[ \t]{1,3}[A-Z][a-z]")


def _version_like(text: str, start: int, end: int, ls: int, le: int) -> bool:
    """A dotted quad that is a version or a section number: after a version word or ``Name/``,
    ``>=``, ``name:``; before ``-rc``/``.v3``."""
    if _VERSION_BEFORE.search(text, max(ls, start - 8), start) or _VERSION_WORDS.search(text, max(ls, start - 48), start):
        return True
    if end + 1 < le and text[end] in "-+." and text[end + 1].isalpha():
        return True
    # "3.5.5.1 Confidentiality Obligations": a numbered heading at the start of a line
    heading = _HEADING.match(text, end, le)
    return heading is not None and not text[ls:start].strip(" \t#*/-;")


def apply_findings(text: str, findings: Sequence[Finding]) -> Redaction:
    """``text`` with each finding's span replaced (findings sorted, not overlapping)."""
    if not findings:
        return Redaction(text, ())
    parts, pos = [], 0
    for finding in findings:
        parts.append(text[pos:finding.start])
        parts.append(finding.replacement)
        pos = finding.end
    parts.append(text[pos:])
    return Redaction("".join(parts), tuple(findings))


# --- the stage ------------------------------------------------------------------------
def findings_payload(findings: Sequence[Finding]) -> bytes:
    """The cache's payload of a file's findings (:mod:`transforms.cache`)."""
    return memo_dumps([list(f) for f in findings])


def findings_from_payload(payload: bytes) -> Tuple[Finding, ...]:
    return tuple(Finding(str(kind), int(start), int(end), str(rep)) for kind, start, end, rep in memo_loads(payload))


def redact_record(record: CodeFile, redactor: Redactor, count: Count, memo: Optional[Memo] = None) -> Outcome:
    """Redact one file; add the per-category counts to the record and the counters. With the
    cache (``memo``), a blob's findings come from it when it has them (no scan)."""
    payload = memo.get(record) if memo is not None else None
    if record.memo or record.released_before:  # the last stage that reads either: the sink never sees them
        record = record._replace(memo=(), released_before=False)
    if payload is not None:
        result = apply_findings(record.content, findings_from_payload(payload))
    else:
        result = redactor.redact(record.content)
        if memo is not None:
            memo.put(record, findings_payload(result.findings))
    if not result.findings:
        return record
    counts = result.counts()
    for category in CATEGORIES:
        if counts[category]:
            count(f"redacted:{category}", counts[category])
    for kind, n in sorted(collections.Counter(f.kind for f in result.findings).items()):
        count(f"kind:{kind}", n)
    count("files_redacted")
    updates = {RECORD_FIELDS[c]: getattr(record, RECORD_FIELDS[c]) + counts[c] for c in CATEGORIES}
    return record._replace(content=result.text, **updates)


def make_core(config: RedactConfig = RedactConfig(), cached: bool = False):
    """Factory run in ``DoFn.setup``: builds the redactor once per worker; ``cached``: findings
    come from and go to the per-blob cache (the core's ``memo``)."""
    redactor = Redactor(config)
    memo = Memo(STAGE, enabled=cached)

    def core(record: CodeFile, count: Count) -> Outcome:
        return redact_record(record, redactor, count, memo)

    core.memo = memo
    return core

