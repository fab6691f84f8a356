"""Key formats anchored on a prefix: detect-secrets' detection patterns and codestack's rules (:data:`PREFIX_RULES`)."""

from __future__ import annotations

import dataclasses
import re
from typing import TYPE_CHECKING, Callable, Iterator, List, NamedTuple, Optional, Pattern, Tuple


from transforms.redact.config import KEY, PASSWORD
from transforms.redact.values import _is_alnum

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
