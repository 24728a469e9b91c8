"""caogao serve: every route through Starlette's TestClient, as the pages call them."""

from __future__ import annotations

import io
import json
from urllib.parse import quote

import warnings

import docx
import pytest

with warnings.catch_warnings():  # newer Starlette prefers httpx2; httpx is what every version takes
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

from test_sheet import write_xlsx

from caogao.web.app import MAX_UPLOAD, create_app
from caogao.web.form import form_to_yaml

TOKEN = "test-token"
AUTH = {"x-caogao-token": TOKEN}

FORM = {
    "单位": "青禾镇", "年份": "2023", "时段": "上半年", "上级": "安平县", "日期": "2023-07-18", "报告人": "镇长 周明远",
    "主要指标": [{"名称": "地区生产总值", "单位": "亿元", "本期": "12.6", "上年同期": "11.9", "全年目标": "26"},
                 {}, {"名称": "新增市场主体", "单位": "户", "本期": "186", "上年同期": "172"}],
    "工作回顾": [{"类别": "经济发展", "要点": "【招商引资成效明显】上半年外出招商14次，签约项目4个。\n新增规上工业企业2家。",
                  "指标": "地区生产总值"},
                 {"类别": "生态"}],
    "工作计划": [],
    "存在问题": "经济基础薄弱，产业规模不大。",
    "seed": 0,
}


@pytest.fixture(scope="module")
def client(built_bank):
    return TestClient(create_app(db=built_bank, token=TOKEN, hosts=("testserver",)), raise_server_exceptions=False)


def post_form(client, url, form):
    return client.post(url, content=json.dumps(form, ensure_ascii=False).encode(), headers=AUTH)


@pytest.mark.parametrize("url", ["/draft", "/bank", "/check"])
def test_pages_are_chinese_and_carry_the_token(client, url):
    r = client.get(url)
    assert r.status_code == 200
    assert TOKEN in r.text and "起草报告" in r.text and "查找素材" in r.text and "校对草稿" in r.text
    assert "/static/htmx.min.js" in r.text and "http" not in r.text.split("<main>")[0].replace("http-equiv", "")


def test_home_leads_to_the_draft_page_and_static_files_are_served(client):
    assert client.get("/", follow_redirects=False).headers["location"] == "/draft"
    assert client.get("/static/htmx.min.js").status_code == 200
    assert client.get("/static/caogao.js").status_code == 200


def test_unknown_page_is_a_chinese_message(client):
    r = client.get("/nope")
    assert r.status_code == 404 and "没有这个页面" in r.text


@pytest.mark.parametrize("url", ["/draft/preview", "/draft/docx", "/draft/yaml", "/draft/import",
                                 "/bank/similar", "/bank/classify", "/check"])
def test_every_post_needs_the_token(client, url):
    r = client.post(url, content=b"{}")
    assert r.status_code == 403 and "刷新页面" in r.text
    r = client.post(url, content=b"{}", headers={"x-caogao-token": "guessed"})
    assert r.status_code == 403


def test_another_site_cannot_post_even_with_the_token(client):
    r = client.post("/draft/preview", content=json.dumps(FORM).encode(),
                    headers={**AUTH, "origin": "http://evil.example"})
    assert r.status_code == 403 and "其他网页" in r.text


def test_only_this_machine_by_name(built_bank):
    c = TestClient(create_app(db=built_bank, token=TOKEN), base_url="http://rebound.example:8719")
    assert c.get("/draft").status_code == 403
    local = TestClient(create_app(db=built_bank, token=TOKEN), base_url="http://127.0.0.1:8719")
    assert local.get("/draft").status_code == 200


def test_search_filters_and_sources(client):
    r = client.get("/bank/search", params={"q": "生态"})
    assert r.status_code == 200 and "生态" in r.text and "出处" in r.text and "复制" in r.text
    r = client.get("/bank/search", params={"q": "生态", "section": "生态环境", "kind": "heading1", "generic": "1"})
    items = r.text.count("<li>\n    <div class=\"text\">")
    assert items >= 1 and "含地名或数字" not in r.text and "一级标题" in r.text
    assert "没有找到" in client.get("/bank/search", params={"q": "绝不会出现的短语甲乙丙"}).text


def test_search_with_a_bad_filter_says_so_in_chinese(client):
    r = client.get("/bank/search", params={"q": "生态", "kind": "nonsense"})
    assert r.status_code == 400 and "种类" in r.text or "nonsense" in r.text


def test_classify_and_similar(client):
    r = client.post("/bank/classify", data={"text": "持续改善人居环境，全面推行垃圾分类\n招商引资成效明显"}, headers=AUTH)
    assert r.status_code == 200 and "生态环境" in r.text and "招商引资成效明显" in r.text
    r = client.post("/bank/similar", data={"text": "抓项目、稳经济，高质量发展迈出坚实步伐"}, headers=AUTH)
    assert r.status_code == 200 and "相近的说法" in r.text and "<li>" in r.text
    r = client.post("/bank/similar", data={"text": " "}, headers=AUTH)
    assert r.status_code == 400 and "请先输入" in r.text


def test_form_becomes_the_facts_file_the_cli_reads(client):
    text, fields = form_to_yaml(FORM)
    from caogao.drafting.facts import parse_facts

    facts = parse_facts(text)
    assert [i.name for i in facts.indicators] == ["地区生产总值", "新增市场主体"]
    assert facts.review[0].points[0].title == "招商引资成效明显" and facts.review[1].category == "生态环境"
    r = post_form(client, "/draft/yaml", FORM)
    assert r.status_code == 200 and r.text == text
    assert "attachment" in r.headers["content-disposition"]


def test_a_mistake_is_told_next_to_its_field_in_the_clis_words(client, tmp_path):
    bad = json.loads(json.dumps(FORM))
    bad["主要指标"][2]["本期"] = "约186"
    r = post_form(client, "/draft/preview", bad)
    assert r.status_code == 400
    err = r.json()
    assert err["field"] == "主要指标.2.本期"
    # the same words caogao build prints for the same facts file
    from caogao.drafting.facts import load_facts
    from caogao.errors import FactsError

    path = tmp_path / "facts.yaml"
    path.write_text(form_to_yaml(bad)[0], encoding="utf-8")
    with pytest.raises(FactsError) as exc:
        load_facts(path)
    assert err["message"] == exc.value.message and err["hint"] == exc.value.hint


@pytest.mark.parametrize("change, field", [
    ({"单位": ""}, "单位"),
    ({"时段": "下半年"}, "时段"),
    ({"年份": "二〇二三"}, "年份"),
    ({"工作回顾": [{"类别": "天文观测"}]}, "工作回顾.0.类别"),
])
def test_more_fields_get_their_message(client, change, field):
    r = post_form(client, "/draft/preview", {**FORM, **change})
    assert r.status_code == 400 and r.json()["field"] == field and r.json()["message"]


def test_yaml_cannot_be_smuggled_through_a_field(client):
    r = post_form(client, "/draft/yaml", {**FORM, "单位": "青禾镇\n年份: 1900", "上级": "x: [y"})
    assert r.status_code == 200
    from caogao.drafting.facts import parse_facts

    facts = parse_facts(r.text)
    assert facts.unit == "青禾镇\n年份: 1900" and facts.year == 2023 and facts.superior == "x: [y"


def test_preview_highlights_placeholders_and_reseed_changes_headings(client):
    r = post_form(client, "/draft/preview", FORM)
    assert r.status_code == 200
    data = r.json()
    assert "<h1>2023年上半年青禾镇政府工作报告</h1>" in data["html"] and '<mark class="gap">' in data["html"]
    assert data["gaps"] >= 1 and "<h3>" in data["html"]
    heads = {post_form(client, "/draft/preview", {**FORM, "seed": s}).json()["html"] for s in range(4)}
    assert len(heads) > 1


def test_docx_download_opens_in_python_docx(client):
    r = post_form(client, "/draft/docx", FORM)
    assert r.status_code == 200
    assert "2023%E5%B9%B4" in r.headers["content-disposition"]  # 2023年上半年青禾镇政府工作报告.docx
    doc = docx.Document(io.BytesIO(r.content))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "2023年上半年青禾镇政府工作报告" in text and "上半年外出招商14次" in text


def test_import_reads_a_cli_facts_file_back_into_the_form(client):
    from pathlib import Path

    example = Path(__file__).resolve().parent.parent / "examples" / "青禾镇2023年上半年.yaml"
    r = client.post("/draft/import", files={"file": (example.name, example.read_bytes())}, headers=AUTH)
    assert r.status_code == 200
    form = r.json()["form"]
    assert form["单位"] == "青禾镇" and form["主要指标"][0]["本期"] == "12.6"
    assert form["工作回顾"][0]["要点"].startswith("【经济运行稳中向好】")
    again = post_form(client, "/draft/preview", {**form, "seed": 1})  # round trip: the form drafts
    assert again.status_code == 200


def test_import_of_a_bad_file_is_a_message(client):
    r = client.post("/draft/import", files={"file": ("f.yaml", "单位: [".encode())}, headers=AUTH)
    assert r.status_code == 400 and r.json()["ok"] is False and "f.yaml" in r.json()["full"]
    r = client.post("/draft/import", files={"file": ("f.yaml", b"PK\x03\x04xx")}, headers=AUTH)
    assert r.status_code == 400 and "不是 YAML" in r.json()["message"]


def _planted_draft(client) -> bytes:
    doc = docx.Document(io.BytesIO(post_form(client, "/draft/docx", FORM).content))
    body = next(p for p in doc.paragraphs if "签约项目4个" in p.text)
    body.add_run("固定资产投资增长-3.2%,比上年提高2%。")
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def test_check_finds_planted_mistakes_with_places_and_suggestions(client):
    r = client.post("/check", files={"file": ("改过的草稿.docx", _planted_draft(client))}, headers=AUTH)
    assert r.status_code == 200
    assert "改过的草稿.docx" in r.text and "处问题" in r.text
    assert "第 " in r.text and "建议：" in r.text
    assert "待补充" in r.text  # the placeholders still left
    assert "下降3.2%" in r.text or "下降" in r.text  # 增长-3.2% → 下降3.2%


@pytest.mark.parametrize("name, data, words", [
    ("a.docx", b"not a zip", "无法打开"),
    ("a.doc", b"\xd0\xcf\x11\xe0", "只能检查 .docx"),
    ("a.docx", b"", "空的"),
])
def test_a_bad_upload_gets_a_message_not_a_traceback(client, name, data, words):
    r = client.post("/check", files={"file": (name, data)}, headers=AUTH)
    assert r.status_code == 400 and words in r.text and "Traceback" not in r.text


def test_an_upload_over_the_limit_is_refused(client):
    r = client.post("/check", files={"file": ("big.docx", b"0" * (MAX_UPLOAD + 1))}, headers=AUTH)
    assert r.status_code == 400 and "太大" in r.text


def test_a_zip_bomb_is_refused_by_the_clis_guard(client):
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", b"0" * (80 << 20))
    r = client.post("/check", files={"file": ("bomb.docx", out.getvalue())}, headers=AUTH)
    assert r.status_code == 400 and "压缩炸弹" in r.text


def test_a_file_name_never_reaches_the_file_system(client, tmp_path):
    r = client.post("/check", files={"file": ("../../etc/passwd.docx", b"junk")}, headers=AUTH)
    assert r.status_code == 400 and "passwd.docx" in r.text and "../" not in r.text


def test_two_tabs_at_once_get_their_own_drafts(client):
    from concurrent.futures import ThreadPoolExecutor

    forms = [{**FORM, "单位": name} for name in ("青禾镇", "柳塘乡", "云岭镇", "杏林街道")]
    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(lambda f: post_form(client, "/draft/docx", f), forms))
    for form, r in zip(forms, results):
        assert r.status_code == 200
        assert form["单位"] in docx.Document(io.BytesIO(r.content)).paragraphs[0].text


def test_a_bug_is_a_chinese_message_without_a_traceback(client, monkeypatch):
    import caogao.drafting.compose as compose

    def broken(*a, **k):
        raise RuntimeError("boom")

    monkeypatch.setattr(compose, "compose_draft", broken)
    r = post_form(client, "/draft/preview", FORM)
    assert r.status_code == 500 and "内部错误" in r.json()["message"] and "Traceback" not in r.text


# -- 指标表 (.xlsx) upload

def _xlsx(tmp_path, rows, name="统计") -> bytes:
    return write_xlsx(tmp_path / "表.xlsx", {name: rows}).read_bytes()


def test_an_indicator_sheet_fills_the_table(client, tmp_path):
    rows = [["青禾镇主要经济指标"], ["指标名称", "单位", "1-6月", "去年同期", "全年目标"],
            ["一般公共预算收入", "万元", "5,230", 4800, 10000], ["合计", None, 1, 1, None],
            ["固定资产投资", "亿元", 1.80, 1.92, None]]
    r = client.post("/draft/sheet", files={"file": ("上半年指标.xlsx", _xlsx(tmp_path, rows))}, headers=AUTH)
    assert r.status_code == 200, r.text
    got = r.json()["rows"]
    assert [row["名称"] for row in got] == ["一般公共预算收入", "固定资产投资"]
    assert got[0] == {"名称": "一般公共预算收入", "单位": "万元", "本期": "5230", "上年同期": "4800",
                      "同比": "", "全年目标": "10000"}
    # the rows go back through the form to the same facts file the CLI reads
    text, _ = form_to_yaml({**FORM, "主要指标": got})
    assert "一般公共预算收入" in text and "5230" in text


def test_a_sheet_error_names_sheet_row_and_column_and_the_users_file(client, tmp_path):
    rows = [["指标", "单位", "本期"], ["一般公共预算收入", "万元", "约5000"]]
    r = client.post("/draft/sheet", files={"file": ("我的指标.xlsx", _xlsx(tmp_path, rows))}, headers=AUTH)
    assert r.status_code == 400
    msg = r.json()["message"]
    assert "工作表“统计”第 2 行 C 列（本期）" in msg and "约5000" in msg and "我的指标.xlsx" in msg
    assert "caogao-web" not in msg and "Traceback" not in r.text


@pytest.mark.parametrize("name, data, words", [
    ("指标.csv", b"a,b", "只能读取 .xlsx 或 .xls"),
    ("指标.xlsx", b"not a zip", "xlsx"),
    ("指标.xlsx", b"", "空的"),
])
def test_a_bad_sheet_is_a_message(client, name, data, words):
    r = client.post("/draft/sheet", files={"file": (name, data)}, headers=AUTH)
    assert r.status_code == 400 and words in r.json()["message"] + r.json()["hint"]


def test_a_sheet_over_the_limit_is_refused(client):
    r = client.post("/draft/sheet", files={"file": ("big.xlsx", b"0" * (MAX_UPLOAD + 1))}, headers=AUTH)
    assert r.status_code == 400 and "太大" in r.json()["message"]


# -- 校对: the annotated copy

def test_annotated_copy_downloads_with_a_comment_per_finding(client):
    r = client.post("/check/annotated", files={"file": ("改过的草稿.docx", _planted_draft(client))}, headers=AUTH)
    assert r.status_code == 200, r.text
    assert quote("改过的草稿-批注.docx") in r.headers["content-disposition"]
    doc = docx.Document(io.BytesIO(r.content))
    comments = [c.text for c in doc.comments]
    assert len(comments) == int(r.headers["x-caogao-findings"]) > 0
    assert any("下降" in c for c in comments)
    assert any("签约项目4个" in p.text for p in doc.paragraphs)  # the text itself is kept


def test_annotated_copy_of_a_bad_upload_is_a_message(client):
    r = client.post("/check/annotated", files={"file": ("a.docx", b"not a zip")},
                    headers={**AUTH, "accept": "application/json"})
    assert r.status_code == 400 and "无法打开" in r.json()["message"] and "a.docx" in r.json()["message"]
    r = client.post("/check/annotated", files={"file": ("a.doc", b"x")}, headers=AUTH)
    assert r.status_code == 400 and "只能检查 .docx" in r.text


# -- 预期目标

TARGETS = [{"名称": "地区生产总值", "方式": "增长", "值": "6", "单位": ""},
           {"名称": "城镇登记失业率", "方式": "控制在", "值": "5.5", "单位": "%"},
           {"名称": "粮食产量", "方式": "目标", "值": "稳定在3.2万吨以上", "单位": ""},
           {}]


def test_targets_round_trip_through_yaml_export_and_import(client):
    form = {**FORM, "时段": "全年", "日期": "2023-12-28", "预期目标": TARGETS}
    r = post_form(client, "/draft/yaml", form)
    assert r.status_code == 200, r.text
    assert "预期目标:" in r.text and "控制在: 5.5" in r.text
    back = client.post("/draft/import", files={"file": ("f.yaml", r.content)}, headers=AUTH).json()
    assert back["notes"] == []
    assert back["form"]["预期目标"] == [
        {"名称": "地区生产总值", "方式": "增长", "值": "6", "单位": "%"},
        {"名称": "城镇登记失业率", "方式": "控制在", "值": "5.5", "单位": "%"},
        {"名称": "粮食产量", "方式": "目标", "值": "稳定在3.2万吨以上", "单位": ""}]
    html = post_form(client, "/draft/preview", {**form, "预期目标": back["form"]["预期目标"]}).json()["html"]
    assert "地区生产总值增长6%左右" in html and "城镇登记失业率控制在5.5%以内" in html and "粮食产量稳定在3.2万吨以上" in html


def test_targets_are_left_out_of_a_half_year_report(client):
    text, _ = form_to_yaml({**FORM, "预期目标": TARGETS})
    assert "预期目标" not in text


def test_a_target_mistake_is_told_next_to_its_field(client):
    form = {**FORM, "时段": "全年", "预期目标": [{"名称": "地区生产总值", "方式": "增长", "值": "约6"}]}
    r = post_form(client, "/draft/preview", form)
    assert r.status_code == 400 and r.json()["field"] == "预期目标.0.值" and "约6" in r.json()["message"]


def test_the_pages_use_chinese_file_pickers(client):
    for url in ("/draft", "/check"):
        text = client.get(url).text
        assert 'class="file-name"' in text and "hidden" in text.split('type="file"')[1].split(">")[0]
    assert "下载批注稿" in client.get("/check").text and "预期目标" in client.get("/draft").text
