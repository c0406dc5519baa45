// Gatehouse portal behaviour, loaded from 'self' (no inline script anywhere). Every page works
// without it; it adds the copy button, confirmations and the usage chart.
(function () {
  "use strict";

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy]");
    if (!button) { return; }
    var field = document.getElementById(button.getAttribute("data-copy"));
    field.select();
    var done = function () { button.textContent = "Copied"; };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(field.value).then(done);
    } else {
      document.execCommand("copy");
      done();
    }
  });

  document.addEventListener("submit", function (event) {
    var message = event.target.getAttribute("data-confirm");
    if (message && !window.confirm(message)) { event.preventDefault(); }
  });

  function drawUsage() {
    var element = document.getElementById("usage-chart");
    if (!element || !window.uPlot) { return; }
    var day = function (text) { return Date.parse(text + "T00:00:00Z") / 1000; };
    var groups = JSON.parse(element.getAttribute("data-usage"));
    var days = groups.map(function (g) { return day(g.day); });
    var requests = groups.map(function (g) { return g.requests; });
    var spend = groups.map(function (g) { return Number(g.cost); });
    var width = Math.max(280, element.clientWidth - 16);
    new window.uPlot({
      width: width,
      height: 260,
      // The whole period asked for, so that one busy day does not stretch over years.
      scales: {
        x: { time: true, range: [day(element.getAttribute("data-from")) - 43200, day(element.getAttribute("data-to")) + 43200] },
        spend: { range: function (u, min, max) { return [0, max > 0 ? max * 1.2 : 1]; } }
      },
      series: [
        {},
        { label: "Requests", stroke: "#1f5fbf", fill: "rgba(31,95,191,0.15)", paths: window.uPlot.paths.bars({ size: [0.6] }) },
        { label: "Spend", stroke: "#b3261e", scale: "spend" }
      ],
      axes: [{}, { label: "requests" }, { side: 1, scale: "spend", label: "spend", size: 70, grid: { show: false },
        values: function (u, values) { return values.map(function (v) { return v.toPrecision(2); }); } }]
    }, [days, requests, spend], element);
  }

  window.addEventListener("load", drawUsage);
})();
