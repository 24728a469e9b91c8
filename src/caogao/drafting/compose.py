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

from caogao.drafting import statwords as numbers
from caogao.errors import TemplateError
from caogao.drafting.outline import Block, placeholder
from caogao.paths import templates_dir
from caogao.drafting.wording import CONNECTIVE_RE, Picker, as_line, end_sentence, strip_end
from caogao.text.numerals import to_chinese

if TYPE_CHECKING:
    from caogao.bank.query import PhraseBank
    from caogao.drafting.facts import Facts, SectionFacts

_ROLES = {
    "title", "subtitle", "author", "date", "salutation", "part", "heading1",
    "heading2", "body", "table_title", "note", "page_break",
}


# ----------------------------------------------------------------- hierarchy

def slot_values(facts: Facts) -> dict[str, str | None]:
    """What the bank's slots stand for in this user's report."""
    unit = facts.unit
    if unit.endswith("街道"):
        own_party, own_gov, own_congress = "街道党工委", "街道办事处", "街道人大工委"
    elif unit.endswith("乡"):
        own_party, own_gov, own_congress = "乡党委", "乡人民政府", "乡人大"
    else:
        own_party, own_gov, own_congress = "镇党委", "镇人民政府", "镇人大"
    sup_party = sup_gov = None
    if facts.superior:
        level = facts.superior.strip()[-1]
        if level in "市县区旗州盟":
            sup_party, sup_gov = f"{level}委", f"{level}政府"
    half = facts.period == "上半年"
    return {
        "单位": unit,
        "上级": facts.superior,
        "上级党委": sup_party,
        "上级政府": sup_gov,
        "本级党委": own_party,
        "本级政府": own_gov,
        "本级人大": own_congress,
        "时段": "上半年" if half else f"{facts.year}年",
        "下一时段": "下半年" if half else f"{facts.year + 1}年",
        "年份": f"{facts.year}年",
    }


# ------------------------------------------------------------------ figures

def indicator_sentence(facts: Facts, names: list[str] | None = None) -> str:
    """The 指标段, or a section's own figures: every indicator in the user's words."""
    inds = [facts.indicator(n) for n in names] if names else list(facts.indicators)
    clauses = []
    for ind in inds:
        if ind is None:
            continue
        clauses.append(numbers.indicator_clause(ind))
    return "；".join(clauses) + "。" if clauses else ""


def indicator_table(facts: Facts) -> dict:
    """主要经济指标完成情况表: one row per indicator, one unit per row.

    A 万元 row whose figure reaches 1亿 is shown wholly in 亿元 (本期 and 全年目标
    alike), as the text shows it.
    """
    rows = [["指标", "单位", "本期", "同比", "全年目标", "完成进度"]]
    for ind in facts.indicators:
        unit = ind.unit.strip()
        shown = ind.current if ind.current is not None else ind.target
        big = unit == "万元" and shown is not None and abs(shown) >= numbers.YI_THRESHOLD_WAN

        def cell(x: float | None) -> str:
            if x is None:
                return "—"
            if big:
                return numbers.fmt_number(x / 10000, 2)
            return numbers.fmt_number(x, 1) if numbers.is_rate(unit) and not float(x).is_integer() else numbers.fmt_number(x)

        current = cell(ind.current) if ind.current is not None else placeholder("本期数")
        growth = "—"
        if ind.current is not None and (ind.last is not None or ind.yoy is not None):
            growth = numbers.growth_phrase(ind.current, last=ind.last, yoy=ind.yoy, unit=unit)
            growth = growth.replace("同比", "").replace("与上年同期", "")
        # a share of a rate target means nothing (失业率 2.6% is not "86.7% done")
        share = None if numbers.is_rate(unit) else numbers.target_share(ind.current, ind.target)
        progress = numbers.fmt_number(share, 1) + "%" if share is not None else "—"
        rows.append([ind.name, "亿元" if big else unit, current, growth, cell(ind.target), progress])
    return {
        "title": "附表：主要经济指标完成情况表",
        "rows": rows,
        "note": "注：同比为与上年同期相比；完成进度为本期数占全年目标的比例；“—”表示未填写。" if facts.indicators else "",
    }


# --------------------------------------------------------------- composing

def _sections(items: list[SectionFacts], facts: Facts, picker: Picker, part: str) -> list[dict]:
    headings = picker.headings([s.category for s in items], [s.title for s in items], part)
    out = []
    for n, (s, heading) in enumerate(zip(items, headings), start=1):
        points = []
        for p in s.points:
            lead = end_sentence(p.title) if p.title else ""
            points.append({"lead": lead, "text": as_line(p.text)})
        if not points:
            points.append({"lead": "", "text": placeholder(f"{s.category}方面的主要{'工作和成效' if part == '回顾' else '举措'}")})
        out.append({
            "ordinal": to_chinese(n),
            "heading": strip_end(heading),
            "category": s.category,
            "figures": indicator_sentence(facts, s.indicators) if s.indicators else "",
            "points": points,
        })
    return out


def _problems(facts: Facts, picker: Picker) -> str:
    intro = (picker.clause("存在问题", "肯定成绩", "在肯定成绩的同时") + "，"
             + picker.clause("存在问题", "清醒", "我们也清醒地认识到")
             + "，当前工作中还存在一些困难和问题：")
    if not facts.problems:
        body = placeholder("存在的主要困难和问题") + "。"
    else:
        body = "；".join(f"{to_chinese(i)}是{strip_end(p)}" for i, p in enumerate(facts.problems, start=1)) + "。"
    remedy = picker.clause("存在问题", "措施|解决", "采取有力措施加以解决")
    return f"{intro}{body}对此，我们将{remedy}。"


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
    picker = Picker(bank, rng, values, facts.year)
    half = facts.period == "上半年"
    year = facts.year
    title = f"{year}年上半年{facts.unit}政府工作报告" if half else f"{facts.unit}{year}年政府工作报告"
    leadership_default = ("在{上级党委}、{上级政府}和{本级党委}的坚强领导下" if values["上级党委"]
                          else "在{本级党委}的坚强领导下")
    leadership = picker.clause("总述", "领导下", leadership_default)
    indicators = indicator_sentence(facts)
    n_plans = len(facts.plans)
    guide = picker.clause("总述", r"^(\{单位\})?坚持以.*为指导", "坚持以新时代中国特色社会主义思想为指导")
    guide = guide.removeprefix(facts.unit)
    overview = "，".join([
        values["时段"], leadership,
        picker.clause("总述", "监督支持下", "在{本级人大}的监督支持下"),
        facts.unit + guide,
        picker.clause("总述", "^(全面|深入|认真)?贯彻", "全面贯彻落实党的二十大精神"),
        "团结带领全镇干部群众攻坚克难、真抓实干，经济社会各项事业稳步推进。",
    ])
    thanks = ("成绩来之不易。在此，" + picker.clause("致谢", "代表", "我代表{本级政府}")
              + f"，向各位代表，向全镇广大干部群众，向所有关心支持{facts.unit}发展的各界人士"
              + picker.clause("致谢", "感谢", "表示衷心的感谢") + "！")
    plan_count = picker.sentence("计划总述", "以下.*方面", "重点抓好以下几方面工作：", count=n_plans)
    plan_count = CONNECTIVE_RE.sub("", plan_count.replace(values["下一时段"] or "", "")).lstrip("，")
    plan_overview = (values["下一时段"] + "，"
                     + picker.clause("计划总述", "^(坚持|加快|深入|全面|紧紧围绕)", "坚持稳中求进工作总基调")
                     + "，" + plan_count)
    slogan = picker.sentence("结束语", r"^[^，。！]{4,14}，[^，。！]{4,14}[！。]$", None)
    closing = ("各位代表，同志们！" + (slogan or "") + "让我们" + leadership.removeprefix("让我们")
               + f"，凝心聚力、真抓实干，为推动{facts.unit}高质量发展作出新的更大贡献！")
    context = {
        "facts": plain(facts),
        "title": title,
        "subtitle": f"——在{as_line(facts.meeting)}上" if facts.meeting else "",
        "author": as_line(facts.speaker) if facts.speaker else "",
        "date": f"（{facts.date.year}年{facts.date.month}月{facts.date.day}日）" if facts.date else "",
        "salutation": "各位代表，同志们：",
        "opening": picker.sentence(
            "开场", "报告", "现在，我代表{本级政府}向大会报告工作，请予审议，并请列席会议的同志提出意见。"),
        "review_heading": "上半年工作回顾" if half else f"{year}年工作回顾",
        "overview": overview,
        "indicators": (f"据统计，{year}年{'上半年' if half else ''}，全镇" + indicators) if indicators
                      else placeholder("主要经济指标完成情况"),
        "review": _sections(facts.review, facts, picker, "回顾"),
        "thanks": thanks,
        "problems": _problems(facts, picker),
        "plan_heading": "下半年工作计划" if half else f"{year + 1}年工作计划",
        "plan_overview": plan_overview,
        "plans": _sections(facts.plans, facts, picker, "计划"),
        "closing": closing,
        "table": indicator_table(facts),
    }
    if not facts.plans:
        context["plans"] = [{"ordinal": "一", "heading": placeholder("工作计划的小标题"), "category": "",
                             "figures": "", "points": [{"lead": "", "text": placeholder("工作计划的主要内容")}]}]
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
    from jinja2 import meta

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


def compose(facts: Facts, bank: PhraseBank | None = None, *, seed: int = 0,
            template_dir: Path | None = None) -> list[Block]:
    """The whole draft: context from facts and bank, through the template, to blocks."""
    context = build_context(facts, bank, seed=seed)
    return parse_blocks(render_template(context, facts.period, template_dir))
