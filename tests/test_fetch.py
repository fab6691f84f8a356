import codecs
import collections
import concurrent.futures
import hashlib
import itertools
import threading
import time
import tracemalloc

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from transforms.base import DictCounter, Drop
from transforms.fetch import (
    BlobError,
    BlobReaders,
    DecodeConfig,
    InFlight,
    blob_key,
    decode_bytes,
    decode_group,
    decode_record,
    extension_of,
    git_blob_id,
    occurrence,
    text_stats,
)
from transforms.record import CodeFile


def rec(**kw):
    base = dict(blob_id="", content_id="c", directory_id="d", path="src/a.py", repo_name="o/r",
                snapshot_id="s", revision_id="r", branch_name="refs/heads/main", locator="mem:")
    base.update(kw)
    return CodeFile(**base)


def test_utf8_first():
    assert decode_bytes("héllo\n".encode()) == ("héllo\n", "UTF-8")


def test_nul_byte_is_binary():
    assert decode_bytes(b"abc\x00def") == Drop("binary")


@pytest.mark.parametrize("codec,label", [("utf-16-le", "UTF-16LE"), ("utf-16-be", "UTF-16BE"), ("utf-32-le", "UTF-32LE")])
def test_wide_text_with_bom_is_text(codec, label):
    bom = {"utf-16-le": codecs.BOM_UTF16_LE, "utf-16-be": codecs.BOM_UTF16_BE, "utf-32-le": codecs.BOM_UTF32_LE}[codec]
    assert decode_bytes(bom + "x = 1\n".encode(codec)) == ("x = 1\n", label)


def test_utf8_bom_stripped():
    assert decode_bytes(codecs.BOM_UTF8 + b"print(1)\n") == ("print(1)\n", "UTF-8")


def test_utf16_without_bom_has_nul_so_binary():
    assert decode_bytes("hello world\n".encode("utf-16-le")) == Drop("binary")


def test_latin1_detected_and_recorded():
    raw = "Notes de version: amélioration du calcul de la racine carrée, déjà testée.\n".encode("latin-1")
    text, encoding = decode_bytes(raw)
    assert "amélioration" in text
    assert encoding != "UTF-8"


def test_detection_off_dead_letters():
    out = decode_bytes("é".encode("latin-1"), DecodeConfig(detect_encoding=False))
    assert isinstance(out, Drop) and out.reason == "undecodable" and out.dead_letter


def test_text_stats():
    stats = text_stats("ab1\n_x\n\n")
    assert stats["num_lines"] == 3
    assert stats["max_line_length"] == 3
    assert stats["avg_line_length"] == pytest.approx(5 / 3)
    assert stats["alphanum_fraction"] == pytest.approx(4 / 8)
    assert stats["alpha_fraction"] == pytest.approx(3 / 8)
    assert text_stats("") == {"num_lines": 0, "avg_line_length": 0.0, "max_line_length": 0,
                              "alphanum_fraction": 0.0, "alpha_fraction": 0.0}


@pytest.mark.parametrize("path,ext", [("a/b.py", "py"), ("x.tar.gz", "gz"), ("Makefile", ""), (".bashrc", ""), ("d.x/y", "")])
def test_extension(path, ext):
    assert extension_of(path) == ext


def test_git_blob_id_matches_git():
    assert git_blob_id(b"hi\n") == "45b983be36b73c0788dc9cbcb76cbb80fc7bb057"


def test_decode_record_fills_ids_and_stats():
    count = DictCounter()
    out = decode_record(rec(), lambda r: b"print('x')\n", DecodeConfig(), count)
    assert out.blob_id == hashlib.sha1(b"print('x')\n").hexdigest()
    assert out.content == "print('x')\n" and out.src_encoding == "UTF-8"
    assert out.length_bytes == 11 and out.num_lines == 1 and out.extension == "py"
    assert count == {"encoding:UTF-8": 1}


def test_too_large_is_skipped_before_reading():
    def never(_):
        raise AssertionError("read a blob that the size guard should have skipped")

    out = decode_record(rec(length_bytes=10_000_000), never, DecodeConfig(), DictCounter())
    assert out == Drop("too_large")
    small = decode_record(rec(length_bytes=9_999_999), lambda r: b"a", DecodeConfig(), DictCounter())
    assert isinstance(small, CodeFile)


def test_blob_error_dead_letters():
    def missing(_):
        raise BlobError("missing_blob", "gone")

    assert decode_record(rec(), missing, DecodeConfig(), DictCounter()) == Drop("missing_blob", "gone", True)


def test_corrupt_blob_detected_by_sha1():
    out = decode_record(rec(blob_id="0" * 40), lambda r: b"x", DecodeConfig(), DictCounter())
    assert isinstance(out, Drop) and out.reason == "corrupt_blob" and out.dead_letter


def test_ascii_fast_path_agrees_with_unicode_regexes():
    import random

    from transforms.fetch import _NOT_ALNUM, _NOT_ALPHA, _letter_counts

    rng = random.Random(7)
    for _ in range(200):
        text = "".join(chr(rng.randrange(0, 128)) for _ in range(rng.randrange(0, 300)))
        assert _letter_counts(text) == (len(_NOT_ALNUM.sub("", text)), len(_NOT_ALPHA.sub("", text)))
    assert _letter_counts("é1_") == (2, 1)


def test_damaged_utf8_keeps_its_valid_characters():
    # UTF-8 with one torn byte: a code-page guess would garble every accent; U+FFFD marks the damage
    raw = '"""Naïve café."""\nMENU = ["crème brûlée", "über toast"]\n'.encode().replace(b"toast", b"to\xffast")
    assert decode_bytes(raw) == ('"""Naïve café."""\nMENU = ["crème brûlée", "über to\ufffdast"]\n', "UTF-8")
    # a U+FFFD that is in the file is not damage; Latin-1 text has no valid multi-byte sequence
    assert decode_bytes("x = '\ufffd é'\n".encode()) == ("x = '\ufffd é'\n", "UTF-8")
    text, encoding = decode_bytes("# café crème brûlée déjà\n".encode("latin-1"))
    assert encoding != "UTF-8" and "\ufffd" not in text


@pytest.mark.parametrize("codec,text,label", [
    # short Western text: charset-normalizer alone says cp1250/cp1257 ('lève' -> 'lčve')
    ("latin-1", "# Gestion des réservations du théâtre municipal.\n# Auteur : François Lefèvre, été 2019.\n"
                "def réserver(place, numéro):\n    \"\"\"Réserve la place demandée si elle est libre ; lève une "
                "erreur sinon.\"\"\"\n    return numéro\n", "WINDOWS-1252"),
    ("latin-1", "# Configuração padrão da aplicação: não alterar sem revisão.\n"
                "opções = {\"ação\": \"remoção\", \"título\": \"Introdução\"}\n", "WINDOWS-1252"),
    # code pages made for the language they hold are kept
    ("cp1250", "# Zażółć gęślą jaźń: obsługa błędów połączenia z bazą.\n"
               "komunikat = \"Nie można otworzyć pliku źródłowego\"\n", "WINDOWS-1250"),
    ("cp1254", "# Veritabanı bağlantı hatalarının işlenmesi; şifre doğrulaması.\n"
               "mesaj = \"Dosya açılamadı, lütfen tekrar deneyin\"\n", "WINDOWS-1254"),
    ("cp1251", "# Обработка ошибок соединения с базой данных.\nсообщение = \"Не удалось открыть файл\"\n",
     "WINDOWS-1251"),
])
def test_latin_code_page_made_for_the_language_is_preferred(codec, text, label):
    assert decode_bytes(text.encode(codec)) == (text, label)


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=st.characters(codec=None, exclude_categories=()), max_size=200)
       | st.text(alphabet="aZ9_ é½²٣中１\u0300\udcff\n", max_size=200))
def test_letter_counts_agree_with_unicode_regexes(text):
    from transforms.fetch import _NOT_ALNUM, _NOT_ALPHA, _letter_counts

    assert _letter_counts(text) == (len(_NOT_ALNUM.sub("", text)), len(_NOT_ALPHA.sub("", text)))


def test_git_blob_reader_reads_blobs_and_rejects_what_is_not_one(tmp_path):
    import pygit2

    from tests.gitrepos import git, make_repo
    from transforms.fetch import BlobError, GitBlobReader

    folder = make_repo(tmp_path, "r", {"a.py": "print(1)\n", "sub/b.txt": b"\xff\xfe bytes"})
    blob = git(folder, "rev-parse", "HEAD:sub/b.txt")
    tree = git(folder, "rev-parse", "HEAD:sub")
    read = GitBlobReader()

    def rec(content_id):
        return CodeFile(blob_id="", content_id=content_id, directory_id="", path="p", repo_name="r",
                        snapshot_id="", revision_id="", branch_name="", locator=f"git:{folder}")

    assert read(rec(blob)) == b"\xff\xfe bytes"
    assert pygit2.Repository(folder)[blob].read_raw() == read(rec(blob))
    for missing in ("0" * 40, tree, "not-hex"):
        with pytest.raises(BlobError) as caught:
            read(rec(missing))
        assert caught.value.reason == "missing_blob"


# --- one read per blob ---------------------------------------------------------------------

class MemReader:
    """A concurrent reader of ``mem:<place>`` locators: ``places[place][blob_id]`` (a missing
    entry is a missing blob); counts its calls per locator; ``latency`` seconds a read."""

    concurrent = True

    def __init__(self, places, latency=0.0):
        self.places, self.latency = places, latency
        self.calls = collections.Counter()
        self._lock = threading.Lock()
        self.reading = 0  # reads under way now
        self.most_at_once = 0  # the most reads that were under way at one time

    def __call__(self, record):
        with self._lock:
            self.calls[record.locator] += 1
            self.reading += 1
            self.most_at_once = max(self.most_at_once, self.reading)
        time.sleep(self.latency)
        with self._lock:
            self.reading -= 1
        try:
            return self.places[record.locator.partition(":")[2]][record.blob_id]
        except KeyError:
            raise BlobError("missing_blob", f"{record.blob_id} not at {record.locator}") from None


def sha1(data: bytes) -> str:
    return hashlib.sha1(data).hexdigest()


def copies(data: bytes, places, paths=("a.py", "docs/a.txt", "Makefile")):
    """One record per (place, path), each its own repository, all of one blob."""
    return [rec(blob_id=sha1(data), content_id=git_blob_id(data), path=path, repo_name=f"o/{place}-{i}",
                locator=f"mem:{place}", length_bytes=len(data))
            for place in places for i, path in enumerate(paths)]


def reference(records, read, config=DecodeConfig()):
    """The stage as it was: every occurrence read and decoded by itself."""
    count = DictCounter()
    return [decode_record(r, read, config, count) for r in records], count


def grouped(records, read, config=DecodeConfig(), **kw):
    count = DictCounter()
    outs = [occurrence(r, shared, count) for r, shared in decode_group(records, read, config, count, **kw)]
    return outs, count


def test_blob_key_prefers_sha1_then_the_git_id_then_the_occurrence():
    assert blob_key(rec(blob_id="a" * 40, content_id="b" * 40)) == "a" * 40
    assert blob_key(rec(content_id="b" * 40)) == "sha1_git:" + "b" * 40
    one, other = blob_key(rec(content_id="", path="x")), blob_key(rec(content_id="", path="y"))
    assert one.startswith("occurrence:") and one != other and one == blob_key(rec(content_id="", path="x"))


def test_a_group_is_read_once_and_each_copy_keeps_its_own_path_and_extension():
    data = b"print('hi')\n"
    records = copies(data, ["p", "q"])
    read = MemReader({"p": {sha1(data): data}, "q": {sha1(data): data}})
    outs, count = grouped(records, read)
    assert sum(read.calls.values()) == 1
    assert outs == reference(records, MemReader(read.places))[0]
    assert [(o.repo_name, o.path, o.extension) for o in outs] == [
        ("o/p-0", "a.py", "py"), ("o/p-1", "docs/a.txt", "txt"), ("o/p-2", "Makefile", ""),
        ("o/q-0", "a.py", "py"), ("o/q-1", "docs/a.txt", "txt"), ("o/q-2", "Makefile", "")]
    assert {o.content for o in outs} == {"print('hi')\n"}
    # per-occurrence counters as before; blob counters on top
    assert count == {"encoding:UTF-8": 6, "blobs:fetched": 1, "blobs:occurrences": 6}


def test_drops_are_shared_and_the_size_guard_is_per_occurrence():
    binary = b"\x00\x01\x02"
    read = MemReader({"p": {sha1(binary): binary}})
    outs, count = grouped(copies(binary, ["p"]), read)
    assert outs == [Drop("binary")] * 3 and count == {"blobs:fetched": 1, "blobs:occurrences": 3}
    text = b"x = 1\n"
    records = copies(text, ["p"])
    records[1] = records[1]._replace(length_bytes=10_000_000)  # metadata says too large: never read for it
    read = MemReader({"p": {sha1(text): text}})
    outs, _ = grouped(records, read)
    assert [type(o).__name__ for o in outs] == ["CodeFile", "Drop", "CodeFile"] and outs[1] == Drop("too_large")
    everything_large = [r._replace(length_bytes=10_000_000) for r in records]
    read = MemReader({})
    outs, count = grouped(everything_large, read)
    assert outs == [Drop("too_large")] * 3 and not read.calls and count == {"blobs:occurrences": 3}


def test_latin1_blob_decoded_once_counts_its_encoding_per_occurrence():
    data = "# café crème brûlée déjà vu\n".encode("latin-1")
    records = copies(data, ["p", "q"])
    read = MemReader({"p": {sha1(data): data}, "q": {sha1(data): data}})
    outs, count = grouped(records, read)
    expected, expected_count = reference(records, MemReader(read.places))
    assert outs == expected and sum(read.calls.values()) == 1
    assert {k: v for k, v in count.items() if not k.startswith("blobs:")} == expected_count
    # undecodable without detection: one dead letter per occurrence, as before
    config = DecodeConfig(detect_encoding=False)
    outs, count = grouped(records, read, config)
    assert outs == reference(records, read, config)[0] == [Drop("undecodable", "not UTF-8", True)] * 6


def test_a_damaged_place_does_not_cost_the_copies_and_the_order_does_not_matter():
    data = b"def f():\n    return 1\n"
    good, corrupt = {sha1(data): data}, {sha1(data): b"garbage"}
    places = {"broken": {}, "corrupt": corrupt, "good": good}
    records = copies(data, ["broken", "corrupt", "good"])
    results = set()
    for order in itertools.permutations(range(0, len(records), 3)):  # every order of the three places
        shuffled = [records[i + j] for i in order for j in range(3)]
        read = MemReader(places)
        outs, count = grouped(shuffled, read)
        assert all(isinstance(o, CodeFile) and o.content == data.decode() for o in outs)
        # each failing place is read once, the good one once
        assert max(read.calls.values()) == 1 and read.calls["mem:good"] == 1
        assert count["blobs:fetched"] == 1 and count["blobs:occurrences"] == 9
        results.add(tuple(sorted((o.repo_name, o.path, o.content) for o in outs)))
    assert len(results) == 1


def test_when_no_place_gives_the_blob_each_copy_gets_its_own_places_drop():
    data = b"x = 2\n"
    places = {"broken": {}, "corrupt": {sha1(data): b"garbage"}}
    records = copies(data, ["broken", "corrupt"])
    for limit in (1024, 1):  # with one failure remembered, a forgotten place is asked again
        read = MemReader(places)
        outs, count = grouped(records, read, max_failures=limit)
        expected = reference(records, MemReader(places))[0]
        assert outs == expected
        assert [o.reason for o in outs] == ["missing_blob"] * 3 + ["corrupt_blob"] * 3
        assert count["blobs:fetched"] == 1 and count["blobs:occurrences"] == 6
        # each place read once; remembering one failure, each is read again when its copies come
        assert sum(read.calls.values()) == (2 if limit > 1 else 4) == 1 + count["blobs:refetched"]


def test_an_unexpected_exception_is_a_dead_letter_per_occurrence_like_apply_core():
    def broken(_record):
        raise RuntimeError("reader bug")

    outs, _ = grouped(copies(b"x", ["p"]), broken)
    assert outs == [Drop("error", "RuntimeError: reader bug", True)] * 3


def test_a_group_must_be_re_iterable():
    with pytest.raises(TypeError):
        list(decode_group(iter(copies(b"x", ["p"])), MemReader({}), DecodeConfig(), DictCounter()))


class Occurrences:
    """``n`` occurrences of one blob, each its own record (path, repository), made as they
    are iterated: re-iterable, never a list."""

    def __init__(self, n, data):
        self.n = n
        self.base = rec(blob_id=sha1(data), content_id=git_blob_id(data), locator="mem:p", length_bytes=len(data))

    def __iter__(self):
        fields, make = list(self.base), CodeFile._make
        path, repo = CodeFile._fields.index("path"), CodeFile._fields.index("repo_name")
        for i in range(self.n):
            fields[path], fields[repo] = f"src/f{i}.py", f"fork-{i}/r"
            yield make(fields)


@pytest.mark.slow
def test_a_blob_with_a_million_occurrences_streams_in_bounded_memory():
    data = b"# a stock file every fork has\n" * 20
    n = 1_000_000
    read = MemReader({"p": {sha1(data): data}})
    count = DictCounter()
    seen, fanned = 0, []
    tracemalloc.start()
    try:
        for record, shared in decode_group(Occurrences(n, data), read, DecodeConfig(), count):
            seen += 1
            if seen % 250_000 == 0:  # the fan-out, on a sample (the wrapper's part, tested above)
                out = occurrence(record, shared, DictCounter())
                fanned.append((out.repo_name, out.path, out.extension, out.content is shared.content))
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert seen == n and sum(read.calls.values()) == 1
    assert fanned == [(f"fork-{i - 1}/r", f"src/f{i - 1}.py", "py", True) for i in range(250_000, n + 1, 250_000)]
    assert count == {"blobs:fetched": 1, "blobs:occurrences": n}
    # the occurrences never pile up: a list of them alone would take 8 MB (its pointers), the
    # records in it ~0.5 GB
    assert peak < 1_000_000, f"peak {peak} bytes"


def test_in_flight_fetches_groups_concurrently_and_keeps_their_order():
    texts = [f"x = {i}\n".encode() for i in range(32)]
    read = MemReader({"p": {sha1(t): t for t in texts}}, latency=0.05)
    readers = BlobReaders({"mem": read})
    groups = [copies(t, ["p"], paths=(f"g{i}/a.py", f"g{i}/b.py")) for i, t in enumerate(texts)]
    count = DictCounter()
    out = []
    with concurrent.futures.ThreadPoolExecutor(16) as pool:
        flight = InFlight(readers, DecodeConfig(fetch_batch=16), count, pool)
        for i, group in enumerate(groups):
            out.extend(flight.add(group, tag=i))
            assert len(out) == 2 * max(0, i + 1 - 16)  # a group leaves when 16 wait behind it
        out.extend(flight.drain())
    assert [tag for tag, _r, _s in out] == [i for i in range(32) for _ in range(2)]
    assert [occurrence(r, s, DictCounter()).content for _t, r, s in out] == [t.decode() for t in texts for _ in range(2)]
    assert sum(read.calls.values()) == 32 and count["blobs:fetched"] == 32 and count["blobs:occurrences"] == 64
    # concurrent, not one by one: reads overlapped (counted, not timed: a loaded machine stretches time)
    assert read.most_at_once > 1
