"""caogao's benchmark: what users wait for, each against its floor in the same run.

Run with ``make bench`` (not part of ``make test``). Every measurement is a
whole process, run several times; the table shows medians and peak memory
(max RSS of that process). ``--write`` also writes bench/RESULTS.md.

Floors:
- lookups and drafting: ``python -c "import docx, jinja2, yaml"`` (the imports a
  draft cannot avoid);
- bank build: bare ``jieba.lcut`` over the same text (segmenting is the
  unavoidable work of mining).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "bench" / "work"
PY = sys.executable
CAOGAO = str(Path(PY).with_name("caogao"))
EXAMPLE = ROOT / "examples" / "青禾镇2023年上半年.yaml"
SYNTH_BYTES = 10 * 1024 * 1024
_NAME_CHARS = "青溪白鹭松岗柳塘石桥云岭梅坞竹林杏花荷枫泉桂樟茶峰龙凤麒麟翠屏金沙银湖玉碧波丹霞紫荆"


def run(cmd: list[str], *, env: dict | None = None, stdin: bytes | None = None,
        ok: tuple[int, ...] = (0,)) -> tuple[float, float]:
    """Wall time (s) and peak RSS (MB) of one whole process, which must exit with a code in ``ok``."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    if stdin is not None:
        proc.stdin.write(stdin)
        proc.stdin.close()
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode("utf-8", "replace")
    if proc.returncode not in ok:
        raise SystemExit(f"failed ({proc.returncode}): {' '.join(cmd)}\n{err}")
    return elapsed, usage.ru_maxrss / 1024


def measure_together(jobs: dict[str, dict], *, runs: int) -> dict[str, dict]:
    """``measure`` of each job (``cmd``, and ``env``, ``stdin``, ``setup``, ``ok`` if any), run by turns:
    on a shared machine whose speed drifts, a measurement and its floor then see the same drift."""
    times: dict[str, list[float]] = {name: [] for name in jobs}
    peaks: dict[str, list[float]] = {name: [] for name in jobs}
    for _ in range(runs):
        for name, job in jobs.items():
            if job.get("setup"):
                job["setup"]()
            t, m = run(job["cmd"], env=job.get("env"), stdin=job.get("stdin"), ok=job.get("ok", (0,)))
            times[name].append(t)
            peaks[name].append(m)
    return {name: {"median": statistics.median(times[name]), "peak_mb": max(peaks[name]), "runs": runs}
            for name in jobs}


def corpus_text(paths: list[Path]) -> str:
    return "\n".join(p.read_text(encoding="utf-8", errors="replace") for p in paths)


def make_synthetic(target: Path, size: int = SYNTH_BYTES) -> list[Path]:
    """About ``size`` bytes of new reports, recombined from the shipped ones' sections.

    Deterministic (fixed seed): each new report takes the opening of one real
    report and first-level sections drawn from all of them, so the text looks
    like the corpus (headings, figures, set phrases) without being a copy of it.
    """
    sys.path.insert(0, str(ROOT / "src"))
    from caogao.corpus.parse import load_corpus

    reports, _ = load_corpus()
    sections = [s for r in reports for p in r.parts for s in p.sections]
    rng = random.Random(20231)
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    files, total, n = [], 0, 0
    while total < size:
        n += 1
        base = rng.choice(reports)
        lines = [f"{base.year or 2023}年{base.period if base.period == '上半年' else ''}第{n}号镇政府工作报告",
                 "各位代表：", "上半年工作回顾" if base.period == "上半年" else "一年来工作回顾"]
        numerals = "一二三四五六七八九十"
        picked = rng.sample(sections, k=min(8, len(sections)))
        for i, s in enumerate(picked):
            lines.append(f"{numerals[i]}、{s.heading}")
            if s.text:
                lines.append(s.text)
            for c in s.children:
                lines.append(f"{c.heading}{c.text}")
        text = "\n".join(lines) + "\n"
        path = target / f"synth_{n:04d}.txt"
        path.write_text(text, encoding="utf-8")
        files.append(path)
        total += len(text.encode("utf-8"))
    return files


def make_styled_draft(path: Path, *, styles: int = 8000, paragraphs: int = 2000) -> Path:
    """A draft as years of copying between documents leave one: ``styles`` paragraph styles,
    in chains of ten each based on the one before (every tenth chain on Heading 1, so an
    outline level is inherited), and ``paragraphs`` paragraphs using them (about 160 KB)."""
    import docx
    from docx.enum.style import WD_STYLE_TYPE

    doc = docx.Document()
    table = doc.styles.element  # Styles.add_style scans every style per call: here, ids are new
    for i in range(styles):
        style = table.add_style_of_type(f"自定义样式{i}", WD_STYLE_TYPE.PARAGRAPH, False)
        style.styleId = f"S{i}"
        if i % 10:
            style.basedOn_val = f"S{i - 1}"
        elif i % 100 == 0:
            style.basedOn_val = "Heading1"
    for j in range(paragraphs):
        if j % 40 == 0:
            text = f"{'一二三四五六七八九十'[j // 40 % 10]}、重点工作推进情况"
        else:
            text = f"全镇完成固定资产投资{j}万元，同比增长5.{j % 10}%，各项工作稳步推进。"
        doc.add_paragraph(text)._p.style = f"S{j * 7 % styles}"
    doc.save(path)
    return path


def segmentation_floor(paths: list[Path], name: str) -> list[str]:
    """The command that segments ``paths`` with bare jieba, as the floor of building a bank of them."""
    listing = WORK / f"floor_files_{name}.json"
    listing.write_text(json.dumps([str(p) for p in paths]), encoding="utf-8")
    code = ("import json,sys,jieba; jieba.setLogLevel(60); "
            f"ps=json.load(open({str(listing)!r})); "
            "[jieba.lcut(open(p,encoding='utf-8').read()) for p in ps]")
    return [PY, "-c", code]


def compare_segmenters(text: str) -> dict:
    import jieba
    import rjieba

    jieba.setLogLevel(60)
    jieba.lcut("预热")
    plain = rjieba.Jieba()  # the default dictionary: caogao adds its user dictionary to rjieba's own
    t0 = time.perf_counter()
    a = jieba.lcut(text)
    t1 = time.perf_counter()
    b = plain.cut(text)
    t2 = time.perf_counter()
    sa, sb = set(_spans(a)), set(_spans(b))
    agreement = len(sa & sb) / max(len(sa | sb), 1)
    # as caogao cuts: both with its user dictionary, run by run, rjieba's runs of letters
    # and digits split as jieba splits them
    from caogao.text import segment as tk
    blocks = sorted(set(tk.BLOCK_RE.findall(text)))
    ours = tk.jieba_tokenizer()
    same = sum(list(ours.cut(x)) == tk.normalise(tk.rjieba_segmenter().cut(x)) for x in blocks)
    return {"jieba_s": t1 - t0, "rjieba_s": t2 - t1, "token_agreement": agreement, "chars": len(text),
            "caogao_blocks_same": same / max(len(blocks), 1), "blocks": len(blocks)}


def forget_build_cache(home: Path) -> None:
    """Remove caogao's build cache (segmented text, parsed reports, fitted model), not jieba's
    dictionary cache: it is made once per machine and jieba version, whatever the corpus."""
    for f in home.glob("build-cache.sqlite*"):  # the file, its WAL, its working sets
        shutil.rmtree(f) if f.is_dir() else f.unlink()


def _spans(tokens):
    pos = 0
    for t in tokens:
        yield (pos, pos + len(t))
        pos += len(t)


def web_search_times(db: Path, queries: int = 100) -> dict:
    """``caogao serve``'s search as the 素材 page calls it, in ms, over HTTP on loopback against a
    running server (Starlette's TestClient adds some 60 ms of its own per request): the target is
    < 50 ms at the 95th percentile on the 10 MB synthetic bank. Also how long after ``serve``
    starts the page answers (target < 1 s)."""
    import http.client
    import urllib.parse

    words = ["生态", "人居环境", "招商引资", "乡村振兴", "民生", "安全生产", "项目", "就业", "党建", "基层治理"]
    start = time.perf_counter()
    server = subprocess.Popen([CAOGAO, "serve", "--no-browser", "--db", str(db)],  # its port, or a free one
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        line = server.stdout.readline()  # caogao 已在本机启动：http://127.0.0.1:PORT/
        port = int(line.rsplit(":", 1)[1].strip().strip("/"))
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        conn.request("GET", "/bank")
        conn.getresponse().read()
        ready = time.perf_counter() - start
        times = []
        for i in range(queries):
            params = {"q": words[i % len(words)], **({"section": "生态环境"} if i % 3 == 0 else {}),
                      **({"generic": "1"} if i % 2 else {})}
            t = time.perf_counter()
            conn.request("GET", "/bank/search?" + urllib.parse.urlencode(params))
            response = conn.getresponse()
            response.read()
            assert response.status == 200
            times.append((time.perf_counter() - t) * 1000)
    finally:
        server.terminate()
        server.wait(timeout=30)
    times.sort()
    return {"median_ms": times[len(times) // 2], "p95_ms": times[int(len(times) * 0.95) - 1], "n": len(times),
            "ready_s": ready}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--quick", action="store_true", help="smaller synthetic corpus, fewer runs")
    ap.add_argument("--write", action="store_true", help="also write bench/RESULTS.md")
    args = ap.parse_args()
    runs = 3 if args.quick else args.runs
    WORK.mkdir(parents=True, exist_ok=True)
    home = WORK / "home"
    env = dict(os.environ, CAOGAO_HOME=str(home))
    shipped = sorted((ROOT / "corpus").glob("*.txt"))
    rows: list[tuple[str, dict, dict | None]] = []

    print("measuring (a few minutes; the table follows) …", flush=True)
    # Shipped corpus: build, then lookups and drafting from the built bank; all of these by turns.
    # A first build of the shipped corpus uses the classifier shipped with it; --refit shows
    # what any other corpus's first build pays to fit one (importing scikit-learn, fitting).
    db = home / "bank.sqlite"
    lines = [s.strip() for s in corpus_text(shipped).replace("。", "。\n").splitlines() if len(s.strip()) > 8][:200]
    forget = dict(env=env, setup=lambda: forget_build_cache(home))
    # an office's first build: the shipped corpus and one report of its own, for which no model
    # is shipped (recombined from the shipped reports' sections, as the synthetic corpus below)
    office = make_synthetic(WORK / "office", 1)
    styled = make_styled_draft(WORK / "styled.docx")
    m = measure_together({
        "imports": dict(cmd=[PY, "-c", "import docx, jinja2, yaml"]),
        "segment": dict(cmd=segmentation_floor(shipped, "shipped")),
        "cold": dict(cmd=[CAOGAO, "bank", "build"], **forget),
        "refit": dict(cmd=[CAOGAO, "bank", "build", "--refit"], **forget),
        "build": dict(cmd=[CAOGAO, "bank", "build"], env=env),
        "search": dict(cmd=[CAOGAO, "bank", "search", "生态", "--section", "生态环境", "--json"], env=env),
        "draft": dict(cmd=[CAOGAO, "build", str(EXAMPLE), "-o", str(WORK / "draft.docx"), "--force", "--seed", "1"],
                      env=env),
        # findings in the draft make check exit 1
        "check": dict(cmd=[CAOGAO, "check", str(styled), "--json"], env=env, ok=(0, 1)),
        "classify": dict(cmd=[CAOGAO, "bank", "classify", "-", "--json"], env=env,
                         stdin=("\n".join(lines) + "\n").encode("utf-8")),
        "office_segment": dict(cmd=segmentation_floor(shipped + office, "office")),
        "office": dict(cmd=[CAOGAO, "bank", "build", str(WORK / "office"), "--db", str(WORK / "office.sqlite")],
                       **forget),
    }, runs=runs)
    assert db.exists()
    floor_imports, seg_shipped = m["imports"], m["segment"]
    rows.append(("floor: import docx, jinja2, yaml", floor_imports, None))
    rows.append(("floor: jieba.lcut over shipped corpus", seg_shipped, None))
    rows.append(("bank build (shipped corpus)", m["build"], seg_shipped))
    rows.append(("bank build (shipped corpus, empty build cache)", m["cold"], seg_shipped))
    rows.append(("bank build --refit (shipped corpus, empty build cache: the classifier fitted)", m["refit"],
                 seg_shipped))
    rows.append(("floor: jieba.lcut over shipped corpus and one office report", m["office_segment"], None))
    rows.append(("bank build office/ (shipped corpus + one office report, empty build cache: a model fitted)",
                 m["office"], m["office_segment"]))
    rows.append(("bank search 生态 --section 生态环境", m["search"], floor_imports))
    rows.append(("build examples/青禾镇2023年上半年.yaml", m["draft"], floor_imports))
    rows.append(("check of a draft with 8,000 styles and 2,000 paragraphs", m["check"], floor_imports))
    rows.append((f"bank classify - ({len(lines)} lines)", m["classify"], None))

    # Synthetic ~10 MB corpus: full build, then an incremental rebuild after one file changed.
    size = SYNTH_BYTES // 10 if args.quick else SYNTH_BYTES
    synth = make_synthetic(WORK / "synth", size)
    sdb = WORK / "synth.sqlite"
    if sdb.exists():
        sdb.unlink()
    big_runs = 1 if args.quick else max(1, runs // 2)
    synth_cmd = [CAOGAO, "bank", "build", str(WORK / "synth"), "--only", "--db", str(sdb)]
    m = measure_together({
        "segment": dict(cmd=segmentation_floor(synth, "synthetic")),
        "cold": dict(cmd=synth_cmd, env=env, setup=lambda: forget_build_cache(home)),
        "build": dict(cmd=synth_cmd, env=env),
    }, runs=big_runs)
    synth_cold, synth_build, seg_synth = m["cold"], m["build"], m["segment"]
    mb = sum(p.stat().st_size for p in synth) / 1024 / 1024
    rows.append((f"floor: jieba.lcut over synthetic corpus ({mb:.1f} MB)", seg_synth, None))
    rows.append((f"bank build (synthetic, {mb:.1f} MB, {len(synth)} files)", synth_build, seg_synth))
    rows.append((f"bank build (synthetic, {mb:.1f} MB, empty build cache)", synth_cold, seg_synth))
    web = web_search_times(sdb)
    web_line = (f"caogao serve on the synthetic bank ({mb:.1f} MB): the page answers {web['ready_s']:.2f} s after "
                f"serve starts (target < 1 s); search over HTTP, {web['n']} requests: median "
                f"{web['median_ms']:.1f} ms, p95 {web['p95_ms']:.1f} ms (target < 50 ms)")
    print(web_line, flush=True)

    def touch_one():
        p = synth[len(synth) // 2]
        p.write_text(p.read_text(encoding="utf-8") + f"补充一句用于基准测试的新内容{time.time_ns()}。\n", encoding="utf-8")


    # A report as a user adds it names villages and firms no report named before: the rebuild
    # POS-tags them, and every phrase is checked against the corpus's new names.
    fresh = iter(random.Random(time.time_ns()).sample(range(len(_NAME_CHARS) ** 3), 1000))

    def touch_names():
        p = synth[len(synth) // 3]
        n = next(fresh)
        a, b, c = (_NAME_CHARS[n // len(_NAME_CHARS) ** k % len(_NAME_CHARS)] for k in range(3))
        p.write_text(p.read_text(encoding="utf-8") + f"今年新建{a}{b}村文化礼堂，扶持{b}{c}农业开发有限公司发展壮大。\n",
                     encoding="utf-8")

    # the incremental target is in seconds: the import floor, measured by turns with the rebuilds,
    # shows how fast this shared machine was meanwhile
    m = measure_together({
        "imports": dict(cmd=[PY, "-c", "import docx, jinja2, yaml"]),
        "incremental": dict(cmd=synth_cmd, env=env, setup=touch_one),
        "named": dict(cmd=synth_cmd, env=env, setup=touch_names),
        # what keeping the classifier after a small edit saves: the same rebuild, fitting anew
        "refit": dict(cmd=synth_cmd + ["--refit"], env=env, setup=touch_one),
    }, runs=runs)
    rows.append(("floor: import docx, jinja2, yaml, by turns with the two rebuilds below", m["imports"], None))
    rows.append(("bank build, incremental (one synthetic file changed)", m["incremental"], None))
    rows.append(("bank build, incremental (a sentence naming a new village and firm added)", m["named"], None))
    rows.append(("bank build --refit, incremental (one file changed; the classifier fitted anew)", m["refit"], None))

    extra = {}
    os.environ["CAOGAO_HOME"] = str(home)  # the checks below run here: they use the bench's caogao folder
    try:
        sys.path.insert(0, str(ROOT / "src"))
        from caogao.mining.evaluation import evaluate_gold

        extra["classification_accuracy_lor"] = evaluate_gold(ROOT / "tests" / "data" / "gold.tsv")
    except ImportError as exc:
        extra["classification_accuracy_lor"] = f"unavailable: {exc}"
    extra["segmenters"] = compare_segmenters(corpus_text(shipped))
    from caogao.corpus.evaluate import evaluate, load_outlines
    from caogao.mining.evaluation import outline_accuracy

    real = ROOT / "tests" / "data" / "real"
    extra["real"] = {}
    for name, held in (("dev", False), ("held-out", True)):
        golds = load_outlines(real, held_out=held)
        score = evaluate(golds)
        extra["real"][name] = (len(golds), score, outline_accuracy(golds))

    out = [f"machine: {os.cpu_count()} cores, Python {platform.python_version()}, {platform.machine()}",
           "", "| measurement | median s | peak MB | floor s | × floor |", "| --- | ---: | ---: | ---: | ---: |"]
    for name, m, floor in rows:
        ratio = f"{m['median'] / floor['median']:.2f}" if floor else ""
        fl = f"{floor['median']:.3f}" if floor else ""
        out.append(f"| {name} | {m['median']:.3f} | {m['peak_mb']:.0f} | {fl} | {ratio} |")
    out.append("")
    acc = extra["classification_accuracy_lor"]
    out.append(f"classification accuracy on the gold set, leave-one-report-out: "
               f"{acc:.3f}" if isinstance(acc, float) else f"classification accuracy: {acc}")
    seg = extra["segmenters"]
    out.append(f"segmenters on the shipped corpus ({seg['chars']} chars): jieba {seg['jieba_s']:.2f} s, "
               f"rjieba {seg['rjieba_s']:.2f} s, token agreement {seg['token_agreement']:.3f}")
    out.append(f"as caogao cuts (user dictionary, letter/digit runs split as jieba does): "
               f"{seg['caogao_blocks_same']:.4f} of {seg['blocks']} distinct runs cut alike")
    for name, (files, score, (acc, typed)) in extra["real"].items():
        out.append(f"real reports, {name} ({files} files, tests/data/real/): heading recall {score.recall:.3f}, "
                   f"precision {score.precision:.3f} (top two levels), part-kind recall {score.part_recall:.3f}, "
                   f"section classification {acc:.3f} ({typed} sections)")
    out.append(web_line)
    sys.path.insert(0, str(ROOT / "bench"))
    from speed_code import count

    speed = count()
    out.append(f"speed-only code (bench/speed_code.py): {sum(r[1] for r in speed)} lines of code, "
               f"{sum(r[2] for r in speed)} with their docstrings and comments (goal < 500); largest: "
               + "; ".join(f"{what} {code}" for what, code, _ in sorted(speed, key=lambda r: -r[1])[:4]))
    text = "\n".join(out)
    print(text)
    if args.write:
        (ROOT / "bench" / "RESULTS.md").write_text(
            "# Benchmark results\n\nWritten by `make bench` (`bench/run.py --write`).\n\n" + text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
