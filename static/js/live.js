// Live, but cheap: one small question instead of reloading parts of the page on a timer.
// The bell (#bell) carries the token of what the page shows (data-live). /live answers 304 with no body while
// it holds; when the user's data changed, it answers the new bell, and the page's parts that listen for
// "premia:changed" (balances, plan, a claim's status: hx-trigger="premia:changed from:body") ask again.
// Asks after 10 s, then 20, 40 … at most every 120 s while nothing changes; not at all while the tab is hidden.
(function () {
  "use strict";
  var FIRST = 10000, LONGEST = 120000;
  var delay = FIRST, timer = null, asking = false;

  function bell() { return document.getElementById("bell"); }

  function schedule() {
    clearTimeout(timer);
    timer = null;
    if (!document.hidden && bell()) { timer = setTimeout(ask, delay); }
  }

  function ask() {
    var current = bell();
    if (!current || asking || document.hidden) { return; }
    asking = true;
    fetch("/live", {
      headers: { "If-None-Match": "\"" + current.getAttribute("data-live") + "\"" },
      cache: "no-store", credentials: "same-origin", redirect: "manual"
    }).then(function (response) {
      if (response.type === "opaqueredirect" || response.status === 401 || response.status === 403) {
        delay = -1; // signed out: stop asking
        return;
      }
      if (response.status === 200) {
        return response.text().then(function (html) {
          var now = bell();
          if (now) { now.outerHTML = html; }
          seen = bell();
          if (seen && window.htmx) { window.htmx.process(seen); } // its link is boosted like the others
          delay = FIRST;
          document.body.dispatchEvent(new CustomEvent("premia:changed", { bubbles: true }));
        });
      }
      delay = Math.min(delay * 2, LONGEST);
    }).catch(function () {
      delay = Math.min(delay * 2, LONGEST); // offline or the server away: ask less often
    }).then(function () {
      asking = false;
      if (delay > 0) { schedule(); }
    });
  }

  document.addEventListener("visibilitychange", function () {
    if (document.hidden) { clearTimeout(timer); timer = null; return; }
    if (delay > 0) { delay = FIRST; ask(); } // back on screen: something may have changed meanwhile
  });
  // A boosted navigation brings a new bell with the new page's token: start again from the shortest wait.
  var seen = bell();
  document.addEventListener("htmx:afterSettle", function () {
    if (bell() !== seen) { seen = bell(); delay = FIRST; schedule(); }
  });
  window.addEventListener("online", function () { if (delay > 0) { delay = FIRST; ask(); } });
  schedule();
})();
