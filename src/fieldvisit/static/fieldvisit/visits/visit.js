// Check-in: the phone's position, accuracy and clock go to the server, which computes the
// distance and decides whether the fix counts as "at the address". Without a signal the
// check-in waits on the phone (outbox) with its client id and device time, the report can be
// written at once, and the server records both times when it arrives. Offline, the phone
// applies the server's limits itself to ask for a reason before the agent walks away.
(function () {
  "use strict";
  const form = document.getElementById("check-in");
  const App = window.FieldvisitApp;
  if (!form || !App) { return; }
  const T = App.T;
  const status = document.getElementById("check-in-status");
  const reasonBox = document.getElementById("check-in-reason");
  const problem = document.getElementById("check-in-problem");
  const reportLink = document.getElementById("offline-report-link");
  const csrf = form.querySelector("[name=csrfmiddlewaretoken]").value;
  const visit = form.dataset.visit;
  let lastPosition = null;
  let busy = false;

  function showQueued(item) {
    form.hidden = true;
    status.textContent = "";
    const note = document.createElement("p");
    note.dataset.testid = "checked-in-offline";
    note.className = "status-line queued";
    note.textContent = item.state === "waiting"
      ? App.fill(T.checked_in_offline, { time: App.clock(item.created) })
      : T.check_in + " — " + T["state_" + item.state];
    form.parentNode.insertBefore(note, form);
    reportLink.hidden = false;
  }

  // The server's rule, applied on the phone when the server cannot be asked (apps/visits/services).
  function offlineProblems(position) {
    if (!position) { return [T.no_position]; }
    const c = position.coords;
    const rad = Math.PI / 180;
    const dLat = (Number(form.dataset.lat) - c.latitude) * rad;
    const dLng = (Number(form.dataset.lng) - c.longitude) * rad;
    const a = Math.sin(dLat / 2) ** 2 +
      Math.cos(c.latitude * rad) * Math.cos(Number(form.dataset.lat) * rad) * Math.sin(dLng / 2) ** 2;
    const distance = Math.round(2 * 6371008.8 * Math.asin(Math.min(1, Math.sqrt(a))));
    const found = [];
    if (distance > Number(form.dataset.maxDistance)) {
      found.push(App.fill(T.far, { distance: distance, limit: form.dataset.maxDistance }));
    }
    if (c.accuracy > Number(form.dataset.maxAccuracy)) {
      found.push(App.fill(T.vague, { accuracy: Math.round(c.accuracy), limit: form.dataset.maxAccuracy }));
    }
    return found;
  }

  function askReason(text) {
    busy = false;
    status.textContent = "";
    reasonBox.hidden = false;
    problem.textContent = text;
    form.reason.focus();
  }

  function body(position, madeAt, clientId, queued) {
    const data = { reason: form.reason.value, device_at: madeAt, client_id: clientId, queued: queued };
    if (position) {
      data.latitude = position.coords.latitude;
      data.longitude = position.coords.longitude;
      data.accuracy = position.coords.accuracy;
    }
    return data;
  }

  async function queue(position, madeAt, clientId) {
    const found = offlineProblems(position);
    if (found.length && !form.reason.value.trim()) { askReason(found.concat([T.give_reason]).join(" ")); return; }
    const item = await App.submit({
      id: clientId, kind: "check_in", visit: visit, order: form.dataset.order,
      url: form.dataset.url, created: madeAt, body: body(position, madeAt, clientId, true)
    });
    if (item && item.state === "sent") { window.location.reload(); return; }
    showQueued(item);
  }

  async function send(position) {
    // The moment of the check-in on the phone's clock (a fix's own timestamp may be older).
    const madeAt = new Date().toISOString();
    const clientId = App.newId();
    if (!navigator.onLine) { await queue(position, madeAt, clientId); return; }
    status.textContent = T.checking_in;
    let response;
    try {
      response = await fetch(form.dataset.url, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrf, Accept: "application/json" },
        body: JSON.stringify(body(position, madeAt, clientId, false))
      });
    } catch (e) {
      await queue(position, madeAt, clientId);
      return;
    }
    const data = await response.json().catch(() => ({}));
    if (response.ok) {
      // Noted on the phone as sent: a saved copy of this page (a slow network later) still
      // shows the check-in and the way to the report.
      await window.FieldvisitOutbox.put({
        id: clientId, kind: "check_in", visit: visit, order: form.dataset.order, url: form.dataset.url,
        user: App.user, created: madeAt, state: "sent", sent: new Date().toISOString()
      });
      window.location.reload();
      return;
    }
    if (data.code === "reason_required") { askReason(data.detail); return; }
    askReason(typeof data.detail === "string" ? data.detail : JSON.stringify(data.detail));
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    if (busy) { return; }
    busy = true;
    if (lastPosition && !reasonBox.hidden) { send(lastPosition); return; }
    if (!navigator.geolocation) { send(null); return; }
    status.textContent = T.locating;
    navigator.geolocation.getCurrentPosition(
      (position) => { lastPosition = position; send(position); },
      () => send(null),
      { enableHighAccuracy: true, timeout: 15000, maximumAge: 0 }
    );
  });

  // A page saved before the check-in still says "planned": what waits on the phone says more.
  window.FieldvisitOutbox.all().then((items) => {
    const mine = items.filter((item) => item.visit === visit && item.user === App.user);
    const checkIn = mine.find((item) => item.kind === "check_in" && item.state !== "failed");
    if (checkIn) { showQueued(checkIn); }
  });
})();
