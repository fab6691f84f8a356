"""Spill files (local runs): what waits between stages waits on disk, and comes back the same."""

import os
import random
import subprocess
import sys
import threading

import apache_beam as beam
import pytest

from transforms import spill
from transforms.record import CodeFile, PackedCoder, pack, unpack

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def noisy(n: int, seed: int = 0) -> bytes:
    return random.Random(seed).randbytes(n)


def record(content: str) -> CodeFile:
    return CodeFile("b" * 40, "c" * 40, "d" * 40, "src/a.py", "owner/repo", "s" * 40, "r" * 40, "refs/heads/main",
                    content=content, length_bytes=len(content))


def test_park_is_inline_when_spilling_is_off():
    assert spill.active() is None
    data = noisy(10_000)
    parked = spill.park(data)
    assert len(parked) == len(data) + 1 and bytes(spill.unpark(parked)) == data


def test_park_spills_long_values_and_reads_them_back(tmp_path):
    folder = str(tmp_path / "spill")
    values = [noisy(n, seed=n) for n in (0, 1, spill.MIN_BYTES - 1, spill.MIN_BYTES, 5000, 1 << 20)]
    with spill.spilling(folder):
        assert spill.active() == folder
        parked = [spill.park(v) for v in values]
        for value, ticket in zip(values, parked):
            assert len(ticket) == (17 if len(value) >= spill.MIN_BYTES else len(value) + 1)
            assert bytes(spill.unpark(ticket)) == value
        assert os.listdir(folder) == [f"{os.getpid()}.spill"]
        assert os.path.getsize(os.path.join(folder, f"{os.getpid()}.spill")) == sum(
            len(v) for v in values if len(v) >= spill.MIN_BYTES)
    assert spill.active() is None
    # a ticket outlives neither its run's switch nor its folder: a clear error, not garbage
    with pytest.raises(spill.SpillError, match="spilling off"):
        spill.unpark(parked[-1])


def test_ticket_of_a_removed_folder_is_a_clear_error(tmp_path):
    with spill.spilling(str(tmp_path / "one")):
        ticket = spill.park(noisy(1000))
    with spill.spilling(str(tmp_path / "two")), pytest.raises(spill.SpillError, match="not found"):
        spill.unpark(ticket)


def test_threads_share_one_file_without_mixing_values(tmp_path):
    tickets = {}

    def work(k):
        for i in range(50):
            value = noisy(300 + 37 * i, seed=1000 * k + i)
            tickets[(k, i)] = (value, spill.park(value))

    with spill.spilling(str(tmp_path / "spill")):
        threads = [threading.Thread(target=work, args=(k,)) for k in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert all(bytes(spill.unpark(ticket)) == value for value, ticket in tickets.values())


def test_worker_processes_read_each_others_files(tmp_path):
    """``--workers N``: worker processes inherit the switch and read each other's tickets."""
    folder = str(tmp_path / "spill")
    code = ("import sys; from transforms.record import pack, CodeFile; "
            "sys.stdout.write(pack(CodeFile(*'abcdefgh', content=sys.argv[1])).hex())")
    content = noisy(3000).hex()
    with spill.spilling(folder):
        out = subprocess.run([sys.executable, "-c", code, content], cwd=ROOT, check=True, capture_output=True,
                             text=True, env=dict(os.environ, PYTHONPATH=ROOT)).stdout
        assert unpack(bytes.fromhex(out)).content == content
        assert len(os.listdir(folder)) == 1  # the child's file; this process wrote nothing


def test_pack_is_the_same_value_spilled_or_not_and_orders_by_digest(tmp_path):
    records = [record(noisy(2000, seed=i).hex()) for i in range(20)] + [record("x = 1\n")]
    inline = [pack(r) for r in records]
    with spill.spilling(str(tmp_path / "spill")):
        spilled = [pack(r) for r in records]
        assert [unpack(p) for p in spilled] == records
        assert all(len(p) == 33 for p in spilled[:-1]) and spilled[-1] == inline[-1]
        # ties after equal sort keys are broken by the digest, the same way spilled or not
        assert sorted(range(len(records)), key=lambda i: spilled[i]) == sorted(range(len(records)),
                                                                              key=lambda i: inline[i])
    assert [unpack(p) for p in inline] == records


def test_records_cross_stages_with_the_packed_coder(tmp_path):
    coder = beam.coders.registry.get_coder(CodeFile)
    assert isinstance(coder, PackedCoder)
    r = record(noisy(2000).hex())
    assert coder.decode(coder.encode(r)) == r
    with spill.spilling(str(tmp_path / "spill")):
        encoded = coder.encode(r)
        assert len(encoded) == 33 and coder.decode(encoded) == r
