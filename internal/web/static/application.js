// Application pages: the draft saves itself a few seconds after each
// change and when the page is left, and the eligibility and budget
// explanations follow what is typed. Every page works without this script:
// its buttons save the form.
(function () {
  "use strict";

  var form = document.querySelector("form[data-autosave]");
  if (!form || !window.fetch || !window.URLSearchParams) { return; }

  var url = form.getAttribute("data-autosave");
  var status = document.getElementById("autosave-status");
  var errorsBox = document.getElementById("autosave-errors");
  var DELAY = 2500, RETRY = 15000;
  var timer = null, inflight = false, again = false, stopped = false, submitting = false;
  var beaconSent = false, offline = false, pendingSubmitter = null;
  var shown = {};

  // payload is the form as its buttons would post it, without the files.
  function payload() {
    var p = new URLSearchParams();
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.disabled) { return; }
      var type = (el.type || "").toLowerCase();
      if (type === "file" || type === "submit" || type === "button" || type === "reset") { return; }
      if ((type === "checkbox" || type === "radio") && !el.checked) { return; }
      if (el.tagName === "SELECT" && el.multiple) {
        Array.prototype.forEach.call(el.options, function (o) { if (o.selected) { p.append(el.name, o.value); } });
        return;
      }
      p.append(el.name, el.value);
    });
    return p;
  }

  // snapshot is the content only: a new version number is no change.
  function snapshot(p) {
    var q = new URLSearchParams(p.toString());
    q.delete("version");
    q.delete("idempotency_key");
    return q.toString();
  }

  // saved is the content stored; rejected the last content refused as
  // invalid, not worth sending again until it changes.
  var saved = snapshot(payload()), rejected = null;

  function say(msg) {
    if (msg && status.textContent !== msg) { status.textContent = msg; }
  }

  function changed() { return snapshot(payload()) !== saved; }

  function schedule(delay) {
    if (stopped) { return; }
    clearTimeout(timer);
    timer = setTimeout(save, delay);
  }

  function setVersion(v) {
    Array.prototype.forEach.call(form.querySelectorAll("input[name=version]"), function (el) { el.value = String(v); });
  }

  function clearChildren(el) { while (el.firstChild) { el.removeChild(el.firstChild); } }

  // same reports whether a part of the page already shows data, so that a
  // live region speaks only when its content changes.
  function same(key, data) {
    var s = JSON.stringify(data || null);
    if (shown[key] === s) { return true; }
    shown[key] = s;
    return false;
  }

  function ruleItem(r, fix) {
    var li = document.createElement("li");
    li.className = "call-result call-result-" + r.status;
    var strong = document.createElement("strong");
    strong.className = "call-result-status";
    strong.textContent = r.label;
    li.appendChild(strong);
    li.appendChild(document.createTextNode(" " + r.message));
    if (r.link_href) {
      var a = document.createElement("a");
      a.href = r.link_href;
      a.textContent = r.link_text;
      li.appendChild(document.createTextNode(" "));
      li.appendChild(a);
    }
    if (fix && r.href && r.status !== "passed") {
      var f = document.createElement("a");
      f.href = r.href;
      f.className = "apl-fix";
      f.textContent = fix;
      li.appendChild(document.createTextNode(" "));
      li.appendChild(f);
    }
    return li;
  }

  function showEligibility(data) {
    var list = document.getElementById("eligibility-list");
    if (list && data.eligibility && !same("eligibility", data.eligibility)) {
      clearChildren(list);
      data.eligibility.forEach(function (r) { list.appendChild(ruleItem(r, list.getAttribute("data-fix"))); });
      var money = document.getElementById("budget-rules");
      if (money) {
        clearChildren(money);
        data.eligibility.forEach(function (r) {
          if (["max_grant", "funders_share", "own_share", "in_kind"].indexOf(r.rule) >= 0) { money.appendChild(ruleItem(r, "")); }
        });
      }
    }
    var summary = document.getElementById("eligibility-summary");
    if (summary && data.eligibility_summary && summary.textContent !== data.eligibility_summary) {
      summary.textContent = data.eligibility_summary;
    }
  }

  function showBudget(data) {
    var box = document.getElementById("budget-checks");
    if (box && data.budget && !same("budget", data.budget)) {
      clearChildren(box);
      if (data.budget.length === 0) {
        var p = document.createElement("p");
        p.textContent = box.getAttribute("data-none");
        box.appendChild(p);
      } else {
        var ul = document.createElement("ul");
        ul.className = "apl-checks";
        data.budget.forEach(function (c) {
          var li = document.createElement("li");
          var a = document.createElement("a");
          a.href = c.href;
          a.textContent = c.message;
          li.appendChild(a);
          ul.appendChild(li);
        });
        box.appendChild(ul);
      }
    }
    var dl = document.getElementById("budget-totals");
    if (dl && data.totals && !same("totals", data.totals)) {
      clearChildren(dl);
      data.totals.forEach(function (t) {
        var dt = document.createElement("dt");
        dt.textContent = t.label;
        var dd = document.createElement("dd");
        dd.textContent = t.value;
        dl.appendChild(dt);
        dl.appendChild(dd);
      });
    }
  }

  function showErrors(list, intro) {
    clearChildren(errorsBox);
    if (!list || list.length === 0) { return; }
    var div = document.createElement("div");
    div.className = "notice error";
    var p = document.createElement("p");
    p.className = "notice-title";
    p.textContent = intro;
    div.appendChild(p);
    var ul = document.createElement("ul");
    list.forEach(function (e) {
      var li = document.createElement("li");
      if (e.field) {
        var a = document.createElement("a");
        a.href = "#" + e.field;
        a.textContent = e.message;
        li.appendChild(a);
      } else {
        li.textContent = e.message;
      }
      ul.appendChild(li);
    });
    div.appendChild(ul);
    errorsBox.appendChild(div);
  }

  // stop ends autosaving for good: the status says so, and an alert why.
  function stop(message) {
    stopped = true;
    clearTimeout(timer);
    say(form.getAttribute("data-msg-stopped"));
    clearChildren(errorsBox);
    var div = document.createElement("div");
    div.className = "notice error";
    div.setAttribute("role", "alert");
    var p = document.createElement("p");
    p.textContent = message;
    div.appendChild(p);
    errorsBox.appendChild(div);
  }

  function done() {
    inflight = false;
    if (pendingSubmitter !== null) {
      var btn = pendingSubmitter;
      pendingSubmitter = null;
      submitting = true;
      if (form.requestSubmit) { form.requestSubmit(btn || undefined); } else if (btn) { btn.click(); } else { form.submit(); }
      return;
    }
    if (again || changed()) {
      again = false;
      schedule(DELAY);
    }
  }

  function save() {
    if (stopped || submitting) { return; }
    if (inflight) { again = true; return; }
    var body = payload();
    var snap = snapshot(body);
    if (snap === saved || snap === rejected) { return; }
    inflight = true;
    say(form.getAttribute("data-msg-saving"));
    fetch(url, {
      method: "POST", body: body, credentials: "same-origin", keepalive: snap.length < 60000,
      headers: { "Accept": "application/json" }
    }).then(function (res) {
      return res.json().catch(function () { return {}; }).then(function (data) { return { code: res.status, data: data }; });
    }).then(function (r) {
      var d = r.data || {};
      offline = false;
      if (r.code === 200) {
        saved = snap;
        rejected = null;
        setVersion(d.version);
        say(d.message);
        showErrors([]);
        showEligibility(d);
        showBudget(d);
      } else if (r.code === 409) {
        stop(d.conflict ? d.message : (d.detail || form.getAttribute("data-msg-conflict")));
      } else if (r.code === 422 && d.errors) {
        rejected = snap;
        say(d.message || d.detail);
        showErrors(d.errors, d.message || d.detail);
      } else if (r.code === 401 || r.code === 403 || r.code === 404) {
        stop(d.detail || form.getAttribute("data-msg-offline"));
      } else {
        offline = true;
        say(form.getAttribute("data-msg-offline"));
        schedule(RETRY);
      }
      done();
    }).catch(function () {
      offline = true;
      say(form.getAttribute("data-msg-offline"));
      inflight = false;
      schedule(RETRY);
    });
  }

  form.addEventListener("input", function () { schedule(DELAY); });
  form.addEventListener("change", function () { schedule(DELAY); });

  // A button pressed while a save is under way waits for its new version.
  form.addEventListener("submit", function (e) {
    clearTimeout(timer);
    if (inflight) {
      e.preventDefault();
      pendingSubmitter = e.submitter || null;
      return;
    }
    submitting = true;
  });

  function beacon() {
    var snap = snapshot(payload());
    if (stopped || submitting || snap === saved || snap === rejected || !navigator.sendBeacon) { return false; }
    if (navigator.sendBeacon(url, payload())) {
      beaconSent = true;
      saved = snap;
    }
    return beaconSent;
  }

  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden" && changed()) { save(); }
  });
  window.addEventListener("pagehide", beacon);
  // Back from the page cache after a beacon: the stored draft is newer.
  window.addEventListener("pageshow", function (e) {
    if (e.persisted && beaconSent) { window.location.reload(); }
  });
  window.addEventListener("beforeunload", function (e) {
    if (submitting || !changed()) { return; }
    if (!stopped && !offline && beacon()) { return; }
    e.preventDefault();
    e.returnValue = form.getAttribute("data-msg-leave");
    return e.returnValue;
  });
})();

// Forms without autosave (a correction's answer, a message) warn before
// their text is left behind.
(function () {
  "use strict";
  Array.prototype.forEach.call(document.querySelectorAll("form[data-warn-unsaved]"), function (form) {
    var dirty = false;
    form.addEventListener("input", function () { dirty = true; });
    form.addEventListener("submit", function () { dirty = false; });
    window.addEventListener("beforeunload", function (e) {
      if (!dirty) { return; }
      e.preventDefault();
      e.returnValue = form.getAttribute("data-warn-unsaved");
      return e.returnValue;
    });
  });
})();

// A file over the size limit is refused before it is sent.
(function () {
  "use strict";
  Array.prototype.forEach.call(document.querySelectorAll("input[type=file][data-max-bytes]"), function (input) {
    var max = parseInt(input.getAttribute("data-max-bytes"), 10);
    var msg = null;
    input.addEventListener("change", function () {
      var big = input.files && input.files.length > 0 && input.files[0].size > max;
      if (big && !msg) {
        msg = document.createElement("p");
        msg.className = "field-error";
        msg.id = input.id + "-size-error";
        msg.setAttribute("role", "alert");
        msg.textContent = input.getAttribute("data-too-large");
        input.parentNode.insertBefore(msg, input.nextSibling);
        input.setAttribute("aria-invalid", "true");
        input.value = "";
      } else if (!big && msg) {
        msg.parentNode.removeChild(msg);
        msg = null;
        input.removeAttribute("aria-invalid");
      } else if (big) {
        input.value = "";
      }
    });
  });
})();

// The receipt's print button.
(function () {
  "use strict";
  Array.prototype.forEach.call(document.querySelectorAll("button[data-print]"), function (b) {
    b.hidden = false;
    b.addEventListener("click", function () { window.print(); });
  });
})();
