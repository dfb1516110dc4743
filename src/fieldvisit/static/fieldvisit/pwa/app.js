// The phone app on every page of a signed-in user (apps/visits/pwa.py says what is kept, and why).
//  - An agent's phone registers the service worker; on anyone else's it is removed.
//  - The route page saves the agent's day on the phone ("offline-pages": route, briefs, forms).
//  - The outbox (outbox.js) is sent on load and when the connection returns, and drawn where a
//    page has a place for it (#outbox): what waits, what was sent, what was kept or refused.
//  - Logging out deletes the saved day and the drafts; what waits to be sent stays (it is the
//    agent's evidence), after a warning, and is sent only when the same user is back.
(function () {
  "use strict";
  const body = document.body;
  const Outbox = window.FieldvisitOutbox;
  const T = JSON.parse(document.getElementById("pwa-text").textContent);
  const user = body.dataset.user || "";
  const agent = body.dataset.pwa === "agent" || body.dataset.pwa === "offline-page";
  const lang = document.documentElement.lang || "zh-hans";

  function fill(text, values) {
    return text.replace(/%\((\w+)\)s/g, (m, name) => (values[name] === undefined ? m : String(values[name])));
  }

  function clock(iso) {
    const d = new Date(iso);
    return ("0" + d.getHours()).slice(-2) + ":" + ("0" + d.getMinutes()).slice(-2);
  }

  function newId() {
    if (window.crypto && crypto.randomUUID) { return crypto.randomUUID(); }
    // crypto.randomUUID needs a secure context; an intranet on plain HTTP still has this.
    const b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    const h = Array.prototype.map.call(b, (x) => (x + 0x100).toString(16).slice(1)).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  function csrfToken() {
    const field = document.querySelector("input[name=csrfmiddlewaretoken]");
    return field ? field.value : "";
  }

  // --- the outbox on the page ---------------------------------------------------------------
  const panel = document.getElementById("outbox");

  function describe(item) {
    const what = fill(T.stop, { order: item.order }) + " · " + T[item.kind];
    const when = item.state === "sent" || item.state === "kept"
      ? fill(T.made_at, { time: clock(item.created) }) + " · " + fill(T.sent_at, { time: clock(item.sent) })
      : fill(T.made_at, { time: clock(item.created) });
    let note = item.message || "";
    if (!note && item.state === "waiting" && item.code) { note = T[item.code] || ""; }
    return { what: what, when: when, state: T["state_" + item.state], note: note };
  }

  // A route saved before the check-ins still says "planned": mark what waits on the phone.
  function markStops(mine) {
    document.querySelectorAll("[data-testid=stop][data-visit]").forEach((stop) => {
      const waiting = mine.filter((item) => item.visit === stop.dataset.visit && item.state === "waiting");
      let badge = stop.querySelector("[data-testid=stop-waiting]");
      if (!waiting.length) { if (badge) { badge.remove(); } return; }
      if (!badge) {
        badge = document.createElement("span");
        badge.className = "badge checked_in";
        badge.dataset.testid = "stop-waiting";
        stop.querySelector(".stop-head").appendChild(badge);
      }
      badge.textContent = waiting.map((item) => T[item.kind]).join(" · ") + " — " + T.state_waiting;
    });
  }

  async function render() {
    if (!panel || !Outbox) { return; }
    const items = await Outbox.all();
    // The offline page names nobody: it shows the last signed-in user's items.
    const who = user || ((await Outbox.getMeta("session")) || {}).user;
    const mine = items.filter((item) => item.user === who);
    markStops(mine);
    const others = items.length - mine.length;
    panel.hidden = items.length === 0;
    const count = (state) => mine.filter((item) => item.state === state).length;
    panel.querySelector("[data-testid=outbox-summary]").textContent = fill(T.summary, {
      waiting: count("waiting"), sent: count("sent"), other: count("kept") + count("failed") + others
    });
    const list = panel.querySelector("[data-testid=outbox-items]");
    list.textContent = "";
    mine.forEach((item) => {
      const text = describe(item);
      const li = document.createElement("li");
      li.className = "outbox-item " + item.state;
      li.dataset.testid = "outbox-item";
      li.dataset.state = item.state;
      li.dataset.kind = item.kind;
      li.dataset.visit = item.visit;
      const head = document.createElement("strong");
      head.textContent = text.what + " — " + text.state;
      li.appendChild(head);
      li.appendChild(document.createTextNode(" · " + text.when));
      if (text.note) {
        const p = document.createElement("p");
        p.className = "outbox-note";
        p.dataset.testid = "outbox-message";
        p.textContent = text.note;
        li.appendChild(p);
      }
      if (item.state === "failed" && item.kind === "report" && item.form) {
        const a = document.createElement("a");
        a.href = item.form;
        a.textContent = T.open_report;
        li.appendChild(a);
      }
      list.appendChild(li);
    });
  }

  let flushing = null;
  function flush() {
    if (!Outbox || !user || !navigator.onLine) { return Promise.resolve(null); }
    if (!flushing) {
      flushing = Outbox.flush({ user: user, csrf: csrfToken() }).finally(() => { flushing = null; });
    }
    return flushing;
  }

  async function askForSync() {
    if (!("serviceWorker" in navigator)) { return; }
    try {
      // Not .ready: without a worker yet it would never settle, and the page would hang.
      const registration = await navigator.serviceWorker.getRegistration("/");
      if (registration && registration.sync) { await registration.sync.register(Outbox.SYNC_TAG); }
    } catch (e) { /* no Background Sync: the next page load or "online" sends it */ }
  }

  // Queue a submission and try to send it now. Resolves with the item as it then stands.
  async function submit(item) {
    await Outbox.put(Object.assign({ user: user, created: new Date().toISOString() }, item));
    await flush();
    const now = await Outbox.get(item.id);
    if (now && now.state === "waiting") { await askForSync(); }
    return now;
  }

  // --- the service worker and the saved day ---------------------------------------------------
  function ask(worker, message) {
    return new Promise((resolve) => {
      const channel = new MessageChannel();
      channel.port1.onmessage = (event) => resolve(event.data);
      worker.postMessage(message, [channel.port2]);
    });
  }

  async function saveDay() {
    const list = document.getElementById("offline-pages");
    const line = document.getElementById("offline-ready");
    if (!list || !line || !navigator.onLine) { return; }
    const urls = JSON.parse(list.textContent);
    line.textContent = T.saving;
    const registration = await navigator.serviceWorker.ready;
    const answer = await ask(registration.active, { type: "cache-day", urls: urls });
    if (answer && answer.saved === urls.length) {
      const stops = urls.filter((url) => /^\/visits\/\d+\/$/.test(url)).length;
      line.textContent = fill(T.saved, { n: stops, time: clock(new Date().toISOString()) });
      line.classList.add("sent");
      line.dataset.saved = String(answer.saved);
    } else {
      line.textContent = T.save_failed;
      line.classList.add("queued");
    }
  }

  async function forgetDay() {
    if ("caches" in window) { await caches.delete("fieldvisit-pages"); }
    Object.keys(localStorage)
      .filter((key) => key.indexOf("fieldvisit:report-draft:") === 0)
      .forEach((key) => localStorage.removeItem(key));
  }

  async function setUp() {
    if (!("serviceWorker" in navigator)) { return; }
    if (agent) {
      await navigator.serviceWorker.register("/sw.js", { scope: "/" });
      await saveDay();
    } else {
      // A shared phone: someone else's saved day is not left behind for this user.
      const registration = await navigator.serviceWorker.getRegistration("/");
      if (registration) { await registration.unregister(); await forgetDay(); }
    }
  }

  function guardLogout() {
    const form = document.querySelector("form[action$='/accounts/logout/']");
    if (!form) { return; }
    form.addEventListener("submit", async (event) => {
      if (form.dataset.confirmed) { return; }
      event.preventDefault();
      const waiting = Outbox
        ? (await Outbox.all()).filter((item) => item.user === user && item.state === "waiting").length
        : 0;
      if (waiting && !window.confirm(fill(T.logout_waiting, { n: waiting }))) { return; }
      await forgetDay();
      form.dataset.confirmed = "1";
      form.submit();
    });
  }

  window.FieldvisitApp = { submit: submit, flush: flush, render: render, newId: newId, fill: fill, clock: clock, T: T, user: user };

  if (Outbox && user) {
    Outbox.setMeta("session", { user: user, csrf: csrfToken(), lang: lang }).then(flush).then(render);
    if (typeof BroadcastChannel === "function") {
      new BroadcastChannel(Outbox.CHANNEL).onmessage = () => render();
    }
    window.addEventListener("online", () => flush().then(render));
  } else if (Outbox) {
    render();
  }
  guardLogout();
  setUp().catch(() => { /* no service worker (a private window, an old browser): pages still work online */ });
})();
