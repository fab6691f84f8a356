"""Secrets that are structures: private keys, service-account files, connection strings, manifests."""

import base64
import json
import uuid

from .. import ALNUM, B64, DIGITS, LOWER, UPPER, crc_token, rs
from .formats import aws_secret, pypi
from .render import b64, hexs, password, url_password


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
