"""The 统计 sheet as offices keep it (.xlsx, .xls) → rows of indicators, each value with its place.

An office's sheet has a title or two above its header, header names that vary from
office to office (指标名称, 1-6月, 去年同期, 增幅), merged header cells, figures typed
as text ("5,230"), blank rows and 合计/小计 rows. This module finds the header by its
names and reads each data row; facts.py makes Indicators of them by the same rules as
the YAML 主要指标. Every problem names the sheet, the row and the column.

python-calamine reads .xlsx and .xls alike in about 0.02 s and imports in 0.01 s
(openpyxl is slower and reads no .xls); a formula is read as the value Excel or WPS
last computed and saved with it.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from caogao.corpus.files import FileRefused, read_bytes
from caogao.errors import FactsError

MAX_SHEET_BYTES = 20 << 20
SAVE_AS = "请在 WPS/Excel 中另存为 .xlsx"
PREFERRED_SHEET = "统计"

# Each column caogao reads, and the header names offices give it (matched after
# spaces, line breaks and a bracketed unit such as “（万元）” are taken out).
COLUMNS = {
    "名称": re.compile(r"(主要)?指标(名称)?|项目(名称)?"),
    "单位": re.compile(r"(计量)?单位"),
    "本期": re.compile(r"本期(数|完成(数)?)?|本年累计(完成)?|累计(完成)?|本年完成|"
                     r"(1|一)?\s*[-—–~至]\s*\d{1,2}月(份)?(累计|完成(数)?)?|\d{1,2}月(份)?累计"),
    "上年同期": re.compile(r"(上年|去年)同期(数|完成(数)?)?"),
    "同比": re.compile(r"同比(增长|增减|增幅)?%?|增幅%?|增速%?|增长%?|增减%?|比上年同期增长%?"),
    "全年目标": re.compile(r"(全年|年度)?目标(任务|数)?|全年任务"),
}
_SKIP_NAMES = re.compile(r"(合计|小计|总计)")
_END_NAMES = re.compile(r"(注|说明|备注|填报|制表|审核|数据来源)[：:\s]")
_BRACKETED = re.compile(r"[（(【\[][^）)】\]]*[）)】\]]")
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)")
_EMPTY = {"", "-", "—", "——", "/", "－", "…", "无"}
_FULLWIDTH = str.maketrans("０１２３４５６７８９．－＋％", "0123456789.-+%")


@dataclass
class SheetRow:
    """One indicator's row: its values and, for each column, where it sits (for messages)."""

    name: str
    unit: str
    values: dict[str, float | None]
    decimals: int | None
    row: int
    places: dict[str, str] = field(default_factory=dict)


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA: the column as Excel and WPS name it."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def place(sheet: str, row: int, column: int | None = None, header: str = "") -> str:
    """工作表“统计”第 5 行 C 列（本期）."""
    where = f"工作表“{sheet}”第 {row} 行"
    if column is not None:
        where += f" {column_letter(column)} 列"
    return where + (f"（{header}）" if header else "")


def _error(path: Path, where: str, message: str, hint: str | None = None) -> FactsError:
    return FactsError(f"{where}：{message}", file=path, hint=hint)


def _open(path: Path):
    """The workbook, or FactsError asking to save as .xlsx."""
    if path.suffix.lower() not in (".xlsx", ".xls", ".xlsm"):
        raise FactsError(f"不能读取“{path.suffix or '无扩展名'}”格式的指标表", file=path, hint=SAVE_AS)
    try:
        data = read_bytes(path, MAX_SHEET_BYTES)
    except FileRefused as exc:
        raise FactsError(f"无法读取指标表：{exc.message}", file=path, hint=exc.hint) from None
    from python_calamine import CalamineWorkbook

    try:
        return CalamineWorkbook.from_filelike(io.BytesIO(data))
    except Exception:  # calamine's errors are its own classes and plain ones alike: any means unreadable
        raise FactsError("指标表无法读取（文件已损坏，或不是 Excel 格式）", file=path, hint=SAVE_AS) from None


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return re.sub(r"\s+", "", str(value).replace("\u3000", " ")).translate(_FULLWIDTH)


def _filled(rows: list[list], merged) -> list[list]:
    """Rows with a merged range's value copied into each of its cells (a header's 本期 over two columns)."""
    for (r0, c0), (r1, c1) in merged or ():
        if r0 >= len(rows) or c0 >= len(rows[r0]):
            continue
        value = rows[r0][c0]
        for r in range(r0, min(r1, len(rows) - 1) + 1):
            for c in range(c0, min(c1, len(rows[r]) - 1) + 1):
                if rows[r][c] in (None, ""):
                    rows[r][c] = value
    return rows


def _header_key(cell: str) -> str | None:
    bare = _BRACKETED.sub("", cell)
    for key, pattern in COLUMNS.items():
        if pattern.fullmatch(bare):
            return key
    return None


def _row_columns(row: list) -> dict[str, int]:
    columns: dict[str, int] = {}
    for c, value in enumerate(row):
        key = _header_key(_text(value))
        if key and key not in columns:
            columns[key] = c
    return columns


def _find_header(rows: list[list]) -> tuple[int, dict[str, int]] | None:
    """The header: the first row naming an indicator column and a 本期 column, and where each
    column is. A second header row under it (1-6月 over 本期 | 同比) names the columns it covers."""
    for r, row in enumerate(rows[:30]):
        columns = _row_columns(row)
        if "名称" not in columns or "本期" not in columns:
            continue
        below = _row_columns(rows[r + 1]) if r + 1 < len(rows) else {}
        if len(below) >= 2 or (below and "名称" not in below and "本期" in below):
            taken = set(below.values())
            columns = {k: c for k, c in columns.items() if c not in taken and k not in below} | below
            return r + 1, columns
        return r, columns
    return None


def _number(value, key: str) -> tuple[float | None, int | None, bool]:
    """(value, decimals written, ok). Text such as "5,230" or "9.0%" is read as a number."""
    if value is None:
        return None, None, True
    if isinstance(value, bool):
        return None, None, False
    if isinstance(value, (int, float)):
        return float(value), None, True
    text = _text(value).replace(",", "").replace("，", "")
    if text in _EMPTY:
        return None, None, True
    if key == "同比" and text.endswith("%"):
        text = text[:-1]
    if not _NUMBER.fullmatch(text):
        return None, None, False
    return float(text), (len(text.split(".")[1]) if "." in text else None), True


def _choose_sheet(book, path: Path):
    names = list(book.sheet_names)
    order = [n for n in names if n.strip() == PREFERRED_SHEET] + [n for n in names if n.strip() != PREFERRED_SHEET]
    for name in order:
        sheet = book.get_sheet_by_name(name)
        rows = _filled([list(r) for r in sheet.to_python(skip_empty_area=False)],
                       getattr(sheet, "merged_cell_ranges", None))
        found = _find_header(rows)
        if found:
            return name, rows, found
    raise FactsError(f"在工作表{'、'.join(f'“{n}”' for n in names) or '（无）'}中都找不到表头", file=path,
                     hint="表头一行应有“指标”（或“指标名称”）和“本期”（或“本年累计”“1-6月”）两列；"
                          "上年同期、同比、全年目标、单位几列可选")


def read_indicator_rows(path: str | Path) -> list[SheetRow]:
    """The indicators of the 统计 sheet (else the first sheet with a header), in their order.

    Blank rows and 合计/小计 rows are skipped; the table ends at a note (注：…).
    """
    path = Path(path)
    book = _open(path)
    sheet, rows, (header_row, columns) = _choose_sheet(book, path)
    headers = {key: _text(rows[header_row][c]) for key, c in columns.items()}
    out: list[SheetRow] = []
    seen: dict[str, int] = {}
    for r in range(header_row + 1, len(rows)):
        row = rows[r]

        def cell(key: str):
            c = columns.get(key)
            return row[c] if c is not None and c < len(row) else None

        name = _text(cell("名称"))
        if not name and all(_text(v) == "" for v in row):
            continue
        if _END_NAMES.match(name + " "):
            break
        if not name or _SKIP_NAMES.search(name) or _header_key(name) == "名称":
            continue
        values: dict[str, float | None] = {}
        decimals = None
        for key in ("本期", "上年同期", "同比", "全年目标"):
            value, dec, ok = _number(cell(key), key)
            if not ok:
                where = place(sheet, r + 1, columns[key], headers[key])
                raise _error(path, where, f"指标“{name}”的{key}应是数字，现在是“{cell(key)}”",
                             "在表格里改成数字（如 5230 或 5,230）；没有数据就留空")
            values[key] = value
            if key == "本期":
                decimals = dec
        if name in seen:
            raise _error(path, place(sheet, r + 1, columns["名称"], headers["名称"]),
                         f"指标“{name}”重复（第 {seen[name]} 行已有）", "每个指标只写一行；删去或改名其中一行")
        seen[name] = r + 1
        places = {key: place(sheet, r + 1, c, headers[key]) for key, c in columns.items()}
        out.append(SheetRow(name=name, unit=_text(cell("单位")), values=values, decimals=decimals,
                            row=r + 1, places=places))
    if not out:
        raise _error(path, place(sheet, header_row + 1), "表头下面没有指标", "在表头下逐行填写指标")
    return out
