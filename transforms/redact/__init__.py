"""Stage ``redact``: remove secrets and PII from file contents (after dedup, before token counts).

What is found
-------------
* **Secrets** (``<KEY>`` / ``<PASSWORD>``): detect-secrets' own detection patterns
  (the ``denylist`` regexes of its regex plugins, imported from the library: AWS,
  Artifactory, Azure storage, basic auth, Cloudant, Discord, GitHub, GitLab, IBM,
  Mailchimp, OpenAI, PyPI, SendGrid, Slack, SoftLayer, Square, Stripe, Telegram,
  Twilio; its JWT validator) plus codestack's rules for current credential formats
  (:data:`PREFIX_RULES`, package :mod:`transforms.redact.formats`, ~190 kinds by domain:
  ``cloud`` -- AWS incl. Bedrock, GCP/Firebase, Azure identifiable keys, AD secrets, SAS, DevOps,
  Alibaba, Tencent, Yandex, Scaleway, Akamai, Cloudflare, DigitalOcean, Heroku, Vault service and
  batch tokens, Terraform, Pulumi, Doppler, Harness, 1Password, Tailscale, Fly.io, Netlify, Supabase,
  PlanetScale, Databricks...; ``vcs_and_registries`` -- GitHub, GitLab, Bitbucket/Atlassian,
  Sourcegraph, CircleCI, Buildkite, SonarQube, npm, PyPI, RubyGems, NuGet (also ``ClearTextPassword``),
  Docker Hub, crates.io, Packagist, JFrog...; ``saas_ai`` -- OpenAI, Anthropic, Hugging Face, Groq,
  OpenRouter, NVIDIA, LangSmith, Pinecone, Stripe, Square, Braintree, Adyen, Plaid, SendGrid, Mailgun,
  Brevo, New Relic, Grafana, Sentry, Sumo Logic, Notion, Linear, Airtable, HubSpot, Salesforce,
  Dropbox...; ``chat_webhooks`` -- Slack (also webhook URLs without a scheme), Discord, Teams, Google
  Chat, Zapier, Make, IFTTT, Facebook app/page tokens; ``generic`` -- JWTs, base64-wrapped JWTs,
  age and Django keys, the ``data:``/``stringData:`` values of Kubernetes ``Secret`` manifests),
  private key blocks (PEM, in JSON strings or code, PuTTY), URLs with passwords, ``Authorization``
  headers, CLI flags (``curl -u``/``--user``, quoted or not, ``mysql -p``, ``sshpass -p``,
  ``--password``), SQL ``CREATE USER ... IDENTIFIED BY``, ``login(user, password)`` calls, and generic
  ``password``/``secret``/``token``/``api_key`` assignments in code, YAML, JSON, .env, INI, properties,
  XML and shell, also ``<SERVICE>_..._KEY`` names of ~130 services (``TWITTER_CONSUMER_KEY``). A quoted
  random string on the line of a key
  found by its format is taken as that key's other half (``Client("SK…", "<secret>")``).
* **PII**: emails (``<EMAIL>``; anchored on ``@`` and the delimiters around it,
  the top-level domain checked against the Public Suffix List that ``tldextract``
  ships), public IPv4/IPv6 host addresses (parsed with ``ipaddress``), persons' names
  (``<NAME>``, :mod:`.names`: in copyright, author, maintainer, ``written by``, ``TODO(name)``,
  manifest and ``Name <email>`` contexts; a known given name, a name-shaped field value, never an
  organisation), payment card numbers (``<CREDIT_CARD>``, :mod:`.numbers`: issuer prefix and
  length, Luhn, the printed groupings; the issuers' public test numbers kept unless
  ``keep_test_cards`` is off) and phone numbers (``<PHONE>``, :mod:`.numbers`: ``phonenumbers``'
  valid numbers in ``+CC`` form or beside a phone word).

``sensitivity`` (low | default | high, :data:`SENSITIVITY`) sets the thresholds (password and key
lengths, key entropy) and the kinds (names, phones, test cards, context needs) left unset; the
manifest's config records what a build used.

detect-secrets' high-entropy-string plugins are not used on their own: a random
string with no key name next to it is as often a hash, an id or test data as a
credential. Entropy is used where a key is expected (the value of a ``secret``
or ``token`` assignment). Its keyword plugin is replaced by the assignment
parser here, which knows more syntaxes; its IP plugin by the PII rules.

Left alone (false-positive controls)
------------------------------------
Placeholders (``xxxx``, ``<your-key>``, ``changeme``, ``${VAR}``, ``{{ var }}``,
``%(x)s``, ``example``, sequences like ``ABC12345``, a prefix filled with a sequence or one repeated
character: ``AIzaSyabcdefghijklmnopqrstuvwxyz1234567``, ``xoxp-1234567890``, values published in
providers' documentation: ``AKIAIOSFODNN7EXAMPLE``, jwt.io's token, the Azure storage emulator key);
when a format rule matched one it is recorded as a placeholder decision (counted, not replaced).
Values that are not credentials: punctuation soup (``,.:-¨@*¿?!``), labels (``Password:``), words in
other scripts (``Contraseña``, ``Пароль``). References
(``os.environ[...]``, ``config.password``, calls), camelCase labels, low-entropy
values, hex digests on lines that speak of sha/md5/hash/checksum, names that say
the value is not a secret (``password_hash``, ``token_url``, ``secret_name``,
``client_id``, ``PublicKeyToken``), publishable keys (``pk_live_``, ``pk.``),
private/loopback/link-local/documentation/reserved/multicast IPs, CIDR network
blocks, the well-known public DNS resolvers, version-like dotted numbers
(``version 1.2.3.4``, ``Chrome/120.0.0.0``, ``>=1.2.3.4``, ``image:9.3.0.25``,
numbered headings), emails at domains reserved for examples (RFC 2606/6761).

How it is fast
--------------
One Aho-Corasick pass (ahocorasick-rs, a DFA) over the lower-cased text finds every
anchor (key prefixes, keywords, ``@``, ``://``, ``private key``) and two cheap
regexes find digits-and-dots and hex-and-colons; only the lines holding a hit go
to the rules those anchors name, each rule once per line. A few rules whose
format has no anchor (Discord and Twilio keys) run on the whole file, and only
when the file names the service. Card and phone numbers have cheap hint regexes of their own (12+ digits
in card groupings; 7+ digits with phone punctuation) that mark the lines their finders read.

Redaction
---------
The same secret gets the same replacement everywhere in its file: every other
occurrence of a found string is replaced too. Public IPs become one of a fixed
set of private addresses of the same version, chosen by a stable hash (xxh64) of
the original, never by instance state: the same address maps to the same
replacement in every file and run. Replacements are never detected again, so
redacting redacted text changes nothing.

Pure core: :class:`Redactor` (built once per worker) with :meth:`Redactor.redact`
returning the text and the findings (``kind``, ``start``, ``end``,
``replacement``; offsets are code-point offsets into the input), and
:func:`redact_record` for a :class:`CodeFile`, which adds the per-category counts
to ``redacted_*`` and counts ``redacted:<category>``, ``kind:<kind>`` and
``files_redacted``, and ``placeholder`` for the format matches left as placeholders (namespace
``codestack.redact``, so they reach the manifest).

The package, by concern: ``config`` (categories, tokens, :class:`RedactConfig`, the sensitivity
levels, the findings), ``values`` (entropy, placeholders, digests), ``rules`` (the rule machinery,
detect-secrets' patterns), ``formats`` (codestack's credential formats, by domain), ``names``
(persons' names), ``numbers`` (card and phone numbers),
``assignments`` (the assignment parser's names and values), ``patterns`` (URLs, headers, CLI
flags, private keys, emails, IPs, versions), ``redactor`` (:class:`Redactor`), ``stage``
(:func:`redact_record`, :func:`make_core`); every name used elsewhere is re-exported here.
"""

from __future__ import annotations

from transforms.redact.config import (
    CATEGORIES, CREDIT_CARD, DEFAULT_IPV4_REPLACEMENTS, DEFAULT_IPV6_REPLACEMENTS, DEFAULT_KEEP_IPS, EMAIL,
    Finding, IP, KEY, NAME, PASSWORD, PHONE, PLACEHOLDER, RECORD_FIELDS, RedactConfig, Redaction, SENSITIVITY,
    STAGE, TOKENS, apply_findings, category_of,
)
from transforms.redact.values import (
    is_hash_on_hash_line, is_placeholder, shannon_entropy,
)
from transforms.redact.formats import (
    PREFIX_RULES,
)
from transforms.redact.redactor import (
    Redactor,
)
from transforms.redact.stage import (
    findings_from_payload, findings_payload, make_core, redact_record,
)

__all__ = [
    "CATEGORIES", "CREDIT_CARD", "DEFAULT_IPV4_REPLACEMENTS", "DEFAULT_IPV6_REPLACEMENTS", "DEFAULT_KEEP_IPS",
    "EMAIL", "Finding", "IP", "KEY", "NAME", "PASSWORD", "PHONE", "PLACEHOLDER", "PREFIX_RULES", "RECORD_FIELDS",
    "RedactConfig", "Redaction", "Redactor", "SENSITIVITY", "STAGE", "TOKENS", "apply_findings", "category_of",
    "findings_from_payload", "findings_payload", "is_hash_on_hash_line", "is_placeholder",
    "make_core", "redact_record", "shannon_entropy",
]
