"""Build the Dataflow job graph offline (``--dry_run=True``): proves the pipeline
constructs, serializes and stages for Dataflow without a Google Cloud account.

Needs the ``dataflow`` extra (apache-beam[gcp] and ``build``, which Beam uses to
build the sdist that ``--setup_file`` stages):

    pip install -e ".[dataflow]"
    python bench/dataflow_dry_run.py

Prints, for a git source and an SWH-export source (the demo's samples turned into an
export), the number of transforms in the job graph and how long building it took.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, ROOT)

from _common import commit  # noqa: E402


def main() -> int:
    from pipeline.build import run_build
    from pipeline.samples import build_samples
    from pipeline.swh_fixtures import build_export

    flags = ["--runner=DataflowRunner", "--project=codestack-dry-run", "--region=europe-west1",
             "--temp_location=gs://codestack-dry-run/tmp", f"--setup_file={ROOT}/setup.py", "--dry_run=True"]
    with tempfile.TemporaryDirectory(prefix="codestack-dataflow-") as tmp:
        repos = os.path.join(tmp, "repos")
        build_samples(repos)
        export, store = os.path.join(tmp, "export"), os.path.join(tmp, "content")
        build_export(sorted(os.path.join(repos, name) for name in os.listdir(repos)), export, store)
        config = os.path.join(tmp, "decontaminate.yaml")  # the needle table is staged for the workers
        with open(config, "w", encoding="utf-8") as handle:
            handle.write("decontaminate:\n  benchmarks: [humaneval]\n")
        for spec, options in ((f"git:{repos}", {}), (f"swh-export:{export}", {"content_store": store})):
            start = time.perf_counter()
            result = run_build(spec, os.path.join(tmp, "out-" + spec.split(":")[0]), "0.1.0", log=lambda m: None,
                               beam_args=flags, source_options=options, config_path=config)
            seconds = time.perf_counter() - start
            print(f"commit {commit()}: {spec.split(':')[0]} source: Dataflow dry run built a job graph of "
                  f"{result['transforms']} transforms in {seconds:.1f} s (setup.py staged as an sdist; nothing submitted)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
