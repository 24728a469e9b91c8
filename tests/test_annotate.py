"""check --annotate: each finding as a Word comment in a copy, anchored at the offending text."""

from __future__ import annotations

from pathlib import Path

import docx
from typer.testing import CliRunner

from caogao.cli.app import app


def _draft(path: Path) -> Path:
    document = docx.Document()
    document.add_paragraph("一、经济发展")
    p = document.add_paragraph("上半年，")
    p.add_run("一般公共预算收入同比增长-3.2%，")  # a split run, as Word leaves them
    p.add_run("形势平稳。")
    document.add_paragraph("招商引资【待补充：签约项目数】个。")
    document.save(str(path))
    return path


def _comments(path: Path) -> list[tuple[str, str, str]]:
    """(comment text, anchored text, paragraph text) for each comment of ``path``."""
    document = docx.Document(str(path))
    body = document.element.body
    out = []
    for comment in document.comments:
        cid = str(comment.comment_id)
        start = body.xpath(f'.//w:commentRangeStart[@w:id="{cid}"]')[0]
        paragraph = start.getparent()
        anchored, inside = [], False
        for el in paragraph.iter():
            if el.tag.endswith("}commentRangeStart") and el.get(el.tag.replace("commentRangeStart", "id")) == cid:
                inside = True
            elif el.tag.endswith("}commentRangeEnd") and el.get(el.tag.replace("commentRangeEnd", "id")) == cid:
                inside = False
            elif inside and el.tag.endswith("}t"):
                anchored.append(el.text or "")
        text = "".join(t.text or "" for t in paragraph.iter() if t.tag.endswith("}t"))
        out.append((comment.text, "".join(anchored), text))
    return out


def test_findings_become_comments_at_the_offending_text(tmp_path):
    draft = _draft(tmp_path / "稿.docx")
    before = draft.read_bytes()
    result = CliRunner().invoke(app, ["check", str(draft), "--annotate"])
    assert result.exit_code == 1, result.output
    annotated = tmp_path / "稿-批注.docx"
    assert "批注稿已写出" in result.output and annotated.exists()
    assert draft.read_bytes() == before  # the draft itself is never written
    comments = _comments(annotated)
    assert len(comments) >= 2
    sign = next(c for c in comments if "-3.2%" in c[0] or "增长-3.2" in c[1])
    assert "增长-3.2%" in sign[1] and sign[2].startswith("上半年，一般公共预算收入")
    gap = next(c for c in comments if "待补充" in c[1])
    assert gap[1] == "【待补充：签约项目数】" and "建议：" in gap[0]
    # the text reads as before: anchoring split runs but changed no character
    texts = [p.text for p in docx.Document(str(annotated)).paragraphs]
    assert texts == [p.text for p in docx.Document(str(draft)).paragraphs]


def test_annotate_refuses_to_overwrite(tmp_path):
    draft = _draft(tmp_path / "稿.docx")
    runner = CliRunner()
    assert runner.invoke(app, ["check", str(draft), "--annotate"]).exit_code == 1
    again = runner.invoke(app, ["check", str(draft), "--annotate"])
    assert again.exit_code == 1 and "已存在" in again.output  # like build: the user's file, not the command line
    assert runner.invoke(app, ["check", str(draft), "--annotate", "--force"]).exit_code == 1
    onto_draft = runner.invoke(app, ["check", str(draft), "--annotate", "-o", str(draft), "--force"])
    assert "不能覆盖原稿" in onto_draft.output
