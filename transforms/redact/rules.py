"""The rule machinery (:class:`_Rule`, candidates) and detect-secrets' detection patterns as rules.

codestack's own format rules live in :mod:`transforms.redact.formats` (:data:`PREFIX_RULES`)."""

from __future__ import annotations

import dataclasses
import re
from typing import TYPE_CHECKING, Callable, Iterator, List, Match, NamedTuple, Optional, Pattern, Tuple


from transforms.redact.config import KEY, PASSWORD, PLACEHOLDER
from transforms.redact.values import _is_alnum, is_hash_on_hash_line, is_placeholder, shannon_entropy

if TYPE_CHECKING:  # the rules are run by it; it imports them
    from transforms.redact.redactor import Redactor

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
    min_entropy: float = 2.5  # below it (bits per character of the whole match) a match is a placeholder
    check_match: Optional[Callable[[Match], bool]] = None  # a test on the whole match (the name it is assigned to)

    def run(self, redactor: "Redactor", ctx: _Ctx) -> Iterator[_Cand]:
        text = ctx.text
        for match in self.pattern.finditer(text, ctx.start, ctx.end):
            start, end = match.span(self.group)
            if start < 0 or start == end:
                continue
            if self.check_match is not None and not self.check_match(match):
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
            verdict = _format_verdict(redactor, value, text, start, self.password, self.min_entropy)
            if verdict is None:
                continue
            # a placeholder keeps its span (not replaced, counted) against weaker rules
            yield _Cand(start, end, self.kind, self.category if verdict else PLACEHOLDER, self.priority)


def _format_verdict(redactor: "Redactor", value: str, text: str, start: int, password: bool,
                    min_entropy: float) -> Optional[bool]:
    """A value a format rule matched: True (a secret), False (a documented placeholder or an obvious
    sequence: kept and counted), None (not what the rule is after: a digest on a hash line, a label)."""
    if is_placeholder(value):
        return False
    if password:
        return True if redactor.plausible_password(value, in_url=True) else None
    if shannon_entropy(value) < min_entropy:
        return False  # "AKIAAAAAAAAAAAAAAAAA": the format, no randomness
    if is_hash_on_hash_line(value, _line_at(text, start)):
        return None
    return True


def _line_at(text: str, pos: int) -> str:
    end = text.find("\n", pos)
    return text[text.rfind("\n", 0, pos) + 1:end if end >= 0 else len(text)]


def _jwt_ok(value: str) -> bool:
    from detect_secrets.plugins.jwt import JwtTokenDetector

    return JwtTokenDetector.is_formally_valid(value)


def _rx(pattern: str, flags: int = 0) -> Pattern:
    return re.compile(pattern, flags | re.MULTILINE)
