/* The dashboard site's one script: draws each page's Plotly figures and says how old the data is.
   Age is judged here, when the page is opened, not when it was built: a page that the nightly run stopped
   rebuilding must still say that its numbers are old. No network: everything it reads is in the page. */
(function () {
  "use strict";
  var HOUR = 3600 * 1000;

  function ageText(ms) {
    if (ms < HOUR) return "less than an hour";
    var hours = Math.floor(ms / HOUR);
    if (hours < 48) return hours + (hours === 1 ? " hour" : " hours");
    return Math.floor(hours / 24) + " days";
  }

  function verdict(ageMs, warnHours, failHours) {
    if (ageMs > failHours * HOUR) return "stale";
    if (ageMs > warnHours * HOUR) return "late";
    return "fresh";
  }

  function judge(line, now) {
    var completeAt = Date.parse(line.dataset.completeAt);
    if (isNaN(completeAt)) {
      line.dataset.verdict = "empty";
      return null;
    }
    var age = Math.max(0, now - completeAt);
    var result = verdict(age, Number(line.dataset.warnHours), Number(line.dataset.failHours));
    line.dataset.verdict = result;
    var span = line.querySelector(".age");
    if (span) span.textContent = " (" + ageText(age) + " old)";
    return { verdict: result, age: age };
  }

  function showFreshness(now) {
    document.querySelectorAll(".as-of[data-complete-at]").forEach(function (line) {
      var judged = judge(line, now);
      if (!judged) return;
      var holder = line.closest(".page-entry, .page-head");
      var banner = holder && holder.querySelector(".freshness-banner");
      if (banner && judged.verdict !== "fresh") {
        banner.hidden = false;
        banner.classList.add(judged.verdict);
        banner.querySelector(".verdict").textContent =
          judged.verdict === "stale" ? "These numbers are stale." : "These numbers are late.";
        banner.querySelector(".age-long").textContent = ageText(judged.age) + " old, older than";
      }
      var status = holder && holder.querySelector(".freshness-status");
      if (status) {
        status.hidden = false;
        status.className = "freshness-status " + judged.verdict;
        status.textContent = judged.verdict === "fresh" ? "Up to date" :
          judged.verdict === "late" ? "Late: past its freshness policy's warning" : "Stale: past its freshness policy";
      }
    });
  }

  function drawCharts() {
    if (!window.Plotly) return;
    var config = { responsive: true, displaylogo: false, modeBarButtonsToRemove: ["select2d", "lasso2d"] };
    document.querySelectorAll(".plot[data-figure]").forEach(function (div) {
      var figure = JSON.parse(document.getElementById(div.dataset.figure).textContent);
      window.Plotly.newPlot(div, figure.data, figure.layout, config).then(function () {
        div.dataset.rendered = "true";
      });
    });
  }

  showFreshness(Date.now());
  drawCharts();
})();
