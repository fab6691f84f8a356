"""Constants of the license stage and its configuration (:class:`LicenseConfig`)."""

from __future__ import annotations

import dataclasses
import os

STAGE = "license"
#: counter namespace for figures that depend on scheduling (cache hits): not in releases
RUNTIME_NAMESPACE = "codestack-runtime." + STAGE

PERMISSIVE = "permissive"
NON_PERMISSIVE = "non_permissive"
NO_LICENSE = "no_license"
LICENSE_TYPES = (PERMISSIVE, NO_LICENSE, NON_PERMISSIVE)

#: a header or license file that reserves all rights and grants none
ALL_RIGHTS_RESERVED = "LicenseRef-codestack-all-rights-reserved"
#: license-like text that names no license ScanCode knows
UNKNOWN = "LicenseRef-scancode-unknown"
#: an SPDX id that does not exist (ScanCode's own convention)
UNKNOWN_SPDX = "LicenseRef-scancode-unknown-spdx"
#: npm's "UNLICENSED": not licensed for use by others
PROPRIETARY = "LicenseRef-scancode-proprietary-license"

POLICY_PATH = os.path.join(os.path.dirname(os.path.dirname(__file__)), "data", "license_policy.yaml")


@dataclasses.dataclass(frozen=True)
class LicenseConfig:
    #: also release files with no license evidence at all (``--include-no-license``)
    include_no_license: bool = False
    #: a license stated for the whole software outside a LICENSE file (a doc/ README's license
    #: section, a trailing notice in the main sources, the main header named like the repository)
    #: applies where nothing nearer says otherwise (transforms.license.repository)
    repository_notices: bool = True
    #: ScanCode sees at most this many characters of a text (the rest is cut)
    max_scan_chars: int = 131_072
    #: a file's header is its first comment block within these many lines ...
    header_max_lines: int = 60
    #: ... and characters
    header_max_chars: int = 8_192
    #: manifests larger than this are not parsed (counted as malformed)
    max_manifest_bytes: int = 1_000_000
    #: ScanCode results kept per worker process (least recently used evicted)
    cache_entries: int = 65_536
    #: a license file whose exact matches (hash, SPDX ids, ScanCode's rule automaton) cover
    #: at least this fraction of its tokens is not matched approximately as well
    exact_coverage: float = 0.95
    #: a worker drops the ScanCode index once no license bundle has used it for this long
    #: (it is rebuilt if one comes later); 0 keeps it for the life of the worker
    release_idle_seconds: float = 30.0
