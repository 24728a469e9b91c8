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

// ------------------------------------------------------------------ 起草
const form = document.getElementById("facts");
if (form) draftPage();

function draftPage() {
  const KEY = "caogao.facts";
  const TOP = ["单位", "年份", "时段", "上级", "会议", "日期", "报告人", "存在问题"];
  const IND = ["名称", "单位", "本期", "上年同期", "同比", "全年目标"];
  const SEC = ["类别", "标题", "要点", "指标"];
  const status = document.getElementById("status");
  const errorBox = document.getElementById("form-error");
  let state = load();

  function blank() {
    return { 时段: "上半年", 主要指标: [{}, {}, {}], 工作回顾: [{}], 工作计划: [], seed: 0 };
  }
  function load() {
    try { return JSON.parse(localStorage.getItem(KEY)) || blank(); } catch (e) { return blank(); }
  }
  function save() {
    state = collect();
    localStorage.setItem(KEY, JSON.stringify(state));
  }

  function collect() {
    const out = { seed: state.seed || 0, 主要指标: [], 工作回顾: [], 工作计划: [] };
    for (const k of TOP) out[k] = form.querySelector(`[data-field="${k}"]`).value;
    for (const tr of form.querySelectorAll("#indicators tbody tr")) {
      const row = {};
      for (const k of IND) row[k] = tr.querySelector(`[data-key="${k}"]`).value;
      out.主要指标.push(row);
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
    for (const part of ["工作回顾", "工作计划"]) {
      const box = form.querySelector(`[data-part="${part}"]`);
      box.innerHTML = "";
      (state[part] || []).forEach((row, i) => box.appendChild(sectionItem(part, row, i)));
    }
  }

  function indicatorRow(row, i) {
    const tr = document.createElement("tr");
    for (const k of IND) {
      const td = document.createElement("td");
      const input = document.createElement("input");
      input.dataset.key = k;
      input.dataset.field = `主要指标.${i}.${k}`;
      input.value = row[k] || "";
      input.setAttribute("aria-label", k);
      if (k !== "名称" && k !== "单位") input.inputMode = "decimal";
      td.appendChild(input);
      tr.appendChild(td);
    }
    const td = document.createElement("td");
    td.innerHTML = '<button type="button" class="small danger remove" title="删除这一行">删除</button>';
    tr.appendChild(td);
    return tr;
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
  form.addEventListener("change", () => save());
  form.addEventListener("click", (ev) => {
    const add = ev.target.closest("[data-add]");
    const remove = ev.target.closest("button.remove");
    if (!add && !remove) return;
    save();
    if (add) {
      state[add.dataset.add].push({});
    } else {
      const tr = remove.closest("tr");
      if (tr) state.主要指标.splice([...tr.parentNode.children].indexOf(tr), 1);
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

  function filename(res, fallback) {
    const cd = res.headers.get("content-disposition") || "";
    const m = cd.match(/filename\*=UTF-8''([^;]+)/i);
    return m ? decodeURIComponent(m[1]) : fallback;
  }
  async function download(url, fallback) {
    const res = await post(url, asJson(), jsonHeaders);
    if (!res) return;
    clearErrors();
    const blob = await res.blob();
    const a = document.createElement("a");
    a.href = URL.createObjectURL(blob);
    a.download = filename(res, fallback);
    document.body.appendChild(a);
    a.click();
    a.remove();
    say(`已下载：${a.download}`);
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
