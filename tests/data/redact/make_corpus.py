"""Writes the redaction test corpus: ``positives.jsonl`` and ``negatives.jsonl`` beside this file.

    python tests/data/redact/make_corpus.py

Every secret here is FAKE: drawn from ``random.Random(SEED)`` in the documented
format of its issuer (prefix, alphabet, length, checksum where the format has one),
so the files are the same on every run and no credential of anyone is in them.

A positive is a realistic snippet (a file's worth of code or config) with the
exact strings that must not survive redaction; a negative is a snippet that
looks like one (hashes, UUIDs, base64 images, lorem tokens, placeholders,
versions, private and documentation IPs, public keys) where nothing may change.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
import random
import string
import uuid

SEED = 20240611
HERE = os.path.dirname(os.path.abspath(__file__))

LOWER, UPPER, DIGITS = string.ascii_lowercase, string.ascii_uppercase, string.digits
ALNUM = LOWER + UPPER + DIGITS
HEX = "0123456789abcdef"
B64 = ALNUM + "+/"
B64URL = ALNUM + "-_"
BASE32 = UPPER + "234567"
BECH32 = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"


class Gen:
    """Format-valid fake secrets from one seeded generator."""

    def __init__(self, seed: int):
        self.rng = random.Random(seed)

    def s(self, alphabet: str, n: int) -> str:
        return "".join(self.rng.choice(alphabet) for _ in range(n))

    def digits(self, n: int) -> str:
        return self.rng.choice("123456789") + self.s(DIGITS, n - 1)

    def uuid(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def b64bytes(self, n: int, urlsafe: bool = False) -> str:
        raw = bytes(self.rng.getrandbits(8) for _ in range(n))
        return (base64.urlsafe_b64encode(raw).decode().rstrip("=") if urlsafe else base64.b64encode(raw).decode())

    @staticmethod
    def base62(n: int, width: int) -> str:
        out = ""
        while n:
            n, r = divmod(n, 62)
            out = (DIGITS + UPPER + LOWER)[r] + out
        return out.rjust(width, "0")

    def checksummed(self, prefix: str, n: int = 30) -> str:
        """GitHub/npm token layout: prefix, n random base62, 6-char base62 CRC32 of them."""
        body = self.s(ALNUM, n)
        return prefix + body + self.base62(binascii.crc32(body.encode()), 6)

    def jwt(self, claims: dict) -> str:
        def part(obj):
            return base64.urlsafe_b64encode(json.dumps(obj, separators=(",", ":")).encode()).decode().rstrip("=")

        return f"{part({'alg': 'HS256', 'typ': 'JWT'})}.{part(claims)}.{self.b64bytes(32, urlsafe=True)}"

    def pem_body(self, nbytes: int) -> list:
        body = self.b64bytes(nbytes)
        return [body[i:i + 64] for i in range(0, len(body), 64)]


# --- the formats ---------------------------------------------------------------------------
def formats(g: Gen):
    """kind -> (service words, value factory, syntaxes or None for any)."""
    return {
        "aws_access_key_id": (("aws", "access", "key", "id"), lambda: "AKIA" + g.s(BASE32, 16), None),
        "aws_secret_access_key": (("aws", "secret", "access", "key"), lambda: g.s(B64, 40), "named"),
        "aws_session_token": (("aws", "session", "token"), lambda: "IQoJb3JpZ2luX2VjE" + g.s(B64, 340), None),
        "gcp_api_key": (("google", "api", "key"), lambda: "AIza" + g.s(B64URL, 35), None),
        "gcp_oauth_client_secret": (("google", "client", "secret"), lambda: "GOCSPX-" + g.s(B64URL, 28), None),
        "google_oauth_access_token": (("google", "access", "token"), lambda: "ya29.a0" + g.s(B64URL, 120), None),
        "google_oauth_refresh_token": (("google", "refresh", "token"), lambda: "1//0g" + g.s(B64URL, 96), None),
        "azure_storage_account_key": (("azure", "storage", "connection"),
                                      lambda: g.b64bytes(64), "connection"),
        "azure_shared_access_key": (("service", "bus", "connection"), lambda: g.b64bytes(32), "sb_connection"),
        "azure_sas_token": (("azure", "sas", "url"), lambda: g.b64bytes(32).replace("+", "%2B").replace("/", "%2F")
                            .replace("=", "%3D"), "sas"),
        "azure_ad_client_secret": (("azure", "client", "secret"),
                                   lambda: g.s(ALNUM, 3) + g.s(DIGITS, 1) + "Q~" + g.s(ALNUM + "_~.-", 34), None),
        "digitalocean_token": (("digitalocean", "token"), lambda: "dop_v1_" + g.s(HEX, 64), None),
        "alibaba_access_key_id": (("alibaba", "access", "key", "id"), lambda: "LTAI" + g.s(ALNUM, 20), None),
        "heroku_api_key": (("heroku", "api", "key"), lambda: "HRKU-AA" + g.s(B64URL, 58), None),
        "github_token": (("github", "token"), lambda: g.checksummed(g.rng.choice(["ghp_", "gho_", "ghs_", "ghu_"])),
                         None),
        "github_fine_grained_pat": (("github", "pat"),
                                    lambda: "github_pat_" + g.s(ALNUM, 22) + "_" + g.s(ALNUM, 59), None),
        "gitlab_token": (("gitlab", "token"), lambda: g.rng.choice(["glpat-", "gldt-", "glrt-"]) + g.s(B64URL, 20),
                         None),
        "bitbucket_app_password": (("bitbucket", "app", "password"), lambda: "ATBB" + g.s(ALNUM, 32), None),
        "atlassian_api_token": (("jira", "api", "token"), lambda: "ATATT3xFfGF0" + g.s(B64URL, 176) + "=" +
                                g.s(HEX.upper(), 8), None),
        "npm_token": (("npm", "token"), lambda: g.checksummed("npm_"), None),
        "pypi_token": (("pypi", "token"), lambda: "pypi-AgEIcHlwaS5vcmc" + g.s(B64URL, 150), None),
        "rubygems_api_key": (("gem", "host", "api", "key"), lambda: "rubygems_" + g.s(HEX, 48), None),
        "nuget_api_key": (("nuget", "api", "key"), lambda: "oy2" + g.s(LOWER + DIGITS, 43), None),
        "dockerhub_token": (("docker", "hub", "token"), lambda: "dckr_pat_" + g.s(B64URL, 27), None),
        "terraform_cloud_token": (("tfe", "token"), lambda: g.s(ALNUM, 14) + ".atlasv1." + g.s(ALNUM, 67), None),
        "vault_token": (("vault", "token"), lambda: "hvs." + g.s(B64URL, 91), None),
        "pulumi_token": (("pulumi", "access", "token"), lambda: "pul-" + g.s(HEX, 40), None),
        "doppler_token": (("doppler", "token"), lambda: "dp.pt." + g.s(ALNUM, 43), None),
        "postman_api_key": (("postman", "api", "key"), lambda: "PMAK-" + g.s(HEX, 24) + "-" + g.s(HEX, 34), None),
        "grafana_token": (("grafana", "token"), lambda: "glsa_" + g.s(ALNUM, 32) + "_" + g.s(HEX, 8), None),
        "newrelic_api_key": (("new", "relic", "api", "key"), lambda: "NRAK-" + g.s(UPPER + DIGITS, 27), None),
        "databricks_token": (("databricks", "token"), lambda: "dapi" + g.s(HEX, 32), None),
        "supabase_token": (("supabase", "access", "token"), lambda: "sbp_" + g.s(HEX, 40), None),
        "planetscale_token": (("planetscale", "service", "token"), lambda: "pscale_tkn_" + g.s(B64URL, 43), None),
        "flyio_token": (("fly", "api", "token"), lambda: "fo1_" + g.s(B64URL, 43), None),
        "dynatrace_token": (("dt", "api", "token"), lambda: "dt0c01." + g.s(UPPER + DIGITS, 24) + "." +
                            g.s(UPPER + DIGITS, 64), None),
        "linear_api_key": (("linear", "api", "key"), lambda: "lin_api_" + g.s(ALNUM, 40), None),
        "figma_token": (("figma", "token"), lambda: "figd_" + g.s(B64URL, 40), None),
        "notion_token": (("notion", "token"), lambda: "ntn_" + g.s(DIGITS, 11) + g.s(ALNUM, 35), None),
        "sentry_token": (("sentry", "auth", "token"), lambda: "sntrys_" + g.jwt({"iat": 1718000000,
                         "url": "https://sentry.io", "org": "acme"}).split(".")[1] + "_" + g.s(B64URL, 43), None),
        "slack_token": (("slack", "bot", "token"), lambda: "xoxb-" + g.digits(12) + "-" + g.digits(13) + "-" +
                        g.s(ALNUM, 24), None),
        "slack_webhook": (("slack", "webhook", "url"), lambda: "https://hooks.slack.com/services/T" +
                          g.s(UPPER + DIGITS, 8) + "/B" + g.s(UPPER + DIGITS, 10) + "/" + g.s(ALNUM, 24), None),
        "slack_app_token": (("slack", "app", "token"), lambda: "xapp-1-A" + g.s(UPPER + DIGITS, 10) + "-" +
                            g.digits(13) + "-" + g.s(HEX, 64), None),
        "discord_bot_token": (("discord", "token"), lambda: base64.b64encode(g.digits(18).encode()).decode()
                              .rstrip("=") + "." + g.s(B64URL, 6) + "." + g.s(B64URL, 27), "discord"),
        "discord_webhook": (("discord", "webhook", "url"), lambda: "https://discord.com/api/webhooks/" +
                            g.digits(18) + "/" + g.s(B64URL, 68), None),
        "telegram_bot_token": (("telegram", "bot", "token"), lambda: g.digits(10) + ":AA" + g.s(B64URL, 33), None),
        "teams_webhook": (("teams", "webhook", "url"), lambda: "https://contoso.webhook.office.com/webhookb2/" +
                          g.uuid() + "@" + g.uuid() + "/IncomingWebhook/" + g.s(HEX, 32) + "/" + g.uuid(), None),
        "openai_api_key": (("openai", "api", "key"), lambda: g.rng.choice([
            "sk-" + g.s(ALNUM, 20) + "T3BlbkFJ" + g.s(ALNUM, 20),
            "sk-proj-" + g.s(B64URL, 74) + "T3BlbkFJ" + g.s(B64URL, 74)]), None),
        "anthropic_api_key": (("anthropic", "api", "key"), lambda: "sk-ant-api03-" + g.s(B64URL, 93) + "AA", None),
        "huggingface_token": (("hf", "token"), lambda: "hf_" + g.s(LOWER + UPPER, 34), None),
        "groq_api_key": (("groq", "api", "key"), lambda: "gsk_" + g.s(ALNUM, 52), None),
        "replicate_api_token": (("replicate", "api", "token"), lambda: "r8_" + g.s(ALNUM, 37), None),
        "perplexity_api_key": (("perplexity", "api", "key"), lambda: "pplx-" + g.s(ALNUM, 48), None),
        "xai_api_key": (("xai", "api", "key"), lambda: "xai-" + g.s(ALNUM, 80), None),
        "stripe_key": (("stripe", "secret", "key"), lambda: g.rng.choice(["sk_live_", "rk_live_", "sk_test_"]) +
                       g.s(ALNUM, g.rng.choice([24, 99])), None),
        "stripe_webhook_secret": (("stripe", "webhook", "secret"), lambda: "whsec_" + g.s(ALNUM, 32), None),
        "twilio_key": (("twilio", "api", "key"), lambda: "SK" + g.s(HEX, 32), "twilio"),
        "sendgrid_api_key": (("sendgrid", "api", "key"), lambda: "SG." + g.s(B64URL, 22) + "." + g.s(B64URL, 43),
                             None),
        "mailgun_api_key": (("mailgun", "api", "key"), lambda: "key-" + g.s(HEX, 32), None),
        "mailchimp_api_key": (("mailchimp", "api", "key"), lambda: g.s(HEX, 32) + "-us" + str(g.rng.randint(1, 21)),
                              None),
        "square_access_token": (("square", "access", "token"), lambda: "EAAA" + g.s(B64URL, 60), None),
        "square_oauth_secret": (("square", "oauth", "secret"), lambda: "sq0csp-" + g.s(B64URL, 43), None),
        "facebook_access_token": (("facebook", "access", "token"), lambda: "EAAB" + g.s(ALNUM, 160), None),
        "shopify_token": (("shopify", "access", "token"), lambda: "shpat_" + g.s(HEX, 32), None),
        "mapbox_secret_token": (("mapbox", "secret", "token"), lambda: "sk." + g.jwt({"u": "acme", "a": "ck" +
                                g.s(LOWER + DIGITS, 20)}).split(".")[1] + "." + g.s(B64URL, 22), None),
        "jwt": (("auth", "token"), lambda: g.jwt({"sub": g.digits(8), "name": "svc", "iat": 1718000000,
                                                  "exp": 1718086400}), None),
        "age_secret_key": (("age", "identity"), lambda: "AGE-SECRET-KEY-1" + g.s(BECH32, 58).upper(), None),
        "django_secret_key": (("django", "secret", "key"), lambda: "django-insecure-" +
                              g.s(LOWER + DIGITS + "!@#$%^&*(-_=+)", 50), "django"),
        "artifactory_token": (("artifactory", "api", "key"), lambda: "AKCp8" + g.s(ALNUM, 68), None),
        "ibm_cloud_iam_key": (("ibm", "cloud", "api", "key"), lambda: g.s(B64URL, 44), "ibm"),
    }


def cases(words):
    words = list(words)
    return {
        "upper": "_".join(w.upper() for w in words),
        "snake": "_".join(words),
        "camel": words[0] + "".join(w.title() for w in words[1:]),
        "pascal": "".join(w.title() for w in words),
        "kebab": "-".join(words),
        "svc": words[0],
        "Svc": words[0].title(),
    }


#: syntax -> (filename, template); ``{v}`` is the value, the rest name the variable
SYNTAXES = {
    "python": ("settings.py", "import os\n\nDEBUG = False\n{upper} = \"{v}\"\nTIMEOUT = 30\n"),
    "python_call": ("client.py", "from {svc}_sdk import Client\n\n\ndef make_client():\n"
                    "    return Client({snake}=\"{v}\", retries=3)\n"),
    "javascript": ("config.js", "// {svc} settings\nconst {camel} = '{v}';\nmodule.exports = {{ {camel} }};\n"),
    "typescript": ("src/api.ts", "export const config = {{\n  baseUrl: \"https://api.{svc}.io\",\n  {camel}: \"{v}\",\n}};\n"),
    "go": ("main.go", "package main\n\nconst {camel} = \"{v}\"\n\nfunc main() {{\n\tc := newClient({camel})\n\tc.Run()\n}}\n"),
    "java": ("src/main/java/com/acme/Config.java", "package com.acme;\n\npublic final class Config {{\n"
             "    public static final String {upper} = \"{v}\";\n}}\n"),
    "csharp": ("Settings.cs", "namespace Acme\n{{\n    public static class Settings\n    {{\n"
               "        public const string {pascal} = \"{v}\";\n    }}\n}}\n"),
    "ruby": ("config/initializers/{svc}.rb", "{Svc}.configure do |config|\n  config.{snake} = '{v}'\n  config.timeout = 5\nend\n"),
    "php": ("config/services.php", "<?php\n\nreturn [\n    '{snake}' => '{v}',\n    'timeout' => 30,\n];\n"),
    "rust": ("src/main.rs", "const {upper}: &str = \"{v}\";\n\nfn main() {{\n    run({upper});\n}}\n"),
    "kotlin": ("App.kt", "object Keys {{\n    const val {upper} = \"{v}\"\n}}\n"),
    "swift": ("Config.swift", "enum Config {{\n    static let {camel} = \"{v}\"\n}}\n"),
    "yaml": ("config.yml", "{svc}:\n  enabled: true\n  {snake}: {v}\n"),
    "yaml_quoted": ("values.yaml", "{svc}:\n  {camel}: \"{v}\"\n  replicas: 2\n"),
    "json": ("config.json", "{{\n  \"name\": \"worker\",\n  \"{camel}\": \"{v}\",\n  \"region\": \"eu-west-1\"\n}}\n"),
    "env": (".env", "NODE_ENV=production\n{upper}={v}\nPORT=8080\n"),
    "shell": ("scripts/deploy.sh", "#!/usr/bin/env bash\nset -euo pipefail\nexport {upper}=\"{v}\"\n./bin/deploy --prod\n"),
    "dockerfile": ("Dockerfile", "FROM python:3.12-slim\nWORKDIR /app\nENV {upper}={v}\nCMD [\"python\", \"app.py\"]\n"),
    "compose": ("docker-compose.yml", "services:\n  app:\n    image: acme/app:1.4\n    environment:\n      - {upper}={v}\n"),
    "properties": ("src/main/resources/application.properties", "server.port=8080\n{svc}.{kebab}={v}\n"),
    "toml": ("config.toml", "[{svc}]\nendpoint = \"https://api.{svc}.io\"\n{snake} = \"{v}\"\n"),
    "ini": ("settings.ini", "[{svc}]\nregion = eu-west-1\n{snake} = {v}\n"),
    "xml": ("App.config", "<configuration>\n  <appSettings>\n    <add key=\"{pascal}\" value=\"{v}\" />\n"
            "  </appSettings>\n</configuration>\n"),
    "terraform": ("main.tf", "provider \"{svc}\" {{\n  {snake} = \"{v}\"\n}}\n"),
    "gha": (".github/workflows/ci.yml", "jobs:\n  test:\n    runs-on: ubuntu-latest\n    env:\n      {upper}: {v}\n"
            "    steps:\n      - run: make test\n"),
    "notebook": ("analysis.ipynb", "{{\n \"cells\": [{{\"cell_type\": \"code\", \"source\": [\"{snake} = '{v}'\\n\", "
                 "\"print(len({snake}))\"]}}]\n}}\n"),
    # formats that carry no variable name: only rules that know the value's own shape find these
    "curl": ("README.md", "Check the token:\n\n```sh\ncurl -s https://api.{svc}.io/v1/me -H 'Authorization: Bearer {v}'\n```\n"),
    "comment": ("deploy/notes.txt", "staging box rebuilt on tuesday\nold key (revoked?) {v}\nask ops before rotating\n"),
    "log": ("debug.log", "2024-05-02 10:11:12 INFO request ok\n2024-05-02 10:11:13 DEBUG using credential {v} for upload\n"),
    "url_param": ("fetch.py", "import requests\n\nresp = requests.get(\"https://api.{svc}.io/v2/items?limit=10&key={v}\")\n"),
}
NAMED = [s for s in SYNTAXES if s not in ("curl", "comment", "log", "url_param")]
ANY = list(SYNTAXES)

SPECIAL = {
    # value -> snippets for kinds whose value lives in a structure of its own
    "connection": [
        ("appsettings.json", "{{\n  \"ConnectionStrings\": {{\n    \"Blob\": \"DefaultEndpointsProtocol=https;"
                             "AccountName=acmeprod;AccountKey={v};EndpointSuffix=core.windows.net\"\n  }}\n}}\n"),
        (".env", "AZURE_STORAGE_CONNECTION_STRING=DefaultEndpointsProtocol=https;AccountName=acmelogs;AccountKey={v};"
                 "EndpointSuffix=core.windows.net\n"),
        ("storage.py", "from azure.storage.blob import BlobServiceClient\n\nconn = (\"DefaultEndpointsProtocol=https;"
                       "AccountName=acmedata;AccountKey={v};EndpointSuffix=core.windows.net\")\n"
                       "client = BlobServiceClient.from_connection_string(conn)\n"),
    ],
    "sb_connection": [
        ("local.settings.json", "{{\n  \"Values\": {{\n    \"ServiceBus\": \"Endpoint=sb://acme.servicebus.windows.net/;"
                                "SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey={v}\"\n  }}\n}}\n"),
        ("Program.cs", "var client = new ServiceBusClient(\"Endpoint=sb://orders.servicebus.windows.net/;"
                       "SharedAccessKeyName=send;SharedAccessKey={v}\");\n"),
        ("eventhub.yaml", "eventhub:\n  connection: \"Endpoint=sb://telemetry.servicebus.windows.net/;"
                          "SharedAccessKeyName=listen;SharedAccessKey={v};EntityPath=events\"\n"),
    ],
    "sas": [
        ("upload.sh", "az storage blob upload --file out.tar \\\n  --blob-url \"https://acme.blob.core.windows.net/backups/"
                      "out.tar?sv=2022-11-02&ss=b&srt=o&sp=rwac&se=2025-06-01T00:00:00Z&st=2024-06-01T00:00:00Z&spr=https&sig={v}\"\n"),
        ("config.py", "BLOB_SAS_URL = \"https://acme.blob.core.windows.net/data?sp=r&st=2024-01-01T00:00:00Z"
                      "&se=2024-12-31T00:00:00Z&spr=https&sv=2022-11-02&sr=c&sig={v}\"\n"),
        ("README.md", "Download with:\n\n    wget 'https://pub.blob.core.windows.net/models/weights.bin?sv=2021-08-06&se=2026-01-01&sr=b&sp=r&sig={v}'\n"),
    ],
    "discord": [
        ("bot.py", "import discord\n\nintents = discord.Intents.default()\nclient = discord.Client(intents=intents)\n\n"
                   "client.run(\"{v}\")\n"),
        ("index.js", "const {{ Client, GatewayIntentBits }} = require('discord.js');\nconst client = new Client({{ intents: "
                     "[GatewayIntentBits.Guilds] }});\nclient.login('{v}');\n"),
        (".env", "DISCORD_TOKEN={v}\nGUILD_ID=112233445566778899\n"),
    ],
    "twilio": [
        ("sms.py", "from twilio.rest import Client\n\naccount_sid = \"AC{h1}\"\napi_key = \"{v}\"\n"
                   "api_secret = \"{s1}\"\nclient = Client(api_key, api_secret, account_sid)\n"),
        (".env", "TWILIO_ACCOUNT_SID=AC{h1}\nTWILIO_API_KEY={v}\nTWILIO_API_SECRET={s1}\n"),
        ("notify.js", "const twilio = require('twilio');\nconst client = twilio('{v}', '{s1}', {{ accountSid: 'AC{h1}' }});\n"),
    ],
    "django": [
        ("mysite/settings.py", "from pathlib import Path\n\nBASE_DIR = Path(__file__).resolve().parent.parent\n\n"
                               "# SECURITY WARNING: keep the secret key used in production secret!\n"
                               "SECRET_KEY = '{v}'\n\nDEBUG = True\n"),
        ("settings/local.py", "from .base import *  # noqa\n\nSECRET_KEY = \"{v}\"\nALLOWED_HOSTS = [\"*\"]\n"),
        (".env", "DJANGO_SECRET_KEY='{v}'\nDJANGO_DEBUG=1\n"),
    ],
    "ibm": [
        ("cos.py", "import ibm_boto3\n\ncos = ibm_boto3.client('s3', ibm_api_key_id='{v}',\n"
                   "                        ibm_service_instance_id='crn:v1:bluemix:public:cloud-object-storage:global')\n"),
        (".env", "IBM_CLOUD_API_KEY={v}\nIBM_REGION=us-south\n"),
        ("config.yaml", "ibmcloud:\n  api_key: {v}\n  region: eu-de\n"),
    ],
}


def render(template: str, words, value: str, extra=None) -> str:
    fields = dict(cases(words), v=value)
    fields.update(extra or {})
    return template.format(**fields)


# --- positives --------------------------------------------------------------------------
def positives(g: Gen):
    out = []

    def add(kind, syntax, filename, text, secrets):
        for secret in secrets:
            assert secret in text, (kind, syntax, secret)
        out.append({"id": f"pos-{len(out):03d}", "kind": kind, "syntax": syntax, "filename": filename,
                    "text": text, "secrets": list(secrets)})

    for kind, (words, make, where) in formats(g).items():
        if where in SPECIAL:
            for filename, template in SPECIAL[where]:
                value = make()
                extra = {"h1": g.s(HEX, 32), "s1": g.s(ALNUM, 32)} if where == "twilio" else None
                text = render(template, words, value, extra)
                secrets = [value] + ([extra["s1"]] if extra else [])
                add(kind, os.path.splitext(filename)[1].lstrip(".") or filename, filename, text, secrets)
            continue
        pool = NAMED if where == "named" else ANY
        for syntax in g.rng.sample(pool, 3):
            value = make()
            filename, template = SYNTAXES[syntax]
            add(kind, syntax, render(filename, words, ""), render(template, words, value), [value])

    # --- private keys ---
    for label, nbytes, filename in (("RSA PRIVATE KEY", 1190, "deploy/id_rsa"), ("EC PRIVATE KEY", 121, "certs/ec.pem"),
                                    ("OPENSSH PRIVATE KEY", 400, ".ssh/id_ed25519"),
                                    ("PRIVATE KEY", 1216, "tls/server.key")):
        lines = g.pem_body(nbytes)
        text = f"-----BEGIN {label}-----\n" + "\n".join(lines) + f"\n-----END {label}-----\n"
        add("private_key", "pem", filename, text, lines)
    lines = g.pem_body(1190)
    text = ("-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC," + g.s(HEX.upper(), 32) +
            "\n\n" + "\n".join(lines) + "\n-----END RSA PRIVATE KEY-----\n")
    add("private_key", "pem_encrypted", "keys/legacy.pem", text, lines)
    lines = g.pem_body(1216)
    body = "\\n".join(lines)
    key_id = g.s(HEX, 40)
    text = json.dumps({
        "type": "service_account", "project_id": "acme-prod-4821", "private_key_id": key_id,
        "private_key": "-----BEGIN PRIVATE KEY-----\n" + "\n".join(lines) + "\n-----END PRIVATE KEY-----\n",
        "client_email": "loader@acme-prod-4821.iam.gserviceaccount.com", "client_id": g.digits(21),
        "auth_uri": "https://accounts.google.com/o/oauth2/auth", "token_uri": "https://oauth2.googleapis.com/token",
    }, indent=2) + "\n"
    assert body.replace("\\n", "\n") in text.replace("\\n", "\n")
    add("gcp_service_account", "json", "credentials/service-account.json", text, [key_id] + lines)
    lines = g.pem_body(900)
    text = ("const fs = require('fs');\n\nconst PRIVATE_KEY = `-----BEGIN RSA PRIVATE KEY-----\n" + "\n".join(lines) +
            "\n-----END RSA PRIVATE KEY-----`;\nmodule.exports = { PRIVATE_KEY };\n")
    add("private_key", "javascript", "src/keys.js", text, lines)
    lines = g.pem_body(400)
    text = ("KEY = (\n" + "".join(f'    "{line}\\n"\n' for line in ["-----BEGIN PRIVATE KEY-----"] + lines +
                                   ["-----END PRIVATE KEY-----"]) + ")\n")
    add("private_key", "python_concat", "tests/fixtures.py", text, lines)
    priv = g.pem_body(520)
    text = ("PuTTY-User-Key-File-2: ssh-rsa\nEncryption: none\nComment: rsa-key-20240501\nPublic-Lines: 6\n" +
            "\n".join(g.pem_body(270)) + "\nPrivate-Lines: " + str(len(priv)) + "\n" + "\n".join(priv) +
            "\nPrivate-MAC: " + g.s(HEX, 40) + "\n")
    add("putty_private_key", "ppk", "keys/deploy.ppk", text, priv)

    # --- passwords in URLs and connection strings ---
    for scheme, host, filename, template in (
        ("postgresql", "db.internal.acme.io:5432/orders", "settings.py", "DATABASE_URL = \"{url}\"\n"),
        ("mysql", "mysql.acme-corp.net/app", ".env", "DB_URL={url}\n"),
        ("mongodb+srv", "cluster0.ab1cd.mongodb.net/prod?retryWrites=true", "db.js",
         "mongoose.connect('{url}');\n"),
        ("redis", "cache.acme.io:6379/0", "config/cache.yml", "cache:\n  url: {url}\n"),
        ("amqp", "rabbit.acme.io:5672/%2F", "celeryconfig.py", "broker_url = '{url}'\n"),
        ("https", "nexus.acme.io/repository/pypi/simple", "pip.conf", "[global]\nindex-url = {url}\n"),
        ("ftp", "files.acme-corp.net/incoming", "sync.sh", "lftp -c \"open {url}; mirror -R ./out\"\n"),
        ("smtp", "smtp.mailhost.io:587", "mail.yaml", "mailer:\n  dsn: {url}\n"),
    ):
        password = g.s(ALNUM, 12) + g.rng.choice("!$*-_.~") + g.s(DIGITS, 2)
        user = g.rng.choice(["app", "deploy", "svc_orders", "ci-bot", "admin"])
        url = f"{scheme}://{user}:{password}@{host}"
        add("url_password", scheme, filename, template.format(url=url), [password])

    # --- generic passwords, many syntaxes ---
    def pw():
        return g.rng.choice([
            lambda: g.s(UPPER, 1) + g.s(LOWER, 6) + g.s(DIGITS, 2) + g.rng.choice("!@#$%&*"),
            lambda: g.s(ALNUM, 14),
            lambda: g.s(LOWER, 5) + "-" + g.s(LOWER, 5) + "-" + g.s(DIGITS, 3),
            lambda: g.s(ALNUM + "!#%&*+-=?", 18),
        ])()

    password_snippets = [
        ("python", "app/db.py", "import psycopg2\n\nconn = psycopg2.connect(host=\"db\", user=\"orders\", password=\"{p}\")\n"),
        ("python", "settings.py", "DATABASES = {{\n    'default': {{\n        'ENGINE': 'django.db.backends.postgresql',\n"
                                  "        'USER': 'acme',\n        'PASSWORD': '{p}',\n    }}\n}}\n"),
        ("javascript", "db.js", "const pool = mysql.createPool({{\n  host: 'localhost',\n  user: 'root',\n  password: '{p}',\n}});\n"),
        ("java", "DataSourceConfig.java", "ds.setUsername(\"app\");\nds.setPassword(\"{p}\");\n"),
        ("csharp", "Db.cs", "var cs = \"Server=sql01;Database=Orders;User Id=app;Password={p};\";\n"),
        ("go", "store.go", "cfg := mysql.Config{{\n\tUser:   \"app\",\n\tPasswd: \"{p}\",\n\tNet:    \"tcp\",\n}}\n"),
        ("php", "wp-config.php", "<?php\ndefine( 'DB_USER', 'wp' );\ndefine( 'DB_PASSWORD', '{p}' );\n"),
        ("ruby", "config/database.yml", "production:\n  adapter: postgresql\n  username: rails\n  password: {p}\n"),
        ("yaml", "k8s/secret.yaml", "apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\nstringData:\n  POSTGRES_PASSWORD: \"{p}\"\n"),
        ("env", ".env", "POSTGRES_USER=app\nPOSTGRES_PASSWORD={p}\n"),
        ("ini", "my.cnf", "[client]\nuser=backup\npassword={p}\n"),
        ("properties", "application.properties", "spring.datasource.username=app\nspring.datasource.password={p}\n"),
        ("xml", "settings.xml", "<servers>\n  <server>\n    <id>releases</id>\n    <username>deploy</username>\n"
                                "    <password>{p}</password>\n  </server>\n</servers>\n"),
        ("xml", "hibernate.cfg.xml", "<property name=\"hibernate.connection.password\" value=\"{p}\"/>\n"),
        ("json", "config.json", "{{\n  \"smtp\": {{\n    \"user\": \"alerts\",\n    \"password\": \"{p}\"\n  }}\n}}\n"),
        ("shell", "backup.sh", "#!/bin/sh\nexport PGPASSWORD='{p}'\npg_dump -h db -U app orders > dump.sql\n"),
        ("dockerfile", "Dockerfile", "FROM mysql:8\nENV MYSQL_ROOT_PASSWORD={p}\n"),
        ("compose", "docker-compose.yml", "services:\n  db:\n    image: postgres:16\n    environment:\n"
                                          "      POSTGRES_PASSWORD: {p}\n"),
        ("terraform", "rds.tf", "resource \"aws_db_instance\" \"main\" {{\n  username = \"admin\"\n  password = \"{p}\"\n}}\n"),
        ("python_kw", "mail.py", "server = smtplib.SMTP('smtp.acme.io', 587)\nserver.login('alerts@acme.io', '{p}')\n"),
        ("typescript", "auth.spec.ts", "await page.fill('#email', 'qa@acme.io');\nconst password = \"{p}\";\n"
                                       "await page.fill('#password', password);\n"),
        ("kotlin", "Db.kt", "val password: String = \"{p}\"\n"),
        ("rust", "main.rs", "let db_pass = \"{p}\";\n"),
        ("gha", ".github/workflows/e2e.yml", "env:\n  ADMIN_PASSWORD: {p}\n"),
        ("cli_flag", "Makefile", "migrate:\n\tflyway -url=jdbc:postgresql://db/app -user=app -password={p} migrate\n"),
        ("cli_flag", "run.sh", "java -jar tool.jar --username admin --password {p} --sync\n"),
        ("powershell", "deploy.ps1", "$password = \"{p}\"\n$secure = ConvertTo-SecureString $password -AsPlainText -Force\n"),
        ("jdbc", "db.properties", "url=jdbc:mysql://db:3306/app?user=app&password={p}&useSSL=true\n"),
    ]
    for syntax, filename, template in password_snippets:
        p = pw()
        add("generic_password", syntax, filename, template.format(p=p), [p])

    # --- generic secrets (services without a prefix of their own) ---
    secret_snippets = [
        ("python", "datadog.py", "DATADOG_API_KEY = \"{h32}\"\nDATADOG_APP_KEY = \"{h40}\"\n", ["h32", "h40"]),
        ("env", ".env", "CLOUDFLARE_API_TOKEN={a40}\n", ["a40"]),
        ("yaml", "okta.yaml", "okta:\n  client:\n    orgUrl: https://acme.okta.com\n    token: 00{u40}\n", ["u40"]),
        ("json", "algolia.json", "{{\n  \"appId\": \"K7X2QPL9ZA\",\n  \"adminApiKey\": \"{h32}\"\n}}\n", ["h32"]),
        ("javascript", "firebase-admin.js", "const jwtSecret = '{a40}';\n", ["a40"]),
        ("python", "oauth.py", "CLIENT_ID = \"5f2c8c1e-4f3b-4f5a-9a55-0b0e5a1d2c3b\"\nCLIENT_SECRET = \"{b48}\"\n", ["b48"]),
        ("shell", "ci.sh", "export MISTRAL_API_KEY=\"{a32}\"\n", ["a32"]),
        ("properties", "app.properties", "jwt.secret={b48}\n", ["b48"]),
        ("xml", "web.config", "<add key=\"EncryptionKey\" value=\"{b44}\" />\n", ["b44"]),
        ("toml", "wrangler.toml", "[vars]\nAPI_TOKEN = \"{a40}\"\n", ["a40"]),
        ("go", "main.go", "var signingKey = []byte(\"{a32}\")\n", ["a32"]),
        ("java", "Security.java", "private static final String HMAC_SECRET = \"{b44}\";\n", ["b44"]),
        ("csharp", "Startup.cs", "var key = Encoding.ASCII.GetBytes(\"{a40}\"); // JwtSecret\nvar jwtSecret = \"{a40}\";\n", ["a40"]),
        ("ruby", "secrets.yml", "production:\n  secret_key_base: {h128}\n", ["h128"]),
        ("heroku_uuid", "app.json", "{{\n  \"env\": {{\n    \"HEROKU_API_KEY\": \"{uuid}\"\n  }}\n}}\n", ["uuid"]),
        ("cli_flag", "Makefile", "release:\n\tcodecov --token {uuid} --flags unit\n", ["uuid"]),
        ("url_param", "client.py", "resp = requests.get(f\"https://api.acme.io/v1/items?api_key={a32}&page={{page}}\")\n", ["a32"]),
        ("docker_config", ".docker/config.json", "{{\n  \"auths\": {{\n    \"registry.acme.io\": {{\n      \"auth\": \"{basic}\"\n"
                                                 "    }}\n  }}\n}}\n", ["basic"]),
        ("npmrc", ".npmrc", "//npm.acme.io/:_authToken={uuid}\nalways-auth=true\n", ["uuid"]),
        ("azure_devops", "azure-pipelines.yml", "variables:\n  AZURE_DEVOPS_PAT: {b32_52}\n", ["b32_52"]),
    ]
    for syntax, filename, template, keys in secret_snippets:
        vals = {
            "h32": g.s(HEX, 32), "h40": g.s(HEX, 40), "a40": g.s(ALNUM + "_-", 40), "u40": g.s(ALNUM + "_-", 40),
            "b48": g.b64bytes(36), "a32": g.s(ALNUM, 32), "b44": g.b64bytes(32), "h128": g.s(HEX, 128),
            "uuid": g.uuid(), "basic": base64.b64encode(f"ci:{g.s(ALNUM, 16)}".encode()).decode(),
            "b32_52": g.s(LOWER + "234567", 52),
        }
        text = template.format(**vals)
        kind = "generic_secret"
        add(kind, syntax, filename, text, [vals[k] if k != "u40" else "00" + vals[k] for k in keys])

    # --- authorization headers ---
    for syntax, filename, template in (
        ("curl", "README.md", "curl https://api.acme.io/v1/users \\\n  -H \"Authorization: Bearer {t}\"\n"),
        ("python", "sync.py", "HEADERS = {{\"Authorization\": \"Token {t}\", \"Accept\": \"application/json\"}}\n"),
        ("http", "requests.http", "GET https://api.acme.io/v2/orders\nAuthorization: Bearer {t}\n"),
        ("javascript", "api.js", "fetch(url, {{ headers: {{ Authorization: 'Bearer {t}' }} }});\n"),
        ("yaml", "openapi-test.yaml", "headers:\n  Authorization: Basic {b}\n"),
        ("nginx", "nginx.conf", "location /api/ {{\n    proxy_set_header Authorization \"Basic {b}\";\n}}\n"),
    ):
        t = g.s(ALNUM, 40)
        b = base64.b64encode(f"svc:{g.s(ALNUM, 14)}".encode()).decode()
        text = template.format(t=t, b=b)
        add("auth_header", syntax, filename, text, [t] if "{t}" in template else [b])

    # --- command lines and SQL ---
    for syntax, filename, template in (
        ("curl", "Makefile", "publish:\n\tcurl -u deploy:{p} -T dist/app.tgz https://nexus.acme.io/repository/raw/\n"),
        ("curl", "docs/api.md", "    curl --user admin:{p} https://jenkins.acme.io/api/json\n"),
        ("mysql", "restore.sh", "mysql -h db01 -u root -p{p} orders < dump.sql\n"),
        ("sshpass", "deploy.sh", "sshpass -p '{p}' ssh deploy@10.0.3.7 'systemctl restart app'\n"),
        ("docker", ".gitlab-ci.yml", "script:\n  - docker login -u ci -p {p} registry.acme.io\n"),
        ("sql", "init.sql", "CREATE USER 'reporting'@'%' IDENTIFIED BY '{p}';\nGRANT SELECT ON shop.* TO 'reporting'@'%';\n"),
        ("sql", "roles.sql", "CREATE ROLE app WITH LOGIN PASSWORD '{p}';\n"),
    ):
        p = g.s(ALNUM, 11) + g.rng.choice("!%+=") + g.s(DIGITS, 2)
        add("cli_password" if syntax not in ("sql",) else "sql_password", syntax, filename, template.format(p=p), [p])

    # --- PII: emails and public IPs ---
    for syntax, filename, template in (
        ("python", "setup.py", "setup(\n    name=\"acme-tools\",\n    author=\"Jana Novak\",\n    author_email=\"{e}\",\n)\n"),
        ("comment", "src/util.c", "/*\n * Copyright (c) 2019 Pieter de Vries <{e}>\n */\n"),
        ("json", "package.json", "{{\n  \"name\": \"widget\",\n  \"author\": \"Ana Souza <{e}>\",\n  \"version\": \"2.1.0\"\n}}\n"),
        ("yaml", "CODEOWNERS.yml", "owners:\n  - {e}\n"),
        ("markdown", "CONTRIBUTING.md", "Questions? Write to {e} or open an issue.\n"),
        ("mailto", "index.html", "<a href=\"mailto:{e}\">Contact us</a>\n"),
    ):
        e = g.rng.choice(["j.novak", "pdevries", "ana.souza", "maintainers", "k.tanaka+github", "ops-team"]) + "@" + \
            g.rng.choice(["gmail.com", "acme-corp.io", "univ-lyon1.fr", "mail.ru", "posteo.de", "cs.ubc.ca"])
        add("email", syntax, filename, template.format(e=e), [e])
    for syntax, filename, template, ip in (
        ("python", "probe.py", "TARGET = \"{ip}\"\nsock.connect((TARGET, 443))\n", "52.14.203.77"),
        ("yaml", "inventory.yml", "web:\n  hosts:\n    web1:\n      ansible_host: {ip}\n", "34.201.17.8"),
        ("nginx", "nginx.conf", "upstream api {{\n    server {ip}:8080;\n}}\n", "185.199.108.153"),
        ("log", "access.log", "{ip} - - [02/May/2024:10:11:12 +0000] \"GET / HTTP/1.1\" 200 512\n", "81.2.69.160"),
        ("shell", "ssh.sh", "ssh -i ~/.ssh/id_ed25519 ubuntu@{ip}\n", "3.120.44.19"),
        ("ipv6", "hosts", "{ip}  build-agent-7\n", "2a03:2880:f12f:83:face:b00c:0:25de"),
        ("ipv6_json", "peers.json", "{{\"peers\": [\"[{ip}]:30303\"]}}\n", "2600:1f18:4a3:6902:7d1c:2a5b:93e1:4c10"),
    ):
        add("ipv6" if ":" in ip else "ipv4", syntax, filename, template.format(ip=ip), [ip])
    return out


# --- negatives -------------------------------------------------------------------------
def negatives(g: Gen):
    out = []

    def add(category, filename, text):
        out.append({"id": f"neg-{len(out):03d}", "category": category, "filename": filename, "text": text})

    # hashes next to sha/md5/checksum words
    for _ in range(3):
        add("hash", "SHA256SUMS", f"{g.s(HEX, 64)}  codestack-{g.rng.randint(1, 9)}.{g.rng.randint(0, 9)}.tar.gz\n")
    add("hash", "Cargo.lock", f"[[package]]\nname = \"serde\"\nversion = \"1.0.203\"\nsource = \"registry+https://github.com/"
                              f"rust-lang/crates.io-index\"\nchecksum = \"{g.s(HEX, 64)}\"\n")
    add("hash", "requirements.txt", f"requests==2.32.3 \\\n    --hash=sha256:{g.s(HEX, 64)} \\\n"
                                    f"    --hash=sha256:{g.s(HEX, 64)}\n")
    add("hash", "package-lock.json", f"\"node_modules/lodash\": {{\n  \"version\": \"4.17.21\",\n  \"resolved\": \"https://"
                                     f"registry.npmjs.org/lodash/-/lodash-4.17.21.tgz\",\n  \"integrity\": \"sha512-"
                                     f"{g.b64bytes(64)}\"\n}}\n")
    add("hash", "go.sum", f"golang.org/x/text v0.14.0 h1:{g.b64bytes(32)}\ngolang.org/x/text v0.14.0/go.mod h1:{g.b64bytes(32)}\n")
    add("hash", "Dockerfile", f"FROM python:3.12-slim@sha256:{g.s(HEX, 64)}\n")
    add("hash", "CHANGELOG.md", f"## 2.4.1\n\n- fix race in scheduler (commit {g.s(HEX, 40)})\n- merge {g.s(HEX, 7)}\n")
    add("hash", "verify.py", f"EXPECTED_MD5 = \"{g.s(HEX, 32)}\"\nif hashlib.md5(data).hexdigest() != EXPECTED_MD5:\n"
                             f"    raise ValueError(\"checksum mismatch\")\n")
    add("hash", "build.gradle", f"dependencyVerification {{\n    verify = [\n        'com.squareup:okhttp:{g.s(HEX, 64)}',\n    ]\n}}\n")
    add("hash", "poetry.lock", f"files = [\n    {{file = \"idna-3.7.tar.gz\", hash = \"sha256:{g.s(HEX, 64)}\"}},\n]\n")
    add("hash", "api_test.py", f"def test_etag(client):\n    resp = client.get('/file')\n    assert resp.headers['ETag'] == "
                               f"'\"{g.s(HEX, 32)}\"'\n")
    add("hash", "git.log", f"commit {g.s(HEX, 40)}\nAuthor: CI <ci@example.com>\n\n    bump deps\n")
    add("hash", "fixtures.py", f"PASSWORD_SHA1 = \"{g.s(HEX, 40)}\"\ntoken_sha256 = \"{g.s(HEX, 64)}\"\n")
    add("hash", "flake.lock", f"\"narHash\": \"sha256-{g.b64bytes(32)}\",\n\"rev\": \"{g.s(HEX, 40)}\",\n")
    add("hash", "subresource.html", f"<script src=\"https://cdn.example.net/lib.js\" integrity=\"sha384-{g.b64bytes(48)}\" "
                                    f"crossorigin=\"anonymous\"></script>\n")
    # UUIDs where no key is expected
    add("uuid", "Solution.sln", f"Project(\"{{{str(g.uuid()).upper()}}}\") = \"Core\", \"Core\\Core.csproj\", "
                                f"\"{{{str(g.uuid()).upper()}}}\"\nEndProject\n")
    add("uuid", "migrations/0002.py", f"TENANT_ID = \"{g.uuid()}\"\nDEFAULT_ORG = uuid.UUID(\"{g.uuid()}\")\n")
    add("uuid", "events.json", f"{{\"request_id\": \"{g.uuid()}\", \"trace_id\": \"{g.s(HEX, 32)}\", \"status\": 200}}\n")
    add("uuid", "AndroidManifest.xml", f"<meta-data android:name=\"installation_id\" android:value=\"{g.uuid()}\" />\n")
    add("uuid", "test_orders.py", f"def test_lookup():\n    order = get_order(\"{g.uuid()}\")\n    assert order.customer_id == "
                                  f"\"{g.uuid()}\"\n")
    add("uuid", "terraform.tfstate", f"{{\n  \"lineage\": \"{g.uuid()}\",\n  \"serial\": 42\n}}\n")
    add("uuid", "Info.plist", f"<key>CFBundleIdentifier</key>\n<string>com.acme.app</string>\n<key>DeviceUUID</key>\n"
                              f"<string>{str(g.uuid()).upper()}</string>\n")
    add("uuid", "grafana.json", f"{{\"datasource\": {{\"type\": \"prometheus\", \"uid\": \"{g.uuid()}\"}}}}\n")
    add("uuid", "azure.yaml", f"subscription_id: {g.uuid()}\ntenant_id: {g.uuid()}\nclient_id: {g.uuid()}\n")
    add("uuid", "schema.sql", f"INSERT INTO users (id, name) VALUES ('{g.uuid()}', 'alice');\n")
    # base64 images and fonts
    for mime in ("image/png", "image/gif", "image/jpeg"):
        add("base64_image", "styles.css", f".icon {{ background: url(data:{mime};base64,{g.b64bytes(300)}); }}\n")
    add("base64_image", "logo.html", f"<img alt=\"logo\" src=\"data:image/png;base64,{g.b64bytes(240)}\" />\n")
    add("base64_image", "fonts.css", f"@font-face {{\n  font-family: 'Icons';\n  src: url('data:font/woff2;base64,"
                                     f"{g.b64bytes(360)}') format('woff2');\n}}\n")
    add("base64_image", "Notebook.ipynb", f"\"outputs\": [{{\"data\": {{\"image/png\": \"{g.b64bytes(420)}\\n\"}}}}]\n")
    add("base64_image", "test_image.py", f"PNG_1PX = base64.b64decode(\n    \"{g.b64bytes(68)}\"\n)\n")
    add("base64_image", "icons.ts", f"export const spinner = 'data:image/svg+xml;base64,{g.b64bytes(180)}';\n")
    # lorem ipsum, long identifiers, random-looking but harmless tokens
    add("lorem", "README.md", "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt "
                              "ut labore et dolore magna aliqua.\n")
    add("lorem", "AbstractSingletonProxyFactoryBean.java",
        "public class AbstractSingletonProxyFactoryBean extends ProxyConfig implements FactoryBean<Object> {\n"
        "    private TransactionAttributeSourceAdvisorInterceptorChainFactory chainFactory;\n}\n")
    add("lorem", "styles.css", ".btn-primary-outline-hover-disabled, .navbar-expand-lg-collapse-toggler-icon {\n  display: none;\n}\n")
    add("lorem", "i18n/de.json", "{\n  \"login\": \"Anmelden\",\n  \"password\": \"Passwort\",\n  \"token_expired\": "
                                 "\"Ihre Sitzung ist abgelaufen\",\n  \"secret_question\": \"Geheimfrage\"\n}\n")
    add("lorem", "fr.po", "msgid \"Password\"\nmsgstr \"Mot de passe\"\n\nmsgid \"Forgot your password?\"\nmsgstr "
                          "\"Mot de passe oublié ?\"\n")
    add("lorem", "R.java", "public static final int abc_action_bar_title_item=0x7f0a0012;\n"
                           "public static final int password_toggle=0x7f0a01c4;\n")
    add("lorem", "User.java", "private static final long serialVersionUID = -6849794470754667710L;\n")
    add("lorem", "videos.json", "{\"videos\": [\"dQw4w9WgXcQ\", \"9bZkp7q19f0\", \"kJQP7kiw5Fk\"]}\n")
    add("lorem", "words.txt", "abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ 0123456789\n")
    add("lorem", "test_vectors.py", "# RFC 4231 test case 1\nKEY = bytes.fromhex('0b' * 20)\nDATA = b'Hi There'\n")
    add("lorem", "colors.scss", "$brand: #1a73e8;\n$brand-dark: #0b57d0;\n$shadow: rgba(0, 0, 0, 0.12);\n")
    add("lorem", "tokenizer.py", "def next_token(self):\n    token = self.tokens[self.pos]\n    self.pos += 1\n    return token\n")
    add("lorem", "lexer.js", "if (token.type === 'IDENTIFIER' && token.value === 'function') {\n  return parseFunction();\n}\n")
    add("lorem", "regex.py", "SECRET_PATTERN = re.compile(r\"(?i)secret[_-]?key\\s*=\\s*['\\\"]([A-Za-z0-9]{32})['\\\"]\")\n")
    add("lorem", "math.py", "y = x @ self.weight.T + self.bias\nattn = q @ k.transpose(-2, -1)\n")
    add("lorem", "minified.js", "var a=function(t){return t.split('').reverse().join('')},b=a('tokenizer'),c={passive:!0};\n")
    # placeholders and references, in the syntaxes of real secrets
    placeholders = [
        ("settings.py", "SECRET_KEY = os.environ[\"DJANGO_SECRET_KEY\"]\nDATABASE_PASSWORD = os.getenv(\"DB_PASSWORD\")\n"),
        (".env.example", "STRIPE_SECRET_KEY=sk_live_xxxxxxxxxxxxxxxxxxxxxxxx\nOPENAI_API_KEY=<your-openai-key>\n"),
        ("config.yml", "database:\n  password: ${DB_PASSWORD}\n  user: ${DB_USER}\n"),
        ("values.yaml", "auth:\n  adminPassword: \"{{ .Values.global.adminPassword }}\"\n  apiToken: \"{{ required \\\"token\\\" .Values.token }}\"\n"),
        ("README.md", "Set `AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE` and `AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY`.\n"),
        ("docker-compose.yml", "environment:\n  - POSTGRES_PASSWORD=changeme\n  - API_KEY=your_api_key_here\n"),
        ("login.py", "password = getpass.getpass(\"Password: \")\ntoken = request.headers.get(\"X-Auth-Token\")\n"),
        ("models.py", "class User(Base):\n    password_hash = Column(String(128))\n    api_token = Column(String(64), unique=True)\n"),
        ("schema.sql", "CREATE TABLE accounts (\n  id SERIAL PRIMARY KEY,\n  password VARCHAR(255) NOT NULL\n);\n"),
        ("forms.ts", "export interface LoginForm {\n  email: string;\n  password: string;\n}\n"),
        ("auth.py", "def login(username: str, password: str) -> Token:\n    return authenticate(username, password=password)\n"),
        ("config.json", "{\n  \"api_key\": \"YOUR_API_KEY\",\n  \"secret\": \"********\",\n  \"token\": \"xxxxxxxxxxxxxxxx\"\n}\n"),
        ("application.yml", "spring:\n  datasource:\n    password: ${SPRING_DATASOURCE_PASSWORD:}\n"),
        ("settings.xml", "<server>\n  <id>central</id>\n  <password>${env.MAVEN_PASSWORD}</password>\n</server>\n"),
        ("ci.yml", "env:\n  GITHUB_TOKEN: ${{ secrets.GITHUB_TOKEN }}\n  NPM_TOKEN: ${{ secrets.NPM_TOKEN }}\n"),
        ("test_auth.py", "def test_bad_password(client):\n    r = client.post('/login', data={'password': 'wrong'})\n"
                         "    assert r.status_code == 401\n"),
        ("deploy.sh", "curl -u \"$NEXUS_USER:$NEXUS_PASS\" -T app.tgz \"$NEXUS_URL\"\n"),
        ("db.py", "engine = create_engine(f\"postgresql://{user}:{password}@{host}/{db}\")\n"),
        ("docs.md", "Connect with `postgres://user:password@localhost:5432/mydb`.\n"),
        ("Settings.cs", "public string Password { get; set; }\npublic string ApiKey { get; set; } = string.Empty;\n"),
        ("keys.go", "apiKey := os.Getenv(\"API_KEY\")\nif apiKey == \"\" {\n\tlog.Fatal(\"missing API key\")\n}\n"),
        ("wp-config-sample.php", "define( 'DB_PASSWORD', 'password_here' );\n"),
        ("local.env", "SECRET_KEY=replace-me\nJWT_SECRET=dummy\nSMTP_PASSWORD=\n"),
        ("terraform.tfvars", "db_password = var.db_password\napi_token   = data.vault_generic_secret.api.data[\"token\"]\n"),
        ("Jenkinsfile", "withCredentials([string(credentialsId: 'npm-token', variable: 'NPM_TOKEN')]) {\n  sh 'npm publish'\n}\n"),
        ("settings.py", "PASSWORD_MIN_LENGTH = 12\nTOKEN_TTL_SECONDS = 3600\nSECRET_KEY_FALLBACKS = []\n"),
        ("app.js", "const token = req.cookies.token || req.query.token;\nconst password = req.body.password;\n"),
        ("sample.ini", "[auth]\npassword = <password>\ntoken = TODO\n"),
        ("keycloak.json", "{\n  \"credentials\": {\n    \"secret\": \"**********\"\n  }\n}\n"),
        ("Stripe.md", "Use the test key `sk_test_...` from your dashboard.\n"),
        ("api.py", "API_KEY_HEADER = \"X-API-Key\"\nTOKEN_URL = \"https://auth.acme.io/oauth/token\"\n"),
        ("k8s.yaml", "env:\n  - name: DB_PASSWORD\n    valueFrom:\n      secretKeyRef:\n        name: db-credentials\n"
                     "        key: password\n"),
        ("password_reset.html", "<input type=\"password\" name=\"password\" placeholder=\"Enter your password\" />\n"),
        ("constants.py", "AUTH_TOKEN_KEY = \"auth_token\"\nPASSWORD_FIELD = \"password\"\n"),
        ("mock.py", "MOCK_TOKEN = \"test-token\"\nFAKE_PASSWORD = \"fake-password\"\n"),
    ]
    for filename, text in placeholders:
        add("placeholder", filename, text)
    # version strings and numbered references that look like IPv4
    for filename, text in (
        ("Properties/AssemblyInfo.cs", "[assembly: AssemblyVersion(\"4.2.1.7\")]\n[assembly: AssemblyFileVersion(\"4.2.1.7\")]\n"),
        ("setup.py", "__version__ = \"2.10.3.1\"\n"),
        ("pom.xml", "<dependency>\n  <groupId>com.ibm.mq</groupId>\n  <artifactId>allclient</artifactId>\n"
                    "  <version>9.3.0.25</version>\n</dependency>\n"),
        ("ua.py", "UA = \"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
                  "Chrome/120.0.0.0 Safari/537.36\"\n"),
        ("requirements.txt", "pywin32>=306.1.2.3\nfoo==1.2.3.4\n"),
        ("oids.py", "COMMON_NAME = ObjectIdentifier(\"2.5.4.3\")\nKEY_USAGE = ObjectIdentifier(\"2.5.29.15\")\n"),
        ("spec.md", "See section 4.2.3.1 of RFC 7633 and clause 17.4.1.5.\n"),
        ("Dockerfile", "FROM ibmcom/mq:9.3.0.25-r1\n"),
        ("version.txt", "Version: 6.1.7601.17514\nProductVersion 10.0.19041.1\n"),
        ("build.gradle", "implementation 'com.ibm.mq:com.ibm.mq.allclient:9.3.0.25'\n"),
        ("firmware.h", "#define FIRMWARE_VERSION \"3.14.15.92\"\n"),
        ("package.json", "{\n  \"engines\": {\"node\": \">=18.19.0\"},\n  \"version\": \"1.0.0\"\n}\n"),
    ):
        add("version", filename, text)
    # private, loopback, link-local, documentation, reserved addresses and DNS resolvers
    for filename, text in (
        ("docker-compose.yml", "services:\n  db:\n    networks:\n      backend:\n        ipv4_address: 172.20.0.5\n"),
        ("hosts", "127.0.0.1   localhost\n::1         localhost ip6-localhost\n"),
        ("nginx.conf", "server {\n    listen 0.0.0.0:80;\n    allow 10.0.0.0/8;\n    allow 192.168.1.0/24;\n    deny all;\n}\n"),
        ("netplan.yaml", "addresses: [192.168.10.20/24]\ngateway4: 192.168.10.1\nnameservers:\n  addresses: [8.8.8.8, 1.1.1.1]\n"),
        ("resolv.conf", "nameserver 9.9.9.9\nnameserver 2606:4700:4700::1111\nnameserver 208.67.222.222\n"),
        ("docs.md", "Example: `ping 192.0.2.1`, `ping 198.51.100.23`, `curl http://203.0.113.9/`, `ping6 2001:db8::1`.\n"),
        ("k8s.yaml", "podCIDR: 10.244.0.0/16\nserviceCIDR: 10.96.0.0/12\n"),
        ("link.py", "LINK_LOCAL = \"169.254.169.254\"  # cloud metadata\nCGNAT = \"100.64.0.1\"\n"),
        ("ipv6.conf", "address fe80::1ff:fe23:4567:890a%eth0\nula fd12:3456:789a:1::1\n"),
        ("netmask.c", "uint32_t mask = inet_addr(\"255.255.255.0\");\nuint32_t bcast = inet_addr(\"255.255.255.255\");\n"),
        ("test_net.py", "assert is_private(\"10.1.2.3\")\nassert is_private(\"172.31.255.254\")\n"),
        ("multicast.py", "MDNS_GROUP = \"224.0.0.251\"\nSSDP = \"239.255.255.250\"\n"),
    ):
        add("private_ip", filename, text)
    # things that look like emails but are not mailboxes
    for filename, text in (
        ("app.py", "@app.route(\"/login\")\n@login_required\ndef login():\n    pass\n"),
        ("package.json", "{\n  \"dependencies\": {\"@types/node\": \"^20.11.0\", \"@angular/core\": \"17.0.0\"}\n}\n"),
        ("install.sh", "npm install lodash@4.17.21 react@18.2.0\n"),
        ("icons.css", ".logo { background-image: url(logo@2x.png); }\n"),
        (".gitmodules", "[submodule \"vendor\"]\n\turl = git@github.com:acme/vendor.git\n"),
        ("CONTRIBUTING.md", "Send patches to dev@example.org or test@foo.test.\n"),
        ("styles.scss", "@media (max-width: 600px) { .nav { display: none; } }\n@import 'mixins';\n"),
        ("Foo.java", "@Override\npublic String toString() { return name; }\n@SuppressWarnings(\"unchecked\")\n"),
        ("deploy.sh", "docker pull ghcr.io/acme/app@sha256:" + g.s(HEX, 64) + "\n"),
    ):
        add("not_email", filename, text)
    # public keys and certificates: public by design
    add("public_key", "authorized_keys", "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI" + g.b64bytes(32) + " deploy@build\n")
    add("public_key", "id_rsa.pub", "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQ" + g.b64bytes(256) + " ci@runner\n")
    add("public_key", "pub.pem", "-----BEGIN PUBLIC KEY-----\n" + "\n".join(g.pem_body(294)) + "\n-----END PUBLIC KEY-----\n")
    add("public_key", "ca.crt", "-----BEGIN CERTIFICATE-----\n" + "\n".join(g.pem_body(900)) + "\n-----END CERTIFICATE-----\n")
    add("public_key", "checkout.js", "const stripe = Stripe('pk_live_" + g.s(ALNUM, 24) + "');\n")
    add("public_key", "map.js", "mapboxgl.accessToken = 'pk." + g.jwt({"u": "acme", "a": "cl" + g.s(LOWER + DIGITS, 20)})
        .split(".")[1] + "." + g.s(B64URL, 22) + "';\n")
    add("public_key", "recaptcha.html", "<div class=\"g-recaptcha\" data-sitekey=\"6Le" + g.s(B64URL, 37) + "\"></div>\n")
    add("public_key", "gpg.asc", "-----BEGIN PGP PUBLIC KEY BLOCK-----\n\n" + "\n".join(g.pem_body(400)) +
        "\n-----END PGP PUBLIC KEY BLOCK-----\n")
    add("public_key", "known_hosts", "github.com ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl\n")
    return out


def main() -> None:
    g = Gen(SEED)
    pos = positives(g)
    neg = negatives(g)
    for name, rows in (("positives.jsonl", pos), ("negatives.jsonl", neg)):
        with open(os.path.join(HERE, name), "w", encoding="utf-8", newline="\n") as handle:
            for row in rows:
                handle.write(json.dumps(row, ensure_ascii=False, sort_keys=True) + "\n")
    kinds = sorted({row["kind"] for row in pos})
    print(f"{len(pos)} positives of {len(kinds)} kinds, {len(neg)} negatives (seed {SEED})")


if __name__ == "__main__":
    main()
