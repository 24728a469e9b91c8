"""Strip the noise that scraped reports carry, so that only report text is mined.

Reports circulate through paid material libraries (GONGWEN.md §1): paywall
markers, advert lines, a site header, pages flattened into run-on lines that
each start with a page number, footnote marks, half-width punctuation and OCR
slips. ``clean_text`` removes or repairs these and nothing else: redactions
(``XX``, ``xxxx``, ``X镇``) are the source's and stay. It is pure, fast (regular
expressions only) and idempotent, so cleaning twice changes nothing.
"""

from __future__ import annotations

import re

__all__ = ["clean_text", "is_advert"]

_PAID = re.compile(r"#{1,2}\s*paid(?:begin|end)\s*#{1,2}", re.IGNORECASE)

# 《2023年XX镇政府工作报告(20240127).docx》由会员分享,…请在优知文库上搜索。
_SITE_HEADER = re.compile(r"《[^》\n]{0,120}》\s*由会员分享[^\n]{0,300}?文库上搜索[。.]?")

# Markers that only adverts carry; one is enough.
_ADVERT_STRONG = ("素材库", "代笔", "由会员分享", "文库上搜索", "svip", "会员群", "网盘群",
                  "谨防假冒", "珍藏版", "一键下载", "一键极速下载")
# Words that real reports use too ("配备2名专业客服人员"): two of them make an advert.
_ADVERT_WEAK = ("会员", "客服", "公众号", "文库", "联系", "QQ", "添加", "小伙伴",
                "下载", "接单", "唯一平台", "好评", "有意加入")
# Lines of the web page a report was copied from: share buttons, copyright notes, the
# publishing metadata ("发布日期：… 信息来源：…", "字体大小：大 中 小").
_PAGE_CHROME = re.compile(r"扫一扫|分享(?:本文|到)|二次传播|转载请注明|^(?:发布(?:日期|时间)|来源|信息来源)[：:]"
                          r"|^字体(?:大小)?[：:]|阅读次数|浏览次数|打印本页|关闭窗口")
_CONTACT = re.compile(r"(?:[:：]\s*[A-Za-z0-9_]{3,})|(?:\d[\d -]{6,}\d)")

_FOOTNOTE = re.compile(r"\^?(?:【\d{1,3}】|\[\d{1,3}\]|［\d{1,3}］)|〔\d{1,2}〕")

# One page of a flattened document: "N、" at the start of a line, N = 1, 2, 3…
_PAGE_NO = re.compile(r"^(\d{1,3})、")
_SENTENCE_END = "。！？；：!?;:…"

_CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
# Any character that is not ASCII: CJK, full-width punctuation, quotes “” …
_WIDE = r"[^\x00-\x7f]"
_HALF_TO_FULL = {",": "，", ";": "；", ":": "：", "?": "？", "!": "！"}
# Next to Chinese on either side; "," ";" "?" "!" also when not between two ASCII
# letters or digits ("20.56%,1—6月"), which keeps "1,000" and "a,b" as they are.
_HALF_PUNCT = re.compile(rf"(?<={_WIDE})[ \t]*([,;:?!])|([,;:?!])(?=[ \t]*{_WIDE})"
                         r"|(?<=[^A-Za-z0-9\s])([,;?!])|([,;?!])(?=[^A-Za-z0-9\s])")
_PAREN_PAIR = re.compile(r"\(([^()\n]{0,60})\)")

# OCR: a circle read as "o" where a full stop belongs ("元/月o2023年"): a number
# never starts with a zero followed by more digits, so "o" here is "。".
_OCR_STOP = re.compile(rf"(?<=[{_CJK}])[oO](?=[1-9]\d*(?![A-Za-z0-9]))")
# OCR: "IlOO多万元" for 1100 — only runs of digit look-alikes next to a unit.
_OCR_DIGITS = re.compile(r"(?<![A-Za-z0-9.])([0-9IlOo]{3,})(?![A-Za-z0-9])(?=[多余万亿千百元个人户名家项米亩吨次件%％])")
_OCR_MAP = str.maketrans({"I": "1", "l": "1", "O": "0", "o": "0"})

_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff]")


def clean_text(text: str) -> str:
    """Return ``text`` without scraping noise, with Chinese punctuation repaired.

    Lines are kept (one paragraph a line), stripped of surrounding spaces;
    runs of blank lines become one blank line.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u00a0", " ")
    text = _INVISIBLE.sub("", text)
    text = _PAID.sub("", text)
    text = _SITE_HEADER.sub("", text)
    lines = [line.strip(" \t\u3000") for line in text.split("\n")]
    lines = [line for line in lines if not is_advert(line)]
    lines = _join_page_splits(lines)
    text = "\n".join(lines)
    text = _FOOTNOTE.sub("", text)
    text = _OCR_STOP.sub("。", text)
    text = _OCR_DIGITS.sub(_ocr_digits, text)
    text = _full_width(text)
    return _tidy_blank_lines(text)


def is_advert(line: str) -> bool:
    """True for a line that advertises the site the report was scraped from."""
    if not line:
        return False
    if len(line) < 120 and _PAGE_CHROME.search(line):
        return True
    lowered = line.lower()
    if any(mark.lower() in lowered for mark in _ADVERT_STRONG):
        return True
    weak = sum(1 for word in _ADVERT_WEAK if word.lower() in lowered)
    # Adverts are short lines; a report paragraph may well use two of these words.
    if weak >= 2 and len(line) < 300:
        return True
    # One weak word plus a contact handle or number ("添加客服：cwk") in a short line.
    return weak == 1 and len(line) < 120 and bool(_CONTACT.search(line))


def _join_page_splits(lines: list[str]) -> list[str]:
    """Rejoin pages of a flattened document: ``非税收`` + ``2、入XX万元`` → ``非税收入XX万元``.

    A page marker is told from a real list item (``1、…`` ``2、…``) by the run it
    belongs to: consecutive lines numbered 1, 2, 3…, at least three, long
    (whole pages), and mostly broken mid-sentence.
    """
    out: list[str] = []
    i = 0
    while i < len(lines):
        run = _page_run(lines, i)
        if run:
            out.append("".join(_PAGE_NO.sub("", lines[j], count=1) for j in range(i, i + run)))
            i += run
        else:
            out.append(lines[i])
            i += 1
    return out


def _page_run(lines: list[str], start: int) -> int:
    """Length of a run of page-numbered lines starting at ``start`` (0 if none)."""
    m = _PAGE_NO.match(lines[start])
    if not m or m.group(1) not in ("1", "2"):
        return 0
    expected = int(m.group(1))
    end = start
    while end < len(lines):
        m = _PAGE_NO.match(lines[end])
        if not m or int(m.group(1)) != expected:
            break
        expected += 1
        end += 1
    run = end - start
    if run < 3:
        return 0
    pages = lines[start:end]
    mean_len = sum(len(p) for p in pages) / run
    broken = sum(1 for p in pages[:-1] if p and p[-1] not in _SENTENCE_END)
    if mean_len < 200 or broken * 2 < run - 1:
        return 0
    return run


def _ocr_digits(m: re.Match) -> str:
    run = m.group(1)
    if run.isdigit() or not any(c.isdigit() or c in "Il" for c in run):
        # all digits already, or only O/o ("OO") — nothing unambiguous to repair
        return run
    return run.translate(_OCR_MAP)


def _full_width(text: str) -> str:
    """Half-width , ; : ? ! ( ) next to Chinese become full-width; numbers stay.

    ``3.4:71.4:25.2``, ``1.35公里`` and ``20.56%`` have ASCII on both sides of
    their punctuation and are left alone.
    """
    while True:  # a converted mark makes its neighbour convertible: ",,一" → "，，一"
        before = text
        text = _PAREN_PAIR.sub(_paren, text)
        text = _HALF_PUNCT.sub(lambda m: _HALF_TO_FULL[next(g for g in m.groups() if g)], text)
        # "代表, 现在" → "代表，现在": full-width marks carry their own spacing.
        text = re.sub(rf"([，；：？！])[ \t]+(?={_WIDE})", r"\1", text)
        # A lone bracket whose partner was on another page or line.
        text = re.sub(rf"\((?={_WIDE})", "（", text)
        text = re.sub(rf"(?<={_WIDE})\)", "）", text)
        if text == before:
            return text


def _paren(m: re.Match) -> str:
    inner = m.group(1)
    start, end = m.span()
    before = m.string[start - 1] if start > 0 else ""
    after = m.string[end] if end < len(m.string) else ""
    chinese_inside = re.search(_WIDE, inner) is not None
    chinese_outside = any(c and ord(c) > 0x7F for c in (before, after))
    if chinese_inside or chinese_outside:
        return f"（{inner}）"
    return m.group(0)


def _tidy_blank_lines(text: str) -> str:
    # Removals above can leave spaces at a line's end ("一 【1】"): strip again.
    text = "\n".join(line.strip(" \t\u3000") for line in text.split("\n"))
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip("\n")
