"""One value generator per credential kind (:data:`KINDS`), from the formats providers issue."""

import base64
import json
import uuid

from .. import ALNUM, B64URL, DIGITS, HEX, LOWER, UPPER, crc_token, rs
from .render import b64, b64s, hexs, password


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
