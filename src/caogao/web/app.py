"""``caogao serve``'s web app: 起草, 素材 and 校对 pages over the same library the CLI calls.

Thin like the CLI: a route reads the request, calls drafting, docx, bank or checking,
and turns a CaogaoError into a Chinese message next to the field it concerns.

Safety: the server binds 127.0.0.1 (``cli/serve.py``); requests must name this
machine in Host (no DNS rebinding); every POST carries the per-run token that
only this app's own pages hold, and an Origin, when sent, must be this app's;
uploads are size-limited and a .docx goes through the CLI's zip and XML guard;
no name the user typed reaches the file system (uploads and downloads live in
fresh temporary folders, so two tabs never share a file).
"""

from __future__ import annotations

import json
import secrets
import shutil
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote, urlsplit

from markupsafe import Markup, escape
from starlette.applications import Starlette
from starlette.background import BackgroundTask
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

from caogao.errors import CaogaoError
from caogao.web.form import FormError, facts_to_form, indicator_rows, parse_form

HERE = Path(__file__).resolve().parent
MAX_UPLOAD = 10 * 1024 * 1024  # a township report is tens of KB; a facts file a few
TOKEN_HEADER = "x-caogao-token"
KIND_NAMES = {"heading1": "一级标题", "heading2": "二级标题、引领句", "item": "“一是……”条目",
              "figure": "带数字的句子", "set_phrase": "固定搭配"}
LOCAL_HOSTS = ("127.0.0.1", "localhost")


class Banks:
    """The phrase bank, opened once per thread: an SQLite connection stays in the thread that made it."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._local = threading.local()

    def get(self):
        bank = getattr(self._local, "bank", None)
        if bank is None:
            from caogao.bank.build import open_bank

            bank = self._local.bank = open_bank(self.path)
        return bank


def _marked(text: str) -> Markup:
    """Escaped text with each 【待补充：…】 highlighted."""
    from caogao.drafting.outline import PLACEHOLDER_RE

    out, last = [], 0
    for m in PLACEHOLDER_RE.finditer(text):
        out += [escape(text[last:m.start()]), Markup('<mark class="gap">'), escape(m.group()), Markup("</mark>")]
        last = m.end()
    out.append(escape(text[last:]))
    return Markup("").join(out)


@contextmanager
def user_file(data: bytes, stored: str, name: str) -> Iterator[Path]:
    """An upload written to a fresh temporary folder under ``stored`` (never the name the browser
    sent); errors about it name the user's file ``name``, not the temporary copy."""
    folder = Path(tempfile.mkdtemp(prefix="caogao-web-"))
    try:
        path = folder / stored
        path.write_bytes(data)
        yield path
    except CaogaoError as exc:
        exc.file = name
        raise
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def create_app(*, db: Path | None = None, token: str | None = None,
               hosts: tuple[str, ...] = LOCAL_HOSTS) -> Starlette:
    """The app; ``token`` is made per run when not given; ``hosts`` are the names it answers to."""
    token = token or secrets.token_urlsafe(24)
    banks = Banks(db)
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    templates.env.filters["marked"] = _marked

    def page(request: Request, template: str, status: int = 200, **context) -> Response:
        return templates.TemplateResponse(request, template, {"token": token, "kinds": KIND_NAMES, **context},
                                          status_code=status)

    def message(request: Request, text: str, hint: str = "", status: int = 400) -> Response:
        if "application/json" in request.headers.get("accept", "") or request.url.path.startswith("/draft/"):
            return JSONResponse({"ok": False, "field": None, "message": text, "hint": hint, "where": "",
                                 "full": text + (f"\n  建议：{hint}" if hint else "")}, status_code=status)
        return page(request, "_message.html", status, text=text, hint=hint)

    # -- pages
    async def home(request: Request) -> Response:
        return RedirectResponse("/draft", status_code=303)

    async def draft_page(request: Request) -> Response:
        from caogao.mining.taxonomy import SECTION_TYPES

        return page(request, "draft.html", active="draft", sections=SECTION_TYPES)

    async def bank_page(request: Request) -> Response:
        from caogao.mining.taxonomy import SECTION_TYPES

        return page(request, "bank.html", active="bank", sections=SECTION_TYPES)

    async def check_page(request: Request) -> Response:
        return page(request, "check.html", active="check", limit=MAX_UPLOAD >> 20)

    # -- 素材
    async def search(request: Request) -> Response:
        q = request.query_params
        limit = q.get("limit", "")
        hits = banks.get().search(q.get("q", "").strip() or None, section=q.get("section") or None,
                                  kind=q.get("kind") or None, generic_only=bool(q.get("generic")),
                                  limit=min(int(limit), 200) if limit.isdigit() else 30)
        return page(request, "_hits.html", hits=hits, query=q.get("q", ""))

    async def similar(request: Request) -> Response:
        text = (await request.form()).get("text", "").strip()
        if not text:
            return message(request, "请先输入一句话或一个标题。")
        return page(request, "_hits.html", hits=banks.get().similar(text, limit=10), query="", similar_to=text)

    async def classify(request: Request) -> Response:
        text = (await request.form()).get("text", "").strip()
        paragraphs = [t.strip() for t in text.splitlines() if t.strip()]
        if not paragraphs:
            return message(request, "请先粘贴一段文字（每行一段）。")
        return page(request, "_classified.html", rows=banks.get().classify(paragraphs[:50]))

    # -- 起草
    async def read_form(request: Request) -> dict:
        try:
            form = json.loads(await request.body())
        except (ValueError, UnicodeDecodeError):
            raise CaogaoError("表单内容无法读取", hint="刷新页面后再试") from None
        if not isinstance(form, dict):
            raise CaogaoError("表单内容无法读取", hint="刷新页面后再试")
        return form

    def composed(form: dict):
        from caogao.drafting.compose import compose_draft

        facts, _ = parse_form(form)
        seed = form.get("seed", 0)
        blocks, notes = compose_draft(facts, banks.get(), seed=seed if isinstance(seed, int) else 0)
        return facts, blocks, notes

    async def preview(request: Request) -> Response:
        from caogao.drafting.outline import count_placeholders

        facts, blocks, notes = composed(await read_form(request))
        html = templates.get_template("_preview.html").render(blocks=blocks)
        return JSONResponse({"ok": True, "html": html, "notes": notes, "gaps": count_placeholders(blocks)})

    async def download_docx(request: Request) -> Response:
        from caogao.cli.app import default_output
        from caogao.docx.write import write_draft

        facts, blocks, _ = composed(await read_form(request))
        folder = Path(tempfile.mkdtemp(prefix="caogao-web-"))
        name = default_output(facts).name
        path = write_draft(blocks, folder / "草稿.docx", title=blocks[0].text if blocks else "")
        return FileResponse(path, filename=name, background=BackgroundTask(shutil.rmtree, folder, True),
                            media_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document")

    async def export_yaml(request: Request) -> Response:
        facts, text = parse_form(await read_form(request))
        name = f"{facts.year}年{facts.period}{facts.unit}事实.yaml"
        return Response(text.encode("utf-8"), media_type="application/x-yaml; charset=utf-8",
                        headers={"content-disposition": f"attachment; filename*=UTF-8''{quote(name)}"})

    async def import_yaml(request: Request) -> Response:
        from caogao.drafting.facts import parse_facts
        from caogao.drafting.yamlnodes import decode_facts

        data, name = await upload(request, "file")
        facts = parse_facts(decode_facts(data, file=name), file=name)
        notes = ["“预期目标”只用于全年报告：时段改为“全年”后才会显示并写进稿子。"] \
            if facts.targets and facts.is_half_year else []
        return JSONResponse({"ok": True, "form": facts_to_form(facts), "notes": notes})

    async def import_sheet(request: Request) -> Response:
        from caogao.drafting.facts import sheet_indicators

        data, name = await upload(request, "file")
        suffix = Path(name).suffix.lower()
        if suffix not in (".xlsx", ".xls"):
            raise CaogaoError("只能读取 .xlsx 或 .xls 的指标表", file=name, hint="请在 WPS/Excel 中另存为 .xlsx")
        with user_file(data, "指标表" + suffix, name) as path:
            indicators = sheet_indicators(path)
        if not indicators:
            raise CaogaoError("指标表里没有读到指标", file=name, hint="表头要有“指标名称”一列，下面每行一个指标")
        return JSONResponse({"ok": True, "rows": indicator_rows(indicators)})

    # -- 校对
    async def check(request: Request) -> Response:
        from caogao.checking.rules import check_document

        data, name = await upload(request, "file")
        if not name.lower().endswith(".docx"):
            raise CaogaoError("只能检查 .docx 文件", file=name,
                              hint="旧版 .doc 或 .wps 请先在 Word/WPS 里“另存为” .docx")
        with user_file(data, "草稿.docx", name) as path:
            findings = check_document(path)
        return page(request, "_findings.html", findings=findings, name=name)

    async def check_annotated(request: Request) -> Response:
        from caogao.checking.rules import check_document
        from caogao.docx.annotate import annotate

        data, name = await upload(request, "file")
        if not name.lower().endswith(".docx"):
            raise CaogaoError("只能检查 .docx 文件", file=name,
                              hint="旧版 .doc 或 .wps 请先在 Word/WPS 里“另存为” .docx")
        folder = Path(tempfile.mkdtemp(prefix="caogao-web-"))
        try:
            with user_file(data, "草稿.docx", name) as path:
                findings = check_document(path)
                output = annotate(path, findings, folder / "批注稿.docx")
        except BaseException:
            shutil.rmtree(folder, ignore_errors=True)
            raise
        return FileResponse(output, filename=f"{Path(name).stem}-批注.docx",
                            background=BackgroundTask(shutil.rmtree, folder, True),
                            headers={"x-caogao-findings": str(len(findings))},
                            media_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document")

    async def upload(request: Request, field: str) -> tuple[bytes, str]:
        from starlette.formparsers import MultiPartException

        if int(request.headers.get("content-length") or 0) > MAX_UPLOAD + 64 * 1024:
            raise CaogaoError(f"文件太大（上限 {MAX_UPLOAD >> 20} MB）", hint="请确认选的是报告或事实文件")
        try:
            form = await request.form(max_part_size=MAX_UPLOAD)
        except MultiPartException:
            raise CaogaoError(f"上传的内容无法读取或太大（上限 {MAX_UPLOAD >> 20} MB）", hint="重新选择文件后再试") from None
        item = form.get(field)
        if item is None or isinstance(item, str):
            raise CaogaoError("没有收到文件", hint="先点“选择文件”选好文件，再提交")
        data = await item.read(MAX_UPLOAD + 1)
        if len(data) > MAX_UPLOAD:
            raise CaogaoError(f"文件太大（上限 {MAX_UPLOAD >> 20} MB）", hint="请确认选的是报告或事实文件")
        if not data:
            raise CaogaoError("文件是空的", file=item.filename or None, hint="重新选择文件")
        return data, Path(item.filename or "上传的文件").name

    # -- errors: a Chinese message, never a stack trace
    async def on_form_error(request: Request, exc: FormError) -> Response:
        return JSONResponse(exc.to_dict(), status_code=400)

    async def on_user_error(request: Request, exc: CaogaoError) -> Response:
        where = exc.where()
        return message(request, f"{where}：{exc.message}" if where else exc.message, exc.hint or "")

    async def on_bug(request: Request, exc: Exception) -> Response:
        return message(request, f"内部错误（{type(exc).__name__}）。这是 caogao 的缺陷，不是您的操作问题。",
                       "可以再试一次；若仍出错，请把这段话告诉维护的同志。", status=500)

    async def not_found(request: Request, exc: Exception) -> Response:
        return message(request, "没有这个页面。", "从上方的“起草”“素材”“校对”进入。", status=404)

    async def guard(request: Request, call_next):
        host = (request.headers.get("host") or "").rsplit(":", 1)[0].strip("[]")
        if hosts and host not in hosts:
            return PlainTextResponse("只接受本机访问（127.0.0.1）。", status_code=403)
        if request.method not in ("GET", "HEAD"):
            origin = request.headers.get("origin")
            if origin is not None and (urlsplit(origin).hostname or "") not in (hosts or (host,)):
                return PlainTextResponse("拒绝来自其他网页的请求。", status_code=403)
            if not secrets.compare_digest(request.headers.get(TOKEN_HEADER, ""), token):
                return PlainTextResponse("页面已过期（caogao serve 重启过）：请刷新页面后再试。", status_code=403)
        response = await call_next(request)
        response.headers.setdefault("x-frame-options", "DENY")
        response.headers.setdefault("x-content-type-options", "nosniff")
        return response

    from starlette.middleware import Middleware
    from starlette.middleware.base import BaseHTTPMiddleware

    routes = [
        Route("/", home),
        Route("/draft", draft_page),
        Route("/draft/preview", preview, methods=["POST"]),
        Route("/draft/docx", download_docx, methods=["POST"]),
        Route("/draft/yaml", export_yaml, methods=["POST"]),
        Route("/draft/import", import_yaml, methods=["POST"]),
        Route("/draft/sheet", import_sheet, methods=["POST"]),
        Route("/bank", bank_page),
        Route("/bank/search", search),
        Route("/bank/similar", similar, methods=["POST"]),
        Route("/bank/classify", classify, methods=["POST"]),
        Route("/check", check_page),
        Route("/check", check, methods=["POST"]),
        Route("/check/annotated", check_annotated, methods=["POST"]),
        Mount("/static", StaticFiles(directory=str(HERE / "static")), name="static"),
    ]
    app = Starlette(routes=routes, middleware=[Middleware(BaseHTTPMiddleware, dispatch=guard)],
                    exception_handlers={FormError: on_form_error, CaogaoError: on_user_error,
                                        404: not_found, Exception: on_bug})
    app.state.token = token
    return app
