"""Reader rules for reports nobody tuned for: each rule on a small made-up text."""

from __future__ import annotations

from caogao.corpus.clean import clean_text
from caogao.corpus.parse import parse_file

BODY = ("各位代表：\n现在，我代表县人民政府向大会报告工作，请予审议。\n"
        "一、2023年工作回顾\n过去一年，全县经济稳中有进。\n"
        "（一）坚持项目为王，发展后劲持续增强。全年实施重点项目30个。\n"
        "（二）坚持生态优先，城乡环境明显改善。完成造林1万亩。\n")
PLAN = ("二、2024年经济社会发展总体要求和主要目标\n今年政府工作的总体要求是：稳中求进。\n"
        "三、2024年重点工作\n（一）聚焦产业升级，推动经济量质齐升。做强主导产业。\n"
        "（二）聚焦民生改善，增进群众福祉。办好十件实事。\n"
        "各位代表，让我们团结一心，为建设美丽县城而努力奋斗！\n")


def read(text: str):
    reports = parse_file(text, "t.txt")
    assert len(reports) == 1
    return reports[0]


def parts(report):
    return [(p.name, p.heading, [s.heading for s in p.sections]) for p in report.parts]


def test_a_requirements_part_on_its_own_line_is_a_part_and_the_plan_follows():
    got = parts(read("政府工作报告\n" + BODY + PLAN))
    assert ("总体要求", "2024年经济社会发展总体要求和主要目标", []) in got
    assert ("计划", "2024年重点工作", ["聚焦产业升级，推动经济量质齐升", "聚焦民生改善，增进群众福祉"]) in got
    assert got[-1][0] == "结束语"


def test_a_spaced_out_title_and_a_speaker_line_with_lost_characters():
    report = read("政 府 工 作 报 告\n——2024年1月8日在某县第十八届人民代表大会第三次会议上\n县长?? 某某某\n"
                  + BODY + PLAN)
    assert report.title == "政府工作报告" and not report.title_derived
    assert [p.name for p in report.parts][:2] == ["开场", "回顾"]
    assert "县长" not in report.parts[0].text


def test_a_national_speaker_line_and_a_name_alone_are_skipped():
    report = read("政府工作报告\n——2024年3月5日在人民代表大会上\n国务院总理\n某某\n" + BODY + PLAN)
    assert "总理" not in report.parts[0].text and report.parts[0].text.startswith("各位代表")


def test_yi_shi_paragraphs_after_a_list_announcement_are_the_sections():
    text = ("政府工作报告\n" + "一、2023年工作回顾\n过去一年，面对复杂严峻的外部环境，我们在上级的坚强领导下，迎难而上、真抓实干，经济回升向好，社会大局保持稳定，主要目标任务全面完成。\n"
            "一年来，我们按照决策部署，主要做了以下工作。\n"
            "一是加大调控力度，推动经济持续好转。实施积极的财政政策。\n"
            "二是依靠创新引领，增强发展新动能。建设科技平台。\n"
            "三是深化改革开放，持续改善营商环境。推进重点改革。\n" + PLAN)
    review = next(p for p in read(text).parts if p.name == "回顾")
    assert [s.heading for s in review.sections] == ["加大调控力度，推动经济持续好转", "依靠创新引领，增强发展新动能",
                                                    "深化改革开放，持续改善营商环境"]


def test_dash_highlights_with_their_facts_are_not_headings():
    text = ("政府工作报告\n一、2023年工作回顾\n过去一年，面对复杂严峻的外部环境，我们在上级的坚强领导下，迎难而上、真抓实干，经济回升向好，社会大局保持稳定，主要目标任务全面完成。\n"
            "——经济保持恢复发展。地区生产总值增长5%。\n——民生持续改善。新增就业1万人。\n"
            "一是稳住经济大盘，运行保持合理区间。落实助企政策。\n二是优化营商环境，市场活力持续增强。深化放管服改革。\n"
            + PLAN)
    review = next(p for p in read(text).parts if p.name == "回顾")
    assert [s.marker for s in review.sections] == ["一是", "二是"]


def test_a_glossary_after_the_closing_is_kept_apart():
    text = "政府工作报告\n" + BODY + PLAN + "名词解释\n1.两个毫不动摇：指某项方针。\n2.三线：指某几条线。\n"
    report = read(text)
    names = [p.name for p in report.parts]
    assert names[-2:] == ["结束语", "附件"]
    assert not report.parts[-1].sections and "两个毫不动摇" in report.parts[-1].text


def test_footnote_marks_of_every_style_are_removed():
    text = "推进“三个一批”[3]工程【4】，落实“双减”〔5〕政策^[6]。文号为〔2023〕12号。"
    assert clean_text(text) == "推进“三个一批”工程，落实“双减”政策。文号为〔2023〕12号。"


def test_half_width_ordinals_are_read_as_headings():
    text = "政府工作报告\n一、2023年工作回顾\n过去一年成绩明显。\n(一)聚合力、强产业，经济稳步增长\n全年产值增长6%。\n" \
           "(二)优环境、美生态，城乡面貌一新\n完成整治村庄10个。\n" + PLAN
    review = next(p for p in read(text).parts if p.name == "回顾")
    assert [s.heading for s in review.sections] == ["聚合力、强产业，经济稳步增长", "优环境、美生态，城乡面貌一新"]


def test_a_bare_address_mid_review_is_a_pause_not_thanks():
    text = ("政府工作报告\n一、2023年工作回顾\n过去一年，全县经济稳中有进，社会大局保持稳定，各项事业取得新进展。\n"
            "——经济实力稳步提升。地区生产总值增长6%。\n——民生福祉持续增进。新增就业5000人。\n各位代表！\n"
            "一年来，我们主要做了以下工作。\n"
            "（一）坚持项目为王，发展后劲持续增强。全年实施重点项目30个。\n"
            "（二）坚持生态优先，城乡环境明显改善。完成造林1万亩。\n" + PLAN)
    review = next(p for p in read(text).parts if p.name == "回顾")
    assert [s.heading for s in review.sections] == ["坚持项目为王，发展后劲持续增强", "坚持生态优先，城乡环境明显改善"]
    assert "致谢" not in [p.name for p in read(text).parts]


def test_a_part_named_for_its_results_and_arabic_numbered_sections():
    text = ("某街道2023年工作总结及2024年工作思路\n今年以来，街道在区委、区政府的坚强领导下，各项工作稳步推进。\n"
            "一、2023年工作成效\n1.从严从实抓好安全生产。全年开展检查200次。\n2.稳扎稳打抓好经济发展。实现税收3亿元。\n")
    got = parts(read(text))
    assert ("回顾", "2023年工作成效", ["从严从实抓好安全生产", "稳扎稳打抓好经济发展"]) in got


def test_title_salutation_opening_and_part_heading_on_one_line():
    text = ("2024年某镇政府工作报告各位代表：现在，我代表镇人民政府向大会作政府工作报告，请予审议。"
            "一、2023年工作回顾过去一年，全镇经济平稳运行。\n（一）产业发展提质增效。新引进项目5个。\n"
            "（二）城乡面貌持续改善。新建道路10公里。\n")
    report = read(text)
    assert report.title == "2024年某镇政府工作报告"
    assert [(p.name, p.heading) for p in report.parts][:2] == [("开场", ""), ("回顾", "2023年工作回顾")]


def test_lines_broken_at_links_and_subscripts_are_joined():
    text = ("政府工作报告\n一、2023年工作回顾\n过去一年，全市经济稳中有进，社会大局保持稳定，各项事业取得新进展。\n"
            "（一）持续改善生态环境。细颗粒物（PM\n2.5\n）浓度下降5%，加入\n区域合作协定\n（ABC）后外贸增长。\n"
            "（二）不断扩大对外开放。进出口总额增长8%。\n" + PLAN)
    review = next(p for p in read(text).parts if p.name == "回顾")
    assert [s.heading for s in review.sections] == ["持续改善生态环境", "不断扩大对外开放"]
    assert "（PM2.5）浓度下降5%，加入区域合作协定（ABC）后外贸增长" in review.sections[0].text


def test_english_lines_and_web_page_chrome_are_not_report_text():
    text = ("政 府 工 作 报 告\n——2024年1月8日在某市第十六届\n人民代表大会第二次会议上\n"
            "REPORT ON THE WORK OF THE GOVERNMENT\n发布日期：2024-01-12 信息来源：某街道\n"
            + BODY + "I Review of Work\n微信扫一扫在手机阅读、分享本文\n" + PLAN)
    report = read(text)
    assert [p.name for p in report.parts][:2] == ["开场", "回顾"]
    body = "".join(p.text + "".join(s.heading + s.text for s in p.sections) for p in report.parts)
    assert not any(w in body for w in ("REPORT", "Review", "扫一扫", "发布日期", "代表大会第二次会议上"))


def test_a_single_unnumbered_sentence_is_no_set_of_headings():
    text = ("政府工作报告\n一、过去五年工作回顾\n过去的五年，是各项事业取得重大成就的五年，全县上下团结奋斗。\n"
            "这五年，是综合实力稳步提升的五年。我们坚持发展第一要务，经济总量迈上新台阶。\n" + PLAN)
    review = next(p for p in read(text).parts if p.name == "回顾")
    assert review.sections == []


def test_a_year_summary_as_the_first_line_is_the_title():
    text = ("2023年工作总结\n2023年，某街道紧扣目标任务，各项工作取得新成效。\n"
            "一、提劲赶超，构建高质量发展新格局\n全年完成税收5亿元。\n二、精准施策，打造宜居宜业新环境\n完成改造10处。\n")
    report = read(text)
    assert report.title == "2023年工作总结" and not report.title_derived
    assert [s.heading for p in report.parts for s in p.sections] == ["提劲赶超，构建高质量发展新格局",
                                                                      "精准施策，打造宜居宜业新环境"]


def test_first_level_headings_run_into_their_body_end_at_their_first_sentence():
    text = ("政府工作报告\n各位代表：\n现在，我代表县人民政府向大会报告工作，请予审议。\n2023年工作回顾\n过去一年，全县经济稳中有进。\n"
            "一、坚持创新驱动，加快发展新动能。全县研发投入增长15%，新增高新技术企业10家。\n"
            "二、坚持绿色发展，建设美丽新家园！完成造林1万亩，空气质量优良天数达到300天。\n"
            "二、2024年重点工作\n（一）乡村振兴稳步推进。全县粮食总产达到30万吨，新建高标准农田2万亩。\n"
            "（二）城乡面貌持续改善。新建道路10公里，改造老旧小区20个。\n")
    report = read(text)
    review = next(p for p in report.parts if p.name == "回顾")
    plan = next(p for p in report.parts if p.name == "计划")
    assert [(s.heading, s.text[:6]) for s in review.sections] == [("坚持创新驱动，加快发展新动能", "全县研发投入"),
                                                                   ("坚持绿色发展，建设美丽新家园", "完成造林1万")]
    assert [(s.heading, s.text[:6]) for s in plan.sections] == [("乡村振兴稳步推进", "全县粮食总产"),
                                                                 ("城乡面貌持续改善", "新建道路10")]


def test_part_headings_and_title_in_traditional_characters_are_recognised():
    text = ("某區政府工作報告\n各位代表：\n現在，我代表區人民政府向大會報告工作，請予審議。\n"
            "第一部分 過去五年工作回顧\n過去五年，全區經濟穩中有進。\n"
            "（一）堅持項目為王，發展後勁持續增強。全年實施重點項目30個。\n"
            "（二）堅持生態優先，城鄉環境明顯改善。完成造林1萬畝。\n"
            "存在的問題\n我們也清醒看到，發展不平衡的問題仍然突出。\n"
            "二、今年政府工作任務\n（一）聚焦產業升級，推動經濟量質齊升。做強主導產業。\n"
            "（二）聚焦民生改善，增進群眾福祉。辦好十件實事。\n")
    report = read(text)
    assert report.title == "某區政府工作報告" and not report.title_derived
    got = parts(report)
    assert [(name, heading) for name, heading, _ in got] == [
        ("开场", ""), ("回顾", "過去五年工作回顧"), ("存在问题", "存在的問題"), ("计划", "今年政府工作任務")]
    assert got[1][2] == ["堅持項目為王，發展後勁持續增強", "堅持生態優先，城鄉環境明顯改善"]
    assert got[3][2] == ["聚焦產業升級，推動經濟量質齊升", "聚焦民生改善，增進群眾福祉"]


def test_numbering_that_restarts_under_unnumbered_headings_is_the_second_level():
    text = ("政府工作报告\n各位代表：\n现在，我代表县人民政府向大会报告工作，请予审议。\n2023年工作回顾\n过去一年，全县经济稳中有进。\n"
            "经济发展量质齐升\n一、科技投入加大。研发投入增长15%，新增企业10家。\n二、人才集聚加快。引进人才100名。\n"
            "城乡面貌焕然一新\n一、生态修复推进。完成造林1万亩。\n二、污染防治见效。优良天数300天。\n"
            "2024年工作安排\n（一）聚焦产业升级。做强主导产业。\n（二）聚焦民生改善。办好十件实事。\n")
    review = next(p for p in read(text).parts if p.name == "回顾")
    assert review.text == "过去一年，全县经济稳中有进。"
    assert [(s.heading, [c.heading for c in s.children]) for s in review.sections] == [
        ("经济发展量质齐升", ["科技投入加大", "人才集聚加快"]), ("城乡面貌焕然一新", ["生态修复推进", "污染防治见效"])]
