"""Stage ``license``: SPDX expressions, the policy that classifies them, and the names of license files
and manifests (transforms/license/spdx.py, names.py)."""

import pytest
import yaml

from transforms import license as lic


@pytest.fixture
def engine(license_engine):
    """ScanCode's index, loaded once per test session (tests/conftest.py)."""
    return license_engine


def test_spdx_normalization_and_classification(engine):
    spdx = engine.spdx
    assert spdx.normalize("GPL-2.0+") == ("GPL-2.0-or-later", ())
    assert spdx.normalize("mit") == ("MIT", ())
    assert spdx.normalize("LicenseRef-scancode-public-domain") == ("LicenseRef-scancode-public-domain", ())
    assert spdx.normalize("Foo-1.0 OR MIT") == (f"{lic.UNKNOWN_SPDX} OR MIT", ("Foo-1.0",))
    assert spdx.normalize("MIT AND LicenseRef-scancode-warranty-disclaimer") == ("MIT", ())
    assert spdx.normalize("(MIT")[0] == lic.UNKNOWN_SPDX
    table = {
        "MIT": "permissive", "GPL-2.0-only": "non_permissive", "MIT OR GPL-2.0-only": "permissive",
        "MIT AND GPL-2.0-only": "non_permissive", "Apache-2.0 WITH LLVM-exception": "permissive",
        "GPL-2.0-only WITH Classpath-exception-2.0": "non_permissive", "EPL-2.0": "non_permissive",
        "CDDL-1.0": "non_permissive", "LGPL-3.0-only OR Apache-2.0": "permissive",
        "LicenseRef-scancode-public-domain": "permissive", "CC0-1.0": "permissive",
        lic.ALL_RIGHTS_RESERVED: "non_permissive", lic.PROPRIETARY: "non_permissive",
        "LicenseRef-somebody-custom": "non_permissive", "": "no_license",
    }
    assert {e: spdx.classify(e) for e in table} == table


def test_policy_file_is_consistent(engine):
    with open(lic.POLICY_PATH, encoding="utf-8") as handle:
        policy = yaml.safe_load(handle)
    blue_oak = policy["permissive"]["blue_oak"]
    assert len(blue_oak) == len(set(blue_oak)) == 224
    assert all(engine.spdx.classify_id(i) == "permissive" for i in blue_oak)
    prefixes = tuple(p.lower() for p in policy["non_permissive"]["prefixes"])
    assert not [i for i in blue_oak if i.lower().startswith(prefixes) or i in policy["non_permissive"]["ids"]]
    for family in ("LGPL-2.1-only", "MPL-2.0", "EPL-1.0", "CDDL-1.1", "AGPL-3.0-or-later", "EUPL-1.2"):
        assert engine.spdx.classify_id(family) == "non_permissive"
    # every id of the SPDX list's texts is classified by a rule, never by the default
    from transforms.license.spdx_texts import load

    spdx, explicit = engine.spdx, set(policy["permissive"]["ids"]) | set(policy["non_permissive"]["ids"])
    unruled = [i for i in load().ids if i not in explicit and i.lower() not in spdx.policy.permissive_ids
               and not i.lower().startswith(spdx.policy.non_permissive_prefixes)
               and spdx._category.get(i.lower()) not in spdx.policy.categories]
    assert unruled == []
    assert [spdx.classify_id(i) for i in ("OpenMDW-1.0", "ESA-PL-permissive-2.4", "ESA-PL-strong-copyleft-2.4", "UnRAR")] == [
        "permissive", "permissive", "non_permissive", "non_permissive"]


def test_expressions_are_flattened_and_deduplicated(engine):
    spdx = engine.spdx
    assert spdx.normalize("BSD-3-Clause AND (BSD-3-Clause AND (BSD-3-Clause AND BSD-2-Clause))") == (
        "BSD-3-Clause AND BSD-2-Clause", ())
    assert spdx.normalize("MIT OR (Apache-2.0 AND (MIT OR ISC))") == ("MIT OR (Apache-2.0 AND (MIT OR ISC))", ())
    assert spdx.combine(["MIT", "ISC OR MIT", "MIT"]) == "(ISC OR MIT) AND MIT"


@pytest.mark.parametrize("path, expected", [
    ("LICENSE", True), ("LICENSE.md", True), ("licence.txt", True), ("COPYING", True), ("COPYING.LESSER", True),
    ("a/b/LICENSE-MIT", True), ("LICENSE.APACHE2", True), ("MIT-LICENSE", True), ("NOTICE", True),
    ("COPYRIGHT.txt", True), ("UNLICENSE", True), ("Licenses.rst", True),
    ("license.py", False), ("src/License.java", False), ("licensing.md", False), ("README.md", False),
    ("copyright_test.go", False), ("notice.json", False), ("LICENSES_bundled.txt", False),
    ("THIRD-PARTY-NOTICES", False), ("NOTICE-3rd-party.txt", False),
])
def test_license_file_names(path, expected):
    assert lic.is_license_file(path) is expected


def test_manifest_kinds():
    assert lic.manifest_kind("a/package.json") == "package.json"
    assert lic.manifest_kind("Cargo.toml") == "Cargo.toml"
    assert lic.manifest_kind("x/foo.gemspec") == "*.gemspec"
    assert lic.manifest_kind("pkg.cabal") == "*.cabal"
    assert lic.manifest_kind("foo-1.0.dist-info/METADATA") == "PKG-INFO"
    assert lic.manifest_kind("docs/METADATA") is None
    assert lic.manifest_kind("src/main.py") is None


def test_a_scancode_key_with_a_real_spdx_id_in_its_data_gets_that_id(engine):
    """ScanCode's data gives some keys a LicenseRef as their SPDX key and the real SPDX id only
    among ``other_spdx_license_keys``: the real id wins, however the expression names it."""
    spdx = engine.spdx
    assert spdx.normalize("LicenseRef-scancode-net-snmp")[0] == "Net-SNMP"
    assert spdx.normalize("Net-SNMP")[0] == "Net-SNMP"
    assert spdx.normalize("GPL-2.0-only WITH LicenseRef-scancode-openjdk-exception")[0] == (
        "GPL-2.0-only WITH Assembly-exception")
    assert spdx.normalize("LicenseRef-scancode-public-domain")[0] == "LicenseRef-scancode-public-domain"  # no real id
    assert spdx.classify("Net-SNMP") == spdx.classify("LicenseRef-scancode-net-snmp")
