#!/usr/bin/env python3
"""Regenerate ``transforms/data/spdx_texts.npz``: fingerprints of the SPDX License List's texts.

Source: npm's ``spdx-license-list`` (CC0-1.0, by Sindre Sorhus; one JSON file per SPDX id
with the list's canonical license text), fetched with ``npm pack`` at the pinned version
and checked against its sha256. The texts themselves are not stored: per SPDX id, the
xxh32 hashes of its word 5-grams (lower-cased ``[a-z0-9]+`` words) — all of them for a
short text (at most :data:`transforms.license.spdx_texts.KEEP_ALL` 5-grams), else those
whose hash is 0 modulo :data:`transforms.license.spdx_texts.SAMPLE` (the same sample
on every text, so containment is still measured) — and its number of 5-grams.
:mod:`transforms.license.spdx_texts` matches license texts against them.

    python transforms/data/regenerate_spdx_texts.py [--version X --sha256 Y]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
import tarfile
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(os.path.dirname(HERE)))

PACKAGE = "spdx-license-list"
VERSION = "6.12.0"
SHA256 = "54cc8d13086187333ca1457c8edaa06d9a412144f076aa7f7c1b59c4f3b0a1ef"
OUT = os.path.join(HERE, "spdx_texts.npz")


def fetch(folder: str, version: str = VERSION, sha256: str = SHA256) -> str:
    """The package's tarball in ``folder`` (``npm pack`` when it is not there yet), its sha256 checked."""
    os.makedirs(folder, exist_ok=True)
    tarball = os.path.join(folder, f"{PACKAGE}-{version}.tgz")
    if not os.path.exists(tarball):
        subprocess.run(["npm", "pack", f"{PACKAGE}@{version}", "--silent"], cwd=folder, check=True,
                       stdout=subprocess.DEVNULL)
    with open(tarball, "rb") as handle:
        digest = hashlib.sha256(handle.read()).hexdigest()
    if digest != sha256:
        raise SystemExit(f"{tarball}: sha256 {digest}, expected {sha256}")
    return tarball


def licenses(tarball: str) -> dict:
    """``{SPDX id: canonical text}`` of the package's licenses."""
    texts = {}
    with tarfile.open(tarball) as archive:
        for member in archive.getmembers():
            if member.name.startswith("package/licenses/") and member.name.endswith(".json"):
                texts[os.path.basename(member.name)[:-5]] = json.load(archive.extractfile(member))["licenseText"]
    return texts


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", default=VERSION)
    parser.add_argument("--sha256", default=SHA256)
    args = parser.parse_args(argv)

    import numpy as np

    from transforms.license.spdx_texts import KEEP_ALL, SAMPLE, gram_hashes

    with tempfile.TemporaryDirectory() as tmp:
        texts = licenses(fetch(tmp, args.version, args.sha256))
    ids, sizes, kept, offsets, parts = [], [], [], [0], []
    for spdx_id in sorted(texts):
        grams = gram_hashes(texts[spdx_id])
        if not len(grams):
            continue
        sample = grams if len(grams) <= KEEP_ALL else grams[grams % SAMPLE == 0]
        ids.append(spdx_id)
        sizes.append(len(grams))
        kept.append(len(grams) <= KEEP_ALL)
        parts.append(sample)
        offsets.append(offsets[-1] + len(sample))
    np.savez_compressed(OUT, ids=np.array(ids), sizes=np.array(sizes, np.int32), all_kept=np.array(kept),
                        offsets=np.array(offsets, np.int64), hashes=np.concatenate(parts).astype(np.uint32),
                        source=np.array(f"npm {PACKAGE}@{args.version} sha256:{args.sha256}"))
    print(f"{OUT}: {len(ids)} SPDX ids, {offsets[-1]:,} 5-gram hashes, {os.path.getsize(OUT):,} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
