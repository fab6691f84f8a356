"""Manifests, checksums and verification of releases. Needs no Beam."""
