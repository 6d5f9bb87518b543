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

// Call pages: show each call date in the reader's own zone too, when it is
// not Paris (the page says the Paris time without JavaScript).
(function () {
  "use strict";
  if (!window.Intl || !Intl.DateTimeFormat) { return; }
  var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  if (!zone || zone === "Europe/Paris") { return; }
  var times = document.querySelectorAll("time[data-local]");
  if (times.length === 0) { return; }
  var lang = document.documentElement.lang || "fr";
  // dateStyle and timeStyle may not be combined with timeZoneName.
  var fmt = new Intl.DateTimeFormat(lang, { year: "numeric", month: "long", day: "numeric",
    hour: "2-digit", minute: "2-digit", timeZoneName: "short" });
  Array.prototype.forEach.call(times, function (el) {
    var d = new Date(el.getAttribute("datetime"));
    if (isNaN(d.getTime())) { return; }
    var span = document.createElement("span");
    span.className = "call-local";
    span.textContent = " — " + el.getAttribute("data-local") + " " + fmt.format(d);
    el.parentNode.insertBefore(span, el.nextSibling);
  });
})();
