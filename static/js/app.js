// Premia's own small script. Everything works without it; it only adds comfort.
(function () {
  "use strict";
  // The CSRF token htmx sends: the one in the page as it is now. <body hx-headers> is rendered with the first
  // page, and a boosted navigation swaps the body's content, not its attributes; after a login renews the
  // token, the header would carry the old one (403). Every page's footer form holds the current token.
  document.addEventListener("htmx:configRequest", function (event) {
    var field = document.querySelector("footer input[name=_csrf_token]");
    if (field && field.value) { event.detail.headers["x-csrftoken"] = field.value; }
  });
  // Select the whole one-time link or token when tapped, ready to copy.
  document.addEventListener("focusin", function (event) {
    if (event.target.matches && event.target.matches("input.copy")) { event.target.select(); }
  });
  // Files over the form's limit: say so before sending, so the form and what was typed stay on the page
  // (the server would refuse the whole body and could not show the form again).
  document.addEventListener("submit", function (event) {
    var form = event.target, limit = Number(form.getAttribute && form.getAttribute("data-max-bytes"));
    if (!limit) { return; }
    var total = 0;
    form.querySelectorAll("input[type=file]").forEach(function (input) {
      Array.prototype.forEach.call(input.files || [], function (file) { total += file.size; });
    });
    if (total <= limit) { return; }
    event.preventDefault();
    var note = form.querySelector(".too-large");
    if (!note) {
      note = document.createElement("p");
      note.className = "field-error too-large";
      note.setAttribute("role", "alert");
      var last = form.querySelectorAll("input[type=file]");
      last[last.length - 1].insertAdjacentElement("afterend", note);
    }
    note.textContent = form.getAttribute("data-too-large");
  });
  // Close the phone menu after navigating through htmx.
  document.addEventListener("htmx:afterSettle", function () {
    document.querySelectorAll("details.menu[open]").forEach(function (d) { d.removeAttribute("open"); });
  });
})();
