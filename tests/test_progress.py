import io
import json
import os

from pipeline.progress import progress, read_progress, render
from transforms.base import PROGRESS_ENV, BeamCounter


class FakeTTY(io.StringIO):
    def isatty(self):
        return True


def test_quiet_when_not_a_tty():
    stream = io.StringIO()
    with progress(["source"], stream=stream):
        assert PROGRESS_ENV not in os.environ
    assert stream.getvalue() == ""


def test_counters_reach_the_line_on_a_tty():
    stream = FakeTTY()
    with progress(["source", "decode"], stream=stream, interval=0.05):
        folder = os.environ[PROGRESS_ENV]
        count = BeamCounter("decode")
        count("kept", 1200)
        count("dropped:binary", 3)
        # force a write regardless of the 0.5 s throttle
        with open(os.path.join(folder, "other.json"), "w") as handle:
            json.dump({"source": {"kept": 1203}}, handle)
    assert PROGRESS_ENV not in os.environ
    last = stream.getvalue().rstrip("\n").split("\r")[-1]
    assert last == "codestack: source 1,203 | decode 1,200 (-3)"


def test_render_and_read_empty(tmp_path):
    assert read_progress(str(tmp_path / "missing")) == {}
    assert render({}, []) == "codestack: starting"
