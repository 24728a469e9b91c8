"""Canonical political formulations: mutilated forms restored where certain, flagged where not."""

from __future__ import annotations

import pytest

from caogao.text.formulations import problems, restore

CANONICAL = [
    "坚持以习近平新时代中国特色社会主义思想为指导，全面贯彻落实党的二十大精神。",
    "让我们更加紧密地团结在以习近平同志为核心的党中央周围，高举习近平新时代中国特色社会主义思想伟大旗帜。",
    "深入贯彻落实习近平总书记视察广东重要讲话、重要指示精神。",
    "习近平总书记亲临广东视察，发表重要讲话。",
    "坚持以新时代中国特色社会主义事业为己任。",  # not the 思想: no name belongs here
]


@pytest.mark.parametrize("text", CANONICAL)
def test_canonical_text_is_left_alone_and_passes(text):
    assert restore(text, 2023) == (text, False, False)
    assert problems(text, (2023, 7)) == []


@pytest.mark.parametrize("mutilated, canonical", [
    ("我们始终坚持以新时代中国特色社会主义思想为指导", "我们始终坚持以习近平新时代中国特色社会主义思想为指导"),
    ("更加紧密地团结在以同志为核心的党中央周围", "更加紧密地团结在以习近平同志为核心的党中央周围"),
    ("深入贯彻落实视察广东重要讲话、重要指示精神", "深入贯彻落实习近平总书记视察广东重要讲话、重要指示精神"),
    ("认真学习贯彻总书记重要讲话精神", "认真学习贯彻习近平总书记重要讲话精神"),
    ("坚持以党的XX大精神为指引", "坚持以党的二十大精神为指引"),
    ("高举新时代中国特色社会主义思想伟大旗帜", "高举习近平新时代中国特色社会主义思想伟大旗帜"),
])
def test_mutilated_forms_are_restored_where_certain(mutilated, canonical):
    text, restored, left = restore(mutilated, 2023)
    assert (text, restored, left) == (canonical, True, False)
    assert restore(text, 2023) == (text, False, False)  # restoring twice changes nothing
    assert [p.suggestion for p in problems(mutilated, (2023, 7))][:1] != []


def test_a_subject_cut_before_the_visit_cannot_be_restored_and_is_flagged():
    text = "今年4月，亲临广东视察，发表重要讲话、作出重要指示。"
    assert restore(text, 2023) == (text, False, True)
    [problem] = problems(text, (2023, 7))
    assert "视察" in problem.found and "习近平总书记" in problem.suggestion


def test_the_congress_is_restored_only_where_the_year_makes_it_certain():
    assert restore("党的XX大精神", 2019) == ("党的XX大精神", False, True)
    assert restore("党的XX大精神", None)[2] is True
    assert restore("党的XX大精神", 2025)[0] == "党的二十大精神"


@pytest.mark.parametrize("text, when, flagged", [
    ("2023年是全面贯彻党的二十大精神的开局之年", (2023, 7), False),
    ("今年是全面贯彻党的二十大精神的开局之年", (2024, 7), True),
    ("深入学习贯彻党的二十届三中全会精神", (2024, 12), False),
    ("深入学习贯彻党的二十届三中全会精神", (2024, 6), True),
    ("全面贯彻党的二十大和二十届二中、三中、四中全会精神", (2025, 7), True),
    ("全面贯彻党的二十大和二十届二中、三中、四中全会精神", (2025, 12), False),
])
def test_wording_bound_to_a_date_is_flagged_outside_its_period(text, when, flagged):
    assert bool(problems(text, when)) is flagged
