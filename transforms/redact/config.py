"""Categories, replacement tokens and record columns; :class:`RedactConfig`; the findings and the redaction."""

from __future__ import annotations

import dataclasses
import ipaddress
from typing import Dict, NamedTuple, Optional, Sequence, Tuple



STAGE = "redact"

# --- categories, their replacement tokens and record columns ---------------------------
EMAIL, KEY, PASSWORD, NAME, IP = "email", "key", "password", "name", "ip"
CREDIT_CARD, PHONE = "credit_card", "phone"
TOKENS = {EMAIL: "<EMAIL>", KEY: "<KEY>", PASSWORD: "<PASSWORD>", NAME: "<NAME>", CREDIT_CARD: "<CREDIT_CARD>",
          PHONE: "<PHONE>"}
#: category -> CodeFile column holding its count
RECORD_FIELDS = {
    EMAIL: "redacted_emails",
    KEY: "redacted_keys",
    PASSWORD: "redacted_passwords",
    NAME: "redacted_names",
    IP: "redacted_ips",
    CREDIT_CARD: "redacted_credit_cards",
    PHONE: "redacted_phones",
}
CATEGORIES = (EMAIL, KEY, PASSWORD, NAME, IP, CREDIT_CARD, PHONE)
#: not a category of findings: a candidate a rule matched but judged a documented placeholder or an
#: obvious sequence (``AIzaSyabcdef...``, ``xoxp-1234567890``). It wins its span over weaker rules, is
#: not replaced, and is counted (``Redaction.placeholders``, counter ``placeholder``).
PLACEHOLDER = "placeholder"

#: ``redact.sensitivity``: the thresholds and kinds each level sets (settings left unset take them).
SENSITIVITY = {
    # credentials by their format or a long random value, emails, IPs and card numbers; no names or phones
    "low": dict(min_password_length=8, min_key_length=16, min_key_entropy=3.5, names=False, credit_cards=True,
                keep_test_cards=True, phones=False, phones_need_context=True, names_need_list=True),
    # the release default: every kind; names and phones only where the context says so
    "default": dict(min_password_length=6, min_key_length=8, min_key_entropy=3.0, names=True, credit_cards=True,
                    keep_test_cards=True, phones=True, phones_need_context=True, names_need_list=True),
    # short and less random values too, public test card numbers, phone numbers without a phone word
    # beside them, names in attribution contexts without a known given name
    "high": dict(min_password_length=4, min_key_length=6, min_key_entropy=2.5, names=True, credit_cards=True,
                 keep_test_cards=False, phones=True, phones_need_context=False, names_need_list=False),
}

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
    #: low | default | high: sets every setting below that is left unset (null); see SENSITIVITY
    sensitivity: str = "default"
    #: shortest value of a password assignment that is redacted
    min_password_length: Optional[int] = None
    #: shortest value of a generic secret/token/api_key assignment that is redacted (values under
    #: 12 characters must also be nearly all distinct characters)
    min_key_length: Optional[int] = None
    #: least Shannon entropy (bits per character) of such a value
    min_key_entropy: Optional[float] = None
    #: replace natural persons' names in attribution contexts (copyright, author, maintainer lines) with <NAME>
    names: Optional[bool] = None
    #: a name is a person's only when its first word is a known given name (else: any name-shaped words
    #: in an attribution context that are not an organisation)
    names_need_list: Optional[bool] = None
    #: replace payment card numbers (issuer prefix and length, Luhn) with <CREDIT_CARD>
    credit_cards: Optional[bool] = None
    #: leave the issuers' documented public test card numbers (4111 1111 1111 1111, ...)
    keep_test_cards: Optional[bool] = None
    #: replace valid phone numbers with <PHONE>
    phones: Optional[bool] = None
    #: a phone number counts only in international form (+CC ...) or beside a phone word (tel, phone, fax, ...)
    phones_need_context: Optional[bool] = None

    def __post_init__(self):  # a bad address fails when the config is read, not on a worker
        if self.sensitivity not in SENSITIVITY:
            raise ValueError(f"redact.sensitivity: {self.sensitivity!r} is not one of {', '.join(SENSITIVITY)}")
        for key, preset in SENSITIVITY[self.sensitivity].items():  # the level fills what is left unset
            value = getattr(self, key)
            if value is None:
                value = preset
            elif isinstance(preset, float) and isinstance(value, int) and not isinstance(value, bool):
                value = float(value)
            elif type(value) is not type(preset):
                raise ValueError(f"redact.{key}: expected {type(preset).__name__}, got {value!r}")
            object.__setattr__(self, key, value)
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
    placeholders: int = 0  # values a rule matched but left as documented placeholders or sequences

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


def apply_findings(text: str, findings: Sequence[Finding], placeholders: int = 0) -> Redaction:
    """``text`` with each finding's span replaced (findings sorted, not overlapping)."""
    if not findings:
        return Redaction(text, (), placeholders)
    parts, pos = [], 0
    for finding in findings:
        parts.append(text[pos:finding.start])
        parts.append(finding.replacement)
        pos = finding.end
    parts.append(text[pos:])
    return Redaction("".join(parts), tuple(findings), placeholders)
