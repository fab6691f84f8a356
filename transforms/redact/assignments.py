"""Assignments (a name, an operator, a value): the words that name a secret and what a value may look like."""

from __future__ import annotations

import re



# --- assignments: name, operator, value --------------------------------------------------
#: words in a name that make its value a secret; the category is PASSWORD for the first group
_PASSWORD_WORDS = r"password|passwd|passphrase|contrase(?:ñ|n)a|pass|pwd"
_KEY_WORDS = (
    r"secret|token|api[_\-.]?key|access[_\-.]?key|private[_\-.]?key|auth[_\-.]?key|account[_\-.]?key|"
    r"master[_\-.]?key|signing[_\-.]?key|encryption[_\-.]?key|app[_\-.]?key|service[_\-.]?key|"
    r"subscription[_\-.]?key|db[_\-.]?key|database[_\-.]?key|client[_\-.]?key|credentials?|auth|"
    r"(?:aes|hmac|function|storage|shared|cipher|crypto|jwt|session|cookie|webhook)[_\-.]?key|"
    r"(?:github|gitlab|git|hf|ado|devops|azure)[_\-.]?pat"
)
#: services whose credentials are often named ``<SERVICE>_..._KEY`` (``TWITTER_CONSUMER_KEY``,
#: ``DATADOG_APP_KEY``, ``ALGOLIA_ADMIN_KEY``): such a name makes its value a secret (with entropy)
_SERVICES = tuple("""
    adafruit airtable algolia alibaba amplitude asana assemblyai atlassian auth0 beamer binance bitbucket
    bitfinex bitly bittrex braintree brevo bugsnag chargebee circleci clickup cloudflare codecov cohere
    coinbase confluent contentful datadog deepgram deepseek digitalocean discord dropbox droneci duffel dynatrace
    elevenlabs etsy facebook fastly finicity finnhub firebase flickr flutterwave freshbooks freshdesk gitter
    gocardless grafana groq harness heroku hubspot huggingface intercom jfrog klaviyo kraken kucoin
    launchdarkly linear linkedin linode logz looker mailchimp mailgun mailjet mandrill mapbox mattermost
    meraki messagebird mistral mixpanel mollie netlify newrelic new_relic nexmo ngrok notion nytimes okta
    onesignal opsgenie pagerduty paypal paystack perplexity pinecone plaid plivo postmark pulumi pusher
    rapidapi razorpay replicate rollbar segment sendbird sendgrid sentry shopify slack snyk sparkpost splunk
    squarespace square stripe sumo sumologic telnyx todoist travis trello twilio twitch twitter typeform
    vercel vonage vultr webflow zendesk zoom
""".split())
#: after the service's name: up to three more words, then ``key`` ending the name
_SERVICE_KEY = re.compile(r"(?P<pw>(?!))|(?P<key>[a-z0-9]*(?:[_\-.]?[A-Za-z]{1,12}){0,3}?[_\-.]?key)(?![a-z])", re.IGNORECASE)
_KEYWORD = re.compile(rf"(?P<pw>{_PASSWORD_WORDS})|(?P<key>{_KEY_WORDS})", re.IGNORECASE)
#: short keywords that must be a whole segment of the name (``pass`` but not ``compass``)
_SHORT_WORDS = frozenset({"pass", "pwd", "auth"})
#: keywords that must end a segment (``token`` but not ``tokenizer``)
_ENDING_WORDS = frozenset({"token", "secret", "credential", "credentials"})
#: a name with one of these segments does not name a secret value (``password_hash``, ``client_id``)
_NOT_SECRET_SEGMENTS = frozenset(
    """id ids uuid guid name names username file filename files path dir url uri urls endpoint host hostname
    length len size min max count limit type types kind format field column label prompt placeholder hint policy
    pattern regex rule rules valid validation validator reset forgot confirm confirmation expiry expires expiration
    expire expired ttl timeout header headers prefix suffix param params var ref mode enabled enable required input
    error errors message msg title desc description help question icon class style color template view form page
    route handler callback method provider strategy manager location generator encoder decoder parser
    lexer counter index offset public publishable sitekey cookie usage tokens version date time flag show visible
    strength rotation retries attempts cache lifetime scope scopes audience issuer algorithm alg encoding charset
    mask display hash hashed digest sha sha1 sha256 sha512 md5 checksum crc salt fingerprint example sample button
    link widget key_id keyid toggle visibility hidden mgr last used changed updated created next continuation
    pagination page cursor marker""".split()
)
#: nor does a name containing one of these anywhere
_NOT_SECRET_PARTS = re.compile(
    r"hash|digest|checksum|tokeni[sz]|passthrough|passenger|passive|passport|passage|bypass|compass|surpass|"
    r"pass(?:ed|es|ing)(?![a-z])|placeholder",
    re.IGNORECASE,
)
_SEGMENT = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+")


def _not_secret_name(name: str) -> bool:
    if _NOT_SECRET_PARTS.search(name):
        return True
    return any(seg.lower() in _NOT_SECRET_SEGMENTS for seg in _SEGMENT.findall(name))


_NAME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.")
#: what follows a name: closing quote/bracket, the operator
_OPERATOR = re.compile(
    r"""(?P<close>(?:["'`]|\\["'])?\]?["']?)[ \t]*"""
    r"""(?P<op>\|\|=|\?\?=|\|\||\?\?|:=|=>|<-|===|!==|==|!=|=|::|:|\(|,|>|[ \t]+(?:value|val|content)[ \t]*=)"""
)
#: a value: quoted (with escapes) or bare
_VALUE = re.compile(
    r"""[ \t]*(?:(?:\[\]byte|(?:new\s+)?String|str|bytes|bytearray|SecretStr|SecretString|Secret|Buffer\.from|"""
    r"""Some|Cow::from|SecureString)\([ \t]*(?=[@bBrRuU]{0,2}["']))?(?:@|[bBrRuU]{1,2}(?=["']))?"""
    r"""(?:"(?P<dq>(?:[^"\\\r\n]|\\.){1,512})"|'(?P<sq>(?:[^'\\\r\n]|\\.){1,512})'|`(?P<bq>[^`\\\r\n]{1,512})`"""
    r"""|(?P<bare>[^\s"'`,;)\]}<>&|]{1,512}))"""
)
_XML_VALUE = re.compile(r"(?P<bare>[^<\r\n]{1,512})</")
_IDENTIFIER_PATH = re.compile(r"[A-Za-z_$][\w$]*(?:(?:\.|::|->)[A-Za-z_$][\w$]*)*")
_BARE_OK = re.compile(r"[A-Za-z0-9_\-+/=.~!@#$%^*:?]+")
_PATHLIKE = re.compile(r"^(?:/|\./|\.\./|~/|[A-Za-z]:\\)|://|\.(?:pem|key|crt|cer|p12|pfx|json|ya?ml|txt|env|cfg|conf|ini|properties|xml|toml|jks|keystore|gpg|asc)$", re.IGNORECASE)
_DOTTED_NAME = re.compile(r"[a-z_][a-z0-9_\-]*(?:\.[a-z_][a-z0-9_\-]*)+")
_ENV_NAME = re.compile(r"[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+")
_NUMBER = re.compile(r"0[xX][0-9a-fA-F]+|\d+[lLuU]?")
#: "StreamDescription.Shards[-1].ShardId", "data['token']": a path into a structure
_EXPRESSION = re.compile(r"[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*|\[[^\]]*\])*(?:\[[^\]]*\])(?:\.[A-Za-z_$][\w$]*|\[[^\]]*\])*")
_NOT_A_SECRET_VALUE = re.compile(r"\d{4}-\d{2}-\d{2}(?:[T ][\d:.]+)?(?:Z|[+-]\d{2}:?\d{2})?|\d+(?:\.\d+)+|v?\d+\.\d+\.\d+\S*")
#: publishable keys: public by design (Stripe, Mapbox, ...)
_PUBLIC_PREFIXES = ("pk_live_", "pk_test_", "pk.")
_WORDS = re.compile(r"[A-Za-z]+(?:[-_.:/][A-Za-z]+)*")
_REGEXISH = re.compile(r"\\[dswbDSWB]|\[\^?[a-zA-Z0-9]-[a-zA-Z0-9]|\(\?[:=!<P]|\.\*|\.\+|\{\d+,?\d*\}")
#: a type annotation between ``name:`` and ``= value`` (Python, TypeScript)
_ANNOTATION = re.compile(r"[ \t]*&?(?:'static[ \t]+)?[A-Za-z_][\w.]*(?:\[[\w.\[\], |]*\])?(?:[ \t]*\|[ \t]*[A-Za-z_][\w.]*)*[ \t]*=(?![=>])")
