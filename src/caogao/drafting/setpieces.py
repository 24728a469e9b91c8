"""The set pieces of a report: overview, thanks, problems, plan overview, closing, annual requirements.

Each is assembled from clauses that recur across real reports (the bank's generic
set phrases, chosen by seed), with the user's level words and figures, so that
it reads at a real report's length and agrees with the facts: when most
indicators fell there is no upbeat verdict and no 成绩来之不易, and 存在问题
prompts for the falls the user has not explained. Every fallback is written in
the canonical formulations (``data/formulations.yaml``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from caogao.drafting import statwords
from caogao.drafting.outline import placeholder
from caogao.drafting.wording import CONNECTIVE_RE, Picker, strip_end
from caogao.text.numerals import to_chinese

if TYPE_CHECKING:
    from caogao.drafting.facts import Facts

GUIDE = "坚持以习近平新时代中国特色社会主义思想为指导"
CENTRE = "更加紧密地团结在以习近平同志为核心的党中央周围"


@dataclass
class Trend:
    """Which amounts grew and which fell against last year (rates such as 失业率 aside:
    whether their fall is good depends on the rate)."""

    rose: list[str]
    fell: list[str]

    @property
    def mostly_down(self) -> bool:
        return len(self.fell) > len(self.rose)


def trend(facts: Facts) -> Trend:
    rose, fell = [], []
    for ind in facts.indicators:
        change = None if ind.is_rate else ind.yoy_value
        if change is not None and change > 0:
            rose.append(ind.name)
        elif change is not None and change < 0:
            fell.append(ind.name)
    return Trend(rose, fell)


def leadership(picker: Picker) -> str:
    """在县委、县政府和镇党委的坚强领导下 (the superior only where the facts name one)."""
    default = ("在{上级党委}、{上级政府}和{本级党委}的坚强领导下" if picker.values.get("上级党委")
               else "在{本级党委}的坚强领导下")
    return picker.clause("总述", "领导下", default)


def review_overview(facts: Facts, picker: Picker, trend_: Trend) -> str:
    """总述: the period, the leadership, the guiding thought, the work, a verdict the figures bear out."""
    values = picker.values
    guide = picker.clause("总述", r"^(\{单位\})?坚持以.*为(指导|指引)$", GUIDE).removeprefix(facts.unit)
    spirit = picker.clause("总述", "^(全面|深入|认真)?(学习)?贯彻(落实)?党的二十大", "全面贯彻落实党的二十大精神")
    deploy = picker.clause("总述", r"紧紧?围绕.*(决策部署|工作要求|目标任务)",
                           "紧紧围绕{上级党委}、{上级政府}决策部署" if values.get("上级党委") else "紧紧围绕年初确定的目标任务")
    if trend_.mostly_down:
        verdict = ("面对经济下行压力和各种困难挑战，稳住了经济社会发展基本盘，但部分指标同比下降，"
                   + ("完成全年目标任务压力较大。" if facts.is_half_year else "一些目标任务没有如期完成。"))
    else:
        verdict = picker.clause("总述", "(稳中有进|稳步(推进|提升)|持续向好|迈出.*步伐)$",
                                "经济社会各项事业稳步推进") + "。"
    return "，".join([
        values["时段"], leadership(picker),
        picker.clause("总述", "监督支持下", "在{本级人大}的监督支持下"),
        facts.unit + guide, spirit, deploy,
        f"团结带领{values['全域']}干部群众攻坚克难、真抓实干", verdict.rstrip("。"),
    ]) + "。"


def indicator_lead(facts: Facts) -> str:
    """The start of the 指标段: 据统计，2023年上半年，全镇…"""
    when = f"{facts.year}年{'上半年' if facts.is_half_year else ''}"
    return f"据统计，{when}，"


def thanks(facts: Facts, picker: Picker, trend_: Trend) -> str:
    """致谢: why (the leadership, the people's work) and whom."""
    values = picker.values
    whole = values["全域"]
    why = ("这些成绩的取得，是{lead}的结果，是{whole}干部群众团结奋斗、苦干实干的结果。" if not trend_.mostly_down
           else "在困难面前，各项工作能够有序推进，是{lead}的结果，是{whole}干部群众迎难而上、共同努力的结果。")
    lead = (f"{values['上级党委']}、{values['上级政府']}和{values['本级党委']}坚强领导" if values.get("上级党委")
            else f"{values['本级党委']}坚强领导")
    why = why.format(lead=lead, whole=whole)
    opener = "成绩来之不易。" if not trend_.mostly_down else ""
    return (opener + why + "在此，" + picker.clause("致谢", "代表", "我代表{本级政府}")
            + f"，向各位代表，向{whole}广大干部群众，向所有关心支持{facts.unit}发展的各界人士"
            + picker.clause("致谢", "感谢", "表示衷心的感谢") + "！")


def problems(facts: Facts, picker: Picker, trend_: Trend) -> str:
    """存在问题: the user's, as 一是…二是…; without them a placeholder that names the falls to explain."""
    intro = (picker.clause("存在问题", "肯定成绩", "在肯定成绩的同时") + "，"
             + picker.clause("存在问题", "清醒", "我们也清醒地认识到")
             + "，当前工作中还存在一些困难和问题：")
    if facts.problems:
        body = "；".join(f"{to_chinese(i)}是{strip_end(p)}" for i, p in enumerate(facts.problems, start=1)) + "。"
    elif trend_.fell:
        body = placeholder(f"存在的主要困难和问题，包括{'、'.join(trend_.fell)}同比下降的原因") + "。"
    else:
        body = placeholder("存在的主要困难和问题") + "。"
    remedy = picker.clause("存在问题", "措施|解决", "采取有力措施加以解决")
    return f"{intro}{body}对此，我们将{remedy}。"


def plan_overview(facts: Facts, picker: Picker, n_sections: int) -> str:
    """计划总述: the period's overall requirement, the link to the year's targets, the count of parts."""
    values = picker.values
    guide = picker.clause("计划总述", r"^坚持以.*为(指导|指引)$", GUIDE)
    keynote = picker.clause("计划总述", "^(坚持|加快|深入|全面|紧紧围绕|锚定)(?!以)", "坚持稳中求进工作总基调")
    aim = ("紧扣全年目标任务不放松" if facts.is_half_year
           else f"确保完成{facts.year + 1}年经济社会发展主要预期目标")
    count = picker.sentence("计划总述", "以下.*方面", "重点抓好以下几方面工作：", count=n_sections)
    count = CONNECTIVE_RE.sub("", count.replace(values["下一时段"] or "", "")).lstrip("，")
    count = count.removeprefix("我们").removeprefix("将").replace("，我们", "，")
    if "目标任务" in count or "预期目标" in count:
        aim = ""
    return (f"{values['下一时段']}，{facts.unit}将{guide}，全面贯彻落实党的二十大精神，{keynote}，"
            + (f"{aim}，" if aim else "") + count)


def requirements(facts: Facts, picker: Picker) -> tuple[str, str]:
    """An annual report's 总体要求 and 主要预期目标 for next year (placeholders where the facts are silent)."""
    values = picker.values
    keynote = picker.clause("计划总述", "^(坚持|完整|加快|深入|全面)", "坚持稳中求进工作总基调")
    orders = (f"{values['上级党委']}、{values['上级政府']}和{values['本级党委']}" if values.get("上级党委")
              else values["本级党委"])
    general = (f"{facts.year + 1}年{values['工作']}的总体要求是：{GUIDE.removeprefix('坚持')}，全面贯彻落实党的二十大精神，"
               f"{keynote}，认真落实{orders}的部署要求，" + placeholder("本单位明年的发展定位和工作主线") + "。")
    if facts.targets:
        goals = "；".join(t.wording for t in facts.targets) + "。"
    else:
        goals = placeholder("明年主要预期目标，写成“××增长×%左右”“××控制在×%以内”") + "。"
    return general, f"主要预期目标是：{goals}"


def closing(facts: Facts, picker: Picker) -> str:
    """结束语: a short call, the canonical 团结在以习近平同志为核心的党中央周围, the leadership, the aim."""
    slogan = picker.sentence("结束语", r"^[^，。！]{4,14}，[^，。！]{4,14}[！。]$", None)
    return ("各位代表，同志们！" + (slogan or "") + f"让我们{CENTRE}，" + leadership(picker)
            + f"，凝心聚力、真抓实干，为推动{facts.unit}高质量发展作出新的更大贡献！")


def section_clause(ind) -> str:
    """One indicator in its section's sentence: 完成固定资产投资1.86亿元，同比下降3.2%."""
    clause = statwords.indicator_clause(ind)
    if ind.is_rate:
        return clause.replace(ind.name, f"{ind.name}为", 1)
    if "人均" in ind.name:  # a level reached, not a task done: 人均可支配收入达到11860元
        return clause.replace(ind.name, f"{ind.name}达到", 1)
    if statwords.is_money(ind.unit) and not ind.name.startswith(("新增", "实现", "完成", "引进", "签约")):
        return "完成" + clause
    return clause


def figure_sentence(facts: Facts, names: list[str]) -> str:
    """A section's own figures as a sentence with its time: 上半年，完成固定资产投资1.86亿元，同比下降3.2%。"""
    clauses = [section_clause(ind) for ind in map(facts.indicator, names) if ind is not None]
    if not clauses:
        return ""
    when = "上半年" if facts.is_half_year else "全年"
    return f"{when}，" + "；".join(clauses) + "。"
