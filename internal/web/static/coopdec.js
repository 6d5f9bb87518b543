// Small enhancements; every page works without them.
(function () {
  "use strict";

  // Type-ahead for the local-authority search on the invitation page: the
  // results replace the radio list as the user types.
  var form = document.querySelector("form[data-territory-search]");
  var list = document.getElementById("territory-results");
  if (form && list) {
    var input = form.querySelector("input[name=q]");
    var hiddenQ = list.querySelector("input[name=q]");
    var timer = null;
    var seq = 0;
    var render = function (items, q) {
      Array.prototype.slice.call(list.querySelectorAll(".radio, p.muted")).forEach(function (n) { n.remove(); });
      var legend = list.querySelector("legend");
      var anchor = legend.nextSibling;
      if (items.length === 0) {
        var p = document.createElement("p");
        p.className = "muted";
        p.textContent = q ? list.getAttribute("data-none") : list.getAttribute("data-first");
        list.insertBefore(p, anchor);
        return;
      }
      items.forEach(function (t, i) {
        var div = document.createElement("div");
        div.className = "radio";
        var radio = document.createElement("input");
        radio.type = "radio"; radio.name = "territory"; radio.id = "territory-" + i;
        radio.value = t.kind + ":" + t.code;
        var label = document.createElement("label");
        label.htmlFor = radio.id;
        label.textContent = t.name + " ";
        var extra = document.createElement("span");
        extra.className = "muted";
        extra.textContent = "(" + t.kind_label + (t.departement ? " · " + t.departement : "") + (t.siren ? " · SIREN " + t.siren : "") + ")";
        label.appendChild(extra);
        div.appendChild(radio); div.appendChild(label);
        list.insertBefore(div, anchor);
      });
    };
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        var q = input.value.trim();
        if (hiddenQ) { hiddenQ.value = q; }
        var mine = ++seq;
        if (q.length < 2) { render([], ""); return; }
        fetch("/api/v1/territories?q=" + encodeURIComponent(q) + "&limit=15", { headers: { "Accept": "application/json" } })
          .then(function (r) { return r.ok ? r.json() : { items: [] }; })
          .then(function (data) { if (mine === seq) { render(data.items || [], q); } })
          .catch(function () {});
      }, 200);
    });
  }
})();
