// Only enhances: refreshes the turnout table of an open round every 10 s.
(function () {
  "use strict";
  var table = document.getElementById("turnout");
  if (!table || !window.fetch) return;
  var live = document.getElementById("t-live");
  if (live) live.hidden = false;
  function refresh() {
    fetch(table.getAttribute("data-src"), { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (t) {
        if (!t) return;
        document.getElementById("t-used").textContent = t.used;
        document.getElementById("t-issued").textContent = t.issued;
        var units = document.getElementById("unit-turnout");
        function update(tbl, rows) {
          if (!tbl || !rows) return;
          rows.forEach(function (x) {
            var row = tbl.querySelector('tr[data-id="' + x.id + '"]');
            if (row) {
              row.querySelector(".used").textContent = x.used;
              row.querySelector(".issued").textContent = x.issued;
            }
          });
        }
        update(table, t.targets);
        update(units, t.units);
      })
      .catch(function () {});
  }
  setInterval(refresh, 10000);
})();
