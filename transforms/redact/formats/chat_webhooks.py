"""Chat apps and webhooks: Slack, Discord, Telegram, Microsoft Teams, Google Chat, Zapier, Make,
IFTTT, Facebook/Meta, Twitter/X."""

from __future__ import annotations

import re

from transforms.redact.config import KEY
from transforms.redact.formats._base import Detector, grouped, prefixed
from transforms.redact.rules import _Cand

_FACEBOOK_APP_TOKEN = re.compile(r"(?<![\w|%])(\d{15,16}(?:\||%7[Cc])[A-Za-z0-9_\-]{27,40})(?![\w\-])")


def _facebook_app_tokens(redactor, ctx, kind):
    """``APP_ID|APP_SECRET``: an app access token (no prefix: run on files that name Facebook)."""
    from transforms.redact.rules import _format_verdict

    text = ctx.text
    for match in _FACEBOOK_APP_TOKEN.finditer(text, ctx.start, ctx.end):
        start, end = match.span(1)
        value = text[start:end]
        secret = value.split("|", 1)[-1] if "|" in value else value[len(value.split("%")[0]) + 3:]
        verdict = _format_verdict(redactor, secret, text, start, False, 3.0)
        if verdict is not None:
            yield _Cand(start, end, kind, KEY if verdict else "placeholder", 3)


RULES = (
    # --- Slack ---
    prefixed("slack_token", r"xox[abposr]-(?:\d+-)+[A-Za-z0-9]+(?:-[A-Za-z0-9]+)?", "xox"),
    prefixed("slack_token", r"xoxe\.xox[bp]-\d-[A-Za-z0-9]{140,170}", "xoxe."),
    prefixed("slack_token", r"xoxe-\d-[A-Za-z0-9]{130,160}", "xoxe-"),
    prefixed("slack_app_token", r"xapp-\d-[A-Z0-9]+-\d+-[a-f0-9]+", "xapp-"),
    prefixed("slack_webhook", r"(?:https?://)?hooks\.slack\.com/(?:services|workflows|triggers)/T[A-Za-z0-9_]+/[A-Za-z0-9_/]{20,}",
             "hooks.slack.com", bounded=False),
    # --- Discord, Telegram, Teams, Google Chat ---
    grouped("discord_webhook",
            r"(?:https?://)?(?:ptb\.|canary\.)?discord(?:app)?\.com/api/webhooks/\d+/([A-Za-z0-9_\-]{60,68})", "discord"),
    grouped("teams_webhook",
            r"[a-z0-9\-]+\.webhook\.office\.com/webhookb2/[0-9a-f\-]{36}@[0-9a-f\-]{36}/"
            r"IncomingWebhook/([0-9a-f]{32}/[0-9a-f\-]{36}(?:/[A-Za-z0-9_\-]+)?)", "webhook.office.com"),
    grouped("google_chat_webhook",
            r"chat\.googleapis\.com/v1/spaces/[A-Za-z0-9_\-]+/messages\?key=[A-Za-z0-9_\-]+&token=([A-Za-z0-9_\-%=]{40,})",
            "chat.googleapis.com"),
    # --- automation webhooks ---
    grouped("zapier_webhook", r"hooks\.zapier\.com/hooks/catch/(\d+/[A-Za-z0-9]{5,})", "hooks.zapier.com"),
    grouped("make_webhook", r"hook\.(?:eu|us)\d\.make\.com/([a-z0-9]{32})", ".make.com/"),
    grouped("ifttt_webhook_key", r"maker\.ifttt\.com/(?:trigger/[^/\s]+/with/)?(?:key|use)/([A-Za-z0-9_\-]{22,43})",
            "maker.ifttt.com"),
    # --- Facebook / Meta, Twitter / X ---
    prefixed("facebook_access_token", r"EAA[A-Za-z0-9]{100,}", "eaa"),
    prefixed("facebook_page_token", r"EAA[MC][A-Za-z0-9]{90,}", "eaam eaac", priority=4),
    Detector("facebook_app_token", _facebook_app_tokens, anchors=("facebook", "fb_", "fb.", "graph.facebook"),
             file_anchors=("facebook", "fb_app", "fb_access", "app_access_token", "graph.facebook.com")),
    prefixed("signalwire_token", r"PT[a-f0-9]{48}", (), file_anchors=("signalwire",)),
)
