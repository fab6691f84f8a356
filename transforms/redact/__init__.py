"""Stage ``redact``: remove secrets and PII from file contents (after dedup, before token counts).

What is found
-------------
* **Secrets** (``<KEY>`` / ``<PASSWORD>``): detect-secrets' own detection patterns
  (the ``denylist`` regexes of its regex plugins, imported from the library: AWS,
  Artifactory, Azure storage, basic auth, Cloudant, Discord, GitHub, GitLab, IBM,
  Mailchimp, OpenAI, PyPI, SendGrid, Slack, SoftLayer, Square, Stripe, Telegram,
  Twilio; its JWT validator) plus codestack's rules for current credential formats
  (:data:`PREFIX_RULES`: GCP, Azure AD/SAS/Service Bus, DigitalOcean, Alibaba, Heroku,
  fine-grained GitHub, Bitbucket/Atlassian, npm, RubyGems, NuGet, Docker Hub,
  Terraform Cloud, Vault, Anthropic, OpenAI project keys, Hugging Face, Groq,
  Shopify, Teams/Discord webhooks, JWTs, age keys, ...), private key blocks (PEM,
  in JSON strings or code, PuTTY), URLs with passwords, ``Authorization`` headers,
  CLI flags (``curl -u``, ``mysql -p``, ``sshpass -p``, ``--password``), SQL
  ``CREATE USER ... IDENTIFIED BY``, ``login(user, password)`` calls, and generic
  ``password``/``secret``/``token``/``api_key`` assignments in code, YAML, JSON,
  .env, INI, properties, XML and shell. A quoted random string on the line of a key
  found by its format is taken as that key's other half (``Client("SK…", "<secret>")``).
* **PII**: emails (``<EMAIL>``; anchored on ``@`` and the delimiters around it,
  the top-level domain checked against the Public Suffix List that ``tldextract``
  ships) and public IPv4/IPv6 host addresses (parsed with ``ipaddress``).

detect-secrets' high-entropy-string plugins are not used on their own: a random
string with no key name next to it is as often a hash, an id or test data as a
credential. Entropy is used where a key is expected (the value of a ``secret``
or ``token`` assignment). Its keyword plugin is replaced by the assignment
parser here, which knows more syntaxes; its IP plugin by the PII rules.

Names are not detected: no maintained library ships a local model for them
through the registries codestack installs from (spaCy's models are published
outside PyPI), so ``redacted_names`` stays 0 and ``<NAME>`` is never produced.

Left alone (false-positive controls)
------------------------------------
Placeholders (``xxxx``, ``<your-key>``, ``changeme``, ``${VAR}``, ``{{ var }}``,
``%(x)s``, ``example``, sequences like ``ABC12345``), references
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
when the file names the service.

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
``files_redacted`` (namespace ``codestack.redact``, so they reach the manifest).

The package, by concern: ``config`` (categories, tokens, :class:`RedactConfig`, the findings),
``values`` (entropy, placeholders, digests), ``rules`` (prefix-anchored key formats),
``assignments`` (the assignment parser's names and values), ``patterns`` (URLs, headers, CLI
flags, private keys, emails, IPs, versions), ``redactor`` (:class:`Redactor`), ``stage``
(:func:`redact_record`, :func:`make_core`); every name used elsewhere is re-exported here.
"""

from __future__ import annotations

from transforms.redact.config import (
    CATEGORIES, DEFAULT_IPV4_REPLACEMENTS, DEFAULT_IPV6_REPLACEMENTS, DEFAULT_KEEP_IPS, EMAIL,
    Finding, IP, KEY, NAME, PASSWORD, RECORD_FIELDS, RedactConfig, Redaction, STAGE, TOKENS,
    apply_findings, category_of,
)
from transforms.redact.values import (
    is_hash_on_hash_line, is_placeholder, shannon_entropy,
)
from transforms.redact.rules import (
    PREFIX_RULES,
)
from transforms.redact.redactor import (
    Redactor,
)
from transforms.redact.stage import (
    findings_from_payload, findings_payload, make_core, redact_record,
)

__all__ = [
    "CATEGORIES", "DEFAULT_IPV4_REPLACEMENTS", "DEFAULT_IPV6_REPLACEMENTS", "DEFAULT_KEEP_IPS",
    "EMAIL", "Finding", "IP", "KEY", "NAME", "PASSWORD", "PREFIX_RULES", "RECORD_FIELDS",
    "RedactConfig", "Redaction", "Redactor", "STAGE", "TOKENS", "apply_findings", "category_of",
    "findings_from_payload", "findings_payload", "is_hash_on_hash_line", "is_placeholder",
    "make_core", "redact_record", "shannon_entropy",
]
