// The phone's outbox: check-ins and reports made without a signal wait here (IndexedDB) and are
// sent when the connection returns, by the page (on load, on "online") or by the service worker
// (Background Sync). Shared by pages and the worker: it touches no DOM.
//
// An item: { id: its client id (the server files one record per id, so a resend is harmless),
//   kind: "check_in" | "report", visit, order (the stop number), url (the API), user (only the
//   same user sends it), created (device time, ISO), seq, state, code, message, errors,
//   body (check-in JSON) | fields ([name, value] pairs) + files (Blobs), result }.
// States: waiting → sent | kept (the server kept it for the manager: the visit was reassigned)
//   | failed (the server refused it: the message says why). Waiting items stay through a
//   logout; a sent item keeps no payload.
// Codes are stored, words are not: the page shows each code in the reader's language.
(function (root) {
  "use strict";
  const DB = "fieldvisit";
  const VERSION = 1;
  const OUTBOX = "outbox";
  const META = "meta";
  const CHANNEL = "fieldvisit-outbox";
  const KEEP_SENT_MS = 24 * 3600 * 1000;

  function request(req) {
    return new Promise((resolve, reject) => {
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
  }

  let opened = null;
  function open() {
    if (!opened) {
      const req = indexedDB.open(DB, VERSION);
      req.onupgradeneeded = () => {
        const db = req.result;
        if (!db.objectStoreNames.contains(OUTBOX)) { db.createObjectStore(OUTBOX, { keyPath: "id" }); }
        if (!db.objectStoreNames.contains(META)) { db.createObjectStore(META, { keyPath: "key" }); }
      };
      opened = request(req);
    }
    return opened;
  }

  async function store(name, mode) {
    const db = await open();
    return db.transaction(name, mode).objectStore(name);
  }

  function announce() {
    if (typeof BroadcastChannel === "function") {
      const channel = new BroadcastChannel(CHANNEL);
      channel.postMessage({ type: "changed" });
      channel.close();
    }
  }

  async function all() {
    const items = await request((await store(OUTBOX, "readonly")).getAll());
    return items.sort((a, b) => (a.created < b.created ? -1 : a.created > b.created ? 1 : a.seq - b.seq));
  }

  async function get(id) {
    return request((await store(OUTBOX, "readonly")).get(id));
  }

  // A double tap puts the same id twice: the second replaces the first, one item remains.
  async function put(item) {
    const previous = await get(item.id);
    const row = Object.assign({ state: "waiting", seq: Date.now(), attempts: 0 }, previous || {}, item);
    if (previous && previous.state !== "waiting" && !item.state) { row.state = previous.state; }
    await request((await store(OUTBOX, "readwrite")).put(row));
    announce();
    return row;
  }

  async function update(id, patch) {
    const row = await get(id);
    if (!row) { return null; }
    Object.assign(row, patch);
    await request((await store(OUTBOX, "readwrite")).put(row));
    announce();
    return row;
  }

  async function remove(id) {
    await request((await store(OUTBOX, "readwrite")).delete(id));
    announce();
  }

  async function setMeta(key, value) {
    await request((await store(META, "readwrite")).put({ key: key, value: value }));
  }

  async function getMeta(key) {
    const row = await request((await store(META, "readonly")).get(key));
    return row ? row.value : null;
  }

  function body(item, csrf) {
    const headers = { "X-CSRFToken": csrf, Accept: "application/json" };
    if (item.kind === "check_in") {
      headers["Content-Type"] = "application/json";
      return { headers: headers, body: JSON.stringify(item.body) };
    }
    const data = new FormData();
    (item.fields || []).forEach((pair) => data.append(pair[0], pair[1]));
    data.set("client_id", item.id);
    (item.files || []).forEach((file) => data.append("photos", file, file.name || "photo.jpg"));
    return { headers: headers, body: data };
  }

  function detailText(data) {
    if (!data || data.detail === undefined) { return ""; }
    if (typeof data.detail === "string") { return data.detail; }
    return Object.keys(data.detail).map((name) => [].concat(data.detail[name]).join(" ")).join(" ");
  }

  const done = { fields: null, files: null, body: null };

  // Send one item. Returns "sent", "kept", "failed", "auth", "server" or "offline".
  async function send(item, csrf) {
    const request = body(item, csrf);
    let response;
    try {
      response = await fetch(item.url, {
        method: "POST",
        credentials: "same-origin",
        headers: request.headers,
        body: request.body
      });
    } catch (e) {
      return "offline";
    }
    let data = null;
    try { data = await response.json(); } catch (e) { data = null; }
    const now = new Date().toISOString();
    if (response.ok) {
      await update(item.id, Object.assign({ state: "sent", sent: now, code: "", message: "", result: data && { id: data.id, url: data.url || null } }, done));
      return "sent";
    }
    if (response.status === 409 && data && data.code === "visit_reassigned") {
      await update(item.id, Object.assign({ state: "kept", sent: now, code: data.code, message: detailText(data) }, done));
      return "kept";
    }
    if (response.status === 401 || response.status === 403) {
      // The session ended or the CSRF token changed: nothing was filed; keep it for the next login.
      await update(item.id, { code: "auth", message: "", attempts: (item.attempts || 0) + 1 });
      return "auth";
    }
    if (response.status >= 500) {
      await update(item.id, { code: "server", message: "", attempts: (item.attempts || 0) + 1 });
      return "server";
    }
    await update(item.id, {
      state: "failed", code: (data && data.code) || "invalid", message: detailText(data),
      errors: data && typeof data.detail === "object" ? data.detail : null
    });
    return "failed";
  }

  async function flushLocked(options) {
    const session = (await getMeta("session")) || {};
    const user = options.user || session.user;
    const csrf = options.csrf || session.csrf;
    const outcome = { sent: 0, kept: 0, failed: 0, waiting: 0, stopped: "" };
    if (!user || !csrf) { return outcome; }
    const items = (await all()).filter((item) => item.user === user && item.state === "waiting");
    const waitingCheckIns = new Set(items.filter((i) => i.kind === "check_in").map((i) => i.visit));
    for (const item of items) {
      if (outcome.stopped) { outcome.waiting += 1; continue; }
      // A report goes after its visit's check-in: the server files it on a checked-in visit.
      if (item.kind === "report" && waitingCheckIns.has(item.visit)) { outcome.waiting += 1; continue; }
      const result = await send(item, csrf);
      if (result === "sent" || result === "kept") {
        outcome[result] += 1;
        if (item.kind === "check_in") { waitingCheckIns.delete(item.visit); }
      } else if (result === "failed") {
        outcome.failed += 1;
      } else {
        outcome.waiting += 1;
        if (result !== "server") { outcome.stopped = result; }
      }
    }
    await prune();
    return outcome;
  }

  // Page and worker may both flush; one at a time (a double send is harmless, but wasteful).
  function flush(options) {
    options = options || {};
    if (root.navigator && root.navigator.locks) {
      return root.navigator.locks.request("fieldvisit-outbox", () => flushLocked(options));
    }
    return flushLocked(options);
  }

  async function prune() {
    const cutoff = Date.now() - KEEP_SENT_MS;
    for (const item of await all()) {
      if (item.state === "sent" && Date.parse(item.sent) < cutoff) { await remove(item.id); }
    }
  }

  root.FieldvisitOutbox = {
    all: all, get: get, put: put, update: update, remove: remove, flush: flush,
    setMeta: setMeta, getMeta: getMeta, CHANNEL: CHANNEL, SYNC_TAG: "fieldvisit-outbox"
  };
})(self);
