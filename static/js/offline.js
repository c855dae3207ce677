// Claims registered without a network: kept on this phone (IndexedDB) and sent when the network is back.
// In the service worker (static/sw.js imports it) only the store below runs; in a page it also
// - keeps a claim form sent offline instead of letting the browser fail (window.PremiaOffline.keep(form) does
//   the same for a script that sends the form itself),
// - sends what is kept on the "online" event and on every page load, one at a time, each with its
//   idempotency key (the server makes one claim of a key, however often it arrives), and forgets a claim only
//   after the server's definitive answer: registered, or a field error (then kept until fixed: "Fix it"),
// - shows what waits and what the server answered, on the claim form and the dashboard,
// - registers the service worker and tells it who is signed in (it keeps the claim form for offline use).
(function (global) {
  "use strict";
  var DB = "premia-offline", STORE = "claims";

  function open() {
    return new Promise(function (resolve, reject) {
      var request = global.indexedDB.open(DB, 1);
      request.onupgradeneeded = function () { request.result.createObjectStore(STORE, { keyPath: "id", autoIncrement: true }); };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }

  function run(mode, work) {
    return open().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(STORE, mode), request = work(tx.objectStore(STORE));
        tx.oncomplete = function () { db.close(); resolve(request ? request.result : undefined); };
        tx.onerror = tx.onabort = function () { db.close(); reject(tx.error); };
      });
    });
  }

  // One kept claim: the form's text fields as [name, value] pairs (upload ids and idempotency_key among them,
  // never the CSRF token), its photos as blobs, whose it is, and what the server said last.
  function fromFormData(data, user, photos) {
    var fields = [], files = [], key = "";
    data.forEach(function (value, name) {
      if (name === "_csrf_token") { return; }
      if (typeof value === "string") {
        fields.push([name, value]);
        if (name === "idempotency_key") { key = value; }
      } else if (value && value.size) {
        files.push(value);
      }
    });
    return { user: String(user || ""), key: key, fields: fields, photos: photos || files, state: "waiting",
             errors: [], created: Date.now() };
  }

  var Queue = global.PremiaQueue = {
    fromFormData: fromFormData,
    add: function (entry) { return run("readwrite", function (s) { return s.add(entry); }); },
    put: function (entry) { return run("readwrite", function (s) { return s.put(entry); }); },
    get: function (id) { return run("readonly", function (s) { return s.get(id); }); },
    remove: function (id) { return run("readwrite", function (s) { return s.delete(id); }); },
    all: function () { return run("readonly", function (s) { return s.getAll(); }); }
  };

  if (typeof document === "undefined") { return; } // the service worker needs only the store

  var USED = "premia-used-keys", busy = false;
  var answers = [], notes = {}; // this page's news: claims kept or registered, and why some still wait

  function words() { var el = document.getElementById("offline-words"); return el ? el.dataset : null; }
  function me() { var bell = document.getElementById("bell"); return bell ? bell.getAttribute("data-user") : null; }
  function pageToken() {
    var field = document.querySelector("footer input[name=_csrf_token]");
    return field ? field.value : "";
  }
  function claimForm() { return document.querySelector("form[method=post][action='/claims/new']"); }

  function newKey() {
    var bytes = new Uint8Array(24);
    global.crypto.getRandomValues(bytes);
    return btoa(String.fromCharCode.apply(null, bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }
  function usedKeys() { try { return JSON.parse(localStorage.getItem(USED) || "[]"); } catch (e) { return []; } }
  function markUsed(key) {
    if (!key) { return; }
    var keys = usedKeys().filter(function (k) { return k !== key; });
    keys.push(key);
    try { localStorage.setItem(USED, JSON.stringify(keys.slice(-100))); } catch (e) { /* private mode: the queue check remains */ }
  }

  // A form whose key was sent or kept already (a copy kept for offline use is opened again and again) gets a
  // new one: two claims must never share a key, or the second would be taken for a retry of the first.
  function freshenKey(form) {
    var field = form && form.querySelector("input[name=idempotency_key]");
    if (!field || form.dataset.fix) { return Promise.resolve(); }
    return Queue.all().catch(function () { return []; }).then(function (entries) {
      var taken = usedKeys().concat(entries.map(function (e) { return e.key; }));
      if (taken.indexOf(field.value) >= 0 || (words() && words().copy)) { field.value = newKey(); }
    });
  }

  function keep(form) {
    var photos = null;
    if (global.PremiaClaimForm && typeof global.PremiaClaimForm.pendingPhotos === "function") {
      photos = Array.prototype.slice.call(global.PremiaClaimForm.pendingPhotos(form) || []);
    }
    var entry = fromFormData(new FormData(form), me(), photos);
    markUsed(entry.key);
    if (navigator.storage && navigator.storage.persist) { navigator.storage.persist(); }
    return Queue.add(entry).then(function () {
      form.reset();
      var field = form.querySelector("input[name=idempotency_key]");
      if (field) { field.value = newKey(); }
      form.dispatchEvent(new CustomEvent("premia:kept", { bubbles: true }));
      answers = answers.filter(function (a) { return a.kind !== "queued"; });
      answers.push({ kind: "queued" });
      return show();
    }).then(function () {
      var box = document.getElementById("offline-queue");
      if (box) { box.scrollIntoView({ block: "start" }); }
    });
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form !== claimForm()) { return; }
    var field = form.querySelector("input[name=idempotency_key]");
    markUsed(field && field.value);
    // This form now carries that claim: it leaves the queue once the server registered it (the claim page
    // loads, below), not now: a refusal, a 5xx or a lost answer must not lose it. Its key is the kept one, so a
    // resend of the kept entry meanwhile answers with the same claim.
    if (form.dataset.fix) { try { sessionStorage.setItem("premia-fixing", form.dataset.fix); } catch (e) { /* private mode */ } }
    if (navigator.onLine !== false) { return; } // online: sent as usual (the service worker keeps it if that fails)
    event.preventDefault();
    event.stopImmediatePropagation();
    keep(form);
  }, true);

  // --- sending what is kept -----------------------------------------------------------------------------

  function freshToken(force) {
    var token = pageToken();
    if (token && !force && !(words() && words().copy)) { return Promise.resolve(token); }
    // The page is a kept copy (or the token was refused): take the token a page from the server has now.
    return fetch("/claims/new", { credentials: "same-origin", cache: "no-store" }).then(function (r) { return r.text(); })
      .then(function (html) {
        var field = new DOMParser().parseFromString(html, "text/html").querySelector("input[name=_csrf_token]");
        return field ? field.value : token;
      });
  }

  function fieldErrors(html) {
    var doc = new DOMParser().parseFromString(html, "text/html"), seen = [];
    doc.querySelectorAll(".field-error, .errors li").forEach(function (el) {
      var text = el.textContent.trim();
      if (text && seen.indexOf(text) < 0) { seen.push(text); }
    });
    return seen;
  }

  // One claim to the server. Resolves "sent", "kept" (try again later) or "token" (the CSRF token was refused).
  function send(entry, token) {
    var body = new FormData();
    entry.fields.forEach(function (pair) { body.append(pair[0], pair[1]); });
    body.append("_csrf_token", token);
    entry.photos.forEach(function (photo, i) { body.append("photos", photo, photo.name || "photo-" + (i + 1) + ".jpg"); });
    return fetch("/claims/new", { method: "POST", body: body, credentials: "same-origin", headers: { "x-csrftoken": token } })
      .then(function (response) {
        var path = new URL(response.url).pathname, registered = /^\/claims\/(\d+)$/.exec(path);
        if (response.ok && response.redirected && registered) {
          return Queue.remove(entry.id).then(function () {
            answers.push({ kind: "registered", claim: registered[1], entry: entry });
            return "sent";
          });
        }
        if (response.redirected && path === "/login") { entry.note = "login"; return "kept"; }
        if (response.status === 403) { return "token"; }
        if (response.status >= 400 && response.status < 500 && response.status !== 408 && response.status !== 429) {
          return response.text().then(function (html) {
            entry.state = "error";
            entry.errors = fieldErrors(html);
            return Queue.put(entry).then(function () { return "sent"; });
          });
        }
        entry.note = "retry";
        return "kept";
      }, function () { entry.note = ""; return "kept"; });
  }

  function sendAll() {
    var user = me();
    if (busy || !user || navigator.onLine === false) { return Promise.resolve(); }
    busy = true;
    show();
    var kept = []; // what stays with a note for the box: "login" (signed out) or "retry" (the server failed)
    var work = function () {
      return Queue.all().then(function (entries) {
        var mine = entries.filter(function (e) { return e.user === user && e.state === "waiting"; });
        if (!mine.length) { return; }
        return freshToken(false).then(function (token) {
          var retried = false;
          var next = function (i) {
            if (i >= mine.length) { return; }
            return send(mine[i], token).then(function (result) {
              if (result === "token" && !retried) {
                retried = true;
                return freshToken(true).then(function (t) { token = t; return next(i); });
              }
              if (result === "kept" && !mine[i].note) { return; } // the network is gone again: stop here
              return next(i + 1);
            });
          };
          return next(0).then(function () { kept = mine.filter(function (e) { return e.note; }); });
        });
      });
    };
    var locked = navigator.locks ? navigator.locks.request("premia-offline-queue", work) : work();
    return Promise.resolve(locked).catch(function () {}).then(function () {
      busy = false;
      notes = {};
      kept.forEach(function (e) { notes[e.id] = e.note; });
      return show();
    });
  }

  // --- what the page shows ---------------------------------------------------------------------------------

  function plural(n) {
    var w = words(), rule = "other";
    try { rule = new Intl.PluralRules(w.lang || document.documentElement.lang).select(n); } catch (e) { /* old browser */ }
    var form = rule === "one" ? w.n1 : rule === "few" ? w.n2 : w.n5;
    return form.replace("#", String(n));
  }

  function describe(entry) {
    var values = {};
    entry.fields.forEach(function (pair) { values[pair[0]] = pair[1]; });
    return [values.sold_on, values.amount ? values.amount + " ₽" : "", values.serials ? values.serials.split(/\s+/)[0] : ""]
      .filter(Boolean).join(" · ");
  }

  function item(text, state) {
    var li = document.createElement("li");
    li.textContent = text + (state ? " — " + state : "");
    return li;
  }

  function wanted() {
    return location.pathname === "/dashboard" || location.pathname === "/claims/new" || answers.length > 0;
  }

  function show() {
    var w = words(), main = document.getElementById("main"), user = me();
    if (!w || !main || !user) { return Promise.resolve(); }
    return Queue.all().catch(function () { return []; }).then(function (entries) {
      var mine = entries.filter(function (e) { return e.user === user; });
      var old = document.getElementById("offline-queue");
      if (!wanted() || (!mine.length && !answers.length)) { if (old) { old.remove(); } return; }
      var box = document.createElement("section");
      box.id = "offline-queue";
      box.className = "card offline-queue";
      box.setAttribute("role", "status");
      var heading = document.createElement("h2");
      heading.textContent = mine.length ? plural(mine.length) : w.title;
      box.appendChild(heading);
      if (answers.some(function (a) { return a.kind === "queued"; })) {
        var p = document.createElement("p");
        p.textContent = w.queued;
        box.appendChild(p);
      }
      var list = document.createElement("ul");
      mine.forEach(function (entry) {
        if (entry.state === "error") {
          var li = item(describe(entry), w.error + (entry.errors.length ? ": " + entry.errors.join(" ") : ""));
          var fix = document.createElement("a");
          var itemValue = (entry.fields.filter(function (pair) { return pair[0] === "item"; })[0] || [])[1] || "";
          fix.href = "/claims/new?fix=" + entry.id + (itemValue ? "&item=" + encodeURIComponent(itemValue) : "");
          fix.className = "button secondary";
          fix.textContent = w.fix;
          li.appendChild(document.createTextNode(" "));
          li.appendChild(fix);
          list.appendChild(li);
        } else {
          var note = notes[entry.id] === "login" ? w.login : notes[entry.id] === "retry" ? w.retry
            : busy ? w.sending : w.waiting;
          list.appendChild(item(describe(entry), note));
        }
      });
      answers.forEach(function (answer) {
        if (answer.kind !== "registered") { return; }
        var li = item(describe(answer.entry), "");
        var link = document.createElement("a");
        link.href = "/claims/" + answer.claim;
        link.textContent = w.registered.replace("{id}", answer.claim);
        li.appendChild(link);
        list.appendChild(li);
      });
      if (list.children.length) { box.appendChild(list); }
      if (old) { old.replaceWith(box); } else { main.insertBefore(box, main.firstChild); }
      box.dataset.waiting = String(mine.filter(function (e) { return e.state === "waiting"; }).length);
    });
  }

  // --- "Fix it": the claim form filled from a kept claim the server refused -------------------------------------

  function fill(form, entry) {
    var values = {};
    entry.fields.forEach(function (pair) { (values[pair[0]] = values[pair[0]] || []).push(pair[1]); });
    Object.keys(values).forEach(function (name) {
      var found = form.elements.namedItem(name);
      var elements = !found ? [] : found.length !== undefined && !found.tagName ? Array.prototype.slice.call(found) : [found];
      if (!elements.length || (elements[0].type === "hidden" && elements.length < values[name].length)) {
        elements.forEach(function (el) { el.remove(); });
        values[name].forEach(function (value) {
          var input = document.createElement("input");
          input.type = "hidden"; input.name = name; input.value = value;
          form.appendChild(input);
        });
        return;
      }
      elements.forEach(function (el, i) {
        if (el.type === "radio" || el.type === "checkbox") { el.checked = values[name].indexOf(el.value) >= 0; }
        else if (el.type !== "file" && i < values[name].length) { el.value = values[name][i]; }
      });
    });
    var input = form.querySelector("input[type=file]");
    if (input && entry.photos.length && global.DataTransfer) {
      var files = new DataTransfer();
      entry.photos.forEach(function (p, i) {
        files.items.add(p instanceof File ? p : new File([p], "photo-" + (i + 1) + ".jpg", { type: p.type || "image/jpeg" }));
      });
      input.files = files.files;
      input.dispatchEvent(new Event("change", { bubbles: true }));
    }
    form.dataset.fix = String(entry.id);
    var note = document.createElement("div");
    note.className = "alert info offline-fix";
    note.setAttribute("role", "alert");
    var p = document.createElement("p");
    p.textContent = words() ? words().fixing : "";
    note.appendChild(p);
    if (entry.errors.length) {
      var list = document.createElement("ul");
      entry.errors.forEach(function (text) { list.appendChild(item(text, "")); });
      note.appendChild(list);
    }
    form.insertBefore(note, form.firstChild);
  }

  function fixedNow() {
    var fixing = null;
    try { fixing = sessionStorage.getItem("premia-fixing"); } catch (e) { return Promise.resolve(); }
    if (!fixing || !/^\/claims\/\d+$/.test(location.pathname) || !new URLSearchParams(location.search).get("registered")) {
      return Promise.resolve();
    }
    sessionStorage.removeItem("premia-fixing");
    return Queue.remove(Number(fixing)).catch(function () {});
  }

  function onPage() {
    var form = claimForm(), fix = new URLSearchParams(location.search).get("fix");
    fixedNow();
    var ready = form && fix ? Queue.get(Number(fix)).then(function (entry) {
      if (entry && entry.user === me()) { fill(form, entry); }
    }).catch(function () {}) : freshenKey(form);
    return ready.then(show).then(function () {
      if (navigator.onLine !== false) { return sendAll(); }
    });
  }

  function tellWorker() {
    if (!("serviceWorker" in navigator) || !me()) { return; }
    var w = words() || {};
    navigator.serviceWorker.register("/sw.js", { scope: "/" }).then(function () {
      return navigator.serviceWorker.ready;
    }).then(function (registration) {
      if (registration.active && !w.copy) {
        registration.active.postMessage({ type: "warm", user: me(), lang: w.lang || "", token: pageToken() });
      }
    }).catch(function () { /* no worker (private mode, http): the site works as before, online only */ });
  }

  global.PremiaOffline = { keep: keep, send: sendAll, queue: Queue };
  global.addEventListener("online", function () { sendAll(); });
  // A boosted navigation swaps the page's <main>; other swaps (a partial) leave the form and the box alone.
  var lastUser = me(), lastMain = document.getElementById("main");
  document.addEventListener("htmx:afterSettle", function () {
    if (document.getElementById("main") === lastMain) { return; }
    lastMain = document.getElementById("main");
    onPage();
    if (me() !== lastUser) { lastUser = me(); tellWorker(); }
  });
  onPage();
  tellWorker();
})(self);
