/* OCOP – app.js: progressive enhancement only; every page works without it. */
(function () {
  "use strict";
  // (a) htmx requests carry the CSRF token from <meta name="csrf-token">.
  document.addEventListener("htmx:configRequest", function (e) {
    var m = document.querySelector('meta[name="csrf-token"]');
    var t = m && m.getAttribute("content");
    if (t && e.detail && e.detail.headers) e.detail.headers["X-CSRF-Token"] = t;
  });
  // (b) data-confirm="…" on a submit button (or on the form) asks before
  // submitting. Capture phase, so it runs before htmx's own submit handler.
  // Old browsers lack SubmitEvent.submitter: remember the last clicked one.
  var last = null;
  document.addEventListener("click", function (e) {
    last = e.target.closest ? e.target.closest("button,input[type=submit]") : null;
  }, true);
  document.addEventListener("submit", function (e) {
    var f = e.target, el = null, s = e.submitter;
    if (s === undefined) s = last && last.form === f ? last : null;
    if (s && s.hasAttribute("data-confirm")) el = s;
    else if (f && f.hasAttribute && f.hasAttribute("data-confirm")) el = f;
    if (el && !window.confirm(el.getAttribute("data-confirm"))) {
      e.preventDefault();
      e.stopImmediatePropagation();
    }
  }, true);
  // (c) data-print on a button prints the page (no inline onclick: the
  // Content-Security-Policy allows no inline script).
  document.addEventListener("click", function (e) {
    var b = e.target.closest ? e.target.closest("[data-print]") : null;
    if (b) {
      e.preventDefault();
      window.print();
    }
  });
})();
