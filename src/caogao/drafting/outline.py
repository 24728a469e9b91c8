"""The composed draft as a flat list of blocks: what compose makes and render draws.

A block names its role in the report, never a font: fonts, sizes and spacing
belong to the styles of the .docx (render.py and templates/reference.docx).
Placeholders are plain text ``【待补充：…】`` inside any block; the renderer
highlights them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# The roles a block can have, in the order they usually appear.
BLOCK_KINDS = (
    "title",        # 标题：2023年上半年青禾镇政府工作报告
    "subtitle",     # 副标题：——在青禾镇第十七届人民代表大会第三次会议上
    "author",       # 报告人：镇长 张三
    "date",         # 日期：（2023年7月20日）
    "salutation",   # 称呼：各位代表：（顶格）
    "part",         # 部分标题：上半年工作回顾 / 存在问题 / 下半年工作计划
    "heading1",     # 一、抓项目、稳经济，高质量发展迈出坚实步伐
    "heading2",     # （一）招商引资成效明显（单独成段的二级标题）
    "body",         # 正文；可带 lead（引领句，排在段首）
    "table_title",  # 附表标题：主要经济指标完成情况表
    "table",        # 表格：rows[0] 为表头
    "note",         # 表注等小字说明
    "page_break",   # 分页（附表另起一页）
)

PLACEHOLDER_RE = re.compile(r"【待补充：[^】]*】")


def placeholder(what: str) -> str:
    """A visible gap the user fills in Word: never a guessed fact."""
    return f"【待补充：{what}】"


@dataclass
class Block:
    kind: str
    text: str = ""
    lead: str = ""                      # 引领句 at the head of a body paragraph
    rows: list[list[str]] = field(default_factory=list)

    def __post_init__(self) -> None:
        if self.kind not in BLOCK_KINDS:
            raise ValueError(f"unknown block kind {self.kind!r}")

    @property
    def full_text(self) -> str:
        if self.kind == "table":
            return "\n".join("\t".join(r) for r in self.rows)
        return self.lead + self.text


def count_placeholders(blocks: list[Block]) -> int:
    return sum(len(PLACEHOLDER_RE.findall(b.full_text)) for b in blocks)
