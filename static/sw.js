// Premia's service worker: the site works a little without a network.
// - Static files (fingerprinted, portal/web/assets.py) come from its cache first; the list is self.PREMIA,
//   which /sw.js writes in front of this file (portal/web/pwa.py).
// - Pages always come from the network. Without one, the claim form opens from a copy kept for the signed-in
//   user, and any other page shows a small offline page in the user's language.
// - A claim form that cannot be sent (no network) is kept in IndexedDB (static/js/offline.js) and sent later.
// It never keeps another private page, and forgets the claim form's copy at logout.
"use strict";
var C = self.PREMIA;
var STATIC = "premia-static-" + C.version;
var PAGES = "premia-pages";
var STATE = "/__premia/state"; // {user, lang, token} of the last page that spoke to the worker
var KEEP_PAGE_MS = 6 * 3600 * 1000;
importScripts(C.queue); // self.PremiaQueue: the claims kept on this phone

self.addEventListener("install", function (event) {
  var offline = Object.keys(C.offline).map(function (lang) { return C.offline[lang]; });
  event.waitUntil(caches.open(STATIC).then(function (cache) {
    return cache.addAll(C.assets.concat(offline));
  }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (name) {
      return name.indexOf("premia-static-") === 0 && name !== STATIC;
    }).map(function (name) { return caches.delete(name); }));
  }).then(function () { return self.clients.claim(); }));
});

function state() {
  return caches.open(PAGES).then(function (cache) { return cache.match(STATE); })
    .then(function (r) { return r ? r.json() : {}; }).catch(function () { return {}; });
}

// A page tells who is signed in: keep a fresh copy of the claim form for that user, that session's token and
// this version of the static files (the copy names them), renewed every few hours.
function warm(data) {
  return caches.open(PAGES).then(function (cache) {
    return cache.put(STATE, new Response(JSON.stringify(data))).then(function () {
      return cache.match(C.pages[0]);
    }).then(function (kept) {
      var fresh = kept && kept.headers.get("x-premia-user") === data.user &&
        kept.headers.get("x-premia-version") === C.version &&
        kept.headers.get("x-premia-token") === data.token &&
        Date.now() - Number(kept.headers.get("x-premia-at")) < KEEP_PAGE_MS;
      if (fresh || !data.user) { return; }
      return Promise.all(C.pages.map(function (path) {
        return fetch(path, { credentials: "same-origin", cache: "no-store" }).then(function (response) {
          if (!response.ok || response.redirected) { return cache.delete(path); }
          return response.text().then(function (html) {
            return cache.put(path, new Response(html, { headers: {
              "content-type": "text/html; charset=utf-8", "x-premia-user": data.user,
              "x-premia-token": data.token || "", "x-premia-version": C.version,
              "x-premia-at": String(Date.now()) } }));
          });
        });
      }));
    });
  });
}

self.addEventListener("message", function (event) {
  var data = event.data || {};
  if (data.type === "warm") { event.waitUntil(warm(data).catch(function () {})); }
});

function offlinePage(url) {
  return caches.open(PAGES).then(function (cache) {
    return C.pages.indexOf(url.pathname) >= 0 ? cache.match(url.pathname) : null;
  }).then(function (copy) {
    if (copy) {
      // A kept copy: offline.js sees data-copy and gives the form a fresh idempotency key and token.
      return copy.text().then(function (html) {
        return new Response(html.replace('id="offline-words"', 'id="offline-words" data-copy="1"'),
          { headers: { "content-type": "text/html; charset=utf-8" } });
      });
    }
    return state().then(function (s) {
      return caches.match(C.offline[s.lang] || C.offline[Object.keys(C.offline)[0]]);
    });
  }).then(function (response) {
    return response || new Response("offline", { status: 503, headers: { "content-type": "text/plain" } });
  });
}

// The claim form sent without a network: keep it, and show the form again (it says what is waiting).
function keepClaim(request) {
  return Promise.all([request.formData(), state()]).then(function (both) {
    var entry = self.PremiaQueue.fromFormData(both[0], both[1].user);
    return self.PremiaQueue.add(entry);
  }).then(function () {
    return Response.redirect("/claims/new?queued=1", 303);
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request, url = new URL(request.url);
  if (url.origin !== self.location.origin) { return; }
  var page = request.mode === "navigate" || request.headers.get("HX-Boosted") === "true";
  if (request.method === "POST") {
    if (url.pathname === "/logout") { event.waitUntil(caches.delete(PAGES)); return; }
    if (request.mode === "navigate" && url.pathname === "/claims/new") {
      var copy = request.clone();
      event.respondWith(fetch(request).catch(function () { return keepClaim(copy); }));
    }
    return;
  }
  if (request.method !== "GET") { return; }
  if (url.pathname.indexOf("/static/") === 0) {
    event.respondWith(caches.match(request).then(function (hit) {
      return hit || fetch(request).catch(function () {
        return caches.match(request, { ignoreSearch: true }).then(function (old) { return old || Response.error(); });
      });
    }));
    return;
  }
  if (page) {
    event.respondWith(fetch(request).catch(function () { return offlinePage(url); }));
  }
});
