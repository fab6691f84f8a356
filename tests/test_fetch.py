import codecs
import hashlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from transforms.base import DictCounter, Drop
from transforms.fetch import (
    BlobError,
    DecodeConfig,
    decode_bytes,
    decode_record,
    extension_of,
    git_blob_id,
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
