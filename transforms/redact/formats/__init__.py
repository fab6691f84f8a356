"""codestack's credential format rules, by domain (:data:`PREFIX_RULES`).

Each rule is a regex whose group is the secret plus the lower-case literals (anchors) that must occur
on a line for the rule to run there (or, for formats with no literal of their own, in the file:
``file_anchors``). Most are prefix-anchored (``sgp_``, ``hvb.``, ``xoxp-``); keyword rules take a value
of a known shape assigned to a name that names the service (``sumo_access_id: su...``). A match that is
a documented placeholder or an obvious sequence becomes a placeholder candidate: kept, counted.

* :mod:`.cloud` -- AWS, Google Cloud, Azure, other clouds, Vault, Terraform, platforms.
* :mod:`.vcs_and_registries` -- code hosting, CI/CD, package registries.
* :mod:`.saas_ai` -- AI model APIs, payments, email, observability, productivity SaaS.
* :mod:`.chat_webhooks` -- Slack, Discord, Teams, Google Chat, automation webhooks, Facebook.
* :mod:`.generic` -- JWTs (also base64-wrapped), age and Django keys, Kubernetes Secret values.
"""

from __future__ import annotations

from typing import Tuple

from transforms.redact.formats import chat_webhooks, cloud, generic, saas_ai, vcs_and_registries
from transforms.redact.rules import _Rule

#: codestack's own rules for credential formats, every domain.
PREFIX_RULES: Tuple[_Rule, ...] = (
    cloud.RULES + vcs_and_registries.RULES + saas_ai.RULES + chat_webhooks.RULES + generic.RULES
)

#: the kinds the rules report
KINDS = tuple(sorted({rule.kind for rule in PREFIX_RULES}))

__all__ = ["KINDS", "PREFIX_RULES"]
