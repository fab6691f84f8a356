"""A real ``clamd`` for the malware tests and bench/bench_clamd.py, with a signature database
written here: freshclam cannot reach its servers from this machine.

The database: the EICAR test string and a marker as body signatures (``.ndb``), and two
files made here as hash signatures (``.hdb``: ``md5:size:Name``). clamd will not start
without a database; any valid ``.ndb``/``.hdb`` in ``DatabaseDirectory`` does. It names
what an unofficial database finds ``<Name>.UNOFFICIAL``, and answers VERSION with the
engine alone (no ``daily.cvd`` version).
"""

from __future__ import annotations

import codecs
import hashlib
import os
import shutil
import socket
import subprocess
import tempfile
import time
from typing import Optional

from transforms.malware.clamd import ClamdError, command

EICAR = r"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
MARKER = "CODESTACK-TEST-MARKER-7f3a9c"
#: a file matched by its hash (md5 of its bytes in WINDOWS-1252: its UTF-8 bytes do not match)
HASHED_TEXT = "caf\u00e9 = 'a file the test database knows by its hash'\n"
#: a UTF-16LE file with its byte-order mark, matched by hash: the mark is part of the bytes
WIDE_TEXT = "x = 'a wide file known by its hash'\n"

EICAR_SIG = "Codestack.Test.Eicar.UNOFFICIAL"
MARKER_SIG = "Codestack.Test.Marker.UNOFFICIAL"
HASH_SIG = "Codestack.Test.Hash.UNOFFICIAL"
WIDE_SIG = "Codestack.Test.Wide.UNOFFICIAL"
SIGNATURES = 4
STREAM_MAX = 3 << 20  # the test clamd's StreamMaxLength (clamd's default is 25 MiB)
FILE_MAX = 2 << 20  # its MaxFileSize and MaxScanSize, with AlertExceedsMax


def clamd_binary() -> Optional[str]:
    return shutil.which("clamd") or next((p for p in ("/usr/sbin/clamd", "/usr/local/sbin/clamd")
                                          if os.access(p, os.X_OK)), None)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def write_database(folder: str) -> None:
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, "codestack-test.ndb"), "w") as handle:
        handle.write(f"Codestack.Test.Eicar:0:*:{EICAR.encode().hex()}\n")
        handle.write(f"Codestack.Test.Marker:0:*:{MARKER.encode().hex()}\n")
    hashed = HASHED_TEXT.encode("cp1252")
    wide = codecs.BOM_UTF16_LE + WIDE_TEXT.encode("utf-16-le")
    with open(os.path.join(folder, "codestack-test.hdb"), "w") as handle:
        handle.write(f"{hashlib.md5(hashed).hexdigest()}:{len(hashed)}:Codestack.Test.Hash\n")
        handle.write(f"{hashlib.md5(wide).hexdigest()}:{len(wide)}:Codestack.Test.Wide\n")


class Clamd:
    """clamd in the foreground on a unix socket and a TCP port of 127.0.0.1, in a folder of its
    own (short: a unix socket path must fit in 108 bytes). ``stop()`` ends it and removes the folder.

    ``stream_max``: clamd's StreamMaxLength; ``file_max``: its MaxFileSize and MaxScanSize, past
    which it reports ``Heuristics.Limits.Exceeded.*``. ``extra``: more ``clamd.conf`` lines (``DisableCache yes`` for a benchmark, so a file scanned
    twice is scanned twice)."""

    def __init__(self, binary: str, stream_max: int = 3 << 20, file_max: int = 2 << 20, extra=()):
        self.root = tempfile.mkdtemp(prefix="codestack-clamd-", dir="/tmp" if os.path.isdir("/tmp") else None)
        self.socket = os.path.join(self.root, "clamd.sock")
        self.port = free_port()
        self.unix = f"unix:{self.socket}"
        self.tcp = f"tcp:127.0.0.1:{self.port}"
        self.stream_max = stream_max
        write_database(os.path.join(self.root, "db"))
        os.makedirs(os.path.join(self.root, "scratch"))
        self.config = os.path.join(self.root, "clamd.conf")
        with open(self.config, "w") as handle:
            # no User line: clamd runs as whoever starts it (root in a container), as it must here
            handle.write("\n".join([
                "Foreground yes",
                f"LocalSocket {self.socket}",
                f"TCPSocket {self.port}",
                "TCPAddr 127.0.0.1",
                f"DatabaseDirectory {self.root}/db",
                f"TemporaryDirectory {self.root}/scratch",
                f"LogFile {self.root}/clamd.log",
                f"PidFile {self.root}/clamd.pid",
                f"StreamMaxLength {stream_max}",
                # past a scan limit, say so (Heuristics.Limits.Exceeded.*) rather than answer OK
                "AlertExceedsMax yes",
                f"MaxFileSize {file_max}",
                f"MaxScanSize {file_max}",
                "MaxThreads 8",
                *extra,
                "",
            ]))
        self._output = open(os.path.join(self.root, "clamd.out"), "wb")
        self.process = subprocess.Popen([binary, "-c", self.config], stdout=self._output, stderr=subprocess.STDOUT,
                                        stdin=subprocess.DEVNULL)

    def wait_ready(self, seconds: float = 60.0) -> None:
        """Until both sockets answer PING; ``RuntimeError`` with clamd's output if they do not."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline and self.process.poll() is None:
            try:
                if command(self.unix, "PING", 2.0) == "PONG" and command(self.tcp, "PING", 2.0) == "PONG":
                    return
            except ClamdError:
                time.sleep(0.05)
        with open(os.path.join(self.root, "clamd.out"), errors="replace") as handle:
            tail = handle.read()[-2000:]
        code = self.process.poll()
        self.stop()
        raise RuntimeError(f"clamd did not answer PING within {seconds:g} s (exit {code}):\n{tail}")

    def cpu_seconds(self) -> float:
        """User + system CPU clamd has used so far (Linux ``/proc``)."""
        with open(f"/proc/{self.process.pid}/stat") as handle:
            fields = handle.read().rpartition(")")[2].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._output.close()
        shutil.rmtree(self.root, ignore_errors=True)
