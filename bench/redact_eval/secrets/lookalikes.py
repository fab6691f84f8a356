"""Hard look-alikes: placeholders, sequences, hashes, ids, public keys, values that are not credentials."""

import base64
import hashlib
import uuid

from .. import ALNUM, DIGITS, LOWER, UPPER, rs
from .render import LANGS, b64, hexs, render
from .structured import pem_lines, rnd


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
