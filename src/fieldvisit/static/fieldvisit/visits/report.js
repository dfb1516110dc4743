// The visit report: nothing typed is lost.
//  - Every change is kept as a draft in localStorage and restored after a reload.
//  - The submission carries one client-generated id (kept with the draft), so a retry or a
//    double tap reaches the server as the same report, which files it once.
//  - Without a connection the submission waits in localStorage and is sent when the browser
//    fires "online"; the page says so. Photos are not kept offline (too large for storage).
//  - The disposable income is recomputed as the agent types (in fen, never floats); the server
//    computes it again at submission and its figure is the record.
(function () {
  "use strict";
  var form = document.getElementById("report");
  if (!form || !form.dataset.api) { return; }
  var draftKey = "fieldvisit:report-draft:" + form.dataset.visit;
  var queueKey = "fieldvisit:report-queue:" + form.dataset.visit;
  var statusLine = document.getElementById("report-status");
  var button = form.querySelector("[type=submit]");
  var csrf = form.querySelector("[name=csrfmiddlewaretoken]").value;
  var sending = false;
  var zh = document.documentElement.lang.indexOf("zh") === 0;
  var T = zh ? {
    queued: "没有网络：报告已保存在手机上，联网后会自动提交。",
    sending: "正在提交…",
    sent: "报告已提交。",
    fix: "请修改标出的字段。",
    restored: "已恢复未提交的草稿。"
  } : {
    queued: "No connection: the report is saved on this phone and will be sent when the connection returns.",
    sending: "Sending…",
    sent: "Report submitted.",
    fix: "Please correct the fields marked below.",
    restored: "Your unsent draft was restored."
  };

  function newId() {
    if (window.crypto && crypto.randomUUID) { return crypto.randomUUID(); }
    // crypto.randomUUID needs a secure context; an intranet on plain HTTP still has this.
    var b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    var h = Array.prototype.map.call(b, function (x) { return (x + 0x100).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  function show(text, kind) {
    statusLine.textContent = text || "";
    statusLine.className = "status-line" + (kind ? " " + kind : "");
  }

  function entries() {
    var out = [];
    new FormData(form).forEach(function (value, name) {
      if (typeof value === "string" && name !== "csrfmiddlewaretoken") { out.push([name, value]); }
    });
    return out;
  }

  function read(key) {
    try { return JSON.parse(localStorage.getItem(key) || "null"); } catch (e) { return null; }
  }

  function saveDraft() {
    localStorage.setItem(draftKey, JSON.stringify({ fields: entries(), saved: Date.now() }));
  }

  function restore(fields) {
    var values = {};
    fields.forEach(function (pair) { (values[pair[0]] = values[pair[0]] || []).push(pair[1]); });
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.type === "file" || el.name === "csrfmiddlewaretoken") { return; }
      var given = values[el.name] || [];
      if (el.type === "checkbox" || el.type === "radio") { el.checked = given.indexOf(el.value) !== -1; }
      else if (el.tagName !== "BUTTON") { el.value = given.length ? given[given.length - 1] : ""; }
    });
  }

  // --- the disposable income, live --------------------------------------------------------
  function cents(text) {
    var m = /^\s*(\d+)(?:\.(\d{0,2}))?\s*$/.exec((text || "").replace(/,/g, ""));
    if (!m) { return text && text.trim() ? null : 0; }
    return parseInt(m[1], 10) * 100 + parseInt(((m[2] || "") + "00").slice(0, 2), 10);
  }
  function yuan(value) {
    var a = Math.abs(value);
    return (value < 0 ? "-" : "") + Math.floor(a / 100) + "." + ("0" + (a % 100)).slice(-2);
  }
  function recompute() {
    var totals = { income: 0, fixed: 0, flexible: 0, debts: 0 };
    var bad = false;
    form.querySelectorAll("[data-section]").forEach(function (input) {
      var c = cents(input.value);
      if (c === null) { bad = true; } else { totals[input.dataset.section] += c; }
    });
    Object.keys(totals).forEach(function (key) {
      var cell = form.querySelector("[data-subtotal=" + key + "]");
      if (cell) { cell.textContent = yuan(totals[key]); }
    });
    var out = document.getElementById("disposable");
    var disposable = totals.income - totals.fixed - totals.flexible - totals.debts;
    out.textContent = bad ? "—" : yuan(disposable);
    out.classList.toggle("negative", !bad && disposable < 0);
  }

  function toggleCrisis() {
    var crisis = form.querySelector("[name=state_of_mind][value=crisis]");
    document.getElementById("crisis-note").hidden = !(crisis && crisis.checked);
  }

  // --- submission ---------------------------------------------------------------------------
  function clearErrors() {
    form.querySelectorAll("[data-error-for]").forEach(function (p) { p.textContent = ""; });
  }
  function showErrors(detail) {
    var first = null;
    Object.keys(detail).forEach(function (name) {
      var messages = [].concat(detail[name]).join(" ");
      var slot = form.querySelector("[data-error-for=" + name + "]");
      if (slot) { slot.textContent = messages; first = first || slot; }
      else { show(messages, "error"); }
    });
    if (!statusLine.textContent) { show(T.fix, "error"); }
    if (first) { first.scrollIntoView({ block: "center" }); }
  }

  function queue(payload) {
    localStorage.setItem(queueKey, JSON.stringify(payload));
    show(T.queued, "queued");
  }

  function formData(payload, files) {
    var data = new FormData();
    payload.fields.forEach(function (pair) { data.append(pair[0], pair[1]); });
    data.set("client_id", payload.client_id);
    (files || []).forEach(function (file) { data.append("photos", file); });
    return data;
  }

  function send(payload, files) {
    sending = true;
    button.disabled = true;
    show(T.sending);
    fetch(form.dataset.api, {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrf, Accept: "application/json" },
      body: formData(payload, files)
    }).then(function (response) {
      return response.json().then(function (data) { return { ok: response.ok, data: data }; });
    }).then(function (answer) {
      sending = false;
      button.disabled = false;
      // The server answered: whatever it said, the network is not the problem any more.
      localStorage.removeItem(queueKey);
      if (answer.ok) {
        localStorage.removeItem(draftKey);
        show(T.sent, "sent");
        window.location.assign(answer.data.url);
      } else if (answer.data && typeof answer.data.detail === "object") {
        showErrors(answer.data.detail);
      } else {
        show(answer.data && answer.data.detail, "error");
      }
    }).catch(function () {
      sending = false;
      button.disabled = false;
      queue(payload);
    });
  }

  function flush() {
    var payload = read(queueKey);
    if (payload && !sending) { send(payload, []); }
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (sending) { return; }
    clearErrors();
    saveDraft();
    var payload = { client_id: form.elements.client_id.value, fields: entries() };
    if (!navigator.onLine) { queue(payload); return; }
    send(payload, Array.prototype.slice.call(form.querySelector("[name=photos]").files));
  });
  form.addEventListener("input", function () { saveDraft(); recompute(); toggleCrisis(); });
  form.addEventListener("change", function () { saveDraft(); recompute(); toggleCrisis(); });
  window.addEventListener("online", flush);

  var draft = read(draftKey);
  if (draft && draft.fields && draft.fields.length) {
    restore(draft.fields);
    show(T.restored);
  }
  if (!form.elements.client_id.value) { form.elements.client_id.value = newId(); }
  saveDraft();  // the client id is fixed from now on: a reload keeps it
  recompute();
  toggleCrisis();
  if (read(queueKey)) {
    show(T.queued, "queued");
    if (navigator.onLine) { flush(); }
  }
})();
