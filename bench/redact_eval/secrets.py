"""Secrets: credentials in the formats providers issue, and hard look-alikes.

Formats (prefix, length, charset, checksum) follow providers' public docs and the
public rule sets of gitleaks / TruffleHog; every body is random and generated here.
"""

import base64
import hashlib
import json
import uuid

from . import ALNUM, B64, B64URL, DIGITS, HEX, LOWER, UPPER, Cases, crc_token, rs

CAT = "secret"

# ---------------------------------------------------------------- helpers

def words_case(words, style):
    if style == "upper":
        return "_".join(w.upper() for w in words)
    if style == "snake":
        return "_".join(words)
    if style == "camel":
        return words[0] + "".join(w.capitalize() for w in words[1:])
    if style == "pascal":
        return "".join(w.capitalize() for w in words)
    if style == "kebab":
        return "-".join(words)
    if style == "dotted":
        return ".".join(words)
    raise ValueError(style)


def b64(rng, nbytes, url=False, pad=True):
    raw = bytes(rng.getrandbits(8) for _ in range(nbytes))
    s = (base64.urlsafe_b64encode(raw) if url else base64.b64encode(raw)).decode()
    return s if pad else s.rstrip("=")


def b64s(s, url=False):
    f = base64.urlsafe_b64encode if url else base64.b64encode
    return f(s.encode()).decode().rstrip("=") if url else f(s.encode()).decode()


def hexs(rng, n):
    return rs(rng, n, HEX)


def password(rng):
    """A realistic human or generated password (no quotes, backslashes, $ or spaces)."""
    style = rng.randrange(4)
    if style == 0:
        return rs(rng, rng.randint(14, 24), ALNUM + "!#%^*-_+=.?@")
    if style == 1:
        w = rng.choice(["Summer", "Falcon", "Orange", "Tiger", "Winter", "Harbor", "Maple", "Copper", "Velvet", "Saturn"])
        return w + str(rng.randint(10, 9999)) + rng.choice("!#@%*?") + rs(rng, 3, ALNUM)
    if style == 2:
        ws = rng.sample(["correct", "battery", "staple", "horse", "lantern", "quartz", "meadow", "pixel", "rocket", "cobalt", "ember", "glacier"], 3)
        return "-".join(ws) + "-" + str(rng.randint(10, 99))
    return rs(rng, rng.randint(16, 32), ALNUM)


def url_password(rng):
    return rs(rng, rng.randint(14, 22), ALNUM + "-_.~")


FILLER = {
    "python": ["import os", "import logging", "from pathlib import Path", "log = logging.getLogger(__name__)", "TIMEOUT = 30"],
    "js": ["'use strict';", "const axios = require('axios');", "const TIMEOUT_MS = 5000;", "// loaded at startup"],
    "ts": ["import { Injectable } from '@angular/core';", "import axios from 'axios';", "const RETRIES = 3;"],
    "go": ["package config", "import \"os\"", "var timeout = 30 * time.Second"],
    "java": ["package com.example.billing;", "import java.util.Properties;", "// settings for the client"],
    "csharp": ["using System;", "namespace Contoso.Payments", "// client configuration"],
    "ruby": ["require 'net/http'", "# frozen_string_literal: true", "TIMEOUT = 10"],
    "php": ["<?php", "declare(strict_types=1);", "// credentials for the mailer"],
    "kotlin": ["package com.example.app", "import okhttp3.OkHttpClient"],
    "rust": ["use std::env;", "// client settings"],
    "yaml": ["version: '3.8'", "# service configuration", "region: eu-west-1"],
    "json": [],
    "env": ["NODE_ENV=production", "PORT=8080", "LOG_LEVEL=info", "# production settings"],
    "ini": ["; service settings", "timeout = 30", "retries = 3"],
    "toml": ["# deployment settings", "timeout = 30"],
    "properties": ["# application settings", "server.port=8080", "spring.application.name=billing"],
    "xml": ["<?xml version=\"1.0\" encoding=\"utf-8\"?>"],
    "dockerfile": ["FROM python:3.11-slim", "WORKDIR /app", "COPY . /app"],
    "shell": ["#!/usr/bin/env bash", "set -euo pipefail", "cd \"$(dirname \"$0\")\""],
    "terraform": ["terraform {", "  required_version = \">= 1.5\"", "}"],
    "log": [],
}
EXT = {"python": ".py", "js": ".js", "ts": ".ts", "go": ".go", "java": ".java", "csharp": ".cs", "ruby": ".rb",
       "php": ".php", "kotlin": ".kt", "rust": ".rs", "yaml": ".yaml", "json": ".json", "env": ".env", "ini": ".ini",
       "toml": ".toml", "properties": ".properties", "xml": ".xml", "dockerfile": "", "shell": ".sh",
       "terraform": ".tf", "log": ".log"}
LANGS = list(EXT)


def render(rng, lang, words, value):
    """A few lines of ``lang`` that assign ``value`` to a variable named after ``words``."""
    U, s, c, P, d = (words_case(words, x) for x in ("upper", "snake", "camel", "pascal", "dotted"))
    v = value
    t = {
        "python": [f"{U} = \"{v}\"", f"settings = {{\n    \"{s}\": \"{v}\",\n    \"debug\": False,\n}}",
                   f"client = Client(\n    {s}='{v}',\n    timeout=TIMEOUT,\n)", f"os.environ.setdefault(\"{U}\", \"{v}\")"],
        "js": [f"const {c} = \"{v}\";", f"module.exports = {{\n  {c}: '{v}',\n  retries: 3,\n}};",
               f"process.env.{U} = process.env.{U} || \"{v}\";"],
        "ts": [f"export const {U}: string = \"{v}\";", f"  private readonly {c} = '{v}';",
               f"const config = {{ {c}: `{v}`, region: 'us-east-1' }};"],
        "go": [f"const {c} = \"{v}\"", f"os.Setenv(\"{U}\", \"{v}\")", f"cfg := Config{{\n\t{P}: \"{v}\",\n\tRetries: 3,\n}}"],
        "java": [f"private static final String {U} = \"{v}\";", f"props.setProperty(\"{d}\", \"{v}\");"],
        "csharp": [f"private const string {P} = \"{v}\";", f"var {c} = \"{v}\";", f"options.{P} = @\"{v}\";"],
        "ruby": [f"{U} = \"{v}\"", f"config.{s} = '{v}'", f"ENV['{U}'] ||= \"{v}\""],
        "php": [f"define('{U}', '{v}');", f"${c} = \"{v}\";", f"return [\n    '{s}' => '{v}',\n];"],
        "kotlin": [f"val {c} = \"{v}\"", f"const val {U} = \"{v}\""],
        "rust": [f"const {U}: &str = \"{v}\";", f"let {s} = \"{v}\";"],
        "yaml": [f"{s}: {v}", f"{s}: \"{v}\"", f"service:\n  name: billing\n  {s}: '{v}'"],
        "json": [f"{{\n  \"name\": \"billing\",\n  \"{c}\": \"{v}\"\n}}", f"{{\"{s}\": \"{v}\", \"enabled\": true}}"],
        "env": [f"{U}={v}", f"{U}=\"{v}\"", f"export {U}={v}"],
        "ini": [f"[default]\n{s} = {v}", f"[service]\n{s}={v}"],
        "toml": [f"[service]\n{s} = \"{v}\""],
        "properties": [f"{d}={v}", f"{d} = {v}"],
        "xml": [f"<configuration>\n  <appSettings>\n    <add key=\"{P}\" value=\"{v}\" />\n  </appSettings>\n</configuration>",
                f"<settings>\n  <{c}>{v}</{c}>\n</settings>"],
        "dockerfile": [f"ENV {U}={v}", f"ARG {U}={v}", f"ENV {U}=\"{v}\""],
        "shell": [f"export {U}=\"{v}\"", f"{U}='{v}' ./deploy.sh", f"docker run -e {U}={v} app:latest"],
        "terraform": [f"variable \"{s}\" {{\n  default = \"{v}\"\n}}", f"provider \"svc\" {{\n  {s} = \"{v}\"\n}}",
                      f"locals {{\n  {s} = \"{v}\"\n}}"],
        "log": [f"2024-03-{rng.randint(10, 28)}T0{rng.randint(1, 9)}:{rng.randint(10, 59)}:11Z DEBUG config loaded {s}={v} retries=3",
                f"[{rng.randint(1000, 9999)}] INFO  startup: using {s} \"{v}\""],
    }[lang]
    body = rng.choice(t)
    fill = FILLER[lang]
    pre = sorted(rng.sample(range(len(fill)), min(len(fill), rng.randint(0, 2))))
    pre = [fill[i] for i in pre]
    post = [p for p in rng.sample(fill, min(len(fill), rng.randint(0, 1))) if p not in pre and not p.startswith(("#!", "<?", "package ", "FROM "))]
    return "\n".join(pre + [body] + post) + "\n"


# ---------------------------------------------------------------- value generators (one per kind)

def gh(prefix):
    return lambda r: crc_token(r, prefix)


def jwt(r, payload=None, alg="HS256"):
    h = b64s(json.dumps({"alg": alg, "typ": "JWT"}, separators=(",", ":")), url=True)
    p = payload or {"sub": str(r.randint(10 ** 5, 10 ** 9)), "name": "svc-" + rs(r, 6, LOWER),
                    "iat": r.randint(1600000000, 1750000000), "exp": r.randint(1750000000, 1900000000)}
    p = b64s(json.dumps(p, separators=(",", ":")), url=True)
    sig = b64(r, 256 if alg.startswith("RS") else 32, url=True, pad=False)
    return f"{h}.{p}.{sig}"


def openai(r, kind):
    n = r.choice([58, 74])
    return f"sk-{kind}-" + rs(r, n, ALNUM + "-_") + "T3BlbkFJ" + rs(r, n, ALNUM + "-_")


def grafana_cloud(r):
    j = json.dumps({"o": str(r.randint(100000, 999999)), "n": "stack-" + str(r.randint(100000, 999999)) + "-hm-read-" + rs(r, 5, LOWER),
                    "k": rs(r, 24, ALNUM), "m": {"r": r.choice(["us", "eu", "prod-us-east-0"])}}, separators=(",", ":"))
    return "glc_" + base64.b64encode(j.encode()).decode().rstrip("=")


def grafana_legacy(r):
    j = json.dumps({"k": rs(r, 32, ALNUM), "n": "ci-" + rs(r, 5, LOWER), "id": r.randint(1, 99)}, separators=(",", ":"))
    return base64.b64encode(j.encode()).decode()


def sentry_org(r):
    j = json.dumps({"iat": float(r.randint(1700000000, 1750000000)), "url": "https://sentry.io", "region_url": "https://us.sentry.io",
                    "org": "acme-" + rs(r, 4, LOWER)}, separators=(",", ":"))
    return "sntrys_" + base64.b64encode(j.encode()).decode().rstrip("=") + "_" + rs(r, 43, ALNUM + "+/")


def ops_token(r):
    j = json.dumps({"signInAddress": "my.1password.com", "userAuth": {"method": "SRPg-4096", "alg": "PBES2g-HS256",
                    "iterations": 650000, "salt": rs(r, 22, B64URL)}, "email": rs(r, 12, LOWER) + "@1passwordserviceaccounts.com",
                    "srpX": hexs(r, 64), "muk": {"alg": "A256GCM", "ext": True, "k": rs(r, 43, B64URL), "key_ops": ["encrypt", "decrypt"],
                    "kty": "oct", "kid": "mp"}, "secretKey": "A3-" + rs(r, 6, UPPER + DIGITS) + "-" + rs(r, 6, UPPER + DIGITS) + "-" + rs(r, 5, UPPER + DIGITS),
                    "throttleSecret": {"seed": hexs(r, 64), "uuid": rs(r, 26, UPPER + DIGITS)}, "deviceUuid": rs(r, 26, LOWER + DIGITS)},
                   separators=(",", ":"))
    return "ops_" + base64.b64encode(j.encode()).decode().rstrip("=")


def op_secret_key(r):
    a = UPPER.replace("I", "").replace("O", "") + "23456789"
    return f"A3-{rs(r, 6, a)}-{rs(r, 6, a)}-{rs(r, 5, a)}-{rs(r, 5, a)}-{rs(r, 5, a)}-{rs(r, 5, a)}"


def fb_app_token(r):
    return f"{r.randint(10 ** 14, 10 ** 16 - 1)}|{hexs(r, 32)}"


def discord_bot(r):
    uid = str(r.randint(10 ** 17, 10 ** 18 * 2))
    return b64s(uid).rstrip("=") + "." + rs(r, 6, ALNUM + "-_") + "." + rs(r, 38, ALNUM + "-_")


def telegram(r):
    return f"{r.randint(10 ** 8, 8 * 10 ** 9)}:AA{rs(r, 33, ALNUM + '-_')}"


def tf_cloud(r):
    return rs(r, 14, ALNUM) + ".atlasv1." + rs(r, 67, ALNUM + "-_=")


def atlassian(r):
    return "ATATT3xFfGF0" + rs(r, 171, ALNUM + "-_") + "=" + hexs(r, 8).upper()


def azure_ad_secret(r):
    return rs(r, 3, ALNUM + "_~.") + str(r.randint(0, 9)) + "Q~" + rs(r, 34, ALNUM + "_~.-")


def aws_secret(r):
    return rs(r, 40, ALNUM + "+/")


def fcm(r):
    return "AAAA" + rs(r, 7, ALNUM + "-_") + ":APA91b" + rs(r, 134, ALNUM + "-_")


def pypi(r):
    return "pypi-AgEIcHlwaS5vcmc" + rs(r, r.randint(150, 180), ALNUM + "-_")


def flyio(r):
    return "FlyV1 fm2_" + rs(r, r.randint(300, 400), ALNUM + "+/") + "=="


def hvs(r):
    return "hvs.CAESI" + rs(r, r.randint(86, 90), ALNUM + "-_")


def hvb(r):
    return "hvb.AAAAAQ" + rs(r, r.randint(150, 200), ALNUM + "-_")


def vault_legacy(r):
    return "s." + rs(r, 24, ALNUM)


def adobe(r):
    return "p8e-" + rs(r, 32, ALNUM)


def age(r):
    return "AGE-SECRET-KEY-1" + rs(r, 58, "QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L")


def mk(prefix, n, alpha=ALNUM, sep=""):
    return lambda r: prefix + rs(r, n, alpha) + sep


# kind -> (generator, [variable-name words options], category-of-value comment)
KINDS = {
    # GitHub
    "github_classic_pat": (gh("ghp_"), [("github", "token"), ("gh", "token")]),
    "github_oauth_token": (gh("gho_"), [("github", "oauth", "token")]),
    "github_user_to_server_token": (gh("ghu_"), [("github", "app", "token")]),
    "github_app_installation_token": (gh("ghs_"), [("github", "installation", "token")]),
    "github_refresh_token": (gh("ghr_"), [("github", "refresh", "token")]),
    "github_fine_grained_pat": (lambda r: "github_pat_" + rs(r, 22) + "_" + rs(r, 59), [("github", "pat"), ("gh", "token")]),
    # GitLab
    "gitlab_pat": (mk("glpat-", 20, ALNUM + "-_"), [("gitlab", "token"), ("gl", "token")]),
    "gitlab_pat_routable": (lambda r: "glpat-" + rs(r, 38, ALNUM + "-_") + "." + rs(r, 2, DIGITS + LOWER) + rs(r, 7, DIGITS + LOWER), [("gitlab", "token")]),
    "gitlab_deploy_token": (mk("gldt-", 20, ALNUM + "-_"), [("gitlab", "deploy", "token")]),
    "gitlab_runner_token": (mk("glrt-", 20, ALNUM + "-_"), [("runner", "token")]),
    "gitlab_runner_token_routable": (lambda r: "glrt-t" + str(r.randint(1, 3)) + "_" + rs(r, 27, ALNUM + "-_") + "." + rs(r, 9, DIGITS + LOWER), [("runner", "token")]),
    "gitlab_runner_registration_token": (mk("GR1348941", 20, ALNUM + "-_"), [("registration", "token")]),
    "gitlab_cicd_job_token": (lambda r: "glcbt-" + rs(r, 2, HEX) + "_" + rs(r, 20, ALNUM + "-_"), [("ci", "job", "token")]),
    "gitlab_feed_token": (mk("glft-", 20, ALNUM + "-_"), [("gitlab", "feed", "token")]),
    "gitlab_incoming_mail_token": (mk("glimt-", 25, ALNUM), [("incoming", "email", "token")]),
    "gitlab_agent_token": (mk("glagent-", 50, ALNUM + "-_"), [("agent", "token")]),
    "gitlab_oauth_app_secret": (mk("gloas-", 64, ALNUM), [("gitlab", "app", "secret")]),
    "gitlab_pipeline_trigger_token": (mk("glptt-", 40, HEX), [("trigger", "token")]),
    "gitlab_scim_token": (mk("glsoat-", 20, ALNUM + "-_"), [("scim", "token")]),
    "gitlab_feature_flag_token": (mk("glffct-", 20, ALNUM + "-_"), [("unleash", "instance", "id")]),
    # AWS / GCP / Azure
    "aws_access_key_id": (mk("AKIA", 16, UPPER + "234567"), [("aws", "access", "key", "id")]),
    "aws_secret_access_key": (aws_secret, [("aws", "secret", "access", "key"), ("aws", "secret", "key")]),
    "aws_session_token": (lambda r: "IQoJb3JpZ2luX2VjE" + rs(r, 300, ALNUM + "+/") + "=", [("aws", "session", "token")]),
    "gcp_api_key": (mk("AIza", 35, ALNUM + "-_"), [("google", "api", "key"), ("maps", "api", "key"), ("firebase", "api", "key")]),
    "gcp_oauth_client_secret": (mk("GOCSPX-", 28, ALNUM + "-_"), [("google", "client", "secret")]),
    "google_oauth_refresh_token": (lambda r: "1//0" + rs(r, 2, ALNUM) + rs(r, 97, ALNUM + "-_"), [("google", "refresh", "token")]),
    "firebase_fcm_server_key": (fcm, [("fcm", "server", "key")]),
    "azure_storage_account_key": (lambda r: b64(r, 64), [("azure", "storage", "key"), ("storage", "account", "key")]),
    "azure_ad_client_secret": (azure_ad_secret, [("azure", "client", "secret"), ("client", "secret")]),
    "azure_openai_key": (lambda r: hexs(r, 32), [("azure", "openai", "api", "key")]),
    "azure_devops_pat": (lambda r: rs(r, 52, LOWER + "234567"), [("azure", "devops", "pat"), ("ado", "token")]),
    "azure_function_key": (lambda r: rs(r, 54, ALNUM + "-_") + "==", [("function", "key")]),
    # chat
    "slack_bot_token": (lambda r: f"xoxb-{r.randint(10 ** 10, 10 ** 12)}-{r.randint(10 ** 10, 10 ** 12)}-{rs(r, 24)}", [("slack", "bot", "token")]),
    "slack_user_token": (lambda r: f"xoxp-{r.randint(10 ** 10, 10 ** 12)}-{r.randint(10 ** 10, 10 ** 12)}-{r.randint(10 ** 10, 10 ** 12)}-{hexs(r, 32)}", [("slack", "user", "token")]),
    "slack_app_token": (lambda r: f"xapp-1-A{rs(r, 10, UPPER + DIGITS)}-{r.randint(10 ** 12, 10 ** 13)}-{hexs(r, 64)}", [("slack", "app", "token")]),
    "slack_config_token": (lambda r: "xoxe.xoxp-1-" + rs(r, 164, ALNUM), [("slack", "config", "token")]),
    "slack_config_refresh_token": (lambda r: "xoxe-1-" + rs(r, 146, ALNUM), [("slack", "refresh", "token")]),
    "telegram_bot_token": (telegram, [("telegram", "bot", "token")]),
    "discord_bot_token": (discord_bot, [("discord", "token"), ("discord", "bot", "token")]),
    # payments
    "stripe_secret_key_live": (lambda r: "sk_live_51" + rs(r, r.choice([22, 97])), [("stripe", "secret", "key"), ("stripe", "api", "key")]),
    "stripe_secret_key_test": (lambda r: "sk_test_51" + rs(r, 97), [("stripe", "secret", "key")]),
    "stripe_restricted_key": (lambda r: "rk_live_51" + rs(r, 97), [("stripe", "restricted", "key")]),
    "stripe_webhook_secret": (mk("whsec_", 32), [("stripe", "webhook", "secret")]),
    "square_access_token": (mk("EAAA", 60, ALNUM + "-_"), [("square", "access", "token")]),
    "square_oauth_secret": (mk("sq0csp-", 43, ALNUM + "-_"), [("square", "application", "secret")]),
    "paypal_braintree_token": (lambda r: f"access_token$production${rs(r, 16, LOWER + DIGITS)}${hexs(r, 32)}", [("braintree", "access", "token")]),
    "shopify_access_token": (mk("shpat_", 32, HEX), [("shopify", "access", "token")]),
    "shopify_custom_app_token": (mk("shpca_", 32, HEX), [("shopify", "token")]),
    "shopify_private_app_token": (mk("shppa_", 32, HEX), [("shopify", "password")]),
    "shopify_shared_secret": (mk("shpss_", 32, HEX), [("shopify", "shared", "secret")]),
    "flutterwave_secret_key": (lambda r: "FLWSECK-" + hexs(r, 32) + "-X", [("flutterwave", "secret", "key")]),
    "razorpay_key_secret": (lambda r: rs(r, 24), [("razorpay", "key", "secret")]),
    "paystack_secret_key": (mk("sk_live_", 40, HEX), [("paystack", "secret", "key")]),
    "mollie_api_key": (mk("live_", 30), [("mollie", "api", "key")]),
    "shippo_api_token": (mk("shippo_live_", 40, HEX), [("shippo", "token")]),
    "duffel_api_token": (mk("duffel_live_", 43, ALNUM + "-_"), [("duffel", "token")]),
    "plaid_access_token": (lambda r: "access-production-" + str(uuid.UUID(int=r.getrandbits(128), version=4)), [("plaid", "access", "token")]),
    "plaid_secret": (lambda r: hexs(r, 30), [("plaid", "secret")]),
    "gocardless_token": (mk("live_", 40, ALNUM + "-_"), [("gocardless", "access", "token")]),
    "easypost_api_key": (mk("EZAK", 54), [("easypost", "api", "key")]),
    # messaging / email
    "twilio_api_key_secret": (lambda r: rs(r, 32), [("twilio", "api", "secret")]),
    "twilio_api_key_sid": (lambda r: "SK" + hexs(r, 32), [("twilio", "api", "key")]),
    "twilio_auth_token": (lambda r: hexs(r, 32), [("twilio", "auth", "token")]),
    "sendgrid_api_key": (lambda r: "SG." + rs(r, 22, ALNUM + "-_") + "." + rs(r, 43, ALNUM + "-_"), [("sendgrid", "api", "key")]),
    "mailgun_api_key_legacy": (mk("key-", 32, HEX), [("mailgun", "api", "key")]),
    "mailgun_api_key": (lambda r: f"{hexs(r, 32)}-{hexs(r, 8)}-{hexs(r, 8)}", [("mailgun", "api", "key")]),
    "mailchimp_api_key": (lambda r: f"{hexs(r, 32)}-us{r.randint(1, 21)}", [("mailchimp", "api", "key")]),
    "mandrill_api_key": (mk("md-", 22, ALNUM + "-_"), [("mandrill", "api", "key")]),
    "brevo_api_key": (lambda r: f"xkeysib-{hexs(r, 64)}-{rs(r, 16)}", [("brevo", "api", "key"), ("sendinblue", "api", "key")]),
    "postmark_server_token": (lambda r: str(uuid.UUID(int=r.getrandbits(128), version=4)), [("postmark", "server", "token")]),
    "messagebird_api_key": (lambda r: rs(r, 25), [("messagebird", "access", "key")]),
    "vonage_api_secret": (lambda r: rs(r, 16), [("vonage", "api", "secret"), ("nexmo", "api", "secret")]),
    "pusher_app_secret": (lambda r: hexs(r, 20), [("pusher", "app", "secret")]),
    "ably_api_key": (lambda r: f"{rs(r, 6)}.{rs(r, 6)}:{rs(r, 43, ALNUM + '-_')}", [("ably", "api", "key")]),
    # AI
    "openai_project_key": (lambda r: openai(r, "proj"), [("openai", "api", "key")]),
    "openai_service_account_key": (lambda r: openai(r, "svcacct"), [("openai", "api", "key")]),
    "openai_admin_key": (lambda r: openai(r, "admin"), [("openai", "admin", "key")]),
    "openai_legacy_key": (lambda r: "sk-" + rs(r, 20) + "T3BlbkFJ" + rs(r, 20), [("openai", "api", "key")]),
    "anthropic_api_key": (lambda r: "sk-ant-api03-" + rs(r, 93, ALNUM + "-_") + "AA", [("anthropic", "api", "key")]),
    "anthropic_admin_key": (lambda r: "sk-ant-admin01-" + rs(r, 93, ALNUM + "-_") + "AA", [("anthropic", "admin", "key")]),
    "huggingface_token": (mk("hf_", 34, UPPER + LOWER), [("hf", "token"), ("huggingface", "token")]),
    "huggingface_org_token": (mk("api_org_", 34, UPPER + LOWER), [("hf", "org", "token")]),
    "groq_api_key": (mk("gsk_", 52), [("groq", "api", "key")]),
    "xai_api_key": (mk("xai-", 80), [("xai", "api", "key")]),
    "replicate_api_token": (mk("r8_", 37), [("replicate", "api", "token")]),
    "perplexity_api_key": (mk("pplx-", 48), [("perplexity", "api", "key")]),
    "langsmith_api_key": (lambda r: f"lsv2_pt_{hexs(r, 32)}_{hexs(r, 10)}", [("langsmith", "api", "key")]),
    "cohere_api_key": (lambda r: rs(r, 40), [("cohere", "api", "key"), ("co", "api", "key")]),
    "mistral_api_key": (lambda r: rs(r, 32), [("mistral", "api", "key")]),
    # dev platforms
    "sourcegraph_token": (lambda r: "sgp_" + hexs(r, 40), [("src", "access", "token")]),
    "sourcegraph_token_instance": (lambda r: f"sgp_{hexs(r, 16)}_{hexs(r, 40)}", [("src", "access", "token")]),
    "sourcegraph_token_local": (lambda r: f"sgp_local_{hexs(r, 40)}", [("sourcegraph", "token")]),
    "vault_service_token": (hvs, [("vault", "token")]),
    "vault_batch_token": (hvb, [("vault", "token")]),
    "vault_legacy_token": (vault_legacy, [("vault", "token")]),
    "onepassword_service_account_token": (ops_token, [("op", "service", "account", "token")]),
    "onepassword_secret_key": (op_secret_key, [("op", "secret", "key"), ("onepassword", "secret", "key")]),
    "sumologic_access_id": (lambda r: "su" + rs(r, 12), [("sumo", "access", "id")]),
    "sumologic_access_key": (lambda r: rs(r, 64), [("sumo", "access", "key")]),
    "harness_pat": (lambda r: f"pat.{rs(r, 22, ALNUM + '-_')}.{rs(r, 24)}.{rs(r, 20)}", [("harness", "platform", "api", "key")]),
    "harness_sat": (lambda r: f"sat.{rs(r, 22, ALNUM + '-_')}.{rs(r, 24)}.{rs(r, 20)}", [("harness", "api", "key")]),
    "facebook_app_token": (fb_app_token, [("facebook", "access", "token"), ("fb", "app", "token")]),
    "facebook_page_token": (lambda r: "EAAC" + rs(r, 180), [("facebook", "page", "token")]),
    "facebook_app_secret": (lambda r: hexs(r, 32), [("facebook", "app", "secret")]),
    "npm_token": (gh("npm_"), [("npm", "token")]),
    "pypi_token": (pypi, [("pypi", "token"), ("twine", "password")]),
    "rubygems_api_key": (mk("rubygems_", 48, HEX), [("gem", "host", "api", "key")]),
    "nuget_api_key": (mk("oy2", 43, LOWER + DIGITS), [("nuget", "api", "key")]),
    "dockerhub_pat": (mk("dckr_pat_", 27, ALNUM + "-_"), [("docker", "hub", "token"), ("dockerhub", "token")]),
    "databricks_token": (lambda r: "dapi" + hexs(r, 32) + r.choice(["", "-2", "-3"]), [("databricks", "token")]),
    "grafana_cloud_token": (grafana_cloud, [("grafana", "cloud", "token")]),
    "grafana_service_account_token": (lambda r: f"glsa_{rs(r, 32)}_{hexs(r, 8)}", [("grafana", "token")]),
    "grafana_api_key_legacy": (grafana_legacy, [("grafana", "api", "key")]),
    "newrelic_user_api_key": (mk("NRAK-", 27, UPPER + DIGITS), [("new", "relic", "api", "key")]),
    "newrelic_license_key": (lambda r: hexs(r, 36) + "NRAL", [("new", "relic", "license", "key")]),
    "newrelic_insert_key": (mk("NRII-", 32, ALNUM + "-_"), [("new", "relic", "insert", "key")]),
    "newrelic_browser_key": (mk("NRJS-", 19, HEX), [("newrelic", "browser", "key")]),
    "datadog_api_key": (lambda r: hexs(r, 32), [("dd", "api", "key"), ("datadog", "api", "key")]),
    "datadog_app_key": (lambda r: hexs(r, 40), [("dd", "app", "key"), ("datadog", "application", "key")]),
    "sentry_user_token": (mk("sntryu_", 64, HEX), [("sentry", "auth", "token")]),
    "sentry_org_token": (sentry_org, [("sentry", "auth", "token")]),
    "postman_api_key": (lambda r: f"PMAK-{hexs(r, 24)}-{hexs(r, 34)}", [("postman", "api", "key")]),
    "doppler_personal_token": (mk("dp.pt.", 43), [("doppler", "token")]),
    "doppler_service_token": (mk("dp.st.prd.", 43), [("doppler", "token")]),
    "pulumi_access_token": (mk("pul-", 40, HEX), [("pulumi", "access", "token")]),
    "terraform_cloud_token": (tf_cloud, [("tfe", "token"), ("tf", "token")]),
    "atlassian_api_token": (atlassian, [("jira", "api", "token"), ("atlassian", "token")]),
    "bitbucket_app_password": (mk("ATBB", 32), [("bitbucket", "app", "password")]),
    "linear_api_key": (mk("lin_api_", 40), [("linear", "api", "key")]),
    "linear_oauth_token": (mk("lin_oauth_", 64, HEX), [("linear", "token")]),
    "notion_token": (lambda r: "ntn_" + rs(r, 11, DIGITS) + rs(r, 35), [("notion", "token")]),
    "notion_token_legacy": (mk("secret_", 43), [("notion", "api", "key")]),
    "figma_pat": (mk("figd_", 40, ALNUM + "-_"), [("figma", "token")]),
    "heroku_api_key": (mk("HRKU-AA", 58, ALNUM + "-_"), [("heroku", "api", "key")]),
    "heroku_api_key_uuid": (lambda r: str(uuid.UUID(int=r.getrandbits(128), version=4)), [("heroku", "api", "key")]),
    "digitalocean_pat": (mk("dop_v1_", 64, HEX), [("digitalocean", "token"), ("do", "token")]),
    "digitalocean_oauth_token": (mk("doo_v1_", 64, HEX), [("digitalocean", "access", "token")]),
    "digitalocean_refresh_token": (mk("dor_v1_", 64, HEX), [("digitalocean", "refresh", "token")]),
    "alibaba_access_key_id": (mk("LTAI5t", 18), [("alibaba", "access", "key", "id"), ("aliyun", "access", "key")]),
    "alibaba_access_key_secret": (lambda r: rs(r, 30), [("alibaba", "access", "key", "secret")]),
    "tencent_secret_id": (mk("AKID", 32), [("tencentcloud", "secret", "id")]),
    "tencent_secret_key": (lambda r: rs(r, 32), [("tencentcloud", "secret", "key")]),
    "okta_api_token": (mk("00", 40, ALNUM + "-_"), [("okta", "api", "token")]),
    "auth0_client_secret": (lambda r: rs(r, 64, ALNUM + "-_"), [("auth0", "client", "secret")]),
    "cloudflare_api_token": (lambda r: rs(r, 40, ALNUM + "-_"), [("cloudflare", "api", "token"), ("cf", "api", "token")]),
    "cloudflare_global_api_key": (lambda r: hexs(r, 37), [("cloudflare", "api", "key")]),
    "cloudflare_origin_ca_key": (lambda r: f"v1.0-{hexs(r, 24)}-{hexs(r, 146)}", [("cloudflare", "origin", "ca", "key")]),
    "netlify_pat": (mk("nfp_", 36), [("netlify", "auth", "token")]),
    "netlify_token_legacy": (lambda r: rs(r, 43, ALNUM + "-_"), [("netlify", "auth", "token")]),
    "vercel_token": (lambda r: rs(r, 24), [("vercel", "token")]),
    "flyio_token": (flyio, [("fly", "api", "token")]),
    "flyio_org_token": (mk("fo1_", 43, ALNUM + "-_"), [("fly", "access", "token")]),
    "supabase_pat": (mk("sbp_", 40, HEX), [("supabase", "access", "token")]),
    "supabase_service_role_key": (lambda r: jwt(r, {"iss": "supabase", "ref": rs(r, 20, LOWER), "role": "service_role",
                                                     "iat": r.randint(1650000000, 1700000000), "exp": r.randint(1950000000, 2050000000)}),
                                  [("supabase", "service", "role", "key")]),
    "planetscale_token": (mk("pscale_tkn_", 43, ALNUM + "-_"), [("planetscale", "service", "token")]),
    "planetscale_password": (mk("pscale_pw_", 43, ALNUM + "-_"), [("database", "password")]),
    "planetscale_oauth_token": (mk("pscale_oauth_", 43, ALNUM + "-_"), [("planetscale", "token")]),
    "neon_api_key": (mk("napi_", 64, LOWER + DIGITS), [("neon", "api", "key")]),
    "render_api_key": (mk("rnd_", 32), [("render", "api", "key")]),
    "upstash_redis_token": (lambda r: "A" + rs(r, 3, UPPER) + "AAIjcDE" + rs(r, 60, ALNUM), [("upstash", "redis", "rest", "token")]),
    "posthog_personal_key": (mk("phx_", 43), [("posthog", "personal", "api", "key")]),
    "mapbox_secret_token": (lambda r: "sk.eyJ1Ijoi" + rs(r, 60) + "." + rs(r, 22, ALNUM + "-_"), [("mapbox", "secret", "token")]),
    "contentful_pat": (mk("CFPAT-", 43, ALNUM + "-_"), [("contentful", "management", "token")]),
    "hubspot_private_app_token": (lambda r: "pat-na1-" + str(uuid.UUID(int=r.getrandbits(128), version=4)), [("hubspot", "access", "token")]),
    "airtable_pat": (lambda r: f"pat{rs(r, 14)}.{hexs(r, 64)}", [("airtable", "api", "key")]),
    "asana_pat": (lambda r: f"2/{r.randint(10 ** 15, 10 ** 16)}/{r.randint(10 ** 15, 10 ** 16)}:{hexs(r, 32)}", [("asana", "access", "token")]),
    "clickup_token": (lambda r: f"pk_{r.randint(10 ** 7, 10 ** 8)}_{rs(r, 32, UPPER + DIGITS)}", [("clickup", "api", "token")]),
    "circleci_pat": (lambda r: f"CCIPAT_{rs(r, 22)}_{hexs(r, 40)}", [("circle", "token")]),
    "buildkite_token": (mk("bkua_", 40, HEX), [("buildkite", "api", "token")]),
    "sonarqube_token": (lambda r: r.choice(["squ_", "sqp_", "sqa_"]) + hexs(r, 40), [("sonar", "token")]),
    "snyk_token": (lambda r: str(uuid.UUID(int=r.getrandbits(128), version=4)), [("snyk", "token")]),
    "launchdarkly_sdk_key": (lambda r: "sdk-" + str(uuid.UUID(int=r.getrandbits(128), version=4)), [("launchdarkly", "sdk", "key")]),
    "launchdarkly_api_token": (lambda r: "api-" + str(uuid.UUID(int=r.getrandbits(128), version=4)), [("launchdarkly", "access", "token")]),
    "artifactory_api_key": (mk("AKCp", 69), [("artifactory", "api", "key")]),
    "artifactory_reference_token": (mk("cmVmdGtuOjAxOjE3", 48), [("jfrog", "access", "token")]),
    "clojars_token": (mk("CLOJARS_", 60, LOWER + DIGITS), [("clojars", "deploy", "token")]),
    "dynatrace_token": (lambda r: f"dt0c01.{rs(r, 24, UPPER + DIGITS)}.{rs(r, 64, UPPER + DIGITS)}", [("dt", "api", "token")]),
    "frameio_token": (mk("fio-u-", 64, ALNUM + "-_"), [("frameio", "token")]),
    "infracost_api_key": (mk("ico-", 32), [("infracost", "api", "key")]),
    "maxmind_license_key": (lambda r: f"{rs(r, 6)}_{rs(r, 29)}_mmk", [("maxmind", "license", "key")]),
    "prefect_api_key": (mk("pnu_", 36), [("prefect", "api", "key")]),
    "readme_api_key": (mk("rdme_", 70, LOWER + DIGITS), [("readme", "api", "key")]),
    "scalingo_token": (mk("tk-us-", 48, ALNUM + "-_"), [("scalingo", "token")]),
    "typeform_token": (mk("tfp_", 59, ALNUM + "-_"), [("typeform", "token")]),
    "openshift_token": (mk("sha256~", 43, ALNUM + "-_"), [("openshift", "token")]),
    "dropbox_short_lived_token": (mk("sl.", 135, ALNUM + "-_"), [("dropbox", "access", "token")]),
    "adobe_client_secret": (adobe, [("adobe", "client", "secret")]),
    "age_secret_key": (age, [("sops", "age", "key")]),
    "octopus_deploy_api_key": (mk("API-", 26, UPPER + DIGITS), [("octopus", "api", "key")]),
    "cloudinary_url": (lambda r: f"cloudinary://{r.randint(10 ** 14, 10 ** 15 - 1)}:{rs(r, 27, ALNUM + '-_')}@{rs(r, 8, LOWER)}", [("cloudinary", "url")]),
    "jwt_hs256": (lambda r: jwt(r), [("access", "token"), ("auth", "token"), ("bearer", "token")]),
    "jwt_rs256": (lambda r: jwt(r, alg="RS256"), [("id", "token"), ("access", "token")]),
    "jwt_base64_wrapped": (lambda r: base64.b64encode(jwt(r).encode()).decode(), [("encoded", "token"), ("session", "token")]),
    # generic assignments
    "generic_password": (password, [("password",), ("db", "password"), ("smtp", "password"), ("admin", "password"), ("passwd",), ("redis", "password")]),
    "generic_api_key": (lambda r: r.choice([hexs(r, 32), rs(r, 40), b64(r, 30, url=True, pad=False)]), [("api", "key"), ("apikey",), ("x", "api", "key")]),
    "generic_secret_key": (lambda r: r.choice([b64(r, 48), hexs(r, 64), rs(r, 50, ALNUM + "!@#%^*(-_=+)")]), [("secret", "key"), ("signing", "secret"), ("jwt", "secret"), ("app", "secret")]),
    "generic_token": (lambda r: r.choice([rs(r, 40), b64(r, 32, url=True, pad=False)]), [("auth", "token"), ("access", "token"), ("service", "token")]),
    "generic_client_secret": (lambda r: rs(r, r.choice([32, 40, 48]), ALNUM + "-_~."), [("client", "secret"), ("oauth", "client", "secret")]),
    "generic_encryption_key": (lambda r: b64(r, 32), [("encryption", "key"), ("master", "key"), ("aes", "key")]),
}

GENERIC_COUNTS = {"generic_password": 40, "generic_api_key": 18, "generic_secret_key": 16, "generic_token": 14,
                  "generic_client_secret": 8, "generic_encryption_key": 8}


# ---------------------------------------------------------------- structured positives

def pem_lines(raw: bytes):
    s = base64.b64encode(raw).decode()
    return [s[i:i + 64] for i in range(0, len(s), 64)]


def rnd(r, n):
    return bytes(r.getrandbits(8) for _ in range(n))


def pem(r, label):
    if label == "RSA PRIVATE KEY":
        raw = b"\x30\x82\x04\xa4\x02\x01\x00\x02\x82\x01\x01\x00" + rnd(r, 1180)
    elif label == "EC PRIVATE KEY":
        raw = b"\x30\x77\x02\x01\x01\x04\x20" + rnd(r, 32) + b"\xa0\x0a\x06\x08\x2a\x86\x48\xce\x3d\x03\x01\x07\xa1\x44\x03\x42\x00\x04" + rnd(r, 64)
    elif label == "OPENSSH PRIVATE KEY":
        raw = b"openssh-key-v1\x00\x00\x00\x00\x04none\x00\x00\x00\x04none\x00\x00\x00\x00\x00\x00\x00\x01\x00\x00\x00\x33\x00\x00\x00\x0bssh-ed25519\x00\x00\x00\x20" + rnd(r, 330)
    elif label == "ENCRYPTED PRIVATE KEY":
        raw = b"\x30\x82\x05\x06\x30\x40\x06\x09\x2a\x86\x48\x86\xf7\x0d\x01\x05\x0d" + rnd(r, 1280)
    else:
        raw = b"\x30\x82\x04\xbe\x02\x01\x00\x30\x0d\x06\x09\x2a\x86\x48\x86\xf7\x0d\x01\x01\x01\x05\x00" + rnd(r, 1190)
    lines = pem_lines(raw)
    if label == "OPENSSH PRIVATE KEY":
        s = base64.b64encode(raw).decode()
        lines = [s[i:i + 70] for i in range(0, len(s), 70)]
    return f"-----BEGIN {label}-----\n" + "\n".join(lines) + f"\n-----END {label}-----", lines


def structured(r):
    """(kind, text, positives, ext) for credentials that need their own layout."""
    out = []
    for label, kind in (("RSA PRIVATE KEY", "private_key_rsa"), ("EC PRIVATE KEY", "private_key_ec"),
                        ("OPENSSH PRIVATE KEY", "private_key_openssh"), ("PRIVATE KEY", "private_key_pkcs8"),
                        ("ENCRYPTED PRIVATE KEY", "private_key_encrypted")):
        for i in range(3):
            block, lines = pem(r, label)
            wrap = r.randrange(3)
            if wrap == 0:
                text, ext = block + "\n", ".pem"
            elif wrap == 1:
                text, ext = "# deploy key for the staging box\nDEPLOY_KEY = \"\"\"\n" + block + "\n\"\"\"\n", ".py"
            else:
                text, ext = "ssh_private_key: |\n" + "\n".join("  " + ln for ln in block.split("\n")) + "\n", ".yaml"
            out.append((kind, text, [lines], ext))
    # PGP private key block
    for i in range(2):
        body = pem_lines(b"\x95\x03\xc6\x04" + rnd(r, 900))
        text = "-----BEGIN PGP PRIVATE KEY BLOCK-----\n\n" + "\n".join(body) + "\n=" + rs(r, 4, B64) + "\n-----END PGP PRIVATE KEY BLOCK-----\n"
        out.append(("private_key_pgp", text, [body], ".asc"))
    # PuTTY
    for i in range(3):
        pub = pem_lines(b"\x00\x00\x00\x07ssh-rsa" + rnd(r, 270))
        prv = pem_lines(rnd(r, 1200))
        mac = hexs(r, 64)
        text = ("PuTTY-User-Key-File-3: ssh-rsa\nEncryption: none\nComment: rsa-key-2023" + str(r.randint(1000, 1231)) +
                f"\nPublic-Lines: {len(pub)}\n" + "\n".join(pub) + f"\nPrivate-Lines: {len(prv)}\n" + "\n".join(prv) +
                f"\nPrivate-MAC: {mac}\n")
        out.append(("putty_private_key", text, [prv], ".ppk"))
    # GCP service account JSON
    for i in range(4):
        block, lines = pem(r, "PRIVATE KEY")
        proj = r.choice(["acme-prod", "billing-2931", "data-lake-eu", "ml-train-4411"])
        sa = {"type": "service_account", "project_id": proj, "private_key_id": hexs(r, 40),
              "private_key": block + "\n", "client_email": f"deployer@{proj}.iam.gserviceaccount.com",
              "client_id": str(r.randint(10 ** 20, 10 ** 21)), "auth_uri": "https://accounts.google.com/o/oauth2/auth",
              "token_uri": "https://oauth2.googleapis.com/token"}
        out.append(("gcp_service_account_key", json.dumps(sa, indent=2) + "\n", [lines], ".json"))
    # AWS credentials file (id + secret)
    for i in range(4):
        kid = "AKIA" + rs(r, 16, UPPER + "234567")
        sec = aws_secret(r)
        text = f"[default]\naws_access_key_id = {kid}\naws_secret_access_key = {sec}\nregion = {r.choice(['us-east-1', 'eu-west-1'])}\n"
        out.append(("aws_credentials_file", text, [kid, sec], ".ini"))
    # Azure
    for i in range(4):
        acct = rs(r, 10, LOWER + DIGITS)
        key = b64(r, 64)
        text = f"AZURE_STORAGE_CONNECTION_STRING=\"DefaultEndpointsProtocol=https;AccountName={acct};AccountKey={key};EndpointSuffix=core.windows.net\"\n"
        out.append(("azure_storage_connection_string", text, [key], ".env"))
    for i in range(4):
        sig = b64(r, 32).replace("+", "%2B").replace("/", "%2F").replace("=", "%3D")
        acct = rs(r, 10, LOWER + DIGITS)
        url = (f"https://{acct}.blob.core.windows.net/backups?sv=2022-11-02&ss=bfqt&srt=sco&sp=rwdlacupiytfx"
               f"&se=2026-0{r.randint(1, 9)}-1{r.randint(0, 9)}T04:00:00Z&st=2024-01-01T00:00:00Z&spr=https&sig={sig}")
        text = r.choice([f"SAS_URL = \"{url}\"\n", f"azcopy copy ./dump.sql \"{url}\"\n"])
        out.append(("azure_sas_token", text, [sig], ".py"))
    for i in range(3):
        k = b64(r, 32)
        ns = rs(r, 8, LOWER)
        text = f"\"ServiceBus\": \"Endpoint=sb://{ns}.servicebus.windows.net/;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey={k}\"\n"
        out.append(("azure_servicebus_connection_string", "{\n  " + text.strip() + "\n}\n", [k], ".json"))
    for i in range(3):
        k = b64(r, 64)
        text = f"COSMOS_CONNECTION=AccountEndpoint=https://{rs(r, 8, LOWER)}.documents.azure.com:443/;AccountKey={k};\n"
        out.append(("azure_cosmosdb_connection_string", text, [k], ".env"))
    for i in range(3):
        k = rs(r, 54, ALNUM + "-_") + "=="
        text = f"curl -X POST \"https://{rs(r, 8, LOWER)}-func.azurewebsites.net/api/ingest?code={k}\" -d @payload.json\n"
        out.append(("azure_function_key_url", text, [k], ".sh"))
    # Slack webhooks
    for i in range(6):
        path = f"services/T{rs(r, 10, UPPER + DIGITS)}/B{rs(r, 10, UPPER + DIGITS)}/{rs(r, 24)}"
        secretpart = path.split("/", 1)[1]
        if i % 2:
            text, kind = f"SLACK_WEBHOOK_URL=hooks.slack.com/{path}\n", "slack_webhook_no_scheme"
        else:
            text, kind = f"const webhook = 'https://hooks.slack.com/{path}';\n", "slack_webhook"
        out.append((kind, text, [secretpart], ".env" if i % 2 else ".js"))
    for i in range(2):
        tail = f"T{rs(r, 10, UPPER + DIGITS)}/A{rs(r, 10, UPPER + DIGITS)}/{r.randint(10 ** 17, 10 ** 18)}/{rs(r, 24)}"
        out.append(("slack_workflow_webhook", f"url: https://hooks.slack.com/workflows/{tail}\n", [tail], ".yaml"))
    for i in range(3):
        tail = f"{r.randint(10 ** 17, 10 ** 18)}/{rs(r, 68, ALNUM + '-_')}"
        out.append(("discord_webhook", f"DISCORD_WEBHOOK=https://discord.com/api/webhooks/{tail}\n", [tail.split('/')[1]], ".env"))
    for i in range(2):
        g = [str(uuid.UUID(int=r.getrandbits(128), version=4)) for _ in range(3)]
        tail = f"{g[0]}@{g[1]}/IncomingWebhook/{hexs(r, 32)}/{g[2]}"
        out.append(("teams_webhook", f"teams_url = \"https://contoso.webhook.office.com/webhookb2/{tail}\"\n", [tail.split('/')[2]], ".py"))
    # Kubernetes Secret manifests
    for i in range(6):
        pw = password(r)
        tok = rs(r, 40)
        epw, etok = base64.b64encode(pw.encode()).decode(), base64.b64encode(tok.encode()).decode()
        user = base64.b64encode(r.choice([b"app", b"postgres", b"admin", b"svc-billing"])).decode()
        text = (f"apiVersion: v1\nkind: Secret\nmetadata:\n  name: {r.choice(['db-credentials', 'api-secrets', 'app-env'])}\n"
                f"  namespace: {r.choice(['default', 'prod', 'payments'])}\ntype: Opaque\ndata:\n  username: {user}\n"
                f"  password: {epw}\n  api-token: {etok}\n")
        out.append(("k8s_secret_data", text, [epw, etok], ".yaml"))
    for i in range(3):
        pw = password(r)
        text = f"apiVersion: v1\nkind: Secret\nmetadata:\n  name: smtp\nstringData:\n  SMTP_USER: mailer\n  SMTP_PASSWORD: \"{pw}\"\n"
        out.append(("k8s_secret_stringdata", text, [pw], ".yaml"))
    # curl
    for i in range(5):
        pw = url_password(r)
        user = r.choice(["admin", "deploy", "ci-bot", "jenkins", "elastic"])
        host = r.choice(["https://api.internal.example.com/v2/status", "https://artifactory.corp.local/api/repositories", "http://localhost:9200/_cluster/health"])
        text = r.choice([f"curl -u {user}:{pw} {host}\n", f"curl -s --user \"{user}:{pw}\" -X GET {host}\n",
                         f"#!/bin/sh\ncurl -fsSL \\\n  -u '{user}:{pw}' \\\n  {host}\n"])
        out.append(("curl_basic_auth", text, [pw], ".sh"))
    for i in range(4):
        tok = rs(r, 40, ALNUM + "-_.")
        text = f"curl -H \"Authorization: Bearer {tok}\" https://api.example.net/v1/me\n"
        out.append(("curl_bearer_header", text, [tok], ".sh"))
    for i in range(3):
        cred = base64.b64encode(f"{r.choice(['admin', 'svc'])}:{url_password(r)}".encode()).decode()
        text = f"curl -H 'Authorization: Basic {cred}' https://registry.example.org/v2/_catalog\n"
        out.append(("http_basic_auth_header", text, [cred], ".sh"))
    # URLs / connection strings
    schemes = [("db_url_postgres", "postgresql://{u}:{p}@db.internal:5432/app", ".env", "DATABASE_URL={url}"),
               ("db_url_mysql", "mysql://{u}:{p}@mysql-primary.prod:3306/shop", ".py", "SQLALCHEMY_DATABASE_URI = \"{url}\""),
               ("db_url_mongodb_srv", "mongodb+srv://{u}:{p}@cluster0.{h}.mongodb.net/test?retryWrites=true&w=majority", ".js", "mongoose.connect('{url}');"),
               ("redis_url", "redis://default:{p}@redis-12345.c1.us-east-1-2.ec2.cloud.redislabs.com:12345", ".yaml", "redis_url: {url}"),
               ("amqp_url", "amqps://{u}:{p}@rabbit.internal:5671/prod", ".properties", "spring.rabbitmq.addresses={url}"),
               ("url_with_password", "https://{u}:{p}@git.example.com/team/repo.git", ".sh", "git clone {url}"),
               ("ftp_url_with_password", "ftp://{u}:{p}@ftp.example.org/pub/", ".cfg", "mirror = {url}")]
    for kind, tmpl, ext, line in schemes:
        for i in range(3):
            p = url_password(r)
            url = tmpl.format(u=r.choice(["app", "admin", "svc_user", "reporting"]), p=p, h=rs(r, 5, LOWER + DIGITS))
            out.append((kind, line.format(url=url) + "\n", [p], ext))
    for i in range(3):
        p = password(r).replace(";", "")
        text = f"\"DefaultConnection\": \"Server=tcp:{rs(r, 8, LOWER)}.database.windows.net,1433;Initial Catalog=shop;User ID=appuser;Password={p};Encrypt=True;\""
        out.append(("adonet_connection_string", "{\n  \"ConnectionStrings\": {\n    " + text + "\n  }\n}\n", [p], ".json"))
    for i in range(3):
        p = url_password(r)
        text = f"spring.datasource.url=jdbc:postgresql://pg.prod:5432/orders?user=orders&password={p}&ssl=true\n"
        out.append(("jdbc_url_password", text, [p], ".properties"))
    # package manager configs
    for i in range(3):
        t = crc_token(r, "npm_")
        out.append(("npmrc_auth_token", f"registry=https://registry.npmjs.org/\n//registry.npmjs.org/:_authToken={t}\n", [t], ".npmrc"))
    for i in range(2):
        t = str(uuid.UUID(int=r.getrandbits(128), version=4))
        out.append(("npmrc_legacy_uuid_token", f"//npm.pkg.example.com/:_authToken={t}\nalways-auth=true\n", [t], ".npmrc"))
    for i in range(3):
        t = pypi(r)
        out.append(("pypirc_token", f"[distutils]\nindex-servers = pypi\n\n[pypi]\nusername = __token__\npassword = {t}\n", [t], ".pypirc"))
    for i in range(4):
        p = password(r)
        text = (f"<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<configuration>\n  <packageSourceCredentials>\n    <Contoso>\n"
                f"      <add key=\"Username\" value=\"build@contoso.com\" />\n      <add key=\"ClearTextPassword\" value=\"{p}\" />\n"
                f"    </Contoso>\n  </packageSourceCredentials>\n</configuration>\n")
        out.append(("nuget_config_cleartext_password", text, [p], ".config"))
    for i in range(3):
        a = base64.b64encode(f"{r.choice(['ci', 'deploy'])}:{password(r)}".encode()).decode()
        text = "{\n  \"auths\": {\n    \"https://index.docker.io/v1/\": {\n      \"auth\": \"" + a + "\"\n    }\n  }\n}\n"
        out.append(("docker_config_auth", text, [a], ".json"))
    for i in range(2):
        p = password(r)
        text = f"machine api.heroku.com\n  login ops@example.com\n  password {p}\n"
        out.append(("netrc_password", text, [p], ".netrc"))
    for i in range(2):
        kid = "LTAI5t" + rs(r, 18)
        sec = rs(r, 30)
        text = f"ALIBABA_CLOUD_ACCESS_KEY_ID={kid}\nALIBABA_CLOUD_ACCESS_KEY_SECRET={sec}\n"
        out.append(("alibaba_key_pair", text, [kid, sec], ".env"))
    for i in range(2):
        sid = "AKID" + rs(r, 32)
        sk = rs(r, 32)
        text = f"cred = credential.Credential(\"{sid}\", \"{sk}\")\n"
        out.append(("tencent_key_pair", "from tencentcloud.common import credential\n" + text, [sid, sk], ".py"))
    for i in range(2):
        sid = "AC" + hexs(r, 32)
        tok = hexs(r, 32)
        text = f"account_sid = '{sid}'\nauth_token = '{tok}'\nclient = Client(account_sid, auth_token)\n"
        out.append(("twilio_sid_and_token", "from twilio.rest import Client\n\n" + text, [tok], ".py"))
    return out


# ---------------------------------------------------------------- look-alikes

def lookalikes(r):
    """(kind, text, negatives, ext) for things that look like credentials but are not."""
    out = []
    V = lambda words, val, lang=None: (render(r, lang or r.choice(LANGS), words, val))

    placeholders = [
        ("aws_docs_example", ("aws", "access", "key", "id"), "AKIAIOSFODNN7EXAMPLE"),
        ("aws_docs_example", ("aws", "secret", "access", "key"), "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
        ("placeholder_sequence", ("google", "api", "key"), "AIzaSyabcdefghijklmnopqrstuvwxyz1234567"),
        ("placeholder_sequence", ("slack", "token"), "xoxp-1234567890"),
        ("placeholder_sequence", ("slack", "bot", "token"), "xoxb-your-bot-token"),
        ("placeholder_truncated", ("openai", "api", "key"), "sk-..."),
        ("placeholder_truncated", ("openai", "api", "key"), "sk-proj-..."),
        ("placeholder_angle", ("api", "token"), "<YOUR_TOKEN>"),
        ("placeholder_angle", ("api", "key"), "<your-api-key>"),
        ("placeholder_angle", ("password",), "<password>"),
        ("placeholder_x", ("github", "token"), "ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"),
        ("placeholder_x", ("github", "token"), "ghp_xxxxxxxx"),
        ("placeholder_x", ("stripe", "secret", "key"), "sk_live_xxxxxxxxxxxxxxxxxxxxxxxx"),
        ("placeholder_x", ("twilio", "account", "sid"), "ACxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"),
        ("placeholder_x", ("sendgrid", "api", "key"), "SG.xxxxxxxxxxxxxxxxxxxxxx.xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"),
        ("placeholder_words", ("api", "key"), "your-api-key-here"),
        ("placeholder_words", ("api", "key"), "YOUR_API_KEY"),
        ("placeholder_words", ("secret", "key"), "change-me"),
        ("placeholder_words", ("password",), "changeme"),
        ("placeholder_words", ("password",), "REPLACE_ME"),
        ("placeholder_words", ("client", "secret"), "your_client_secret"),
        ("placeholder_words", ("auth", "token"), "INSERT_TOKEN_HERE"),
        ("placeholder_words", ("hf", "token"), "hf_your_token_here"),
        ("placeholder_words", ("anthropic", "api", "key"), "sk-ant-your-key"),
        ("placeholder_mask", ("password",), "********"),
        ("placeholder_mask", ("api", "key"), "****************"),
        ("placeholder_mask", ("token",), "REDACTED"),
        ("placeholder_mask", ("password",), "[redacted]"),
        ("placeholder_sequence", ("api", "key"), "1234567890abcdef1234567890abcdef"),
        ("placeholder_sequence", ("secret",), "abcdefghijklmnopqrstuvwxyz"),
        ("placeholder_sequence", ("token",), "0000000000000000000000000000000000000000"),
        ("placeholder_sequence", ("api", "key"), "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"),
        ("placeholder_words", ("gitlab", "token"), "glpat-XXXXXXXXXXXXXXXXXXXX"),
        ("placeholder_words", ("npm", "token"), "npm_XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX"),
        ("placeholder_words", ("aws", "secret", "access", "key"), "YOUR_SECRET_ACCESS_KEY"),
        ("placeholder_words", ("database", "password"), "your_password"),
        ("placeholder_words", ("vault", "token"), "hvs.example"),
        ("placeholder_words", ("databricks", "token"), "dapi<your-token>"),
        ("placeholder_words", ("password",), "password"),
        ("placeholder_words", ("password",), "secret"),
        ("placeholder_words", ("password",), "test"),
        ("placeholder_words", ("password",), "example"),
        ("placeholder_words", ("token",), "dummy-token"),
        ("placeholder_words", ("api", "key"), "test-api-key"),
        ("placeholder_words", ("api", "key"), "fake_api_key_for_tests"),
    ]
    for kind, words, val in placeholders:
        for i in range(2):
            out.append((kind, V(words, val), [val]))

    nonvals = [
        ("non_credential_value", "password = ,.:-¨@*¿?!\n", ",.:-¨@*¿?!"),
        ("non_credential_value", "password_field = \"password\"\nusername_field = \"username\"\n", "password_field = \"password\""),
        ("non_credential_value", "PASSWORD_INPUT_NAME = 'password'\n", "PASSWORD_INPUT_NAME = 'password'"),
        ("form_label", "<label for=\"password\">Password:</label>\n<input type=\"password\" id=\"password\" name=\"password\" required>\n", "name=\"password\""),
        ("form_label", "<input type=\"password\" placeholder=\"Enter your password\" autocomplete=\"current-password\">\n", "Enter your password"),
        ("i18n_string", "{\n  \"auth.password.label\": \"Password\",\n  \"auth.password.forgot\": \"Forgot your password?\"\n}\n", "Forgot your password?"),
        ("i18n_string", "msgid \"Password\"\nmsgstr \"Mot de passe\"\n", "Mot de passe"),
        ("i18n_string", "password.reset.title=Passwort zurücksetzen\npassword.too_short=Das Passwort ist zu kurz\n", "Passwort zurücksetzen"),
        ("i18n_string", "  password_hint: \"Utilisez au moins 12 caractères\"\n", "Utilisez au moins 12 caractères"),
        ("config_metadata", "PASSWORD_MIN_LENGTH = 12\nPASSWORD_HASHERS = ['django.contrib.auth.hashers.Argon2PasswordHasher']\n", "django.contrib.auth.hashers.Argon2PasswordHasher"),
        ("config_metadata", "token_type = \"Bearer\"\nexpires_in = 3600\n", "token_type = \"Bearer\""),
        ("config_metadata", "auth_method: oauth2\nauth_url: https://login.example.com/oauth2/authorize\n", "auth_url: https://login.example.com/oauth2/authorize"),
        ("config_metadata", "secret_name: db-credentials\nsecret_version: latest\n", "secret_name: db-credentials"),
        ("config_metadata", "KEY_FILE = \"/etc/ssl/private/server.key\"\nCERT_FILE = \"/etc/ssl/certs/server.crt\"\n", "/etc/ssl/private/server.key"),
        ("config_metadata", "TOKEN_URL = \"https://oauth2.googleapis.com/token\"\n", "https://oauth2.googleapis.com/token"),
        ("config_metadata", "api_version = \"2023-10-16\"\napi_base = \"https://api.stripe.com\"\n", "api_version = \"2023-10-16\""),
        ("config_metadata", "password: null\ntoken: ~\n", "password: null"),
        ("config_metadata", "\"requirePassword\": true,\n\"passwordExpiryDays\": 90,\n", "\"passwordExpiryDays\": 90"),
        ("config_metadata", "key_length = 2048\nkey_algorithm = \"RSA\"\n", "key_algorithm = \"RSA\""),
        ("function_call", "password = getpass.getpass(\"Password: \")\n", "getpass.getpass(\"Password: \")"),
        ("function_call", "token = generate_token(user_id=user.id, ttl=3600)\n", "generate_token(user_id=user.id, ttl=3600)"),
        ("function_call", "secret = client.access_secret_version(name=secret_path)\n", "client.access_secret_version(name=secret_path)"),
        ("function_call", "const apiKey = await vault.read('secret/data/payments');\n", "vault.read('secret/data/payments')"),
        ("function_call", "String password = System.console().readPassword(\"Password: \").toString();\n", "System.console().readPassword(\"Password: \")"),
        ("function_call", "hashed = bcrypt.hashpw(password.encode(), bcrypt.gensalt(rounds=12))\n", "bcrypt.gensalt(rounds=12)"),
        ("error_message", "raise ValueError(\"password must contain at least one digit\")\n", "password must contain at least one digit"),
        ("error_message", "log.warning(\"token expired for user %s, refreshing\", user_id)\n", "token expired for user %s, refreshing"),
        ("error_message", "throw new Error('Invalid API key provided');\n", "Invalid API key provided"),
        ("doc_text", "# The secret key is read from the SECRET_KEY environment variable; never commit it.\n", "never commit it"),
        ("doc_text", "    :param api_key: the API key issued by the provider dashboard\n", "the API key issued by the provider dashboard"),
        ("doc_text", "// keyToken is a placeholder that the template engine replaces at render time\n", "keyToken is a placeholder"),
    ]
    for kind, text, neg in nonvals:
        for i in range(2):
            pre = r.choice(["", "# settings\n", "\n"])
            out.append((kind, pre + text, [neg]))

    envrefs = [
        ("python", "API_KEY = os.environ[\"API_KEY\"]\n", "os.environ[\"API_KEY\"]"),
        ("python", "password = os.getenv('DB_PASSWORD', '')\n", "os.getenv('DB_PASSWORD', '')"),
        ("js", "const token = process.env.GITHUB_TOKEN;\n", "process.env.GITHUB_TOKEN"),
        ("shell", "export AWS_SECRET_ACCESS_KEY=\"${AWS_SECRET_ACCESS_KEY:?missing}\"\n", "${AWS_SECRET_ACCESS_KEY:?missing}"),
        ("yaml", "env:\n  GITHUB_TOKEN: ${{ secrets.GITHUB_TOKEN }}\n  NPM_TOKEN: ${{ secrets.NPM_TOKEN }}\n", "${{ secrets.NPM_TOKEN }}"),
        ("yaml", "password: {{ .Values.postgresql.auth.password | quote }}\n", "{{ .Values.postgresql.auth.password | quote }}"),
        ("yaml", "        - name: DB_PASSWORD\n          valueFrom:\n            secretKeyRef:\n              name: db-credentials\n              key: password\n", "secretKeyRef"),
        ("ini", "password = %(DB_PASSWORD)s\n", "%(DB_PASSWORD)s"),
        ("dockerfile", "RUN --mount=type=secret,id=npmrc,target=/root/.npmrc npm ci\n", "--mount=type=secret,id=npmrc"),
        ("terraform", "password = var.db_password\n", "var.db_password"),
        ("terraform", "api_key = data.vault_generic_secret.datadog.data[\"api_key\"]\n", "data.vault_generic_secret.datadog.data[\"api_key\"]"),
        ("yaml", "MasterUserPassword: '{{resolve:secretsmanager:prod/db:SecretString:password}}'\n", "{{resolve:secretsmanager:prod/db:SecretString:password}}"),
        ("yaml", "DBPassword: !Ref DatabasePassword\n", "!Ref DatabasePassword"),
        ("csharp", "var key = Configuration[\"Stripe:SecretKey\"];\n", "Configuration[\"Stripe:SecretKey\"]"),
        ("java", "String secret = System.getenv(\"JWT_SECRET\");\n", "System.getenv(\"JWT_SECRET\")"),
        ("go", "token := os.Getenv(\"SLACK_BOT_TOKEN\")\n", "os.Getenv(\"SLACK_BOT_TOKEN\")"),
        ("ruby", "Stripe.api_key = Rails.application.credentials.dig(:stripe, :secret_key)\n", "Rails.application.credentials.dig(:stripe, :secret_key)"),
        ("php", "$password = getenv('MYSQL_PASSWORD');\n", "getenv('MYSQL_PASSWORD')"),
        ("env", "DATABASE_URL=postgres://${DB_USER}:${DB_PASSWORD}@${DB_HOST}:5432/app\n", "${DB_PASSWORD}"),
        ("properties", "spring.datasource.password=${SPRING_DATASOURCE_PASSWORD}\n", "${SPRING_DATASOURCE_PASSWORD}"),
        ("xml", "<add key=\"ClearTextPassword\" value=\"%NUGET_PASSWORD%\" />\n", "%NUGET_PASSWORD%"),
        ("shell", "curl -u \"$USER:$API_TOKEN\" https://api.example.com\n", "$USER:$API_TOKEN"),
        ("shell", "TOKEN=$(cat /run/secrets/api_token)\n", "$(cat /run/secrets/api_token)"),
        ("yaml", "password: vault:secret/data/app#db_password\n", "vault:secret/data/app#db_password"),
        ("shell", "export OP_TOKEN=$(op read \"op://Prod/Stripe/credential\")\n", "op://Prod/Stripe/credential"),
    ]
    for lang, text, neg in envrefs:
        for i in range(2):
            out.append(("env_reference", text if i == 0 else "\n" + text, [neg]))

    # hashes on hash lines
    for i in range(16):
        pkg = r.choice(["lodash", "react-dom", "@babel/core", "webpack", "typescript", "eslint", "chalk", "debug"])
        integ = "sha512-" + b64(r, 64)
        text = (f"    \"node_modules/{pkg}\": {{\n      \"version\": \"{r.randint(1, 18)}.{r.randint(0, 20)}.{r.randint(0, 9)}\",\n"
                f"      \"resolved\": \"https://registry.npmjs.org/{pkg}/-/{pkg.split('/')[-1]}-4.17.21.tgz\",\n      \"integrity\": \"{integ}\"\n    }},\n")
        out.append(("lockfile_integrity", text, [integ]))
    for i in range(10):
        h = hexs(r, 40)
        text = f"\"{r.choice(['lodash', 'ms', 'debug'])}@^4.1.0\":\n  version \"4.1.{r.randint(0, 9)}\"\n  resolved \"https://registry.yarnpkg.com/ms/-/ms-2.1.2.tgz#{h}\"\n"
        out.append(("lockfile_yarn_sha1", text, [h]))
    for i in range(10):
        hs = [hexs(r, 64) for _ in range(2)]
        text = (f"[[package]]\nname = \"{r.choice(['requests', 'urllib3', 'idna', 'certifi'])}\"\nversion = \"2.{r.randint(0, 31)}.0\"\nfiles = [\n"
                f"    {{file = \"x-py3-none-any.whl\", hash = \"sha256:{hs[0]}\"}},\n    {{file = \"x.tar.gz\", hash = \"sha256:{hs[1]}\"}},\n]\n")
        out.append(("lockfile_poetry_hash", text, hs))
    for i in range(8):
        h = hexs(r, 64)
        text = f"[[package]]\nname = \"serde\"\nversion = \"1.0.{r.randint(100, 210)}\"\nsource = \"registry+https://github.com/rust-lang/crates.io-index\"\nchecksum = \"{h}\"\n"
        out.append(("lockfile_cargo_checksum", text, [h]))
    for i in range(8):
        h1, h2 = b64(r, 32), b64(r, 32)
        mod = r.choice(["github.com/stretchr/testify", "golang.org/x/net", "google.golang.org/grpc"])
        text = f"{mod} v1.{r.randint(1, 60)}.0 h1:{h1}\n{mod} v1.{r.randint(1, 60)}.0/go.mod h1:{h2}\n"
        out.append(("go_sum_hash", text, [h1, h2]))
    for i in range(8):
        h = hexs(r, 64)
        text = f"requests==2.31.0 \\\n    --hash=sha256:{h}\n"
        out.append(("pip_hash", text, [h]))
    for i in range(10):
        h = hexs(r, 64)
        f = r.choice(["node-v20.11.0-linux-x64.tar.xz", "terraform_1.7.3_linux_amd64.zip", "go1.22.0.linux-amd64.tar.gz"])
        text = r.choice([f"{h}  {f}\n", f"echo \"{h}  {f}\" | sha256sum -c -\n", f"SHA256 ({f}) = {h}\n"])
        out.append(("checksum_line", text, [h]))
    for i in range(12):
        h = hexs(r, 40)
        text = r.choice([f"commit {h}\nAuthor: build-bot <ci@example.invalid>\n", f"* fix: handle empty payloads ({h[:7]})\n  see https://github.com/acme/api/commit/{h}\n",
                         f"  rev: {h}  # pre-commit pinned revision\n", f"RUN git checkout {h}\n"])
        out.append(("git_sha", text, [h]))
    for i in range(10):
        h = hexs(r, 64)
        text = r.choice([f"FROM python:3.11-slim@sha256:{h}\n", f"image: ghcr.io/acme/api@sha256:{h}\n"])
        out.append(("docker_digest", text, [h]))
    for i in range(8):
        h = "sha384-" + b64(r, 48)
        text = f"<script src=\"https://cdn.jsdelivr.net/npm/bootstrap@5.3.2/dist/js/bootstrap.bundle.min.js\" integrity=\"{h}\" crossorigin=\"anonymous\"></script>\n"
        out.append(("sri_integrity", text, [h]))
    for i in range(8):
        w = rs(r, 8, LOWER).encode()
        h = hashlib.sha256(w).hexdigest()
        text = f"def test_digest():\n    assert sha256(b\"{w.decode()}\").hexdigest() == \"{h}\"\n"
        out.append(("test_vector", text, [h]))
    for i in range(6):
        w = rs(r, 10, LOWER).encode()
        h = hashlib.md5(w).hexdigest()
        text = f"    {{\"input\": \"{w.decode()}\", \"md5\": \"{h}\"}},\n"
        out.append(("test_vector", text, [h]))
    tv = [("RFC 4231 test case 2 key", "4a656665"), ("AES-128 FIPS-197 key", "000102030405060708090a0b0c0d0e0f"),
          ("SHA-256(\"abc\")", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
          ("SHA-1(\"abc\")", "a9993e364706816aba3e25717850c26c9cd0d89d"), ("MD5(\"\")", "d41d8cd98f00b204e9800998ecf8427e"),
          ("SHA-256(\"\")", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")]
    for name, h in tv:
        for i in range(2):
            out.append(("test_vector", f"# {name}\nEXPECTED = \"{h}\"\n" if i == 0 else f"    {{ \"{name}\", \"{h}\" }},\n", [h]))
    # UUIDs as ids
    for i in range(24):
        u = str(uuid.UUID(int=r.getrandbits(128), version=4))
        text = r.choice([f"{{\"id\": \"{u}\", \"status\": \"active\"}}\n", f"request_id={u} status=200 duration_ms=41\n",
                         f"<ProjectGuid>{{{u.upper()}}}</ProjectGuid>\n", f"  uid: {u}\n  resourceVersion: \"{r.randint(10 ** 5, 10 ** 7)}\"\n",
                         f"TENANT_ID = \"{u}\"\n", f"ARM_SUBSCRIPTION_ID={u}\n", f"order = Order.objects.get(uuid=\"{u}\")\n",
                         f"\"correlationId\": \"{u}\",\n"])
        neg = u.upper() if "ProjectGuid" in text else u
        out.append(("uuid_identifier", text, [neg]))
    # CSS/webpack hashes
    for i in range(20):
        h = hexs(r, r.choice([8, 16, 20]))
        text = r.choice([f"<script defer src=\"/static/js/main.{h}.js\"></script>\n", f"  \"main.css\": \"/static/css/main.{h}.css\",\n",
                         f".css-{rs(r, 6, LOWER + DIGITS)} {{ color: #333; }}\n", f"import styles from './Button.module.css'; // hashed to Button_root__{h[:5]}\n",
                         f"chunk {r.randint(100, 999)}.{h}.js 12.4 KiB [emitted] [immutable]\n", f"<link rel=\"stylesheet\" href=\"/assets/app-{h}.css\">\n"])
        neg = h if h in text else text.split(".css-")[1].split(" ")[0] if ".css-" in text else h[:5]
        out.append(("asset_hash", text, [neg]))
    # base64 images / fonts
    for i in range(14):
        png = base64.b64encode(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + rnd(r, 90)).decode()
        woff = base64.b64encode(b"wOF2\x00\x01\x00\x00" + rnd(r, 120)).decode()
        text = r.choice([f"<img alt=\"logo\" src=\"data:image/png;base64,{png}\">\n", f".icon {{ background-image: url(data:image/png;base64,{png}); }}\n",
                         f"@font-face {{ font-family: 'Inter'; src: url(data:font/woff2;base64,{woff}) format('woff2'); }}\n"])
        out.append(("base64_media", text, [png if png in text else woff]))
    # public keys and publishable keys
    for i in range(10):
        blob = base64.b64encode(b"\x00\x00\x00\x07ssh-rsa\x00\x00\x00\x03\x01\x00\x01\x00\x00\x01\x01\x00" + rnd(r, 256)).decode()
        user = r.choice(["alice@laptop", "deploy@ci", "jenkins@build-01"])
        out.append(("ssh_public_key", f"ssh-rsa {blob} {user}\n", [blob]))
    for i in range(8):
        blob = base64.b64encode(b"\x00\x00\x00\x0bssh-ed25519\x00\x00\x00\x20" + rnd(r, 32)).decode()
        out.append(("ssh_public_key", f"authorized_keys:\n  - ssh-ed25519 {blob} ops@bastion\n", [blob]))
    for i in range(8):
        lines = pem_lines(b"\x30\x82\x01\x22\x30\x0d\x06\x09\x2a\x86\x48\x86\xf7\x0d\x01\x01\x01\x05\x00\x03\x82\x01\x0f\x00" + rnd(r, 270))
        out.append(("pem_public_key", "-----BEGIN PUBLIC KEY-----\n" + "\n".join(lines) + "\n-----END PUBLIC KEY-----\n", lines[:2]))
    for i in range(8):
        lines = pem_lines(b"\x30\x82\x03\x8d\x30\x82\x02\x75\xa0\x03\x02\x01\x02" + rnd(r, 880))
        out.append(("pem_certificate", "-----BEGIN CERTIFICATE-----\n" + "\n".join(lines) + "\n-----END CERTIFICATE-----\n", lines[:2]))
    pubs = [("stripe_publishable_key", ("stripe", "publishable", "key"), lambda: "pk_live_51" + rs(r, 97)),
            ("stripe_publishable_key", ("stripe", "publishable", "key"), lambda: "pk_test_51" + rs(r, 97)),
            ("mapbox_public_token", ("mapbox", "access", "token"), lambda: "pk.eyJ1Ijoi" + rs(r, 60) + "." + rs(r, 22, ALNUM + "-_")),
            ("posthog_project_key", ("posthog", "key"), lambda: "phc_" + rs(r, 43)),
            ("recaptcha_site_key", ("recaptcha", "site", "key"), lambda: "6L" + rs(r, 38, ALNUM + "-_")),
            ("google_oauth_client_id", ("google", "client", "id"), lambda: f"{r.randint(10 ** 11, 10 ** 12)}-{rs(r, 32, LOWER + DIGITS)}.apps.googleusercontent.com"),
            ("age_public_key", ("age", "recipient"), lambda: "age1" + rs(r, 58, "qpzry9x8gf2tvdw0s3jn54khce6mua7l")),
            ("sentry_dsn_public", ("sentry", "dsn"), lambda: f"https://{hexs(r, 32)}@o{r.randint(10 ** 5, 10 ** 6)}.ingest.sentry.io/{r.randint(10 ** 6, 10 ** 7)}"),
            ("algolia_app_id", ("algolia", "app", "id"), lambda: rs(r, 10, UPPER + DIGITS)),
            ("clerk_publishable_key", ("next", "public", "clerk", "publishable", "key"), lambda: "pk_live_" + base64.b64encode(f"clerk.{rs(r, 6, LOWER)}.com$".encode()).decode().rstrip("="))]
    for kind, words, g in pubs:
        for i in range(4):
            v = g()
            out.append((kind, V(words, v), [v]))
    # ids in URLs
    for i in range(24):
        t = r.randrange(6)
        if t == 0:
            v = rs(r, 11, ALNUM + "-_"); text = f"<iframe src=\"https://www.youtube.com/embed/{v}\"></iframe>\n"
        elif t == 1:
            v = rs(r, 44, ALNUM + "-_"); text = f"See the design doc: https://docs.google.com/document/d/{v}/edit\n"
        elif t == 2:
            v = hexs(r, 40); text = f"// ported from https://github.com/acme/parser/blob/{v}/src/lexer.c#L120\n"
        elif t == 3:
            v = hexs(r, 32); text = f"Gist: https://gist.github.com/octo-dev/{v}\n"
        elif t == 4:
            v = rs(r, 22, ALNUM); text = f"[dashboard](https://app.example.com/d/{v}/service-overview?orgId=1)\n"
        else:
            v = rs(r, 24, LOWER + DIGITS); text = f"fetch(`https://api.example.com/v1/orders/${{orderId}}/items?cursor={v}`)\n"
        out.append(("id_in_url", text, [v]))
    # versions / build metadata
    for i in range(20):
        v = r.choice([f"{r.randint(0, 9)}.{r.randint(0, 30)}.{r.randint(0, 99)}-rc.{r.randint(1, 5)}+build.{hexs(r, 7)}",
                      f"{r.randint(0, 3)}.{r.randint(0, 20)}.{r.randint(0, 9)}.dev{r.randint(1, 99)}+g{hexs(r, 8)}",
                      f"v{r.randint(1, 9)}.{r.randint(0, 40)}.{r.randint(0, 20)}", f"{r.randint(2019, 2025)}.{r.randint(1, 12)}.{r.randint(1, 28)}.post1"])
        text = r.choice([f"__version__ = \"{v}\"\n", f"  \"version\": \"{v}\",\n", f"LABEL org.opencontainers.image.version=\"{v}\"\n", f"appVersion: {v}\n"])
        out.append(("version_string", text, [v]))
    # cloud resource ids
    for i in range(16):
        t = r.randrange(5)
        v = [f"ami-0{hexs(r, 16)}", f"sg-0{hexs(r, 16)}", f"arn:aws:iam::{r.randint(10 ** 11, 10 ** 12 - 1)}:role/{r.choice(['deployer', 'lambda-exec'])}",
             f"vpc-0{hexs(r, 16)}", f"projects/{r.choice(['acme-prod', 'data-eu'])}/secrets/{r.choice(['db-password', 'api-key'])}/versions/latest"][t]
        text = r.choice([f"resource_id = \"{v}\"\n", f"  - {v}\n", f"target: {v}\n"])
        out.append(("cloud_resource_id", text, [v]))
    # long identifiers / misc
    misc = ["AbstractSingletonProxyFactoryBean", "InternalFrameTitlePaneMaximizeButtonWindowNotFocusedState",
            "XMLHttpRequestEventTarget", "TestUserCanResetPasswordWithValidToken", "handleOAuthCallbackAndPersistRefreshToken",
            "SECRET_KEY_BASE_DUMMY", "PASSWORD_RESET_TIMEOUT", "AUTH_TOKEN_HEADER_NAME", "ApiKeyAuthenticationHandler",
            "access_token_expires_in_seconds"]
    for m in misc:
        for i in range(2):
            out.append(("identifier", r.choice([f"class {m}:\n    pass\n", f"const {m} = require('./{m}');\n", f"{m} = 3600\n"]), [m]))
    for i in range(10):
        v = "#" + hexs(r, 6)
        out.append(("hex_color", f"  --brand-primary: {v};\n  --brand-secondary: #{hexs(r, 6)};\n", [v]))
    for i in range(8):
        v = rs(r, 8, LOWER + DIGITS)
        out.append(("short_random_id", f"<div id=\"modal-{v}\" class=\"modal\">\n", [v]))
    return out


# ---------------------------------------------------------------- build

def build(rng):
    cases = Cases("secret", CAT)

    def add(kind, text, positives, negatives, ext, source):
        cases.add(kind, text, positives, negatives, source, ext=ext)

    for kind, (gen, names) in KINDS.items():
        n = GENERIC_COUNTS.get(kind, 3)
        langs = rng.sample(LANGS, min(n, len(LANGS))) if n <= len(LANGS) else [rng.choice(LANGS) for _ in range(n)]
        for i in range(n):
            v = gen(rng)
            lang = langs[i]
            words = rng.choice(names)
            if " " in v and lang in ("env", "properties", "ini", "yaml", "dockerfile"):
                lang = "python"
            add(kind, render(rng, lang, words, v), [v], [], EXT[lang], "synthetic:format")
    for kind, text, positives, ext in structured(rng):
        add(kind, text, positives, [], ext, "synthetic:format")
    for kind, text, negatives in lookalikes(rng):
        add("lookalike_" + kind, text, [], negatives, ".txt", "synthetic:lookalike")
    return cases
