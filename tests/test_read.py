"""read: what an editor is told about a seed file that is not plain UTF-8 text."""

from __future__ import annotations

import codecs

import pytest

from generator.model import YanluError
from generator.read import decode, read_seed
from helpers_project import simplified_paragraph, traditional_paragraph

LINES = ["王小川:我认为价格战是好事。", "", "张鹏:同意。", "  缩进的一行", "最后一行"]


def write(tmp_path, data: bytes, name: str = "009_test.txt"):
    path = tmp_path / name
    path.write_bytes(data)
    return path


def refusal(path, declared: str = "") -> YanluError:
    with pytest.raises(YanluError) as caught:
        read_seed(path, declared)
    return caught.value


# ------------------------------------------------------------------ what reads


def test_plain_utf8_seed_reads_as_its_lines(tmp_path):
    raw = read_seed(write(tmp_path, ("\n".join(LINES) + "\n").encode("utf-8")))
    assert raw.lines == tuple(LINES)
    assert raw.encoding == "utf-8"
    assert raw.seed == "009_test.txt"


def test_utf8_bom_is_read_and_is_gone_from_the_first_line(tmp_path):
    raw = read_seed(write(tmp_path, codecs.BOM_UTF8 + ("\n".join(LINES) + "\n").encode("utf-8")))
    assert raw.lines == tuple(LINES)
    assert not raw.lines[0].startswith("\ufeff")
    assert raw.encoding == "utf-8"


@pytest.mark.parametrize("ending", ["\r\n", "\r"], ids=["crlf", "lone-cr"])
def test_crlf_and_lone_cr_line_endings_give_the_same_lines_as_lf(tmp_path, ending):
    lf = read_seed(write(tmp_path, ("\n".join(LINES) + "\n").encode("utf-8"), "lf.txt"))
    other = read_seed(write(tmp_path, (ending.join(LINES) + ending).encode("utf-8"), "other.txt"))
    assert other.lines == lf.lines == tuple(LINES)
    assert not any("\r" in line for line in other.lines)


def test_mixed_line_endings_in_one_file_give_one_line_each(tmp_path):
    raw = read_seed(write(tmp_path, "一\r\n二\r三\n四".encode("utf-8")))
    assert raw.lines == ("一", "二", "三", "四")


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_with_bom_decodes(tmp_path, codec):
    bom = codecs.BOM_UTF16_LE if codec.endswith("le") else codecs.BOM_UTF16_BE
    raw = read_seed(write(tmp_path, bom + ("\r\n".join(LINES) + "\r\n").encode(codec)))
    assert raw.lines == tuple(LINES)
    assert raw.encoding == "utf-16"


def test_decode_of_utf8_bytes_returns_the_text_and_says_utf8():
    assert decode("言录".encode("utf-8"), "seeds/x.txt") == ("言录", "utf-8")


# ------------------------------------------------------------------ legacy Chinese encodings


def test_gbk_seed_is_refused_with_a_guess_and_the_fix(tmp_path):
    # Two ASCII lines first, so the first byte that is not UTF-8 is on line 3.
    text = "\n".join(["APPSO", "", *simplified_paragraph()]) + "\n"
    path = write(tmp_path, text.encode("gbk"), "004_gbk.txt")
    error = refusal(path)
    message = error.message
    assert message.startswith("seeds/004_gbk.txt, line 3: ")
    assert error.line == 3
    assert "is not UTF-8" in message
    assert "(it looks like GB18030)" in message
    fix = message.split("\n  Fix: ", 1)[1]
    assert "`encoding: gb18030`" in fix
    assert "site_config/sources.yaml" in fix
    assert "Save it as UTF-8" in fix


@pytest.mark.parametrize("declared", ["gbk", "gb18030", "GBK"])
def test_gbk_seed_reads_correctly_once_its_encoding_is_declared(tmp_path, declared):
    lines = simplified_paragraph()
    path = write(tmp_path, ("\n".join(lines) + "\n").encode("gbk"))
    raw = read_seed(path, declared)
    assert raw.lines == tuple(lines)
    assert raw.encoding == declared


def test_big5_seed_is_refused_with_a_guess_and_reads_once_big5_is_declared(tmp_path):
    lines = traditional_paragraph()
    path = write(tmp_path, ("\n".join(lines) + "\n").encode("big5"), "001_big5.txt")

    error = refusal(path)
    assert error.message.startswith("seeds/001_big5.txt, line 1: is not UTF-8 (it looks like BIG5)")
    assert error.line == 1
    fix = error.message.split("\n  Fix: ", 1)[1]
    assert "`encoding: big5`" in fix and "site_config/sources.yaml" in fix

    # The fix the message gives, applied: the same file now reads, character for character.
    raw = read_seed(path, "big5")
    assert raw.lines == tuple(lines)
    assert raw.encoding == "big5"


def test_error_line_counts_lines_before_the_first_undecodable_byte(tmp_path):
    lines = ["Title in ASCII", "second line", "", "fourth", *traditional_paragraph()]
    error = refusal(write(tmp_path, ("\n".join(lines) + "\n").encode("big5")))
    assert error.line == 5
    assert ", line 5: " in error.message


def test_declared_encoding_that_does_not_fit_the_bytes_names_the_line_and_the_declaration(tmp_path):
    path = write(tmp_path, ("A\nB\n" + "\n".join(simplified_paragraph())).encode("gbk"), "004_x.txt")
    error = refusal(path, "utf-8")
    assert error.message.startswith("seeds/004_x.txt, line 3: is not valid utf-8")
    assert "Check the 'encoding' declared for it in site_config/sources.yaml" in error.message


def test_declared_encoding_python_does_not_know_is_refused_with_names_that_work(tmp_path):
    path = write(tmp_path, "言录\n".encode("utf-8"))
    error = refusal(path, "gbkk")
    assert "the declared encoding 'gbkk' is not one Python knows" in error.message
    assert "gb18030" in error.message and "big5" in error.message
    assert "site_config/sources.yaml" in error.message


def test_truncated_utf16_seed_is_refused_with_a_message_not_a_crash(tmp_path):
    # A UTF-16 file cut off mid-character (odd number of bytes after the BOM).
    data = codecs.BOM_UTF16_LE + "王小川:我认为\n".encode("utf-16-le") + b"\x62"
    error = refusal(write(tmp_path, data, "005_cut.txt"))
    assert error.message.startswith("seeds/005_cut.txt")
    assert "Fix: " in error.message


# ------------------------------------------------------------------ not text at all


@pytest.mark.parametrize(
    "data",
    [b"", b"\n\n\n", b"\r\n \t\r\n", "\u3000\u00a0 \n\t\n".encode("utf-8"), codecs.BOM_UTF8, codecs.BOM_UTF8 + b"\n  \n"],
    ids=["zero-bytes", "newlines", "crlf-and-blanks", "ideographic-and-nbsp", "bom-only", "bom-and-blanks"],
)
def test_empty_or_whitespace_only_seed_is_refused_as_empty(tmp_path, data):
    error = refusal(write(tmp_path, data, "006_empty.txt"))
    assert error.message.startswith("seeds/006_empty.txt: is empty")
    assert "Fix: Paste the transcript into it" in error.message
    assert "site_config/sources.yaml" in error.message


def test_seed_with_nul_bytes_is_refused_with_the_line_of_the_first_nul(tmp_path):
    error = refusal(write(tmp_path, "第一行\n第二\x00行\n第三行\n".encode("utf-8"), "007_nul.txt"))
    assert error.message.startswith("seeds/007_nul.txt, line 2: contains NUL characters")
    assert error.line == 2
    assert "Save it as UTF-8 text" in error.message


def test_utf16_without_bom_is_refused_with_a_hint_to_declare_utf16(tmp_path):
    error = refusal(write(tmp_path, "Wang Xiaochuan: yes\nZhang Peng: no\n".encode("utf-16-le")))
    assert "contains NUL characters" in error.message
    assert "UTF-16 without a BOM" in error.message
    assert "`encoding: utf-16-le`" in error.message


def test_missing_seed_file_is_refused_with_its_name(tmp_path):
    error = refusal(tmp_path / "008_gone.txt")
    assert error.message.startswith("seeds/008_gone.txt: cannot be read")
    assert "Fix: Check that the file exists" in error.message
