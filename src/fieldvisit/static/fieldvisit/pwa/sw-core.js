// The service worker's logic (its configuration comes first, from /sw.js: apps/visits/pwa.py).
//  - static files: from the phone first (their names change when their content does);
//  - pages: from the network, and from the phone when there is no signal or the network hangs
//    longer than navigationTimeoutMs; a page that was not saved gets the offline page;
//  - the agent's day is saved when the route page asks ("cache-day"), replacing the last one;
//  - a page answered by the login form means the session ended: the saved day is deleted;
//  - Background Sync sends the outbox (outbox.js) when the connection returns.
// POST requests are never touched: a submission that fails is kept by the outbox, not here.
/* global FieldvisitOutbox */
(function () {
  "use strict";
  const C = self.FIELDVISIT_SW;
  const STATIC = "fieldvisit-static-" + C.version;
  const PAGES = "fieldvisit-pages";

  self.addEventListener("install", (event) => {
    event.waitUntil(
      caches.open(STATIC).then((cache) => cache.addAll(C.precache)).then(() => self.skipWaiting())
    );
  });

  self.addEventListener("activate", (event) => {
    event.waitUntil(
      caches.keys()
        .then((keys) => Promise.all(
          keys.filter((key) => key.startsWith("fieldvisit-static-") && key !== STATIC)
            .map((key) => caches.delete(key))
        ))
        .then(() => self.clients.claim())
    );
  });

  function isLogin(response) {
    return response.redirected && new URL(response.url).pathname === C.login;
  }

  async function fromNetwork(request) {
    const response = await fetch(request);
    if (isLogin(response)) {
      await caches.delete(PAGES);
      return response;
    }
    if (response.ok && !response.redirected) {
      // A page kept for the day is refreshed whenever it is seen with a signal.
      const cache = await caches.open(PAGES);
      if (await cache.match(request.url, { ignoreVary: true })) {
        await cache.put(request.url, response.clone());
      }
    }
    return response;
  }

  async function fromPhone(request) {
    const cache = await caches.open(PAGES);
    return cache.match(request.url, { ignoreVary: true, ignoreSearch: false });
  }

  async function offlinePage() {
    const cache = await caches.open(STATIC);
    return (await cache.match(C.offline, { ignoreVary: true })) || Response.error();
  }

  function navigate(request) {
    const network = fromNetwork(request);
    const timeout = new Promise((resolve) => setTimeout(resolve, C.navigationTimeoutMs, "timeout"));
    return Promise.race([network, timeout]).then(async (first) => {
      if (first !== "timeout") { return first; }
      return (await fromPhone(request)) || network;
    }).catch(async () => (await fromPhone(request)) || offlinePage());
  }

  async function staticFile(request) {
    const cache = await caches.open(STATIC);
    const kept = await cache.match(request, { ignoreVary: true });
    if (kept) { return kept; }
    const response = await fetch(request);
    if (response.ok) { await cache.put(request, response.clone()); }
    return response;
  }

  self.addEventListener("fetch", (event) => {
    const request = event.request;
    if (request.method !== "GET") { return; }
    const url = new URL(request.url);
    if (url.origin !== self.location.origin) { return; }
    if (url.pathname.startsWith(C.staticPrefix)) {
      event.respondWith(staticFile(request));
    } else if (request.mode === "navigate") {
      event.respondWith(navigate(request));
    }
  });

  // Save the agent's day: every listed page, fetched now with the agent's session. The pages
  // of an earlier day are dropped. Answers { saved, failed } on the message's port.
  async function cacheDay(urls) {
    const cache = await caches.open(PAGES);
    let saved = 0;
    let failed = 0;
    for (const url of urls) {
      try {
        const response = await fetch(url, {
          credentials: "same-origin",
          headers: { "X-Fieldvisit-Offline": "1" }
        });
        if (isLogin(response)) { await caches.delete(PAGES); return { saved: 0, failed: urls.length }; }
        if (response.ok && !response.redirected) {
          await cache.put(url, response);
          saved += 1;
        } else {
          failed += 1;
        }
      } catch (e) {
        failed += 1;
      }
    }
    const wanted = new Set(urls.map((url) => new URL(url, self.location.origin).href));
    for (const request of await cache.keys()) {
      if (!wanted.has(request.url)) { await cache.delete(request); }
    }
    return { saved: saved, failed: failed };
  }

  self.addEventListener("message", (event) => {
    const data = event.data || {};
    const reply = (answer) => event.ports[0] && event.ports[0].postMessage(answer);
    if (data.type === "cache-day") {
      event.waitUntil(cacheDay(data.urls || []).then(reply, () => reply({ saved: 0, failed: -1 })));
    } else if (data.type === "forget-day") {
      event.waitUntil(caches.delete(PAGES).then(() => reply({ forgotten: true })));
    }
  });

  self.addEventListener("sync", (event) => {
    if (event.tag === FieldvisitOutbox.SYNC_TAG) {
      event.waitUntil(FieldvisitOutbox.flush({}).then((outcome) => {
        // Still waiting (no signal after all): let the browser try the sync again later.
        if (outcome.stopped === "offline") { throw new Error("offline"); }
      }));
    }
  });
})();
