// Check-in: ask the browser for the position, let the server compute the distance. Far from
// the address (> 300 m) or a vague fix (> 100 m) makes the server ask for a reason.
(function () {
  "use strict";
  var form = document.getElementById("check-in");
  if (!form) { return; }
  var status = document.getElementById("check-in-status");
  var reasonBox = document.getElementById("check-in-reason");
  var problem = document.getElementById("check-in-problem");
  var csrf = form.querySelector("[name=csrfmiddlewaretoken]").value;
  var lastPosition = null;
  var busy = false;
  var t = document.documentElement.lang.indexOf("zh") === 0
    ? { locating: "正在定位…", sending: "正在签到…", offline: "没有网络，签到需要联网。" }
    : { locating: "Finding your position…", sending: "Checking in…", offline: "No connection: check-in needs one." };

  function send(position) {
    var body = { reason: form.reason.value };
    if (position) {
      body.latitude = position.coords.latitude;
      body.longitude = position.coords.longitude;
      body.accuracy = position.coords.accuracy;
    }
    status.textContent = t.sending;
    return fetch(form.dataset.url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf, Accept: "application/json" },
      body: JSON.stringify(body)
    }).then(function (response) {
      return response.json().then(function (data) {
        if (response.ok) { window.location.reload(); return; }
        busy = false;
        status.textContent = "";
        if (data.code === "reason_required") {
          reasonBox.hidden = false;
          problem.textContent = data.detail;
          form.reason.focus();
        } else {
          problem.textContent = typeof data.detail === "string" ? data.detail : JSON.stringify(data.detail);
          reasonBox.hidden = false;
        }
      });
    }).catch(function () { busy = false; status.textContent = t.offline; });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (busy) { return; }
    busy = true;
    if (lastPosition && !reasonBox.hidden) { send(lastPosition); return; }
    if (!navigator.geolocation) { send(null); return; }
    status.textContent = t.locating;
    navigator.geolocation.getCurrentPosition(
      function (position) { lastPosition = position; send(position); },
      function () { send(null); },
      { enableHighAccuracy: true, timeout: 15000, maximumAge: 0 }
    );
  });
})();
