// Only enhances: every console page works without it. It refreshes the
// turnout of an open round, finds units as one types, and keeps the quota
// table of a rating sheet in step with the levels picked.
(function () {
  "use strict";
  if (!window.fetch || !document.querySelector) return;

  function pct(lang, part, whole) {
    if (!whole) return "—";
    var h = Math.floor((part * 20000 + whole) / (2 * whole)); // hundredths, half-up
    var s = Math.floor(h / 100) + "." + ("0" + (h % 100)).slice(-2);
    return (lang === "vi" ? s.replace(".", ",") : s) + "%";
  }
  function num(lang, n) {
    return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, lang === "vi" ? "." : ",");
  }

  // Turnout of an open round, every 10 s.
  var table = document.getElementById("turnout");
  if (table && table.getAttribute("data-src")) {
    var lang = table.getAttribute("data-lang");
    var live = document.getElementById("t-live");
    if (live) live.hidden = false;
    setInterval(function () {
      fetch(table.getAttribute("data-src"), { credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (t) {
          if (!t) return;
          document.getElementById("t-used").textContent = num(lang, t.used);
          document.getElementById("t-issued").textContent = num(lang, t.issued);
          document.getElementById("t-share").textContent = pct(lang, t.used, t.issued);
          (t.units || []).forEach(function (x) {
            var row = table.querySelector('tr[data-id="' + x.id + '"]');
            if (!row) return;
            row.querySelector(".used").textContent = num(lang, x.used);
            row.querySelector(".issued").textContent = num(lang, x.issued);
            row.querySelector(".pct").textContent = pct(lang, x.used, x.issued);
            var bar = row.querySelector("progress");
            if (bar) { bar.max = x.issued; bar.value = x.used; }
          });
        })
        .catch(function () {});
    }, 10000);
  }

  // Unit search: results follow the typing.
  var search = document.querySelector("form.unit-search");
  if (search) {
    var input = search.querySelector('input[name="q"]');
    var list = search.querySelector("ul.hits");
    var count = search.querySelector(".hits-count");
    var slang = search.getAttribute("data-lang");
    var timer = null, asked = 0;
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        var q = input.value.trim(), mine = ++asked;
        if (!q) { list.textContent = ""; count.textContent = ""; return; }
        var url = search.getAttribute("data-units") + "?lang=" + slang + "&q=" + encodeURIComponent(q) + "&find=" + encodeURIComponent(search.getAttribute("data-find"));
        fetch(url, { credentials: "same-origin" })
          .then(function (r) { return r.ok ? r.json() : null; })
          .then(function (res) {
            if (!res || mine !== asked) return;
            list.textContent = "";
            res.units.forEach(function (u) {
              var li = document.createElement("li"), a = document.createElement("a"), small = document.createElement("small");
              a.href = search.getAttribute("action") + "?lang=" + slang + "&unit=" + encodeURIComponent(u.id);
              a.textContent = u.name;
              small.textContent = u.id + (u.parent ? " · " + u.parent : "");
              li.appendChild(a); li.appendChild(document.createTextNode(" ")); li.appendChild(small);
              list.appendChild(li);
            });
            count.textContent = res.said;
          })
          .catch(function () {});
      }, 200);
    });
  }

  // A rating sheet: the quota of each group follows the levels picked
  // (the server decides on saving, with the same integer rule), and a
  // target not rated needs its reason.
  var sheet = document.getElementById("sheet");
  var quota = document.getElementById("quota");
  if (sheet) {
    var qlang = quota ? quota.getAttribute("data-lang") : "vi";
    var update = function () {
      if (!quota) return;
      var by = {};
      sheet.querySelectorAll("tbody tr[data-group]").forEach(function (row) {
        var g = row.getAttribute("data-group"), sel = row.querySelector("select");
        by[g] = by[g] || { exc: 0, good: 0 };
        if (sel.value === "htxs") { by[g].exc++; by[g].good++; }
        if (sel.value === "htt") by[g].good++;
      });
      quota.querySelectorAll("tbody tr[data-group]").forEach(function (row) {
        var g = by[row.getAttribute("data-group")] || { exc: 0, good: 0 };
        var cap = parseInt(row.getAttribute("data-cap"), 10);
        row.querySelector(".q-exc").textContent = g.exc;
        row.querySelector(".q-good").textContent = g.good;
        row.querySelector(".q-pct").textContent = g.good ? pct(qlang, g.exc, g.good) : pct(qlang, 0, 1);
        var over = g.exc * 10000 > cap * g.good;
        var cell = row.querySelector(".q-breach");
        cell.textContent = "";
        var b = document.createElement(over ? "b" : "span");
        if (over) b.className = "error";
        b.textContent = quota.getAttribute(over ? "data-over" : "data-within");
        cell.appendChild(b);
      });
      var note = document.getElementById("quota-live");
      if (note) note.hidden = false;
    };
    sheet.addEventListener("change", function (e) {
      var sel = e.target;
      if (sel.tagName !== "SELECT") return;
      var reason = document.getElementById("r-" + sel.id.slice(2));
      if (reason) reason.required = sel.value === "not_rated";
      update();
    });
  }
})();
