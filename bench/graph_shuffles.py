"""How many shuffles a build's graph holds: the ``GroupByKey`` leaves of the pipeline.

Every shuffle Beam makes is a ``beam:transform:group_by_key:v1`` leaf in the
portable pipeline (``pipeline.to_runner_api()``): ``GroupByKey`` itself and the
one inside each ``CoGroupByKey``, ``Reshuffle`` and ``CombinePerKey`` /
``CombineGlobally`` (Python expands them at apply time). :func:`count_shuffles`
builds the same graph ``codestack build`` runs (``pipeline.build.make_source`` +
``pipeline.graph.build_graph``, local runner options), runs nothing, and counts
those leaves under the ``Source`` composite and in the rest, each by the kind of
the transform that holds it and by where it sits (``Source/<part>``, else the
top-level label).

    from graph_shuffles import count_shuffles
    count_shuffles("swh-export:EXPORT", content_store="STORE")
    # {'source': 80, 'rest': 61, 'total': 141, 'source_by_kind': {'CoGroupByKey': 71, ...},
    #  'rest_by_kind': {...}, 'source_by_part': {'Walk': 68, ...}, 'rest_by_part': {'near_dedup': 43, ...}}

    python bench/graph_shuffles.py swh-export:EXPORT --content-store STORE   # JSON on stdout
"""

from __future__ import annotations

import argparse
import collections
import json
import shutil
import sys
import tempfile
from typing import Dict, Optional

GBK_URN = "beam:transform:group_by_key:v1"


def _kind(full_label: str, applied: Dict[str, object]) -> str:
    """The innermost enclosing transform that is a known shuffling composite, by its Python class."""
    import apache_beam as beam

    kinds = (("CoGroupByKey", beam.CoGroupByKey), ("Reshuffle", beam.Reshuffle),
             ("CombinePerKey", beam.CombinePerKey), ("CombineGlobally", beam.CombineGlobally))
    parts = full_label.split("/")
    for end in range(len(parts) - 1, 0, -1):
        transform = applied.get("/".join(parts[:end]))
        for name, cls in kinds:
            if isinstance(transform, cls):
                return name
    return "GroupByKey"


def graph_shuffles(pipeline) -> dict:
    """Count the GroupByKey leaves of a built (not run) Beam ``pipeline``."""
    from apache_beam.pipeline import PipelineVisitor

    applied: Dict[str, object] = {}

    class _Labels(PipelineVisitor):
        def enter_composite_transform(self, node):
            applied[node.full_label] = node.transform

        def visit_transform(self, node):
            applied[node.full_label] = node.transform

    pipeline.visit(_Labels())
    proto = pipeline.to_runner_api()
    counts = {"source": collections.Counter(), "rest": collections.Counter()}
    parts = {"source": collections.Counter(), "rest": collections.Counter()}
    for transform in proto.components.transforms.values():
        if transform.spec.urn != GBK_URN:
            continue
        name = transform.unique_name
        where = "source" if name == "Source" or name.startswith("Source/") else "rest"
        counts[where][_kind(name, applied)] += 1
        labels = name.split("/")
        parts[where][labels[1] if where == "source" and len(labels) > 2 else labels[0]] += 1
    source, rest = sum(counts["source"].values()), sum(counts["rest"].values())
    return {"source": source, "rest": rest, "total": source + rest,
            "source_by_kind": dict(sorted(counts["source"].items())),
            "rest_by_kind": dict(sorted(counts["rest"].items())),
            "source_by_part": dict(sorted(parts["source"].items())),
            "rest_by_part": dict(sorted(parts["rest"].items()))}


def count_shuffles(spec: str, content_store: Optional[str] = None, config_path: Optional[str] = None,
                   **source_options) -> dict:
    """Shuffles in the graph ``codestack build --source SPEC [--content-store ...]`` runs (one
    local worker, default config unless ``config_path``); ``source_options``: more keyword
    arguments of ``pipeline.build.make_source``. The source's inputs must exist (the swh-export
    source checks its tables as it is made); nothing is read or run."""
    import apache_beam as beam

    from pipeline.build import load_optout_registry, make_source
    from pipeline.config import load_config
    from pipeline.graph import build_graph
    from pipeline.options import make_options

    if content_store is not None:
        source_options["content_store"] = content_store
    registry = load_optout_registry(None)
    source = make_source(spec, matcher=registry.matcher(), **source_options)
    options, runner = make_options([], 1)
    pipeline = beam.Pipeline(runner=runner, options=options)
    staging = tempfile.mkdtemp(prefix="graph-shuffles-")
    try:
        build_graph(pipeline, source, load_config(config_path), staging, registry=registry)
        return graph_shuffles(pipeline)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("spec", help="a --source spec, e.g. swh-export:EXPORT or git:FOLDER")
    parser.add_argument("--content-store")
    parser.add_argument("--config")
    args = parser.parse_args(argv)
    print(json.dumps(count_shuffles(args.spec, args.content_store, args.config), sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
