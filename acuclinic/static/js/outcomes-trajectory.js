// A patient's pain and function over time (outcomes/_trajectory.html), drawn by the vendored
// Chart.js from the numbers the page passes with json_script. The table under the plot holds
// the same numbers as text. No interpolation across missing scores: lines join given scores.
"use strict";
(function () {
  function draw(canvas) {
    var source = document.getElementById(canvas.dataset.trajectory);
    if (!source || typeof window.Chart === "undefined") return;
    var d = JSON.parse(source.textContent);
    var L = d.labels;
    var xs = [];
    ["before", "after", "portal"].forEach(function (k) {
      d.pain[k].forEach(function (p) { xs.push(p.x); });
    });
    d.visits.forEach(function (v) { xs.push(v.x); });
    d["function"].forEach(function (p) { xs.push(p.x); });
    var xMin = Math.min.apply(null, xs.concat([0]));
    var xMax = Math.max.apply(null, xs.concat([1]));
    var datasets = [
      { label: L.before, data: d.pain.before, showLine: true, borderColor: "#b4442c",
        backgroundColor: "#b4442c", pointRadius: 4, yAxisID: "y" },
      { label: L.after, data: d.pain.after, showLine: false, borderColor: "#e39a7f",
        backgroundColor: "#e39a7f", pointStyle: "rectRot", pointRadius: 4, yAxisID: "y" },
      { label: L.portal, data: d.pain.portal, showLine: false, borderColor: "#7a5ba6",
        backgroundColor: "#7a5ba6", pointStyle: "triangle", pointRadius: 4, yAxisID: "y" },
      { label: L.visit, data: d.visits.map(function (v) { return { x: v.x, y: 0, visit: v.visit }; }),
        showLine: false, borderColor: "#555", backgroundColor: "#555", pointStyle: "line",
        pointRadius: 8, rotation: 90, yAxisID: "y" }
    ];
    if (d.thresholds) {
      [["baseline", "#333", []], ["moderate", "#2f6f5e", [6, 4]], ["substantial", "#1b4d8c", [2, 3]]]
        .forEach(function (t) {
          var y = d.thresholds[t[0]];
          datasets.push({ label: L[t[0]], data: [{ x: xMin, y: y }, { x: xMax, y: y }],
            showLine: true, borderColor: t[1], borderDash: t[2], borderWidth: 1.5,
            pointRadius: 0, yAxisID: "y" });
        });
    }
    var scales = {
      x: { type: "linear", min: xMin, max: xMax, title: { display: true, text: L.x } },
      y: { min: 0, max: 10, title: { display: true, text: L.pain } }
    };
    if (d["function"].length && d.function_max) {
      datasets.push({ label: L["function"], data: d["function"], showLine: true,
        borderColor: "#8a6d1f", backgroundColor: "#8a6d1f", pointStyle: "rect", yAxisID: "y2" });
      scales.y2 = { position: "right", min: 0, max: d.function_max,
        title: { display: true, text: L["function"] }, grid: { drawOnChartArea: false } };
    }
    new window.Chart(canvas, {
      type: "scatter",
      data: { datasets: datasets },
      options: {
        animation: false,
        maintainAspectRatio: false,
        spanGaps: false,
        scales: scales,
        plugins: {
          tooltip: { callbacks: { label: function (ctx) {
            var p = ctx.raw;
            var where = p.visit ? L.visit + " " + p.visit : (p.source || "");
            return ctx.dataset.label + ": " + p.y + (where ? " (" + where + ")" : "");
          } } }
        }
      }
    });
  }
  function start() {
    document.querySelectorAll("canvas[data-trajectory]").forEach(draw);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
