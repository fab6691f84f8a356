"""Write ``pipeline/plan/data/costs.json``, the costs ``codestack plan`` multiplies, from
what the benchmarks measured:

- ``bench/scale_costs.json`` (``bench/scale_model.py``): the source's CPU and shuffle
  bytes per table row and per reachable directory entry, and each stage's shuffle
  bytes per file, on exports with the archive's shape;
- the content stages' CPU per byte on real code, from ``bench/bench_e2e.py`` (207 MB of
  this environment's packages, 16,759 files; MB/s per core per stage, README "Speed
  and memory", commit a053c91): the scale model's files are tiny (2 KB), so their
  per-file overheads say little of SWH's 20 KB mean file.

    python bench/make_plan_costs.py [--scale-costs bench/scale_costs.json]
"""

from __future__ import annotations

import argparse
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
#: bench/e2e at a053c91, 4x corpus (207 MB), MB/s per core of each stage
E2E_MB_PER_CORE_SECOND = {"decode": 78, "license": 37, "language": 90, "filters": 162, "exact_dedup": 461,
                          "near_dedup": 67, "redact": 177, "sink": 136}
#: run-to-run spread of bench/e2e on these machines (10-30%) and the scale model's largest fit error
FIT_RELATIVE_ERROR = 0.3


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale-costs", default=os.path.join(HERE, "scale_costs.json"))
    parser.add_argument("--out", default=os.path.join(ROOT, "pipeline", "plan", "data", "costs.json"))
    args = parser.parse_args()
    with open(args.scale_costs, encoding="utf-8") as handle:
        scale = json.load(handle)
    largest = max(scale["sizes"], key=lambda size: size["files"])
    out = {
        "commit": scale["commit"], "date": scale["date"], "machine": scale["machine"], "command": scale["command"],
        "source": scale["source"],
        "stages": {stage: {"shuffle_bytes_per_file": values.get("shuffle_bytes_per_file", 0.0),
                           "cpu_seconds_per_file": values.get("cpu_seconds_per_file", 0.0),
                           "out_per_in": values.get("out_per_in", 1.0)}
                   for stage, values in sorted(scale["stages"].items())},
        "scale_model_mean_file_bytes": largest["blob_bytes"] / largest["files"],
        "content_cpu_seconds_per_byte": {stage: 1.0 / (rate * 1e6) for stage, rate in E2E_MB_PER_CORE_SECOND.items()},
        "content_cpu_measured": "bench/bench_e2e.py --megabytes 50 --scale 4 --repeat 3 at a053c91 (207 MB of real code)",
        "fit_relative_error": FIT_RELATIVE_ERROR,
    }
    with open(args.out, "w", encoding="utf-8") as handle:
        json.dump(out, handle, indent=1, sort_keys=True)
        handle.write("\n")
    print(f"wrote {args.out} from {args.scale_costs} ({scale['commit']}) and bench/e2e's per-stage rates")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
