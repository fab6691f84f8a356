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
    package_data={"pipeline": ["*.yaml"], "registry": ["*.yaml", "*.json"], "transforms": ["data/*"]},
    include_package_data=True,
    install_requires=[
        "apache-beam==2.77.*",
        "pyarrow>=14",
        "pyyaml>=6",
        "xxhash>=3",
        "numpy>=1.24",
        "pygit2>=1.14",
        "charset-normalizer>=3",
    ],
    extras_require={
        "test": ["pytest>=8", "hypothesis>=6"],
        "guesslang": ["tensorflow-cpu>=2.16"],
    },
    entry_points={"console_scripts": ["codestack=pipeline.cli:main"]},
    classifiers=[
        "License :: OSI Approved :: Apache Software License",
        "Programming Language :: Python :: 3.11",
    ],
)
