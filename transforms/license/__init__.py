"""Stage ``license``: which licenses apply to each file, and is it permissive.

Evidence, from strongest to weakest for a file:

1. **its own header** (the first comment block): ``SPDX-License-Identifier:``
   lines, else a license notice ScanCode recognizes (only when the header holds
   a license keyword), else "All rights reserved" with no license and no pointer
   to a license file (``LicenseRef-codestack-all-rights-reserved``, proprietary);
2. **its folder's evidence, or the nearest ancestor folder's**: license-like files
   (LICENSE, LICENCE, COPYING, COPYRIGHT, NOTICE, UNLICENSE in any case and with
   any non-code extension, ``MIT-LICENSE``; a README's license section) scanned
   with ScanCode, and package manifests' declared licenses (package.json,
   Cargo.toml, pyproject.toml, setup.cfg, PKG-INFO, ``*.gemspec``, composer.json,
   pom.xml, ``*.cabal``, DESCRIPTION) as SPDX expressions. In one folder the
   strongest tier that names a license speaks (license files and manifests, else
   NOTICE/COPYRIGHT files, else the README) and what it names is ANDed, unless a
   manifest declares how the license files combine (``MIT OR GPL-3.0-or-later``
   beside LICENSE-MIT and LICENSE-GPL). A nested folder's evidence overrides its
   ancestors' for its subtree (a vendored library's COPYING), a header overrides
   for its file. Lists of third-party licenses (``LICENSES_bundled.txt``,
   ``THIRD-PARTY-NOTICES``) describe code elsewhere and are not evidence. Weakest at the
   root: a license stated for the whole software outside a LICENSE file (a ``doc/`` README's
   license section, also in HTML; a trailing notice in the main sources, as at the end of Lua's
   ``lua.h``; the header of the main header named like the repository, as SQLite's blessing in
   ``sqlite3.h``), see :mod:`.repository` (``license.repository_notices``);
3. the repository's ``gha_license_id`` (GitHub's own detection), when present.

Expressions are SPDX, validated and normalized with license-expression
(deprecated ids become current ones, ``GPL-2.0`` -> ``GPL-2.0-only``;
``LicenseRef-scancode-*`` ids are kept as such, unless ScanCode's data names a real SPDX id
for the key (``other_spdx_license_keys``); an id that does not exist becomes
``LicenseRef-scancode-unknown-spdx``). ``transforms/data/license_policy.yaml``
classifies ids; ``OR`` is permissive if any branch is, ``AND``/``WITH`` only if
all parts are; no evidence at all is ``no_license``. Releases keep ``permissive``
files, and ``no_license`` ones only with ``include_no_license``; the others are
dropped (``dropped:non_permissive`` / ``dropped:no_license``). License files and
manifests are records like any other: they go on, with their folder's verdict.

Speed: ScanCode runs only on license-like files, README license sections,
declared names that are not SPDX and headers holding a license keyword, never on
every file (the benchmark's peer, ScanCode on every file, is ~900x slower);
texts longer than ``max_scan_chars`` are cut (``scan:truncated``). License files
get ScanCode's full matching (exact, then approximate sequence matching for
modified texts: ~0.1-0.5 s each); headers, README sections and declared names get
its exact matchers only (hash, SPDX ids, Aho-Corasick over ~37,000 rules, notices
included: ~1 ms, and on notices no less right).
Results are cached per worker process (LRU) by what was scanned: a license file
by its ``blob_id``, a header or a declared name by the sha1 of its text, so a
LICENSE met a million times, or the Apache header on a thousand files, is scanned
once per worker. The ScanCode index (about 1.4 GB) and that cache live in one
:class:`Engine` per worker process, built on a worker's first license bundle and shared by the
process's threads through :class:`transforms.memory.Resident`, which drops it
(``release_idle_seconds`` after the last license bundle) so that later stages do
not run beside an index nobody uses.

Scope in Beam, without any worker holding a repository. A repository's license
evidence is tiny next to its files (a handful of license-like files and manifests
in a tree of thousands of files), so only evidence and folder names travel to
where they are needed, and each file is joined with one small verdict:

- ``Extract`` (ParDo, per file): computes the file's header evidence and, for a
  license-like file or manifest, its folder evidence ``((snapshot_id, folder),
  Evidence)``; the file itself goes on keyed by ``(snapshot_id, its folder)``.
- ``Folders`` / ``Ancestors``: the distinct ``(snapshot_id, folder)`` keys of
  files (folders, not files: ten or more times fewer), each asking every ancestor
  ``((snapshot_id, ancestor), folder)``.
- ``Reach`` (GroupByKey on ``(snapshot_id, ancestor)``): an ancestor with
  evidence combines it into one verdict and answers each asking folder
  ``((snapshot_id, folder), (depth, verdict))``; ``Nearest`` keeps the deepest
  answer per folder: the nearest license wins.
- ``Assign`` (GroupByKey on ``(snapshot_id, folder)``): one folder's files and
  its verdict. The grouped values are read twice (Beam's grouped iterables are
  re-iterable, and runners page large groups in lazily): the first pass finds the
  verdict, the second assigns the files one by one, so even a folder with very
  many files is never held in memory; a repository never is.

A side input per repository is not available in Beam (side inputs are global),
and a global map of every folder's verdict would not fit a worker on a full
run; grouping every file of a repository under one key would put a whole
repository on one worker, which is what this design avoids.

Counters (namespace ``codestack.license``, deterministic: per record, never per
cache state): ``kept``, ``dropped:<license_type>``, ``license_type:<type>``,
``assigned_by:<header|folder|gha|none>``, ``evidence:<kind>``, ``scans:<kind>``,
``scan:truncated``, ``manifest:malformed``, ``spdx:invalid``. Cache hits and
misses depend on which worker saw what, so they are counted apart, in
``codestack-runtime.license``, which releases do not record.

Modules: ``config`` (:class:`LicenseConfig`, ``STAGE`` and the license types),
``names`` (license files, READMEs, manifests and folders, by name), ``spdx``
(:class:`Evidence`, :class:`Verdict`, :class:`Decision`, :class:`Spdx` and its
policy), ``scancode`` (the speed-ups installed into ScanCode's internals, on the
versions they were verified against), ``spdx_texts`` (the current SPDX list's texts,
matched whole beside ScanCode), ``engine`` (:class:`Scanner`, :class:`Engine`,
:func:`make_engine`, the scan helpers and how ScanCode's answer and an SPDX text
combine), ``evidence`` (license files and READMEs, manifests, headers), ``repository``
(repository-wide notices), ``scope``
(per file, per folder: :func:`extract`, :func:`folder_verdict`, :func:`decide`,
:func:`license_records`), ``stage`` (the Beam graph: :class:`License`).
"""

from transforms.license.config import (
    ALL_RIGHTS_RESERVED, LICENSE_TYPES, NO_LICENSE, NON_PERMISSIVE, PERMISSIVE, POLICY_PATH, PROPRIETARY,
    RUNTIME_NAMESPACE, STAGE, UNKNOWN, UNKNOWN_SPDX, LicenseConfig,
)
from transforms.license.names import ancestors, depth_of, folder_of, is_license_file, is_readme, manifest_kind
from transforms.license.spdx import Decision, Evidence, Policy, Spdx, Verdict
from transforms.license.scancode import (
    VERIFIED_SCANCODE, CandidateFilter, _best_ranked, install_candidate_filter, install_lazy_false_positive,
    install_speedups, speedups_enabled, uninstall_speedups,
)
from transforms.license.engine import Engine, Scanner, ScanResult, forget_scancode_cache, make_engine
from transforms.license.evidence import (
    Declared, ManifestError, declared_expression, declared_licenses, header_block, header_blocks, header_evidence,
    license_file_evidence, manifest_evidence, readme_evidence, readme_license_section,
)
from transforms.license.scope import (
    Assigned, assign, decide, detect_text, extract, folder_verdict, gha_evidence, license_records, nearest_verdict,
    release,
)
from transforms.license.stage import EVIDENCE, License

__all__ = [
    "ALL_RIGHTS_RESERVED",
    "EVIDENCE",
    "LICENSE_TYPES",
    "NO_LICENSE",
    "NON_PERMISSIVE",
    "PERMISSIVE",
    "POLICY_PATH",
    "PROPRIETARY",
    "RUNTIME_NAMESPACE",
    "STAGE",
    "UNKNOWN",
    "UNKNOWN_SPDX",
    "Assigned",
    "CandidateFilter",
    "Decision",
    "Declared",
    "Engine",
    "Evidence",
    "License",
    "LicenseConfig",
    "ManifestError",
    "Policy",
    "Scanner",
    "ScanResult",
    "Spdx",
    "Verdict",
    "_best_ranked",
    "ancestors",
    "assign",
    "decide",
    "declared_expression",
    "declared_licenses",
    "depth_of",
    "detect_text",
    "extract",
    "folder_of",
    "folder_verdict",
    "forget_scancode_cache",
    "gha_evidence",
    "header_block",
    "header_blocks",
    "header_evidence",
    "VERIFIED_SCANCODE",
    "install_candidate_filter",
    "install_speedups",
    "speedups_enabled",
    "uninstall_speedups",
    "install_lazy_false_positive",
    "is_license_file",
    "is_readme",
    "license_file_evidence",
    "license_records",
    "make_engine",
    "manifest_evidence",
    "manifest_kind",
    "nearest_verdict",
    "readme_evidence",
    "readme_license_section",
    "release",
]
