/* OCOP – inspection.js: the inspector's form in the field. Each change is kept in
 * localStorage at once and sent to the server; what the server has not confirmed
 * stays in the draft, is put back into the form after a reload, and is sent again
 * when the connection returns. No inline script: CSP is default-src 'self'. */
(function () {
  "use strict";
  var form = document.getElementById("inspection-form");
  if (!form || !window.localStorage || !window.fetch) return;
  var key = form.getAttribute("data-draft-key");
  var url = form.getAttribute("data-field-url");
  var status = document.getElementById("save-status");
  var vi = (document.documentElement.lang || "vi") === "vi";
  var timers = {};
  var prefix = ["", ""];
  function msg(v, e) { if (status) status.textContent = vi ? prefix[0] + v : prefix[1] + e; }
  function load() {
    try { return JSON.parse(localStorage.getItem(key) || "{}"); } catch (e) { return {}; }
  }
  function store(d) {
    try { localStorage.setItem(key, JSON.stringify(d)); } catch (e) { /* full: the server copy stays */ }
  }
  function token() {
    var m = document.querySelector('meta[name="csrf-token"]');
    return m ? m.getAttribute("content") : "";
  }
  function pending() { return Object.keys(load()).length; }
  function send(name, value) {
    var body = new URLSearchParams();
    body.append(name, value);
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRF-Token": token(), "X-Ocop-Field": "1", "Content-Type": "application/x-www-form-urlencoded" },
      body: body.toString()
    }).then(function (r) {
      if (r.status === 204) {
        var d = load();
        if (d[name] === value) { delete d[name]; store(d); }
        if (pending() === 0) { prefix = ["", ""]; msg("Đã lưu lên máy chủ.", "Saved on the server."); }
        return true;
      }
      if (r.status === 422) {
        // Refused for good (not a network problem): say why, do not retry.
        var d2 = load(); delete d2[name]; store(d2);
        return r.text().then(function (t) { msg(t, t); return true; });
      }
      throw new Error("status " + r.status);
    }).catch(function () {
      msg("Mất kết nối: nội dung đã được giữ trên máy này và sẽ gửi lại khi có mạng.",
          "Offline: kept on this device, it will be sent when the connection returns.");
      return false;
    });
  }
  function changed(el) {
    if (!el.name || el.name === "csrf_token") return;
    var d = load();
    d[el.name] = el.value;
    store(d);
    clearTimeout(timers[el.name]);
    timers[el.name] = setTimeout(function () { send(el.name, el.value); }, 600);
  }
  function flush() {
    var d = load();
    Object.keys(d).forEach(function (n) { send(n, d[n]); });
  }
  form.addEventListener("input", function (e) { changed(e.target); });
  form.addEventListener("change", function (e) { changed(e.target); });
  // Back after a reload: put unsent values into the form, then send them again.
  var d = load(), restored = 0;
  Object.keys(d).forEach(function (n) {
    var el = form.elements.namedItem(n);
    if (el) { el.value = d[n]; restored++; }
  });
  if (restored > 0) {
    // Kept in front of later messages until the draft is sent.
    prefix = ["Đã khôi phục nội dung chưa gửi được từ bản nháp trên máy. ", "Restored what could not be sent from the draft on this device. "];
    msg("", "");
  }
  if (pending() > 0) flush();
  window.addEventListener("online", flush);
  setInterval(function () { if (pending() > 0 && navigator.onLine !== false) flush(); }, 15000);
})();
