// Premia's own small script. Everything works without it; it only adds comfort.
(function () {
  "use strict";
  // Select the whole one-time link or token when tapped, ready to copy.
  document.addEventListener("focusin", function (event) {
    if (event.target.matches && event.target.matches("input.copy")) { event.target.select(); }
  });
  // Close the phone menu after navigating through htmx.
  document.addEventListener("htmx:afterSettle", function () {
    document.querySelectorAll("details.menu[open]").forEach(function (d) { d.removeAttribute("open"); });
  });
})();
