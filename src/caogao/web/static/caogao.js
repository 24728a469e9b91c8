// caogao serve: the page scripts. Plain JavaScript, no build step.
"use strict";

const TOKEN = document.querySelector('meta[name="caogao-token"]').content;

// Copy buttons (素材): navigator.clipboard on 127.0.0.1, a hidden textarea elsewhere.
document.addEventListener("click", (ev) => {
  const btn = ev.target.closest("button.copy");
  if (!btn) return;
  const text = btn.dataset.copy;
  const done = () => { btn.textContent = "已复制"; setTimeout(() => (btn.textContent = "复制"), 1500); };
  if (navigator.clipboard && window.isSecureContext) {
    navigator.clipboard.writeText(text).then(done);
  } else {
    const area = document.createElement("textarea");
    area.value = text;
    document.body.appendChild(area);
    area.select();
    document.execCommand("copy");
    area.remove();
    done();
  }
});

// File pickers: a label styled as a button, and the chosen file's name beside it.
document.addEventListener("change", (ev) => {
  if (ev.target.type !== "file") return;
  const label = ev.target.closest("label.button");
  const shown = label && label.nextElementSibling;
  if (!shown || !shown.classList.contains("file-name")) return;
  const file = ev.target.files[0];
  shown.textContent = file ? `已选：${file.name}` : shown.dataset.empty;
});

// Save a fetched file under the name the server gave it.
function saveBlob(res, blob, fallback) {
  const cd = res.headers.get("content-disposition") || "";
  const m = cd.match(/filename\*=UTF-8''([^;]+)/i);
  const a = document.createElement("a");
  a.href = URL.createObjectURL(blob);
  a.download = m ? decodeURIComponent(m[1]) : fallback;
  document.body.appendChild(a);
  a.click();
  a.remove();
  return a.download;
}

// ------------------------------------------------------------------ 校对
const annotateBtn = document.getElementById("do-annotate");
if (annotateBtn) {
  annotateBtn.addEventListener("click", async () => {
    const input = document.getElementById("check-file");
    const status = document.getElementById("check-status");
    if (!input.files[0]) { status.textContent = "请先点“选择文件”选好草稿。"; return; }
    const body = new FormData();
    body.append("file", input.files[0]);
    status.textContent = "正在检查并写批注……";
    const res = await fetch("/check/annotated", {
      method: "POST", body, headers: { "X-Caogao-Token": TOKEN, Accept: "application/json" } });
    if (!res.ok) {
      const type = res.headers.get("content-type") || "";
      const err = type.includes("json") ? await res.json() : { message: await res.text() };
      status.textContent = err.message + (err.hint ? `（建议：${err.hint}）` : "");
      return;
    }
    const n = res.headers.get("x-caogao-findings") || "0";
    const name = saveBlob(res, await res.blob(), "批注稿.docx");
    status.textContent = `已下载：${name}（${n} 条批注）`;
  });
}

// ------------------------------------------------------------------ 起草
const form = document.getElementById("facts");
if (form) draftPage();

function draftPage() {
  const KEY = "caogao.facts";
  const TOP = ["单位", "年份", "时段", "上级", "会议", "日期", "报告人", "存在问题"];
  const IND = ["名称", "单位", "本期", "上年同期", "同比", "全年目标"];
  const SEC = ["类别", "标题", "要点", "指标"];
  const TGT = ["名称", "方式", "值", "单位"];
  const WAYS = { 增长: "增长×%左右", 控制在: "控制在×%以内", 目标: "照原样写" };
  const status = document.getElementById("status");
  const errorBox = document.getElementById("form-error");
  let state = load();

  function blank() {
    return { 时段: "上半年", 主要指标: [{}, {}, {}], 工作回顾: [{}], 工作计划: [], 预期目标: [{}], seed: 0 };
  }
  function load() {
    try { return JSON.parse(localStorage.getItem(KEY)) || blank(); } catch (e) { return blank(); }
  }
  function save() {
    state = collect();
    localStorage.setItem(KEY, JSON.stringify(state));
  }

  function collect() {
    const out = { seed: state.seed || 0, 主要指标: [], 工作回顾: [], 工作计划: [], 预期目标: [] };
    for (const k of TOP) out[k] = form.querySelector(`[data-field="${k}"]`).value;
    for (const tr of form.querySelectorAll("#indicators tbody tr")) {
      const row = {};
      for (const k of IND) row[k] = tr.querySelector(`[data-key="${k}"]`).value;
      out.主要指标.push(row);
    }
    for (const tr of form.querySelectorAll("#targets tbody tr")) {
      const row = {};
      for (const k of TGT) row[k] = tr.querySelector(`[data-key="${k}"]`).value;
      out.预期目标.push(row);
    }
    for (const part of ["工作回顾", "工作计划"]) {
      for (const div of form.querySelectorAll(`[data-part="${part}"] .section-item`)) {
        const row = {};
        for (const k of SEC) row[k] = div.querySelector(`[data-key="${k}"]`).value;
        out[part].push(row);
      }
    }
    return out;
  }

  function render() {
    for (const k of TOP) form.querySelector(`[data-field="${k}"]`).value = state[k] || (k === "时段" ? "上半年" : "");
    const body = form.querySelector("#indicators tbody");
    body.innerHTML = "";
    (state.主要指标 || []).forEach((row, i) => body.appendChild(indicatorRow(row, i)));
    const targets = form.querySelector("#targets tbody");
    targets.innerHTML = "";
    if (!state.预期目标 || !state.预期目标.length) state.预期目标 = [{}];
    state.预期目标.forEach((row, i) => targets.appendChild(targetRow(row, i)));
    showTargets();
    for (const part of ["工作回顾", "工作计划"]) {
      const box = form.querySelector(`[data-part="${part}"]`);
      box.innerHTML = "";
      (state[part] || []).forEach((row, i) => box.appendChild(sectionItem(part, row, i)));
    }
  }

  // One row of an editable table: a control per key (made by ``control``), and a 删除 button.
  function tableRow(part, keys, i, control, removeTitle) {
    const tr = document.createElement("tr");
    for (const k of keys) {
      const td = document.createElement("td");
      const input = control(k);
      input.dataset.key = k;
      input.dataset.field = `${part}.${i}.${k}`;
      if (!input.hasAttribute("aria-label")) input.setAttribute("aria-label", k);
      td.appendChild(input);
      tr.appendChild(td);
    }
    const td = document.createElement("td");
    td.innerHTML = `<button type="button" class="small danger remove" title="${removeTitle}">删除</button>`;
    tr.appendChild(td);
    return tr;
  }
  function textInput(value, placeholder = "") {
    const input = document.createElement("input");
    input.value = value || "";
    input.placeholder = placeholder;
    return input;
  }

  function indicatorRow(row, i) {
    return tableRow("主要指标", IND, i, (k) => {
      const input = textInput(row[k]);
      if (k !== "名称" && k !== "单位") input.inputMode = "decimal";
      return input;
    }, "删除这一行");
  }

  function targetRow(row, i) {
    return tableRow("预期目标", TGT, i, (k) => {
      if (k === "方式") {
        const select = document.createElement("select");
        for (const [value, text] of Object.entries(WAYS)) select.add(new Option(text, value));
        select.value = WAYS[row[k]] ? row[k] : "增长";
        return select;
      }
      const input = textInput(row[k], { 名称: "如：地区生产总值", 单位: "%" }[k] || "");
      if (k === "值") input.setAttribute("aria-label", "数值或写法");
      return input;
    }, "删除这一项");
  }
  function showTargets() {
    document.getElementById("targets-card").hidden = form.querySelector('[data-field="时段"]').value !== "全年";
  }

  function sectionItem(part, row, i) {
    const node = document.getElementById("section-template").content.firstElementChild.cloneNode(true);
    for (const k of SEC) {
      const el = node.querySelector(`[data-key="${k}"]`);
      el.dataset.field = `${part}.${i}.${k}`;
      el.value = row[k] || "";
    }
    node.querySelector("[data-key=要点]").placeholder = part === "工作回顾"
      ? "如：【招商引资成效明显】上半年外出招商14次，签约项目4个。\n新建高标准农田2800亩。"
      : "如：【抓好项目建设】确保冷链物流中心年内投用。";
    return node;
  }

  // Excel copies rows as tab-separated lines: fill the table from the cell pasted into.
  form.querySelector("#indicators").addEventListener("paste", (ev) => {
    const text = (ev.clipboardData || window.clipboardData).getData("text");
    if (!text.includes("\t") && !text.includes("\n")) return;
    ev.preventDefault();
    if (!ev.target.dataset.key) return;
    const start = ev.target.closest("tr");
    const startRow = [...start.parentNode.children].indexOf(start);
    const startCol = IND.indexOf(ev.target.dataset.key);
    save();
    let rows = text.replace(/\r/g, "").split("\n").filter((l) => l.trim());
    if (rows.length && rows[0].split("\t")[0].trim() === "名称") rows = rows.slice(1);
    rows.forEach((line, r) => {
      const cells = line.split("\t");
      const target = state.主要指标[startRow + r] || (state.主要指标[startRow + r] = {});
      cells.forEach((c, j) => { if (startCol + j < IND.length) target[IND[startCol + j]] = c.trim(); });
    });
    render();
    save();
    say(`已粘贴 ${rows.length} 行。`);
  });

  form.addEventListener("input", () => save());
  form.addEventListener("change", () => { save(); showTargets(); });
  form.addEventListener("click", (ev) => {
    const add = ev.target.closest("[data-add]");
    const remove = ev.target.closest("button.remove");
    if (!add && !remove) return;
    save();
    if (add) {
      state[add.dataset.add].push({});
    } else {
      const tr = remove.closest("tr");
      const list = tr && (tr.closest("#targets") ? state.预期目标 : state.主要指标);
      if (tr) list.splice([...tr.parentNode.children].indexOf(tr), 1);
      const item = remove.closest(".section-item");
      if (item) {
        const part = item.parentNode.dataset.part;
        state[part].splice([...item.parentNode.children].indexOf(item), 1);
      }
    }
    render();
    save();
  });

  function say(text) { status.textContent = text; }
  function clearErrors() {
    errorBox.hidden = true;
    form.querySelectorAll(".field-error").forEach((e) => e.remove());
    form.querySelectorAll(".invalid").forEach((e) => e.classList.remove("invalid"));
  }
  function showError(err) {
    clearErrors();
    const el = err.field && form.querySelector(`[data-field="${CSS.escape(err.field)}"]`);
    const text = err.message + (err.hint ? `（建议：${err.hint}）` : "");
    if (el) {
      el.classList.add("invalid");
      const msg = document.createElement("div");
      msg.className = "field-error";
      msg.setAttribute("role", "alert");
      msg.textContent = text;
      (el.closest("td") || el.closest("label") || el).appendChild(msg);
      el.scrollIntoView({ block: "center" });
      el.focus();
    }
    errorBox.textContent = el ? `表单中有一处要改：${text}` : (err.full || text);
    errorBox.hidden = false;
    say("");
  }

  async function post(url, body, headers = {}) {
    const res = await fetch(url, { method: "POST", body, headers: { "X-Caogao-Token": TOKEN, ...headers } });
    if (res.ok) return res;
    const type = res.headers.get("content-type") || "";
    showError(type.includes("json") ? await res.json() : { message: await res.text() });
    return null;
  }
  const asJson = () => { save(); return JSON.stringify(state); };
  const jsonHeaders = { "Content-Type": "application/json" };

  async function preview() {
    say("正在起草……");
    const res = await post("/draft/preview", asJson(), jsonHeaders);
    if (!res) return;
    clearErrors();
    const data = await res.json();
    document.getElementById("preview").innerHTML = data.html;
    const notes = document.getElementById("notes");
    notes.innerHTML = "";
    for (const n of data.notes) { const li = document.createElement("li"); li.textContent = n; notes.appendChild(li); }
    const card = document.getElementById("preview-card");
    card.hidden = false;
    card.scrollIntoView({ block: "start" });
    say(data.gaps ? `草稿已生成，还有 ${data.gaps} 处【待补充】需要填写。` : "草稿已生成，没有待补充的地方。");
  }

  async function download(url, fallback) {
    const res = await post(url, asJson(), jsonHeaders);
    if (!res) return;
    clearErrors();
    say(`已下载：${saveBlob(res, await res.blob(), fallback)}`);
  }

  document.getElementById("do-preview").addEventListener("click", preview);
  document.getElementById("do-reseed").addEventListener("click", () => { state.seed = (state.seed || 0) + 1; save(); preview(); });
  document.getElementById("do-docx").addEventListener("click", () => download("/draft/docx", "草稿.docx"));
  document.getElementById("do-export").addEventListener("click", () => download("/draft/yaml", "事实.yaml"));
  document.getElementById("do-import").addEventListener("change", async (ev) => {
    const file = ev.target.files[0];
    if (!file) return;
    const body = new FormData();
    body.append("file", file);
    const res = await post("/draft/import", body);
    ev.target.value = "";
    if (!res) return;
    const data = await res.json();
    state = { ...data.form, seed: 0 };
    localStorage.setItem(KEY, JSON.stringify(state));
    render();
    clearErrors();
    say(`已导入 ${file.name}。` + data.notes.join(""));
  });
  const sheetError = document.getElementById("sheet-error");
  document.getElementById("do-sheet").addEventListener("change", async (ev) => {
    const file = ev.target.files[0];
    if (!file) return;
    sheetError.hidden = true;
    const body = new FormData();
    body.append("file", file);
    say(`正在读取 ${file.name}……`);
    const res = await fetch("/draft/sheet", { method: "POST", body, headers: { "X-Caogao-Token": TOKEN } });
    ev.target.value = "";
    const type = res.headers.get("content-type") || "";
    const data = type.includes("json") ? await res.json() : { message: await res.text() };
    if (!res.ok) {
      sheetError.textContent = data.message + (data.hint ? `\n建议：${data.hint}` : "");
      sheetError.hidden = false;
      say("");
      return;
    }
    save();
    state.主要指标 = data.rows;
    render();
    save();
    say(`已从 ${file.name} 读入 ${data.rows.length} 个指标，原来表格里的指标已替换。`);
  });
  document.getElementById("do-clear").addEventListener("click", () => {
    if (!confirm("清空表单里填写的全部内容？（建议先“导出事实文件”留个底）")) return;
    localStorage.removeItem(KEY);
    state = blank();
    render();
    clearErrors();
    say("已清空。");
  });

  render();
}
