"""Per file, per folder: extraction, folder verdicts, decisions, the stage in memory."""

from __future__ import annotations

import collections
import re
from typing import Dict, Iterable, Iterator, List, NamedTuple, Optional, Tuple

from transforms.base import Count, Drop, Outcome
from transforms.record import CodeFile
from transforms.license.config import NO_LICENSE, PERMISSIVE, UNKNOWN, LicenseConfig
from transforms.license.names import ancestors, folder_of, is_license_file, is_readme, manifest_kind
from transforms.license.spdx import Decision, Evidence, Spdx, Verdict
from transforms.license.engine import Engine, _noop
from transforms.license.evidence import (
    _NONE_VALUES, header_evidence, license_file_evidence, manifest_evidence, readme_evidence
)
from transforms.license.repository import REPO_NOTICE, repo_notice_evidence

# --------------------------------------------------------------------------- per file, per folder


def extract(record: CodeFile, engine: Engine, count: Count, runtime: Count = _noop) -> Tuple[Optional[Evidence], List[Evidence]]:
    """``(header evidence for the file, evidence for the file's folder)``."""
    items: List[Evidence] = []
    header = None
    if not record.content:
        return None, items
    if is_license_file(record.path):
        item = license_file_evidence(record, engine, count, runtime)
        if item is not None:
            items.append(item)
    else:
        readme = None
        if is_readme(record.path):
            readme = readme_evidence(record, engine, count, runtime)
            if readme is not None:
                items.append(readme)
        kind = manifest_kind(record.path)
        if kind is not None:
            item = manifest_evidence(record, kind, engine, count, runtime)
            if item is not None:
                items.append(item)
        header = header_evidence(record, engine, count, runtime)
        notice = repo_notice_evidence(record, header, readme, engine, count, runtime)
        if notice is not None:  # the repository's license, stated in this file (keyed to the root)
            items.append(notice)
    for item in items:
        count(f"evidence:{item.kind}")
    return header, items


#: kinds of folder evidence, strongest first (repo_notice: only ever at the root, see .repository)
_TIERS = (("license_file", "manifest"), ("notice_file",), ("readme",), (REPO_NOTICE,))


def evidence_folder(path: str, item: Evidence) -> str:
    """The folder a piece of evidence speaks for: its file's, or the root for a repository-wide notice."""
    return "" if item.kind == REPO_NOTICE else folder_of(path)


def _license_family(spdx_id: str) -> str:
    """``GPL-3.0-only`` and ``GPL-3.0-or-later`` -> ``GPL-3.0``: a license text names no such suffix."""
    return re.sub(r"-(?:only|or-later)$", "", spdx_id)


def folder_verdict(folder: str, items: Iterable[Evidence], spdx: Spdx) -> Optional[Verdict]:
    """One folder's evidence, combined.

    The strongest tier with an identified license speaks for the folder: license
    files (LICENSE, COPYING, UNLICENSE, ...) and manifests, else NOTICE / COPYRIGHT
    files, else a README's license section (a NOTICE naming the licenses of bundled
    parts, or a README restating the license, does not add to a LICENSE). Within the
    tier identified expressions are ANDed (every license found applies), except that
    when the manifests declare every license the license files hold, the manifests'
    expression says how they combine (LICENSE-MIT and LICENSE-GPL beside
    ``license = "MIT OR GPL-3.0-or-later"``: a choice, not both). Only unidentified
    license files (a license nobody can name) -> ``LicenseRef-scancode-unknown``."""
    items = tuple(sorted(set(items)))
    if not items:
        return None
    identified = []
    for tier in _TIERS:
        identified = [item for item in items if item.expression and item.kind in tier]
        if identified:
            break
    if not identified:
        return Verdict(folder, UNKNOWN, items)
    manifests = [item.expression for item in identified if item.kind == "manifest"]
    found = [item.expression for item in identified if item.kind != "manifest"]
    if manifests and found:
        declared = {_license_family(i) for e in manifests for i in spdx.ids(e)}
        if all(_license_family(i) in declared for e in found for i in spdx.ids(e)):
            return Verdict(folder, spdx.combine(manifests, "AND"), items)
    return Verdict(folder, spdx.combine([item.expression for item in identified], "AND"), items)


def gha_evidence(record: CodeFile, spdx: Spdx) -> Optional[Evidence]:
    value = (record.gha_license_id or "").strip()
    if value.lower() in _NONE_VALUES:
        return None
    expression, invalid = spdx.normalize(value)
    if not expression or invalid:
        return None
    return Evidence("gha", "", expression, "gha_license_id")


def decide(record: CodeFile, header: Optional[Evidence], verdict: Optional[Verdict], spdx: Spdx) -> Decision:
    """Header, else the nearest folder's verdict, else ``gha_license_id``, else nothing."""
    if header is not None and header.expression:
        expression, evidence, by = header.expression, (header,), "header"
    elif verdict is not None:
        expression, evidence, by = verdict.expression, verdict.evidence, "folder"
    else:
        gha = gha_evidence(record, spdx)
        if gha is not None:
            expression, evidence, by = gha.expression, (gha,), "gha"
        else:
            expression, evidence, by = "", (), "none"
    return Decision(expression, spdx.classify(expression), spdx.ids(expression), evidence, by)


def assign(record: CodeFile, header: Optional[Evidence], verdict: Optional[Verdict], spdx: Spdx,
           config: LicenseConfig, count: Count) -> Outcome:
    """Fill ``detected_licenses`` / ``license_type``; keep what the release policy keeps."""
    return release(record, decide(record, header, verdict, spdx), config, count)


def release(record: CodeFile, decision: Decision, config: LicenseConfig, count: Count) -> Outcome:
    """The record with its licenses, or ``Drop(license_type)`` when releases leave it out."""
    count(f"license_type:{decision.license_type}")
    count(f"assigned_by:{decision.by}")
    out = record._replace(detected_licenses=list(decision.detected_licenses), license_type=decision.license_type)
    if decision.license_type == PERMISSIVE or (decision.license_type == NO_LICENSE and config.include_no_license):
        return out
    return Drop(decision.license_type)


def nearest_verdict(snapshot_id: str, folder: str, verdicts: Dict[Tuple[str, str], Verdict]) -> Optional[Verdict]:
    for ancestor in reversed(ancestors(folder)):
        verdict = verdicts.get((snapshot_id, ancestor))
        if verdict is not None:
            return verdict
    return None


class Assigned(NamedTuple):
    record: CodeFile  # with detected_licenses / license_type filled in
    decision: Optional[Decision]  # None when the record could not be processed
    outcome: object  # the CodeFile kept, or a Drop


def license_records(records: Iterable[CodeFile], engine: Engine, count: Count, runtime: Count = _noop) -> Iterator[Assigned]:
    """The whole stage in memory (tests, ``codestack detect-license --repo``): the same
    functions the Beam graph runs, joined with a dict instead of a shuffle."""
    extracted: List[Tuple[CodeFile, Optional[Evidence]]] = []
    evidence: Dict[Tuple[str, str], List[Evidence]] = collections.defaultdict(list)
    for record in records:
        try:
            header, items = extract(record, engine, count, runtime)
        except Exception as exc:  # one bad file never stops the stage
            count("dropped:error")
            yield Assigned(record, None, Drop("error", f"{type(exc).__name__}: {exc}", True))
            continue
        extracted.append((record, header))
        for item in items:
            evidence[(record.snapshot_id, evidence_folder(record.path, item))].append(item)
    verdicts = {key: folder_verdict(key[1], items, engine.spdx) for key, items in evidence.items() if items}
    for record, header in extracted:
        verdict = nearest_verdict(record.snapshot_id, folder_of(record.path), verdicts)
        decision = decide(record, header, verdict, engine.spdx)
        outcome = release(record, decision, engine.config, count)
        if isinstance(outcome, Drop):
            count(f"dropped:{outcome.reason}")
        else:
            count("kept")
        yield Assigned(record._replace(detected_licenses=list(decision.detected_licenses),
                                       license_type=decision.license_type), decision, outcome)


def detect_text(path: str, text: str, engine: Engine, count: Count = _noop) -> Decision:
    """What one file's text declares, on its own (``codestack detect-license PATH``)."""
    record = CodeFile(blob_id="", content_id="", directory_id="", path=path, repo_name="", snapshot_id="",
                      revision_id="", branch_name="", content=text, length_bytes=len(text.encode("utf-8", "surrogatepass")))
    header, items = extract(record, engine, count)
    verdict = folder_verdict(folder_of(path), items, engine.spdx)
    return decide(record, header, verdict, engine.spdx)
