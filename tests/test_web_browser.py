"""caogao serve in a real browser: Playwright driving Debian's Chromium, each flow end to end.

Needs ``apt-get install chromium`` and ``pip install playwright`` (no ``playwright install``:
the system Chromium is used). Without them these tests are skipped, saying why.
Screenshots of each page land in the test's temporary folder (CAOGAO_SCREENSHOTS to keep them).
"""

from __future__ import annotations

import os
import socket
import threading
import time
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
if not CHROMIUM.exists():
    pytest.skip("浏览器测试需要 Debian 的 Chromium：apt-get install chromium", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="浏览器测试需要 Playwright：pip install playwright")

ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="module")
def server(built_bank):
    import uvicorn

    from caogao.web.app import create_app

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(16)
    srv = uvicorn.Server(uvicorn.Config(create_app(db=built_bank), log_level="warning", lifespan="off"))
    thread = threading.Thread(target=srv.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    for _ in range(200):
        if srv.started:
            break
        time.sleep(0.05)
    yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    srv.should_exit = True
    thread.join(10)
    sock.close()


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(accept_downloads=True, locale="zh-CN", viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    # the first search or classification loads the segmenter in the server: on a loaded
    # machine that takes seconds, not the 30 s Playwright allows by default at the most
    pg.set_default_timeout(120_000)
    yield pg
    context.close()


@pytest.fixture
def shots(tmp_path):
    keep = os.environ.get("CAOGAO_SCREENSHOTS")
    folder = Path(keep) if keep else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def test_draft_flow(server, page, shots, tmp_path):
    import docx

    page.goto(server + "/draft")
    page.fill('[data-field="单位"]', "青禾镇")
    page.fill('[data-field="年份"]', "2023")
    page.fill('[data-field="主要指标.0.名称"]', "地区生产总值")
    # paste two rows copied from Excel into the first row's 单位 cell: the second row is the next indicator
    page.click('[data-field="主要指标.1.名称"]')
    page.evaluate("""() => {
        const dt = new DataTransfer();
        dt.setData('text/plain', '新增市场主体\\t户\\t186\\t172\\n规上工业总产值\\t万元\\t34500\\t31200\\t\\t70000\\n');
        document.querySelector('[data-field="主要指标.1.名称"]').dispatchEvent(
            new ClipboardEvent('paste', {clipboardData: dt, bubbles: true, cancelable: true}));
    }""")
    assert page.input_value('[data-field="主要指标.2.全年目标"]') == "70000"
    page.fill('[data-field="主要指标.0.单位"]', "亿元")
    page.fill('[data-field="主要指标.0.本期"]', "约12.6")  # the mistake
    page.select_option('[data-field="工作回顾.0.类别"]', "经济发展")
    page.fill('[data-field="工作回顾.0.要点"]', "【招商引资成效明显】上半年外出招商14次，签约项目4个。")
    page.click("#do-preview")
    error = page.locator('[data-field="主要指标.0.本期"] + .field-error')
    error.wait_for()
    assert "应是数字" in error.inner_text() and "12.6" in error.inner_text()
    page.screenshot(path=str(shots / "draft-error.png"), full_page=False)

    page.reload()  # nothing typed is lost
    assert page.input_value('[data-field="主要指标.0.本期"]') == "约12.6"
    page.fill('[data-field="主要指标.0.本期"]', "12.6")
    page.click("#do-preview")
    page.locator("#preview h1").wait_for()
    assert "青禾镇" in page.inner_text("#preview h1")
    assert page.locator("#preview mark.gap").count() >= 1
    assert page.locator(".field-error").count() == 0
    page.screenshot(path=str(shots / "draft-preview.png"), full_page=True)

    with page.expect_download() as info:
        page.click("#do-docx")
    download = info.value
    assert download.suggested_filename == "2023年上半年青禾镇政府工作报告.docx"
    target = tmp_path / "draft.docx"
    download.save_as(str(target))
    text = "\n".join(p.text for p in docx.Document(str(target)).paragraphs)
    assert "上半年外出招商14次" in text

    # an indicator sheet from Excel: a mistake is told beside the table, then the rows fill it
    from test_sheet import write_xlsx

    bad = write_xlsx(tmp_path / "坏指标.xlsx", {"统计": [["指标", "单位", "本期"], ["一般公共预算收入", "万元", "约5000"]]})
    page.set_input_files("#do-sheet", str(bad))
    page.locator("#sheet-error").wait_for()
    assert "第 2 行 C 列（本期）" in page.inner_text("#sheet-error")
    good = write_xlsx(tmp_path / "指标.xlsx", {"统计": [["指标名称", "单位", "1-6月", "去年同期"],
                                                       ["一般公共预算收入", "万元", 5230, 4800]]})
    page.set_input_files("#do-sheet", str(good))
    page.wait_for_function("() => document.querySelector('[data-field=\"主要指标.0.名称\"]').value === '一般公共预算收入'")
    assert page.input_value('[data-field="主要指标.0.本期"]') == "5230"
    assert page.locator("#sheet-error").is_hidden()
    assert "指标.xlsx" in page.inner_text("#status")


def test_bank_flow(server, page, shots):
    page.goto(server + "/bank")
    page.locator("#hits li").first.wait_for()  # listed before anything is typed
    page.fill("#q", "人居环境")
    page.wait_for_function("() => [...document.querySelectorAll('#hits .phrase')].length > 0 && "
                           "[...document.querySelectorAll('#hits .phrase')].every(e => e.textContent.includes('人居环境'))")
    page.select_option('select[name="section"]', "生态环境")
    page.check('input[name="generic"]')
    page.wait_for_function("() => document.querySelectorAll('#hits .specific').length === 0")
    hits = page.locator("#hits li")
    assert hits.count() >= 1
    assert "生态环境" in hits.first.inner_text()
    hits.first.locator("button", has_text="相近说法").click()
    page.locator("#similar li").first.wait_for()
    page.fill('textarea[name="text"]', "持续改善人居环境，全面推行垃圾分类")
    page.click("text=判断类别")
    page.locator("#classified td").first.wait_for()
    assert "生态环境" in page.inner_text("#classified")
    page.screenshot(path=str(shots / "bank.png"), full_page=False)


def test_check_flow(server, page, shots, tmp_path, built_bank):
    import docx

    from caogao.bank.query import PhraseBank
    from caogao.docx.write import write_draft
    from caogao.drafting.compose import compose_draft
    from caogao.drafting.facts import parse_facts

    facts = parse_facts("单位: 青禾镇\n年份: 2023\n时段: 上半年\n工作回顾:\n  - 类别: 经济发展\n")
    with PhraseBank(built_bank) as bank:
        blocks, _ = compose_draft(facts, bank)
    path = write_draft(blocks, tmp_path / "草稿.docx")
    doc = docx.Document(str(path))
    doc.add_paragraph("固定资产投资增长-3.2%,比上年提高2%。")
    doc.save(str(path))

    page.goto(server + "/check")
    page.set_input_files('input[name="file"]', str(path))
    assert "草稿.docx" in page.inner_text(".file-name")
    page.click("text=开始检查")
    page.locator("#findings li").first.wait_for()
    text = page.inner_text("#findings")
    assert "处问题" in text and "建议：" in text and "待补充" in text
    page.screenshot(path=str(shots / "check.png"), full_page=False)
    with page.expect_download() as info:
        page.click("#do-annotate")
    assert info.value.suggested_filename == "草稿-批注.docx"
    annotated = tmp_path / "annotated.docx"
    info.value.save_as(str(annotated))
    assert len(list(docx.Document(str(annotated)).comments)) >= 1

    page.set_input_files('input[name="file"]', files=[{"name": "坏.docx", "mimeType": "application/octet-stream",
                                                       "buffer": b"not a zip"}])
    page.click("text=开始检查")
    page.wait_for_function("() => document.querySelector('#findings').textContent.includes('无法打开')")
