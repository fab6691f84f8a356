"""codestack's credential formats (transforms.redact.formats): one positive and one look-alike per kind.

The secrets are generated here, deterministically (a seeded RNG), from each format's facts: its prefix,
alphabet and length. The look-alike of each kind is the same format filled with an obvious sequence
(``sgp_0123456789abcdef...``): it must be left in place (and counted as a placeholder where a rule
matched it)."""

from __future__ import annotations

import base64
import json
import random
import re
import string

import pytest

from transforms.redact import PREFIX_RULES, RedactConfig, Redactor, is_placeholder

ALPHABETS = {
    "h": "0123456789abcdef", "H": "0123456789ABCDEF", "d": string.digits, "a": string.ascii_letters + string.digits,
    "l": string.ascii_lowercase + string.digits, "u": string.ascii_uppercase + string.digits,
    "L": string.ascii_letters, "w": string.ascii_letters + string.digits + "_-",
    "b": string.ascii_letters + string.digits + "+/", "z": "abcdefgh" + string.digits,
    "y": "qpzry9x8gf2tvdw0s3jn54khce6mua7l".upper(), "t": "abcdefghijklmnopqrstuvwxyz234567",
}
#: the same alphabets in their natural order: what a look-alike is filled with
SEQUENCES = {"h": "0123456789abcdef", "H": "0123456789ABCDEF", "d": "0123456789", "a": "abcdefghijklmnopqrstuvwxyz",
             "l": "abcdefghijklmnopqrstuvwxyz", "u": "ABCDEFGHIJKLMNOPQRSTUVWXYZ", "L": "abcdefghijklmnopqrstuvwxyz",
             "w": "abcdefghijklmnopqrstuvwxyz", "b": "abcdefghijklmnopqrstuvwxyz", "z": "abcdefgh",
             "y": "ACDEFGHJKLMNPQRSTUVWXYZ023456789", "t": "abcdefghijklmnopqrstuvwxyz"}
_FIELD = re.compile(r"\{([a-zA-Z])(\d+)\}|\{uuid\}")


def fill(template: str, rng: random.Random, sequence: bool = False) -> str:
    def one(match):
        if match.group(0) == "{uuid}":
            return one(_FIELD.match("{h8}")) + "-" + one(_FIELD.match("{h4}")) + "-" + one(
                _FIELD.match("{h4}")) + "-" + one(_FIELD.match("{h4}")) + "-" + one(_FIELD.match("{h12}"))
        cls, n = match.group(1), int(match.group(2))
        if sequence:
            seq = SEQUENCES[cls]
            return (seq * (n // len(seq) + 1))[:n]
        while True:  # random, with both cases and a digit where the alphabet has them
            value = "".join(rng.choice(ALPHABETS[cls]) for _ in range(n))
            if n < 8 or len(set(value)) > min(n, len(ALPHABETS[cls])) // 2:
                return value
    return _FIELD.sub(one, template)


#: kind -> (template of the secret, template of the line: {s} is the secret)
PLAIN = 'ref = "{s}"\n'
CASES = {
    # cloud
    "aws_secret_access_key": ("{b40}", 'aws_secret_access_key = "{s}"\n'),
    "aws_session_token": ("IQoJb3JpZ2luX2Vj{b120}", PLAIN),
    "aws_bedrock_api_key": ("ABSK{b132}", PLAIN),
    "amazon_mws_token": ("amzn.mws.{uuid}", PLAIN),
    "gcp_api_key": ("AIza{w35}", PLAIN),
    "gcp_oauth_client_secret": ("GOCSPX-{w28}", PLAIN),
    "google_oauth_access_token": ("ya29.{w60}", PLAIN),
    "google_oauth_refresh_token": ("1//0{w60}", PLAIN),
    "gcp_private_key_id": ("{h40}", '"private_key_id": "{s}",\n'),
    "firebase_cloud_messaging_key": ("AAAA{w7}:APA91b{w134}", PLAIN),
    "azure_shared_access_key": ("{a43}=", "Endpoint=sb://x.servicebus.windows.net/;SharedAccessKey={s}\n"),
    "azure_sas_token": ("{a44}%3D", "https://acct.blob.core.windows.net/c?sv=2022-11-02&sig={s}\n"),
    "azure_ad_client_secret": ("{a3}8Q~{w34}", PLAIN),
    "azure_storage_account_key": ("{a76}+ASt{a5}==", PLAIN),
    "azure_cosmosdb_key": ("{a76}ACDb{a5}==", PLAIN),
    "azure_function_key": ("{a44}AzFu{a5}A==", PLAIN),
    "azure_search_key": ("{a42}AzSeB{a5}", PLAIN),
    "azure_container_registry_key": ("{a42}+ACR{a6}", PLAIN),
    "azure_event_hub_key": ("{a33}+AEh{a5}=", PLAIN),
    "azure_service_bus_key": ("{a33}+ASb{a5}=", PLAIN),
    "azure_iot_hub_key": ("{a33}AIoT{a5}=", PLAIN),
    "azure_cognitive_services_key": ("{a52}JQQJ99{a1}B{a16}Q{a7}", PLAIN),
    "azure_devops_pat": ("{a76}AZDO{a4}", PLAIN),
    "azure_logic_app_signature": ("{w43}", "https://prod-1.westeurope.logic.azure.com:443/workflows/{h32}/triggers/manual/paths/invoke?api-version=2016-06-01&sp=%2Ftriggers&sv=1.0&sig={s}\n"),
    "alibaba_access_key_id": ("LTAI{a20}", PLAIN),
    "tencent_secret_id": ("AKID{a32}", PLAIN),
    "yandex_api_key": ("AQVN{w37}", PLAIN),
    "yandex_iam_token": ("t1.{w40}.{w86}", PLAIN),
    "yandex_access_token": ("YC{w38}", 'yandex_key = "{s}"\n'),
    "scaleway_access_key": ("SCW{u17}", PLAIN),
    "scaleway_secret_key": ("{uuid}", 'SCW_SECRET_KEY="{s}"\n'),
    "akamai_edgegrid_token": ("akab-{l16}-{l16}", PLAIN),
    "cloudflare_origin_ca_key": ("v1.0-{h24}-{h146}", PLAIN),
    "cloudflare_api_key": ("{w40}", 'CLOUDFLARE_API_TOKEN="{s}"\n'),
    "digitalocean_token": ("dop_v1_{h64}", PLAIN),
    "heroku_api_key": ("HRKU-AA{w58}", PLAIN),
    "linode_token": ("{h64}", 'LINODE_CLI_TOKEN={s}\n'),
    "hetzner_token": ("{a64}", 'HCLOUD_TOKEN={s}\n'),
    "vultr_api_key": ("{u36}", 'VULTR_API_KEY={s}\n'),
    "openshift_token": ("sha256~{w43}", PLAIN),
    "ibm_cloud_iam_key": ("{w44}", '"ibm_api_key_id": "{s}"\n'),
    "tailscale_key": ("tskey-auth-{a10}-{a30}", PLAIN),
    "ngrok_authtoken": ("{a26}_{a21}", "ngrok config add-authtoken {s}\n"),
    "terraform_cloud_token": ("{a14}.atlasv1.{w67}", PLAIN),
    "vault_token": ("hvs.{w95}", PLAIN),
    "vault_batch_token": ("hvb.{w150}", PLAIN),
    "pulumi_token": ("pul-{h40}", PLAIN),
    "doppler_token": ("dp.st.{a43}", PLAIN),
    "harness_token": ("pat.{w22}.{a24}.{a20}", PLAIN),
    "onepassword_service_account_token": ("ops_eyJ{b260}", PLAIN),
    "onepassword_secret_key": ("A3-{u6}-{u11}-{u5}-{u5}-{u5}", PLAIN),
    "flyio_token": ("fo1_{w43}", PLAIN),
    "netlify_token": ("nfp_{a36}", PLAIN),
    "vercel_token": ("{a24}", 'VERCEL_TOKEN="{s}"\n'),
    "render_api_key": ("rnd_{a32}", PLAIN),
    "deno_deploy_token": ("ddp_{a36}", PLAIN),
    "supabase_token": ("sbp_{h40}", PLAIN),
    "supabase_secret_key": ("sb_secret_{w40}", PLAIN),
    "planetscale_token": ("pscale_tkn_{w43}", PLAIN),
    "databricks_token": ("dapi{h32}", PLAIN),
    "clickhouse_cloud_key": ("4b1d{a38}", PLAIN),
    "castai_api_key": ("castai_v1_{a64}_{a8}", PLAIN),
    "defined_networking_key": ("dnkey-{l26}-{l52}", PLAIN),
    "scalingo_token": ("tk-us-{w48}", PLAIN),
    "sidekiq_secret": ("{h8}:{h8}", "export BUNDLE_ENTERPRISE__CONTRIBSYS__COM={s}\n"),
    # code hosting, CI/CD, registries
    "github_fine_grained_pat": ("github_pat_{a22}_{a59}", PLAIN),
    "github_token": ("ghp_{a36}", PLAIN),
    "gitlab_token": ("glpat-{w20}", PLAIN),
    "gitlab_session_cookie": ("{l32}", "Cookie: _gitlab_session={s}\n"),
    "bitbucket_app_password": ("ATBB{a32}", PLAIN),
    "atlassian_api_token": ("ATATT3{w180}", PLAIN),
    "sourcegraph_access_token": ("sgp_{h16}_{h40}", PLAIN),
    "sourcegraph_secret": ("sgd_{h64}", PLAIN),
    "gitea_token": ("{h40}", 'GITEA_TOKEN="{s}"\n'),
    "circleci_token": ("CCIPAT_{a22}_{h40}", PLAIN),
    "buildkite_token": ("bkua_{h40}", PLAIN),
    "travisci_token": ("{w22}", 'travis_api_token: "{s}"\n'),
    "droneci_token": ("{a32}", 'DRONE_TOKEN={s}\n'),
    "codecov_token": ("{uuid}", 'CODECOV_TOKEN={s}\n'),
    "sonarqube_token": ("squ_{h40}", PLAIN),
    "octopus_deploy_api_key": ("API-{u28}", PLAIN),
    "prefect_api_key": ("pnu_{a36}", PLAIN),
    "npm_token": ("npm_{a36}", PLAIN),
    "pypi_token": ("pypi-AgEIcHlwaS5vcmc{w70}", PLAIN),
    "rubygems_api_key": ("rubygems_{h48}", PLAIN),
    "nuget_api_key": ("oy2{l43}", PLAIN),
    "nuget_config_password": ("{a14}", '<add key="ClearTextPassword" value="{s}" />\n'),
    "dockerhub_token": ("dckr_pat_{w27}", PLAIN),
    "clojars_token": ("CLOJARS_{l60}", PLAIN),
    "crates_io_token": ("cio{a32}", PLAIN),
    "packagist_token": ("packagist_uut_{h68}", PLAIN),
    "jfrog_reference_token": ("cmVmdGtuOjAxOj{a60}", PLAIN),
    "jfrog_token": ("{a73}", 'JFROG_ACCESS_TOKEN={s}\n'),
    "postman_api_key": ("PMAK-{h24}-{h34}", PLAIN),
    "readme_api_key": ("rdme_{l70}", PLAIN),
    "chief_tools_token": ("ctp_{a36}", PLAIN),
    "settlemint_token": ("sm_pat_{a16}", PLAIN),
    "infracost_api_key": ("ico-{a32}", PLAIN),
    "frameio_token": ("fio-u-{w64}", PLAIN),
    "intra42_secret": ("s-s4t2ud-{h64}", PLAIN),
    # AI, payments, email, observability, productivity
    "openai_api_key": ("sk-proj-{w30}T3BlbkFJ{w30}", PLAIN),
    "anthropic_api_key": ("sk-ant-api03-{w93}AA", PLAIN),
    "anthropic_oauth_token": ("sk-ant-oat01-{w95}", PLAIN),
    "huggingface_token": ("hf_{L34}", PLAIN),
    "groq_api_key": ("gsk_{a52}", PLAIN),
    "replicate_api_token": ("r8_{a37}", PLAIN),
    "perplexity_api_key": ("pplx-{a48}", PLAIN),
    "xai_api_key": ("xai-{a80}", PLAIN),
    "openrouter_api_key": ("sk-or-v1-{h64}", PLAIN),
    "nvidia_api_key": ("nvapi-{w64}", PLAIN),
    "langsmith_api_key": ("lsv2_pt_{h32}_{h10}", PLAIN),
    "langfuse_secret_key": ("sk-lf-{uuid}", PLAIN),
    "pinecone_api_key": ("pcsk_{a6}_{a64}", PLAIN),
    "cerebras_api_key": ("csk-{l48}", PLAIN),
    "elevenlabs_api_key": ("sk_{h48}", PLAIN),
    "generic_sk_api_key": ("sk-{a48}", PLAIN),
    "stripe_key": ("sk_live_{a32}", PLAIN),
    "stripe_webhook_secret": ("whsec_{a32}", PLAIN),
    "square_access_token": ("sq0atp-{w22}", PLAIN),
    "braintree_access_token": ("access_token$production${l16}${h32}", PLAIN),
    "adyen_api_key": ("AQE{l6}.{w60}", PLAIN),
    "flutterwave_secret_key": ("FLWSECK_TEST-{z32}-X", PLAIN),
    "flutterwave_encryption_key": ("FLWSECK_TEST{z12}", PLAIN),
    "shippo_api_token": ("shippo_live_{h40}", PLAIN),
    "duffel_api_token": ("duffel_test_{w43}", PLAIN),
    "plaid_access_token": ("access-sandbox-{uuid}", PLAIN),
    "easypost_api_key": ("EZAK{a54}", PLAIN),
    "shopify_token": ("shpat_{h32}", PLAIN),
    "mailgun_api_key": ("key-{h32}", PLAIN),
    "brevo_api_key": ("xkeysib-{h64}-{a16}", PLAIN),
    "mailersend_api_key": ("mlsn.{h64}", PLAIN),
    "resend_api_key": ("re_{a8}_{a24}", PLAIN),
    "newrelic_api_key": ("NRAK-{u27}", PLAIN),
    "newrelic_insert_key": ("NRII-{w32}", PLAIN),
    "newrelic_browser_key": ("NRJS-{h19}", PLAIN),
    "newrelic_license_key": ("{h36}NRAL", PLAIN),
    "grafana_token": ("glsa_{a32}_{h8}", PLAIN),
    "dynatrace_token": ("dt0c01.{u24}.{u64}", PLAIN),
    "sentry_token": ("sntrys_{w70}", PLAIN),
    "honeycomb_api_key": ("hcaik_{l58}", PLAIN),
    "sumologic_access_id": ("su{a12}", "SUMO_ACCESS_ID={s}\n"),
    "sumologic_access_key": ("{a64}", "sumo_access_key: {s}\n"),
    "splunk_hec_token": ("{uuid}", '-H "Authorization: Splunk {s}"\n'),
    "posthog_personal_key": ("phx_{a43}", PLAIN),
    "statsig_server_secret": ("secret-{a43}", PLAIN),
    "launchdarkly_key": ("sdk-{uuid}", PLAIN),
    "notion_token": ("ntn_{d11}{a35}", PLAIN),
    "linear_api_key": ("lin_api_{a40}", PLAIN),
    "linear_oauth_token": ("lin_oauth_{h64}", PLAIN),
    "figma_token": ("figd_{w40}", PLAIN),
    "airtable_pat": ("pat{a14}.{h64}", PLAIN),
    "airtable_api_key": ("key{a14}", 'AIRTABLE_API_KEY={s}\n'),
    "asana_pat": ("2/{d16}/{d16}:{h32}", "asana_pat = {s}\n"),
    "clickup_api_key": ("pk_{d8}_{u32}", PLAIN),
    "hubspot_private_app_token": ("pat-na1-{uuid}", PLAIN),
    "salesforce_access_token": ("00D{a12}!{a96}", PLAIN),
    "dropbox_token": ("sl.{w140}", PLAIN),
    "contentful_token": ("CFPAT-{w43}", PLAIN),
    "typeform_token": ("tfp_{w59}", PLAIN),
    "adobe_client_secret": ("p8e-{a32}", PLAIN),
    "apify_token": ("apify_api_{a36}", PLAIN),
    "rootly_api_key": ("rootly_{h64}", PLAIN),
    "ubidots_token": ("BBFF-{a30}", PLAIN),
    "voiceflow_api_key": ("VF.DM.{h24}.{a16}", PLAIN),
    "wakatime_api_key": ("waka_{uuid}", PLAIN),
    "maxmind_license_key": ("{a6}_{a29}_mmk", PLAIN),
    "mapbox_secret_token": ("sk.eyJ{w60}.{w22}", PLAIN),
    "authress_key": ("sc_{l10}.{l5}.acc_{l20}.{w60}", PLAIN),
    "twitter_bearer_token": ("AAAAAAAAAAAAAAAAAAAAA{a90}", PLAIN),
    "okta_api_token": ("00{w40}", "okta:\n  api_token_value = {s}\n"),
    # chat and webhooks
    "slack_token": ("xoxb-{d12}-{d13}-{a24}", PLAIN),
    "slack_app_token": ("xapp-1-A{u10}-{d13}-{h64}", PLAIN),
    "slack_webhook": ("hooks.slack.com/services/T{u10}/B{u10}/{a24}", "notify: {s}\n"),
    "discord_webhook": ("{w68}", "https://discord.com/api/webhooks/{d18}/{s}\n"),
    "teams_webhook": ("{h32}/{uuid}", "https://acme.webhook.office.com/webhookb2/{uuid}@{uuid}/IncomingWebhook/{s}\n"),
    "google_chat_webhook": ("{w60}", "https://chat.googleapis.com/v1/spaces/AAAA{w7}/messages?key=AIzaSyDummyKey&token={s}\n"),
    "zapier_webhook": ("{d7}/{l7}", "https://hooks.zapier.com/hooks/catch/{s}/\n"),
    "make_webhook": ("{l32}", "https://hook.eu1.make.com/{s}\n"),
    "ifttt_webhook_key": ("{w22}", "https://maker.ifttt.com/trigger/door/with/key/{s}\n"),
    "facebook_access_token": ("EAA{a120}", PLAIN),
    "facebook_page_token": ("EAAM{a110}", PLAIN),
    "facebook_app_token": ("{d15}|{h32}", "# facebook graph\nFB_APP_TOKEN = '{s}'\n"),
    "signalwire_token": ("PT{h48}", "signalwire:\n  x = {s}\n"),
    # any issuer
    "age_secret_key": ("AGE-SECRET-KEY-1{y58}", PLAIN),
    "django_secret_key": ("django-insecure-{a50}", PLAIN),
}
SPECIAL = {"jwt", "jwt_base64", "kubernetes_secret", "netrc_password", "terraform_variable"}


def test_every_kind_has_a_case():
    kinds = {rule.kind for rule in PREFIX_RULES}
    assert kinds - set(CASES) - SPECIAL == set()
    assert len(kinds) >= 150


def _case(kind, sequence=False):
    rng = random.Random(f"{kind}:{sequence}")  # deterministic: seeded by the kind's name (str seeds are stable)
    template, line = CASES[kind]
    secret = fill(template, rng, sequence)
    return secret, fill(line, rng).replace("{s}", secret) if "{s}" in fill(line, rng) else line.format(s=secret)


def _render(kind, sequence=False):
    rng = random.Random(f"{kind}:{sequence}")
    template, line = CASES[kind]
    secret = fill(template, rng, sequence)
    context = fill(line.replace("{s}", "\0"), random.Random(kind)).replace("\0", secret)
    return secret, context


@pytest.fixture(scope="module")
def redactor():
    return Redactor()


@pytest.mark.parametrize("kind", sorted(CASES))
def test_positive(redactor, kind):
    secret, text = _render(kind)
    result = redactor.redact(text)
    assert secret not in result.text, (kind, text, result.findings)
    assert kind in {f.kind for f in result.findings}, (kind, text, result.findings)


@pytest.mark.parametrize("kind", sorted(CASES))
def test_sequence_look_alike_is_kept(redactor, kind):
    secret, text = _render(kind, sequence=True)
    result = redactor.redact(text)
    assert result.text == text, (kind, text, result.findings)


def _jwt(payload: dict) -> str:
    enc = lambda obj: base64.urlsafe_b64encode(json.dumps(obj).encode()).decode().rstrip("=")  # noqa: E731
    rng = random.Random(json.dumps(payload, sort_keys=True))
    return enc({"alg": "HS256", "typ": "JWT"}) + "." + enc(payload) + "." + fill("{w43}", rng)


def test_jwt_plain_and_base64_wrapped(redactor):
    token = _jwt({"sub": "u-81f3", "iat": 1712345678, "scope": "deploy"})
    wrapped = base64.b64encode(token.encode()).decode()
    result = redactor.redact(f"t = '{token}'\nencoded: {wrapped}\n")
    assert [f.kind for f in result.findings] == ["jwt", "jwt_base64"]
    # base64 of something else that starts like a JWT is not one
    assert redactor.find("v = " + base64.b64encode(b'eyJhbGciOi is not a token, just text about JWTs').decode()) == []


def test_kubernetes_secret_values(redactor):
    password = base64.b64encode(b"Wq7!rT2zPx9kLm").decode()
    api_key = base64.b64encode(b"k9Xq2LmP7vR4tY8wZ3nB").decode()
    text = ("apiVersion: v1\nkind: Secret\nmetadata:\n  name: app\ntype: Opaque\ndata:\n"
            f"  db-password: {password}\n  api.key: \"{api_key}\"\n  user: {base64.b64encode(b'admin').decode()}\n"
            "stringData:\n  token: Hx8vQ2mZ7kLp4Rt9\n---\nkind: ConfigMap\ndata:\n  color: Ymx1ZQ==\n  other: "
            f"{api_key}\n")
    result = redactor.redact(text)
    kinds = [(f.kind, f.replacement) for f in result.findings if f.start < text.index("---")]
    assert ("kubernetes_secret", "<PASSWORD>") in kinds and ("kubernetes_secret", "<KEY>") in kinds
    assert password not in result.text and "Hx8vQ2mZ7kLp4Rt9" not in result.text
    assert "user: YWRtaW4=" in result.text  # "admin": a placeholder, kept and counted
    assert result.placeholders >= 1
    assert "color: Ymx1ZQ==" in result.text  # a ConfigMap is not a Secret
    # the JSON form
    doc = json.dumps({"kind": "Secret", "data": {"password": password}})
    assert password not in redactor.redact(doc).text


def test_netrc_terraform_and_other_assignment_forms(redactor):
    netrc = "machine api.example.net\n  login ops@posteo.de\n  password wdB9MWXfrJs9caq6V2OK\n"
    assert redactor.redact(netrc).text.endswith("  password <PASSWORD>\n")
    assert redactor.find("The password option\nmachine learning\n") == []
    terraform = ('variable "db_password" {\n  type = string\n  default = "amber-Fjord-77-quill"\n}\n'
                 'variable "token_ttl" {\n  default = "3600s"\n}\nvariable "api_token" {\n  default = "k9Xq2LmP7vR4tY8wZ3nB"\n}\n')
    out = redactor.redact(terraform).text
    assert 'default = "<PASSWORD>"' in out and 'default = "3600s"' in out and 'default = "<KEY>"' in out
    # Ruby ||=, JS || fallbacks, Rust annotations, .key names
    for line in ('ENV["ADO_TOKEN"] ||= "lxi6t25rxss4s5gcszce74cdn7vdpi7m"\n',
                 'const t = process.env.VAULT_TOKEN || "s.1GgRj5akVHD1RUprxZDBqsWy";\n',
                 'const VAULT_TOKEN: &str = "s.1GgRj5akVHD1RUprxZDBqsWy";\n',
                 'storage.account.key=Bp0pQW19sI0ZDVOQwHbl8raDltYOdRsG0GWdzCNi0bT7sEf/fuGQ3lguWpvFVrrT4kEZj1UiB==\n',
                 "AES_KEY='I97MQjvDIqX4qVpI6GaUaVSZzRwN85cx00d1DxpVkP8=' ./deploy.sh\n"):
        assert "<KEY>" in redactor.redact(line).text, line
    assert redactor.find('if (process.env.TOKEN || "") {}\n') == []
    # a URL's user name (a Sentry DSN's public key) is not an email address
    dsn = 'SENTRY_DSN = "https://4fd5af221d1bd5759bff5a5245f24151@o340057.ingest.sentry.io/4093496"\n'
    assert all(f.kind != "email" for f in redactor.find(dsn))
    # a PEM body's short last line goes with it
    pem = ("-----BEGIN PRIVATE KEY-----\nMIIFBjBABgkqhkiG9w0BBQ27YDHq1rVhnTpQADUHE0+7ujnq+DIKIU15QsKwojmY\n"
           "QqCRVPSbQhS6I4dZ3ZzB7KcF474xW6A2HIyM4thqUmxWtmPmvrXrb6vYiqzWYDST\nGQ==\n-----END PRIVATE KEY-----\n")
    assert redactor.redact(pem).text == "-----BEGIN PRIVATE KEY-----\n<KEY>\n-----END PRIVATE KEY-----\n"


@pytest.mark.parametrize("text", [
    'key = "AIzaSyabcdefghijklmnopqrstuvwxyz1234567"\n',
    'SLACK_TOKEN = "xoxb-123456789012-1234567890123-abcdefghijklmnopqrstuvwx"\n',
    'STRIPE = "sk_live_000000000000000000000000"\n',
    'aws = "AKIAIOSFODNN7EXAMPLE"\n',
    'jwt = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ'
    '.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c"\n',
])
def test_documented_placeholders_are_counted_not_redacted(redactor, text):
    result = redactor.redact(text)
    assert result.text == text and result.findings == ()
    assert result.placeholders == 1


def test_placeholder_sequences_after_a_prefix():
    for value in ("AIzaSyabcdefghijklmnopqrstuvwxyz1234567", "xoxp-1234567890", "sgp_0123456789abcdef0123456789abcdef01234567",
                  "ghp_000000000000000000000000000000000000", "sk-qwertyuiopasdfghjklzxcvbnm123456789"):
        assert is_placeholder(value), value
    rng = random.Random(11)
    for kind in ("ghp_{a36}", "sgp_{h40}", "AIza{w35}", "xoxb-{d12}-{d13}-{a24}", "{b40}"):
        for _ in range(50):
            value = fill(kind, rng)
            assert not is_placeholder(value), value


@pytest.mark.parametrize("text", [
    'SLACK_TOKEN = "xoxp-1234567890"\n',
    "password = ,.:-¨@*¿?!\n",
    'password = ",.:-¨@*¿?!"\n',
    '"password": "Contraseña",\n"passwd": "Пароль"\n',
    'PASSWORD_LABEL = "Password:"\nsecret = "-----------------"\n',
    'api_secret = "%s:%s@%s"\n',
    "ALGOLIA_APP_ID = 'K9XQ2LMP7V'\nvercel_org_id = 'team_k9Xq2LmP7vR4tY8wZ3nB5cD1'\n",
    "SHOPIFY_STORE_URL = 'https://acme-2931.myshopify.com'\n",
])
def test_not_credentials(redactor, text):
    assert redactor.find(text) == []


@pytest.mark.parametrize("text,secret", [
    ("curl -u 'deploy:p@ss9Wq7rT' https://x.io\n", "p@ss9Wq7rT"),
    ("curl --user=ci:Wq7rT2zPx9kLm https://x.io\n", "Wq7rT2zPx9kLm"),
    ("  -u admin:Zq8mW2rT5vK \\\n", "Zq8mW2rT5vK"),
    ('TWITTER_CONSUMER_KEY = "xvz1evFS4wEEPTGEFPHBog9k"\n', "xvz1evFS4wEEPTGEFPHBog9k"),
    ('<add value="Wq7rT2zPx9kLm" key="ClearTextPassword" />\n', "Wq7rT2zPx9kLm"),
])
def test_keyword_and_cli_forms(redactor, text, secret):
    assert secret not in redactor.redact(text).text


def test_prefix_rules_have_anchors_or_file_anchors():
    for rule in PREFIX_RULES:
        assert rule.anchors or rule.file_anchors, rule.kind


def test_thresholds_follow_the_sensitivity():
    text = 'datadog_app_key = "k7Qx2mZ9"\n'
    assert Redactor(RedactConfig(sensitivity="low")).find(text) == []
    assert [f.kind for f in Redactor(RedactConfig(sensitivity="default")).find(text)] == ["generic_secret"]


def test_words_in_api_docs_are_not_values_and_short_guesses_stay_where_they_were_found(redactor):
    docs = ("// ClientSecret: Optional. The client secret assigned to the app.\n"
            "// Password: Required. Secret version reference containing the password.\n"
            "// DisplayName: Optional. Display name.\n// Oauth2ClientCredentials: Oauth2ClientCredentials.\n")
    assert redactor.find(docs) == []
    text = 'pwd = "Fjord-Ox!"\nlabel = "Fjord-Ox!"\npassword = "Tr0ub4dor&3"\necho("Tr0ub4dor&3")\n'
    out = redactor.redact(text).text
    assert out == 'pwd = "<PASSWORD>"\nlabel = "Fjord-Ox!"\npassword = "<PASSWORD>"\necho("<PASSWORD>")\n'
