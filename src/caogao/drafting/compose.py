"""Facts + phrase bank + a Jinja2 template → the draft as outline blocks.

The facts are the user's; the bank lends only generic wording (headings and set
phrases with no other town's names or figures); the template decides the order
of the report. Every figure in the draft comes from the facts file or is
computed from it; a missing fact becomes a visible placeholder.

Templates write one block a line, ``@role text`` (see templates/_macros.j2).
User text reaches the template as data: it is never evaluated, and line breaks
in it are folded so that it cannot start a line of its own.
"""

from __future__ import annotations

import dataclasses
import random
from pathlib import Path
from typing import TYPE_CHECKING

from caogao.drafting import setpieces
from caogao.drafting.figures import figure_plan, indicator_sentence, indicator_table
from caogao.drafting.levels import draft_when, level_of, level_words, slot_values
from caogao.errors import TemplateError
from caogao.drafting.outline import Block, placeholder
from caogao.paths import templates_dir
from caogao.drafting.wording import Picker, as_line, end_sentence, strip_end
from caogao.text.numerals import to_chinese

if TYPE_CHECKING:
    from caogao.bank.query import PhraseBank
    from caogao.drafting.facts import Facts, SectionFacts

_ROLES = {
    "title", "subtitle", "author", "date", "salutation", "part", "heading1",
    "heading2", "body", "table_title", "note", "page_break",
}


# --------------------------------------------------------------- composing

def _points(s: SectionFacts, picker: Picker, part: str) -> list[dict]:
    """The user's points; for a section listed without any, the skeleton of a real one:
    2–3 lead sentences of its type from the bank, each with a placeholder naming what to fill."""
    if s.points:
        return [{"lead": end_sentence(p.title) if p.title else "", "text": as_line(p.text)} for p in s.points]
    what = "工作和成效" if part == "回顾" else "举措和目标"
    leads = picker.leads(s.category, part, 3)
    labels = picker.figure_labels(s.category)
    strands = []
    for k, lead in enumerate(leads or [""]):
        examples = labels[2 * k:2 * k + 2]
        hint = f"（如{'、'.join(examples)}）" if examples else ""
        strands.append({"lead": end_sentence(lead) if lead else "",
                        "text": placeholder(f"{lead.rstrip('。') or s.category}方面的具体{what}{hint}")})
    return strands


def _sections(items: list[SectionFacts], facts: Facts, picker: Picker, part: str,
              figures: dict[int, list[str]] | None = None) -> list[dict]:
    headings = picker.headings([s.category for s in items], [s.title for s in items], part)
    out = []
    for n, (s, heading) in enumerate(zip(items, headings), start=1):
        own = (figures or {}).get(n - 1, [])
        out.append({
            "ordinal": to_chinese(n),
            "heading": strip_end(heading),
            "category": s.category,
            "figures": setpieces.figure_sentence(facts, own),
            "points": _points(s, picker, part),
        })
    return out


def _plans_like(review: list[SectionFacts]) -> list[SectionFacts]:
    """No 工作计划 in the facts: a skeleton plan of the review's types, for the user to fill."""
    from caogao.drafting.facts import SectionFacts

    return [SectionFacts(category=s.category, title=None, points=[], indicators=[], line=0)
            for s in review if s.category != "自身建设"]


SELF_BUILDING = "自身建设"


def _self_building(plans: list[SectionFacts], picker: Picker) -> tuple[list[SectionFacts], dict]:
    """An annual report ends its plan with 政府自身建设 as a part of its own: the user's
    自身建设 sections (their points together), else a skeleton; the other plan sections."""
    from caogao.drafting.facts import SectionFacts

    own = [s for s in plans if s.category == SELF_BUILDING]
    rest = [s for s in plans if s.category != SELF_BUILDING]
    merged = SectionFacts(category=SELF_BUILDING, title=next((s.title for s in own if s.title), None),
                          points=[p for s in own for p in s.points], indicators=[], line=0)
    heading = merged.title or picker.values["自身建设"]
    return rest, {"heading": strip_end(heading), "points": _points(merged, picker, "计划")}


def plain(value):
    """``value`` as template data: strings, numbers, lists and dicts, nothing with methods.

    A dataclass becomes a dict of its fields and of its computed properties
    (``yoy_value``, ``is_half_year``), so a template reads ``facts.unit`` and
    ``ind.yoy_value`` as before; a path or a date becomes its text.
    """
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        data = {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
        for name, attr in vars(type(value)).items():
            if isinstance(attr, property) and not name.startswith("_"):
                data[name] = plain(getattr(value, name))
        return data
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [plain(v) for v in value]
    return str(value)


def build_context(facts: Facts, bank: PhraseBank | None, *, seed: int = 0) -> dict:
    """Everything a report template may use, as plain strings, lists and dicts."""
    rng = random.Random(seed)
    values = slot_values(facts)
    picker = Picker(bank, rng, values, facts.year, when=draft_when(facts),
                    foreign=tuple(level_words()[level_of(facts.unit)]["它级用语"]))
    half = facts.is_half_year
    year = facts.year
    words = level_words()[level_of(facts.unit)]
    office = facts.unit + words["机关"]
    title = f"{year}年上半年{office}{words['报告名']}" if half else f"{office}{year}年{words['报告名']}"
    trend = setpieces.trend(facts)
    overall, own = figure_plan(facts)
    plans = facts.plans or _plans_like(facts.review)
    self_building = None
    if not half:
        plans, self_building = _self_building(plans, picker)
    stated = "".join((p.title or "") + p.text for sec in facts.review for p in sec.points)
    indicators = indicator_sentence(facts, overall, stated=stated) if overall else ""
    general, goals = ("", "") if half else setpieces.requirements(facts, picker)
    context = {
        "facts": plain(facts),
        "title": title,
        "subtitle": f"——在{as_line(facts.meeting)}上" if facts.meeting else "",
        "author": as_line(facts.speaker) if facts.speaker else "",
        "date": f"（{facts.date.year}年{facts.date.month}月{facts.date.day}日）" if facts.date else "",
        "salutation": "各位代表，同志们：",
        "opening": picker.sentence(
            "开场", "报告", "现在，我代表{本级政府}向大会报告工作，请予审议，并请列席会议的同志提出意见。"),
        "review_heading": facts.review_title,
        "overview": setpieces.review_overview(facts, picker, trend),
        "indicators": (setpieces.indicator_lead(facts) + values["全域"] + indicators) if indicators
                      else ("" if facts.indicators else placeholder("主要经济指标完成情况")),
        "review": _sections(facts.review, facts, picker, "回顾", own),
        "thanks": setpieces.thanks(facts, picker, trend),
        "problems": setpieces.problems(facts, picker, trend),
        "plan_heading": facts.plan_title,
        "general": general,
        "goals": goals,
        "plan_overview": setpieces.plan_overview(facts, picker, len(plans) if plans else 0),
        "plans": _sections(plans, facts, picker, "计划") if plans else [{
            "ordinal": "一", "heading": placeholder("工作计划的小标题"), "category": "", "figures": "",
            "points": [{"lead": "", "text": placeholder("工作计划的主要内容")}]}],
        "self_building": self_building,
        "closing": setpieces.closing(facts, picker),
        "table": indicator_table(facts),
        "notes": picker.notes,
    }
    return context


# ---------------------------------------------------------------- templates

def _environment(template_dir: Path | None):
    from jinja2 import ChoiceLoader, FileSystemLoader, StrictUndefined

    from caogao.drafting.sandbox import BoundedSandbox

    loaders = [FileSystemLoader(str(template_dir))] if template_dir else []
    loaders.append(FileSystemLoader(str(templates_dir())))
    return BoundedSandbox(
        loader=ChoiceLoader(loaders), undefined=StrictUndefined, autoescape=False,
        trim_blocks=True, lstrip_blocks=True,
    )


def template_name(period: str) -> str:
    return f"{period}.j2"


def render_template(context: dict, period: str, template_dir: Path | None = None) -> str:
    """The template's text output, after checking it needs nothing we lack.

    Whatever goes wrong inside a template (a syntax error, a missing include, runaway
    recursion, a bound of the sandbox) is the template's problem: a TemplateError
    naming its file.
    """
    import jinja2

    from caogao.drafting.sandbox import TemplateLimit

    if template_dir is not None and not Path(template_dir).is_dir():
        raise TemplateError("模板文件夹不存在", file=template_dir, hint="--template 应指向含有 上半年.j2 / 全年.j2 的文件夹")
    env = _environment(Path(template_dir) if template_dir else None)
    name = template_name(period)
    try:
        source, filename, _ = env.loader.get_source(env, name)
    except jinja2.TemplateNotFound:
        raise TemplateError(f"模板文件夹中没有“{name}”", file=template_dir,
                            hint="按时段命名模板：上半年.j2 或 全年.j2") from None
    try:
        if Path(filename).resolve().parent != templates_dir().resolve():  # the shipped ones: by the tests
            from jinja2 import meta  # here: the shipped templates never need it (0.2 ms)

            undeclared = meta.find_undeclared_variables(env.parse(source, name, filename))
            missing = sorted(undeclared - set(context) - set(env.globals))
            if missing:
                raise TemplateError(
                    f"模板用到了未定义的变量：{'、'.join(missing)}", file=filename,
                    hint=f"可用的变量：{'、'.join(sorted(k for k in context if k != 'facts'))}")
        return env.render_bounded(env.get_template(name), context)
    except TemplateError:
        raise
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateError(f"模板语法错误：{exc.message}", file=exc.filename or filename, line=exc.lineno) from None
    except jinja2.exceptions.SecurityError as exc:
        raise TemplateError(f"模板试图访问不允许的内容：{exc}", file=filename,
                            hint="模板只能使用报告的数据，不能访问 Python 内部属性") from None
    except jinja2.UndefinedError as exc:
        raise TemplateError(f"模板用到了不存在的值：{exc.message}", file=filename,
                            hint="检查变量名和属性名的拼写") from None
    except jinja2.TemplateNotFound as exc:
        raise TemplateError(f"模板引用的文件不存在：{exc.name}", file=filename,
                            hint="{% include %} / {% import %} 只能引用模板文件夹中的文件") from None
    except TemplateLimit as exc:
        raise TemplateError(str(exc), file=filename, hint="模板只应排列报告的内容，不做大量计算") from None
    except RecursionError:
        raise TemplateError("模板递归过深（宏或循环调用了自身）", file=filename) from None
    except MemoryError:
        raise TemplateError("模板运行时内存不足", file=filename) from None
    except Exception as exc:  # anything a template's own code raises: 1/0, int("x"), a bad filter argument
        raise TemplateError(f"模板运行出错（{type(exc).__name__}）：{exc}", file=filename) from None


def parse_blocks(text: str) -> list[Block]:
    """Template output (``@role text`` lines) → blocks. A line without a role is body text."""
    blocks: list[Block] = []
    lead = ""
    table: Block | None = None
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        role, text_ = "body", line
        if line.startswith("@"):
            head, _, rest = line[1:].partition(" ")
            if head in _ROLES or head in ("lead", "row"):
                role, text_ = head, rest.strip()
        if role == "row":
            if table is None:
                table = Block("table")
                blocks.append(table)
            table.rows.append(text_.split("\t"))
            continue
        table = None
        if role == "lead":
            lead = text_
            continue
        if role == "body" and not text_ and not lead:
            continue
        blocks.append(Block(role, text_, lead=lead if role == "body" else ""))
        if role == "body":
            lead = ""
    return blocks


def compose_draft(facts: Facts, bank: PhraseBank | None = None, *, seed: int = 0,
                  template_dir: Path | None = None) -> tuple[list[Block], list[str]]:
    """The whole draft: context from facts and bank, through the template, to blocks; and notes
    for the user (a heading that could not be found, a formulation to look at)."""
    context = build_context(facts, bank, seed=seed)
    notes = list(context["notes"])
    blocks = parse_blocks(render_template(context, facts.period, template_dir))
    return blocks, notes + canonical_formulations(blocks, draft_when(facts))


def compose(facts: Facts, bank: PhraseBank | None = None, *, seed: int = 0,
            template_dir: Path | None = None) -> list[Block]:
    """``compose_draft`` without its notes."""
    return compose_draft(facts, bank, seed=seed, template_dir=template_dir)[0]


def canonical_formulations(blocks: list[Block], when: tuple[int, int]) -> list[str]:
    """Restore, in place, every mutilated political formulation whose original is certain
    (the user's own text included); notes for those that are not, and for wording outside its period."""
    from caogao.text.formulations import problems, restore

    notes = []
    for n, block in enumerate(blocks, start=1):
        block.lead = restore(block.lead, when[0])[0]
        block.text = restore(block.text, when[0])[0]
        block.rows = [[restore(cell, when[0])[0] for cell in row] for row in block.rows]
        for p in problems(block.full_text, when):
            notes.append(f"第 {n} 段“{p.found}”：{p.reason}；应为“{p.suggestion}”")
    return notes
