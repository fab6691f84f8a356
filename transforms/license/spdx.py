"""SPDX and policy: evidence, verdicts, decisions, and :class:`Spdx` (parse, normalize, classify)."""

from __future__ import annotations

import dataclasses
from typing import Callable, Dict, Iterable, List, NamedTuple, Optional, Tuple

import yaml

from transforms.license.config import NO_LICENSE, NON_PERMISSIVE, PERMISSIVE, POLICY_PATH, UNKNOWN_SPDX

# --------------------------------------------------------------------------- SPDX and policy


class Evidence(NamedTuple):
    """One piece of license evidence: what said it, where, and which expression.

    ``expression`` is a normalized SPDX expression, or ``''`` when a file that
    exists to state a license names none that can be identified."""

    kind: str  # license_file | notice_file | readme | manifest | header_spdx | header_notice | gha
    path: str  # the file the evidence comes from ('' for gha)
    expression: str
    detail: str = ""

    def as_dict(self) -> dict:
        out = {"kind": self.kind, "path": self.path, "expression": self.expression or None}
        if self.detail:
            out["detail"] = self.detail
        return out


class Verdict(NamedTuple):
    """The combined evidence of one folder (applies to it and below)."""

    folder: str
    expression: str
    evidence: Tuple[Evidence, ...]


class Decision(NamedTuple):
    expression: str
    license_type: str
    detected_licenses: Tuple[str, ...]
    evidence: Tuple[Evidence, ...]
    by: str  # header | folder | gha | none


@dataclasses.dataclass(frozen=True)
class Policy:
    version: int
    default: str
    non_permissive_ids: frozenset
    non_permissive_prefixes: Tuple[str, ...]
    ignore: frozenset
    permissive_ids: frozenset
    categories: Dict[str, str]


class Spdx:
    """SPDX expressions: parse, validate, normalize, list ids, classify by the policy.

    Light (no ScanCode index): built from license-expression's bundled ScanCode
    LicenseDB index, which also gives each id its ScanCode category."""

    def __init__(self, policy_path: str = POLICY_PATH):
        from license_expression import get_license_index, get_spdx_licensing

        self.licensing = get_spdx_licensing()
        # parsing an expression costs ~0.1 ms and a run meets the same few hundred again and
        # again: normalize, ids and classify remember their answers (plain values, bounded)
        self._memo: Dict[Tuple, object] = {}
        self._category: Dict[str, str] = {}
        #: a ScanCode key whose SPDX key is a LicenseRef but whose data also names a real SPDX id
        #: (``other_spdx_license_keys``): that id (``LicenseRef-scancode-net-snmp`` -> ``Net-SNMP``)
        self._real_id: Dict[str, str] = {}
        for entry in get_license_index():
            category = entry.get("category") or ""
            primary = entry.get("spdx_license_key") or ""
            others = list(entry.get("other_spdx_license_keys") or [])
            keys = [primary, f"LicenseRef-scancode-{entry['license_key']}"] + others
            for key in keys:
                if key:
                    self._category.setdefault(key.lower(), category)
            real = [other for other in others if not other.startswith("LicenseRef-")]
            if primary.startswith("LicenseRef-") and real:
                self._real_id[primary] = real[0]
        self.policy = self._load_policy(policy_path)
        self._memo.clear()  # nothing remembered while the policy was being read

    def _load_policy(self, path: str) -> Policy:
        with open(path, encoding="utf-8") as handle:
            raw = yaml.safe_load(handle)
        classes = {PERMISSIVE, NON_PERMISSIVE}

        def ids(values) -> frozenset:
            out = set()
            for value in values or ():
                out.add(str(value).lower())
                normalized, _ = self.normalize(str(value), drop_ignored=False)
                if normalized:
                    out.add(normalized.lower())
            return frozenset(out)

        categories = dict(raw.get("scancode_categories") or {})
        if raw.get("default") not in classes or any(v not in classes for v in categories.values()):
            raise ValueError(f"{path}: classes must be one of {sorted(classes)}")
        self.policy = Policy(  # ``normalize`` below reads ``ignore`` only with drop_ignored=True
            version=int(raw.get("version", 0)),
            default=raw["default"],
            non_permissive_ids=frozenset(),
            non_permissive_prefixes=(),
            ignore=frozenset(str(v).lower() for v in raw.get("ignore") or ()),
            permissive_ids=frozenset(),
            categories=categories,
        )
        non_permissive = raw.get("non_permissive") or {}
        permissive = raw.get("permissive") or {}
        return dataclasses.replace(
            self.policy,
            non_permissive_ids=ids(non_permissive.get("ids")),
            non_permissive_prefixes=tuple(str(p).lower() for p in non_permissive.get("prefixes") or ()),
            permissive_ids=ids(list(permissive.get("blue_oak") or ()) + list(permissive.get("ids") or ())),
        )

    # -- parsing ------------------------------------------------------------------

    def _symbol(self, key: str, invalid: List[str], drop_ignored: bool) -> Optional[str]:
        known = self.licensing.known_symbols.get(key) or self.licensing.known_symbols_lowercase.get(key.lower())
        if known is not None:
            key = self._real_id.get(known.key, known.key)
        elif key.lower().startswith("licenseref-"):
            key = "LicenseRef-" + key[len("licenseref-"):]
        else:
            invalid.append(key)
            key = UNKNOWN_SPDX
        if drop_ignored and key.lower() in self.policy.ignore:
            return None
        return key

    def _tree(self, node, invalid: List[str], drop_ignored: bool):
        """A parsed expression as ``str`` (a symbol) or ``(operator, [children])``, with
        symbols normalized, ignored ones dropped, same-operator nesting flattened and
        duplicates removed (``MIT AND (MIT AND BSD-2-Clause)`` -> ``MIT AND BSD-2-Clause``)."""
        from license_expression import LicenseSymbol, LicenseWithExceptionSymbol

        if isinstance(node, LicenseWithExceptionSymbol):
            lic = self._symbol(node.license_symbol.key, invalid, drop_ignored)
            exc = self._symbol(node.exception_symbol.key, invalid, drop_ignored)
            if lic is None:
                return None
            return f"{lic} WITH {exc}" if exc else lic
        if isinstance(node, LicenseSymbol):
            return self._symbol(node.key, invalid, drop_ignored)
        operator = "AND" if isinstance(node, self.licensing.AND) else "OR"
        children: list = []
        for arg in node.args:
            child = self._tree(arg, invalid, drop_ignored)
            if child is None:
                continue
            for part in child[1] if isinstance(child, tuple) and child[0] == operator else [child]:
                if part not in children:
                    children.append(part)
        if not children:
            return None
        return children[0] if len(children) == 1 else (operator, children)

    @classmethod
    def _text(cls, tree, top: bool = True) -> str:
        if isinstance(tree, str):
            return tree
        joined = f" {tree[0]} ".join(cls._text(child, False) for child in tree[1])
        return joined if top else f"({joined})"

    _MEMO_ENTRIES = 50_000

    def _remembered(self, key: Tuple, compute: Callable[[], object]):
        memo = self._memo
        if key in memo:
            return memo[key]
        value = compute()
        if len(memo) >= self._MEMO_ENTRIES:
            memo.clear()
        memo[key] = value
        return value

    def normalize(self, text: str, drop_ignored: bool = True) -> Tuple[str, Tuple[str, ...]]:
        """``(expression, invalid ids)``; ``''`` when there is nothing (or nothing parseable).

        Unknown ids become ``LicenseRef-scancode-unknown-spdx``; ids the policy
        ignores are dropped (``MIT AND LicenseRef-scancode-warranty-disclaimer`` -> ``MIT``)."""
        return self._remembered(("normalize", text, drop_ignored), lambda: self._normalize(text, drop_ignored))

    def _normalize(self, text: str, drop_ignored: bool) -> Tuple[str, Tuple[str, ...]]:
        text = (text or "").strip()
        if not text:
            return "", ()
        try:
            parsed = self.licensing.parse(text, validate=False, strict=False)
        except Exception:  # license-expression raises several types (and AttributeError on odd keys)
            return UNKNOWN_SPDX, (text,)
        if parsed is None:
            return "", ()
        invalid: List[str] = []
        tree = self._tree(parsed, invalid, drop_ignored)
        return (self._text(tree) if tree is not None else ""), tuple(invalid)

    def combine(self, expressions: Iterable[str], relation: str = "AND") -> str:
        """Join expressions with AND/OR: unique, sorted (arrival order never matters)."""
        unique = sorted({e for e in expressions if e})
        if not unique:
            return ""
        if len(unique) == 1:
            return unique[0]
        joined = f" {relation} ".join(f"({e})" if (" AND " in e or " OR " in e) else e for e in unique)
        return self.normalize(joined)[0]

    def ids(self, expression: str) -> Tuple[str, ...]:
        """The SPDX ids (licenses and exceptions) of an expression, sorted, unique."""
        return self._remembered(("ids", expression), lambda: self._ids(expression))

    def _ids(self, expression: str) -> Tuple[str, ...]:
        if not expression:
            return ()
        parsed = self.licensing.parse(expression, validate=False, strict=False)
        keys = set()
        for symbol in self.licensing.license_symbols(parsed, unique=True, decompose=True):
            keys.add(symbol.key)
        return tuple(sorted(keys, key=lambda k: (k.lower(), k)))

    # -- classification -------------------------------------------------------------

    def classify_id(self, key: str) -> str:
        low = key.lower()
        policy = self.policy
        if low in policy.non_permissive_ids or low.startswith(policy.non_permissive_prefixes):
            return NON_PERMISSIVE
        if low in policy.permissive_ids:
            return PERMISSIVE
        category = self._category.get(low)
        if category in policy.categories:
            return policy.categories[category]
        return policy.default

    def classify(self, expression: str) -> str:
        """``permissive`` / ``non_permissive`` for an expression; ``no_license`` for none."""
        return self._remembered(("classify", expression), lambda: self._classify(expression))

    def _classify(self, expression: str) -> str:
        if not expression:
            return NO_LICENSE
        from license_expression import LicenseSymbol, LicenseWithExceptionSymbol

        def permissive(node) -> bool:
            if isinstance(node, LicenseWithExceptionSymbol):
                return permissive(node.license_symbol) and permissive(node.exception_symbol)
            if isinstance(node, LicenseSymbol):
                return self.classify_id(node.key) == PERMISSIVE
            if isinstance(node, self.licensing.OR):
                return any(permissive(arg) for arg in node.args)
            return all(permissive(arg) for arg in node.args)

        try:
            parsed = self.licensing.parse(expression, validate=False, strict=False)
        except Exception:
            return NON_PERMISSIVE
        return PERMISSIVE if parsed is not None and permissive(parsed) else NON_PERMISSIVE
