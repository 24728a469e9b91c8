"""Reading input files: encodings, Markdown, .docx safety, folders with bad files."""

from __future__ import annotations

import io
import re
import struct
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from caogao.errors import InputError
from caogao.corpus.docx_in import open_docx
from caogao.corpus.files import SUPPORTED, read_many, read_text
from caogao.paths import corpus_dir

REPORT = (
    "2023年上半年XX镇人民政府工作报告\n"
    "各位代表，同志们：\n"
    "上半年，完成规上工业总产值12.5亿元，同比增长8.3%，完成全年目标任务的52%；\n"
    "一、抓项目、稳经济，高质量发展迈出坚实步伐\n"
    "（一）经济运行向稳向好。一是招商引资成效明显；二是重点项目加快推进。\n"
)


@pytest.fixture(scope="module")
def simple_docx() -> bytes:
    """A small .docx made by python-docx: paragraphs with a table between them."""
    import docx

    document = docx.Document()
    document.add_paragraph("2023年上半年XX镇政府工作报告")
    document.add_paragraph("")  # spacing paragraph, not text
    document.add_paragraph("一、抓项目、稳经济")
    table = document.add_table(rows=2, cols=2)
    for r, row in enumerate([("指标", "完成值"), ("规上工业总产值", "12.5亿元")]):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    paragraph = document.add_paragraph("二、优环境、美生态，")
    paragraph.add_run("人居环境").bold = True
    paragraph.add_run("持续改善。")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _write(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def _rezip(source: bytes, replace: dict[str, bytes] | None = None, add=()) -> bytes:
    """Copy a .docx, replacing some members' bytes and adding (ZipInfo, bytes) pairs."""
    replace = replace or {}
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(source)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            dst.writestr(item.filename, replace.get(item.filename, src.read(item)))
        for info, data in add:
            dst.writestr(info, data)
    return out.getvalue()


# ---------------------------------------------------------------- text encodings

ENCODINGS = {
    "utf-8": REPORT.encode("utf-8"),
    "utf-8-bom": REPORT.encode("utf-8-sig"),
    "gb18030": REPORT.encode("gb18030"),
    "gbk": REPORT.encode("gbk"),
    "utf-16-le-bom": b"\xff\xfe" + REPORT.encode("utf-16-le"),
    "utf-16-be-bom": b"\xfe\xff" + REPORT.encode("utf-16-be"),
    "utf-16-le-no-bom": REPORT.encode("utf-16-le"),
    "utf-16-be-no-bom": REPORT.encode("utf-16-be"),
    "utf-8-crlf": REPORT.replace("\n", "\r\n").encode("utf-8"),
    "gbk-crlf": REPORT.replace("\n", "\r\n").encode("gbk"),
}


@pytest.mark.parametrize("name", ENCODINGS)
def test_same_text_in_every_encoding_reads_back_identically(tmp_path, name):
    path = _write(tmp_path / f"{name}.txt", ENCODINGS[name])
    assert read_text(path) == REPORT


def test_gb18030_only_characters_survive(tmp_path):
    # 䶮 (U+4DAE) is outside GBK: only a GB18030 decode reads it right.
    text = REPORT + "新建䶮字路段3公里。\n"
    assert read_text(_write(tmp_path / "a.txt", text.encode("gb18030"))) == text


def test_traditional_chinese_big5_is_not_misread_as_gbk(tmp_path):
    text = "臺灣地區經濟發展穩定，各項建設持續推進，民眾生活水準逐步提高。\n" * 5
    assert read_text(_write(tmp_path / "big5.txt", text.encode("big5"))) == text


def test_old_mac_line_ends_and_dos_eof_mark_are_normalised(tmp_path):
    data = REPORT.replace("\n", "\r").encode("gbk") + b"\x1a"
    assert read_text(_write(tmp_path / "old.txt", data)) == REPORT


# ---------------------------------------------------------------- files that are not text

@pytest.mark.parametrize("data", [b"", b"   \r\n\t\n", "\ufeff\u3000\u3000\n".encode("utf-8"),
                                  "\n".encode("utf-16")])
def test_empty_or_blank_file_is_refused_by_name(tmp_path, data):
    path = _write(tmp_path / "空白稿.txt", data)
    with pytest.raises(InputError, match="文件为空") as info:
        read_text(path)
    assert "空白稿.txt" in str(info.value)


@pytest.mark.parametrize("data", [
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4,  # NUL bytes, odd pattern
    bytes(range(1, 32)) * 50 + b"abc",  # control characters, no NUL
    b"\x81\x30\xff\xfe\x80" * 40,  # undecodable in any encoding we know
])
def test_binary_named_txt_is_refused_as_not_text(tmp_path, data):
    path = _write(tmp_path / "照片.txt", data)
    with pytest.raises(InputError, match="不是文本文件") as info:
        read_text(path)
    assert "照片.txt" in str(info.value)


def test_bom_that_does_not_match_the_content_is_refused(tmp_path):
    path = _write(tmp_path / "错标.txt", b"\xef\xbb\xbf" + REPORT.encode("gbk"))
    with pytest.raises(InputError, match="不是文本文件"):
        read_text(path)


BODY = REPORT.rstrip("\n")  # ends in "。", so cutting one byte splits a character


@pytest.mark.parametrize("data, expected", [
    (BODY.encode("utf-8")[:-1], BODY[:-1] + "\ufffd"),  # copy cut off mid-character
    (BODY.encode("gbk")[:-1], BODY[:-1] + "\ufffd"),
    (b"\xff\xfe" + BODY.encode("utf-16-le")[:-1], BODY[:-1] + "\ufffd"),
    (BODY[:40].encode("utf-8") + b"\xff" + BODY[40:].encode("utf-8"), BODY[:40] + "\ufffd" + BODY[40:]),
    (BODY[:40].encode("gbk") + b"\xff" + BODY[40:].encode("gbk"), BODY[:40] + "\ufffd" + BODY[40:]),
])
def test_one_damaged_character_does_not_lose_the_whole_file(tmp_path, data, expected):
    assert read_text(_write(tmp_path / "受损.txt", data)) == expected


def test_mostly_ascii_gbk_file_is_not_taken_for_damaged_utf8(tmp_path):
    text = "Report 2023: XX镇 GDP 12.5 (+8.3%)\n" + "line of plain ascii text\n" * 20
    assert read_text(_write(tmp_path / "ascii.txt", text.encode("gbk"))) == text


@pytest.mark.parametrize("name, expected", [("旧稿.doc", r"\.docx"), ("旧稿.wps", r"\.docx"),
                                            ("报告.pdf", "不支持"), ("报告", "不支持")])
def test_unsupported_formats_say_what_to_save_as(tmp_path, monkeypatch, name, expected):
    monkeypatch.setenv("PATH", "")  # no LibreOffice to convert .doc and .wps
    path = _write(tmp_path / name, b"whatever")
    with pytest.raises(InputError) as info:
        read_text(path)
    assert name in str(info.value)
    assert "另存为" in (info.value.hint or "")
    assert re.search(expected, str(info.value))


def test_missing_file_and_folder_are_refused(tmp_path):
    with pytest.raises(InputError, match="文件不存在"):
        read_text(tmp_path / "没有这个.txt")
    (tmp_path / "稿子.txt").mkdir()
    with pytest.raises(InputError, match="文件夹"):
        read_text(tmp_path / "稿子.txt")


def test_unreadable_file_is_refused(tmp_path, monkeypatch):
    path = _write(tmp_path / "锁定.txt", REPORT.encode())

    def denied(*args, **kwargs):  # what a file without read permission gives, even under root
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr("caogao.corpus.files.open", denied, raising=False)
    with pytest.raises(InputError, match="权限") as info:
        read_text(path)
    assert "锁定.txt" in str(info.value)


# ---------------------------------------------------------------- Markdown

def test_markdown_markup_is_stripped_but_report_text_kept(tmp_path):
    source = (
        "# 2023年上半年XX镇政府工作报告\n"
        "\n"
        "## 一、抓项目、稳经济 ##\n"
        "**经济运行向稳向好。**上半年完成__固定资产投资__3亿元。\n"
        "- 一是招商引资成效明显；\n"
        "* 二是重点项目加快推进。\n"
        "> 引用的领导讲话\n"
        "1. 保留报告自身的编号\n"
        "---\n"
        "详见[附件](http://example.com/a.docx)【1】\n"
    )
    text = read_text(_write(tmp_path / "草稿.md", source.encode("utf-8")))
    assert text.split("\n") == [
        "2023年上半年XX镇政府工作报告", "", "一、抓项目、稳经济",
        "经济运行向稳向好。上半年完成固定资产投资3亿元。",
        "一是招商引资成效明显；", "二是重点项目加快推进。", "引用的领导讲话",
        "1. 保留报告自身的编号", "", "详见附件【1】", "",
    ]


def test_markdown_with_only_markup_is_empty(tmp_path):
    with pytest.raises(InputError, match="文件为空"):
        read_text(_write(tmp_path / "空.md", b"#\n---\n"))


# ---------------------------------------------------------------- .docx

def test_docx_paragraphs_and_table_cells_read_in_document_order(tmp_path, simple_docx):
    text = read_text(_write(tmp_path / "报告.docx", simple_docx))
    assert text == ("2023年上半年XX镇政府工作报告\n一、抓项目、稳经济\n指标\n完成值\n"
                    "规上工业总产值\n12.5亿元\n二、优环境、美生态，人居环境持续改善。\n")


def test_docx_tracked_changes_read_as_final_text(tmp_path, simple_docx):
    w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    with zipfile.ZipFile(io.BytesIO(simple_docx)) as z:
        xml = z.read("word/document.xml").decode("utf-8")
    edited = xml.replace(
        "<w:body>",
        '<w:body><w:p><w:r><w:t>同比增长</w:t></w:r><w:del w:id="1" w:author="a"><w:r><w:delText>5%</w:delText>'
        '</w:r></w:del><w:ins w:id="2" w:author="a"><w:r><w:t>8%</w:t></w:r></w:ins></w:p>', 1)
    assert w in xml
    data = _rezip(simple_docx, {"word/document.xml": edited.encode("utf-8")})
    assert read_text(_write(tmp_path / "修订.docx", data)).startswith("同比增长8%\n")


def test_docx_without_text_is_empty(tmp_path):
    import docx

    buffer = io.BytesIO()
    docx.Document().save(buffer)
    with pytest.raises(InputError, match="文件为空") as info:
        read_text(_write(tmp_path / "空白.docx", buffer.getvalue()))
    assert "空白.docx" in str(info.value)


def test_open_docx_gives_a_python_docx_document(tmp_path, simple_docx):
    document = open_docx(_write(tmp_path / "稿.docx", simple_docx))
    assert document.paragraphs[0].text == "2023年上半年XX镇政府工作报告"


def test_docx_zip_bomb_refused_from_declared_size(tmp_path, simple_docx):
    # Only the central directory is doctored, so the test file stays tiny; the
    # refusal must come from the directory, before any data is inflated.
    name = b"word/media/big.bin"
    data = bytearray(_rezip(simple_docx, add=[(zipfile.ZipInfo(name.decode()), b"0" * 1000)]))
    entry = data.rindex(b"PK\x01\x02")  # central directory record of the member added last
    assert data[entry + 46:entry + 46 + len(name)] == name
    # compressed 16 MB → uncompressed 80 MB: an ordinary ratio, but too much in total
    data[entry + 20:entry + 28] = struct.pack("<II", 16 << 20, 80 << 20)
    path = _write(tmp_path / "炸弹.docx", bytes(data))
    for reader in (read_text, open_docx):
        with pytest.raises(InputError, match="80 MB.*压缩炸弹") as info:
            reader(path)
        assert "炸弹.docx" in str(info.value)


def test_docx_with_absurd_compression_ratio_is_refused(tmp_path, simple_docx):
    bomb = zipfile.ZipInfo("word/media/image1.png")
    bomb.compress_type = zipfile.ZIP_DEFLATED
    data = _rezip(simple_docx, add=[(bomb, bytes(8 * 1024 * 1024))])  # 8 MB of zeros → ~8 KB
    with pytest.raises(InputError, match="压缩比异常"):
        read_text(_write(tmp_path / "比率.docx", data))


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16"])
def test_docx_with_entity_declaration_is_refused_unexpanded(tmp_path, simple_docx, encoding):
    with zipfile.ZipFile(io.BytesIO(simple_docx)) as z:
        xml = z.read("word/document.xml").decode("utf-8")
    head, rest = xml.split("?>", 1)
    doctype = '<!DOCTYPE w:document [<!ENTITY secret "实体被展开了"><!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    xml = head.replace("UTF-8", encoding.upper()) + "?>" + doctype + rest.replace("一、抓项目", "&secret;&xxe;", 1)
    path = _write(tmp_path / "实体.docx", _rezip(simple_docx, {"word/document.xml": xml.encode(encoding)}))
    for reader in (read_text, open_docx):
        with pytest.raises(InputError, match="DOCTYPE") as info:
            reader(path)
        assert "实体.docx" in str(info.value)
        assert "实体被展开了" not in str(info.value) and "root:" not in str(info.value)


@pytest.mark.parametrize("member", ["[Content_Types].xml", "_rels/.rels", "word/styles.xml"])
def test_dtd_in_any_part_python_docx_parses_is_refused(tmp_path, simple_docx, member):
    with zipfile.ZipFile(io.BytesIO(simple_docx)) as z:
        xml = z.read(member).decode("utf-8")
    head, rest = xml.split("?>", 1)
    xml = head + '?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">]>' + rest
    path = _write(tmp_path / "部件.docx", _rezip(simple_docx, {member: xml.encode("utf-8")}))
    with pytest.raises(InputError, match=re.escape(member)):
        read_text(path)


def test_svg_picture_with_its_own_doctype_does_not_block_reading(tmp_path, simple_docx):
    svg = (b'<?xml version="1.0"?><!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" '
           b'"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd"><svg xmlns="http://www.w3.org/2000/svg"/>')
    with zipfile.ZipFile(io.BytesIO(simple_docx)) as z:
        types = z.read("[Content_Types].xml").replace(
            b"<Default ", b'<Default Extension="svg" ContentType="image/svg+xml"/><Default ', 1)
    data = _rezip(simple_docx, {"[Content_Types].xml": types}, add=[("word/media/image9.svg", svg)])
    assert read_text(_write(tmp_path / "带图.docx", data)).startswith("2023年上半年XX镇政府工作报告\n")


@pytest.mark.parametrize("make, why", [
    (lambda good: b"PK\x03\x04 this is not really a zip", "ZIP"),
    (lambda good: good[: len(good) // 2], "ZIP"),  # truncated download
    (lambda good: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), r"\.doc"),  # a .doc renamed
    (lambda good: _rezip(good, {"word/document.xml": b"<w:document><unclosed"}), "损坏"),
    (lambda good: _rezip(good, {"[Content_Types].xml": b"<Types/>"}), "Word"),
])
def test_corrupt_docx_gives_input_error_naming_the_file(tmp_path, simple_docx, make, why):
    path = _write(tmp_path / "坏稿.docx", make(simple_docx))
    for reader in (read_text, open_docx):
        with pytest.raises(InputError, match=why) as info:
            reader(path)
        assert "坏稿.docx" in str(info.value)


# ---------------------------------------------------------------- many files

def test_read_many_skips_bad_file_with_warning_and_reads_the_rest(tmp_path, monkeypatch, simple_docx):
    monkeypatch.setenv("PATH", "")  # no LibreOffice to convert .doc
    folder = tmp_path / "语料"
    _write(folder / "b_好.txt", REPORT.encode("gbk"))
    _write(folder / "a_坏.txt", b"\x00\x01\x02\xff" * 100)
    _write(folder / "子目录" / "c.md", b"# " + REPORT.encode("utf-8"))
    _write(folder / "d.docx", simple_docx)
    _write(folder / "~$d.docx", b"\x05lock")  # Word's lock file while d.docx is open
    _write(folder / ".隐藏.txt", REPORT.encode())
    _write(folder / ".git" / "x.txt", REPORT.encode())
    _write(folder / "说明.pdf", b"%PDF")
    _write(folder / "老稿.doc", b"\xd0\xcf\x11\xe0")
    pairs, warnings = read_many([folder])
    assert [p.name for p, _ in pairs] == ["b_好.txt", "d.docx", "c.md"]
    assert pairs[0][1] == REPORT
    assert len(warnings) == 2
    assert any("a_坏.txt" in w and "不是文本文件" in w for w in warnings)
    assert any("老稿.doc" in w and ".docx" in w for w in warnings)


def test_read_many_keeps_given_order_and_warns_about_missing_paths(tmp_path):
    one = _write(tmp_path / "2.txt", b"second")
    two = _write(tmp_path / "1.txt", b"first")
    pairs, warnings = read_many([one, tmp_path / "不存在.txt", str(two), one])
    assert [(p.name, t) for p, t in pairs] == [("2.txt", "second"), ("1.txt", "first")]
    assert len(warnings) == 1 and "不存在.txt" in warnings[0]


def test_read_many_raises_only_when_nothing_could_be_read(tmp_path):
    _write(tmp_path / "坏.txt", b"\x00" * 99)
    with pytest.raises(InputError, match="坏.txt"):
        read_many([tmp_path])
    with pytest.raises(InputError, match="没有读到任何文件"):
        read_many([tmp_path / "没有.txt"])
    with pytest.raises(InputError):
        read_many([])
    empty = tmp_path / "空文件夹"
    empty.mkdir()
    with pytest.raises(InputError, match="空文件夹"):
        read_many([empty])


# ---------------------------------------------------------------- real data

def test_every_corpus_file_reads_as_clean_text():
    files = sorted(p for p in corpus_dir().iterdir() if p.suffix in SUPPORTED)
    assert len(files) == 5
    pairs, warnings = read_many([corpus_dir()])
    assert warnings == []
    assert [p.name for p, _ in pairs] == [p.name for p in files]
    for path, text in pairs:
        assert text == path.read_text(encoding="utf-8").replace("\r\n", "\n").lstrip("\ufeff")
        assert "工作" in text and "\r" not in text


def test_reading_text_does_not_load_heavy_libraries():
    corpus = corpus_dir()
    code = (
        "import sys; from caogao.corpus.files import read_many; "
        f"read_many([{str(corpus)!r}]); "
        "print(sorted(m for m in ('jieba', 'sklearn', 'docx', 'numpy') if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
