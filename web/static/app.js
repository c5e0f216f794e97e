// Only enhances: the pages work without it.
(function () {
  "use strict";
  function fmt(v) { return v.replace(/\D/g, "").slice(0, 16).replace(/(\d{4})(?=\d)/g, "$1 "); }
  var code = document.getElementById("code");
  if (code) {
    var m = location.hash.match(/^#c=([\d\s-]{16,24})$/);
    if (m && !code.value) {
      code.value = fmt(m[1]);
      history.replaceState(null, "", location.pathname + location.search);
    }
    code.addEventListener("input", function () { code.value = fmt(code.value); });
  }
  // The tab keeps the submission_id of the last ballot it sent (only that:
  // no code, no answer) for as long as the tab lives, and sends it with a
  // code typed again: the server shows a used code's receipt only to the
  // submission that used it. A kiosk forgets it once the receipt is shown.
  var store = null;
  try { store = window.sessionStorage; } catch (err) {}
  var key = "ballot.submission";
  if (store && document.body.hasAttribute("data-kiosk") && document.querySelector(".receipt")) {
    store.removeItem(key);
  }
  var entry = code && code.form, sid = store && store.getItem(key);
  if (entry && sid) {
    var field = document.createElement("input");
    field.type = "hidden";
    field.name = "submission_id";
    field.value = sid;
    entry.appendChild(field);
  }
  // The ballot: send with the same submission_id until an answer comes, so a
  // dropped connection loses nothing; then show the server's page.
  var form = document.querySelector("form[data-retry]");
  if (form && window.fetch && window.URLSearchParams && window.FormData) {
    form.addEventListener("submit", function (e) {
      if (e.submitter && e.submitter.name === "setlang") return;
      e.preventDefault();
      if (store && form.elements.submission_id) store.setItem(key, form.elements.submission_id.value);
      var body = new URLSearchParams(new FormData(form)).toString();
      var status = document.getElementById("status");
      var tries = 0;
      (function send() {
        fetch(form.action, { method: "POST", body: body, credentials: "omit",
          headers: { "Content-Type": "application/x-www-form-urlencoded" } })
          .then(function (r) { return r.text(); })
          .then(function (html) { document.open(); document.write(html); document.close(); })
          .catch(function () {
            tries++;
            if (status) status.textContent = status.getAttribute("data-retry");
            setTimeout(send, Math.min(1000 * tries, 8000));
          });
      })();
    });
  }
})();
