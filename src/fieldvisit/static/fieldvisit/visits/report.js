// The visit report: nothing typed is lost.
//  - Every change is kept as a draft in localStorage and restored after a reload (deleted at
//    logout, and once the report is filed).
//  - The submission carries one client-generated id (kept with the draft), so a retry, a double
//    tap or a resend after a lost answer reaches the server as the same report, filed once.
//  - It goes through the phone's outbox (IndexedDB, outbox.js) with its photos: without a
//    signal it waits there and is sent when the connection returns (Background Sync, the next
//    page load or "online"); the page says so, and the outbox panel shows it.
//  - The disposable income is recomputed as the agent types (in fen, never floats); the server
//    computes it again at submission and its figure is the record.
(function () {
  "use strict";
  const form = document.getElementById("report");
  const App = window.FieldvisitApp;
  if (!form || !form.dataset.api || !App) { return; }
  const T = App.T;
  const draftKey = "fieldvisit:report-draft:" + form.dataset.visit;
  const statusLine = document.getElementById("report-status");
  const button = form.querySelector("[type=submit]");
  let sending = false;

  function show(text, kind) {
    statusLine.textContent = text || "";
    statusLine.className = "status-line" + (kind ? " " + kind : "");
  }

  function entries() {
    const out = [];
    new FormData(form).forEach((value, name) => {
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
    const values = {};
    fields.forEach((pair) => { (values[pair[0]] = values[pair[0]] || []).push(pair[1]); });
    Array.prototype.forEach.call(form.elements, (el) => {
      if (!el.name || el.type === "file" || el.name === "csrfmiddlewaretoken") { return; }
      const given = values[el.name] || [];
      if (el.type === "checkbox" || el.type === "radio") { el.checked = given.indexOf(el.value) !== -1; }
      else if (el.tagName !== "BUTTON") { el.value = given.length ? given[given.length - 1] : ""; }
    });
  }

  // --- the disposable income, live --------------------------------------------------------
  function cents(text) {
    const m = /^\s*(\d+)(?:\.(\d{0,2}))?\s*$/.exec((text || "").replace(/,/g, ""));
    if (!m) { return text && text.trim() ? null : 0; }
    return parseInt(m[1], 10) * 100 + parseInt(((m[2] || "") + "00").slice(0, 2), 10);
  }
  function yuan(value) {
    const a = Math.abs(value);
    return (value < 0 ? "-" : "") + Math.floor(a / 100) + "." + ("0" + (a % 100)).slice(-2);
  }
  function recompute() {
    const totals = { income: 0, fixed: 0, flexible: 0, debts: 0 };
    let bad = false;
    form.querySelectorAll("[data-section]").forEach((input) => {
      const c = cents(input.value);
      if (c === null) { bad = true; } else { totals[input.dataset.section] += c; }
    });
    Object.keys(totals).forEach((key) => {
      const cell = form.querySelector("[data-subtotal=" + key + "]");
      if (cell) { cell.textContent = yuan(totals[key]); }
    });
    const out = document.getElementById("disposable");
    const disposable = totals.income - totals.fixed - totals.flexible - totals.debts;
    out.textContent = bad ? "—" : yuan(disposable);
    out.classList.toggle("negative", !bad && disposable < 0);
  }

  function toggleCrisis() {
    const crisis = form.querySelector("[name=state_of_mind][value=crisis]");
    document.getElementById("crisis-note").hidden = !(crisis && crisis.checked);
  }

  // --- submission ---------------------------------------------------------------------------
  function clearErrors() {
    form.querySelectorAll("[data-error-for]").forEach((p) => { p.textContent = ""; });
  }
  function showErrors(detail) {
    let first = null;
    Object.keys(detail).forEach((name) => {
      const messages = [].concat(detail[name]).join(" ");
      const slot = form.querySelector("[data-error-for=" + name + "]");
      if (slot) { slot.textContent = messages; first = first || slot; } else { show(messages, "error"); }
    });
    if (!statusLine.textContent) { show(T.fix, "error"); }
    if (first) { first.scrollIntoView({ block: "center" }); }
  }

  function answered(item) {
    if (!item) { return; }
    if (item.state === "sent") {
      localStorage.removeItem(draftKey);
      show(T.sent, "sent");
      if (item.result && item.result.url) { window.location.assign(item.result.url); }
    } else if (item.state === "kept") {
      localStorage.removeItem(draftKey);
      show(item.message, "error");
    } else if (item.state === "failed") {
      if (item.errors) { showErrors(item.errors); } else { show(item.message, "error"); }
    } else {
      show(item.code === "auth" ? T.auth : T.queued, "queued");
    }
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (sending) { return; }
    sending = true;
    button.disabled = true;
    clearErrors();
    saveDraft();
    show(T.sending);
    const id = form.elements.client_id.value;
    const previous = await window.FieldvisitOutbox.get(id);
    if (previous && previous.state === "failed") {
      // Corrected after the server refused it: the same report, sent again.
      await window.FieldvisitOutbox.update(id, { state: "waiting", code: "", message: "", errors: null });
    }
    try {
      answered(await App.submit({
        id: id, kind: "report", visit: form.dataset.visit, order: form.dataset.order,
        url: form.dataset.api, form: window.location.pathname, fields: entries(),
        files: Array.prototype.slice.call(form.querySelector("[name=photos]").files)
      }));
    } finally {
      sending = false;
      button.disabled = false;
    }
  });
  form.addEventListener("input", () => { saveDraft(); recompute(); toggleCrisis(); });
  form.addEventListener("change", () => { saveDraft(); recompute(); toggleCrisis(); });

  const draft = read(draftKey);
  if (draft && draft.fields && draft.fields.length) {
    restore(draft.fields);
    show(T.restored);
  } else {
    // A form saved on the phone carries the id it was rendered with; each new draft gets its own.
    form.elements.client_id.value = App.newId();
  }
  saveDraft();  // the client id is fixed from now on: a reload keeps it
  recompute();
  toggleCrisis();
  window.FieldvisitOutbox.get(form.elements.client_id.value).then((item) => {
    if (item && item.state === "waiting") { show(T.queued, "queued"); }
    if (item && item.state === "failed") { answered(item); }
  });
  // Sent while this page was open (another tab, the service worker): say so.
  if (typeof BroadcastChannel === "function") {
    new BroadcastChannel(window.FieldvisitOutbox.CHANNEL).addEventListener("message", () => {
      window.FieldvisitOutbox.get(form.elements.client_id.value).then((item) => {
        if (item && item.state !== "waiting") { answered(item); }
      });
    });
  }
})();
