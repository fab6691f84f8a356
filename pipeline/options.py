"""Pipeline options: Beam flags pass through; local runs never download anything.

In Beam 2.77 the plain ``DirectRunner`` first tries to download a Prism binary.
codestack runs local builds on the FnApiRunner (the engine behind the Python
DirectRunner) explicitly: in-process by default, ``--workers N`` processes.
``--runner DataflowRunner|FlinkRunner|PortableRunner ...`` pass through unchanged.
"""

from __future__ import annotations

from typing import List, Optional, Tuple

from apache_beam.options.pipeline_options import DirectOptions, PipelineOptions, StandardOptions

LOCAL_RUNNERS = {None, "", "DirectRunner", "FnApiRunner", "BundleBasedDirectRunner"}


def make_options(beam_args: List[str], workers: int = 1) -> Tuple[PipelineOptions, Optional[object]]:
    """``(options, runner)``; ``runner`` is a FnApiRunner for local runs, else None
    (Beam picks the runner named by ``--runner``)."""
    options = PipelineOptions(beam_args)
    runner_name = options.view_as(StandardOptions).runner
    if runner_name not in LOCAL_RUNNERS:
        return options, None
    from apache_beam.runners.portability.fn_api_runner import FnApiRunner

    direct = options.view_as(DirectOptions)
    if workers > 1:
        direct.direct_num_workers = workers
        direct.direct_running_mode = "multi_processing"
    else:
        direct.direct_num_workers = 1
        direct.direct_running_mode = "in_memory"
    return options, FnApiRunner()
