// Live progress for a running batch (the page works without it: refresh shows the same figures).
(function () {
  "use strict";
  var panel = document.getElementById("progress-panel");
  if (!panel) return;
  var url = panel.getAttribute("data-progress-url");
  var bar = document.getElementById("batch-progress");
  var texts = document.getElementById("progress-texts");
  var field = function (name) { return panel.querySelector('[data-field="' + name + '"]'); };
  var fmt = function (n) { return Math.round(n).toLocaleString("en-US"); };
  var fill = function (template, values) {
    return template.replace(/\{(\w+)\}/g, function (m, k) { return values[k] !== undefined ? values[k] : m; });
  };
  document.documentElement.classList.add("js");

  function update(p) {
    var pct = p.fraction !== null ? Math.floor(p.fraction * 100) : 0;
    bar.value = pct;
    bar.textContent = pct + "%";
    var status = field("status");
    status.textContent = status.getAttribute("data-label-" + p.status) || p.status;
    status.className = "status-pill status-pill--" + p.status;
    field("rows").textContent = p.estimatedTotal && p.status !== "done"
      ? fill(texts.getAttribute("data-rows-of-total"), { done: fmt(p.rowsDone), total: fmt(p.estimatedTotal) })
      : fill(texts.getAttribute("data-rows-done"), { done: fmt(p.rowsDone) });
    field("rate").textContent = p.rowsPerSecond ? " · " + fill(texts.getAttribute("data-rate"), { rate: fmt(p.rowsPerSecond) }) : "";
    field("eta").textContent = p.secondsLeft !== null && p.status === "running" ? " · " + fill(texts.getAttribute("data-time-left"), { seconds: p.secondsLeft }) : "";
    field("errors").textContent = fmt(p.errors);
  }

  function poll() {
    fetch(url, { headers: { Accept: "application/json" }, cache: "no-store" })
      .then(function (r) { return r.json(); })
      .then(function (p) {
        update(p);
        if (p.status === "queued" || p.status === "running") setTimeout(poll, 700);
        else setTimeout(function () { window.location.reload(); }, 600);
      })
      .catch(function () { setTimeout(poll, 2000); });
  }
  poll();
})();
