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
  // The ballot: send with the same submission_id until an answer comes, so a
  // dropped connection loses nothing; then show the server's page.
  var form = document.querySelector("form[data-retry]");
  if (form && window.fetch && window.URLSearchParams && window.FormData) {
    form.addEventListener("submit", function (e) {
      if (e.submitter && e.submitter.name === "setlang") return;
      e.preventDefault();
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
