"""Build the Dataflow job graph offline (``--dry_run=True``): proves the pipeline
constructs, serializes and stages for Dataflow without a Google Cloud account.

Needs the ``dataflow`` extra (apache-beam[gcp] and ``build``, which Beam uses to
build the sdist that ``--setup_file`` stages):

    pip install -e ".[dataflow]"
    python bench/dataflow_dry_run.py

Prints the number of transforms in the job graph and how long building it took.
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

    with tempfile.TemporaryDirectory(prefix="codestack-dataflow-") as tmp:
        build_samples(os.path.join(tmp, "repos"))
        start = time.perf_counter()
        result = run_build(
            f"git:{tmp}/repos", os.path.join(tmp, "out"), "0.1.0", log=lambda m: None,
            beam_args=["--runner=DataflowRunner", "--project=codestack-dry-run", "--region=europe-west1",
                       "--temp_location=gs://codestack-dry-run/tmp", f"--setup_file={ROOT}/setup.py",
                       "--dry_run=True"],
        )
        seconds = time.perf_counter() - start
    print(f"commit {commit()}: Dataflow dry run built a job graph of {result['transforms']} transforms "
          f"in {seconds:.1f} s (setup.py staged as an sdist; nothing submitted)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
