// Dashboards: draws each widget's chart with Apache ECharts from the JSON
// beside it (#widget-N-data), made on the server from the same result the
// API answers and the widget's CSV holds; for leads, a point opens its
// tickets.
(function () {
  "use strict";

  function shortDay(v) { return /^\d{4}-\d\d-\d\d$/.test(v) ? v.slice(5) : v; }

  function drawOne(el, data) {
    var narrow = el.clientWidth < 480;
    var chart = window.echarts.init(el, null, { renderer: "canvas" });
    chart.setOption({
      animation: false,
      aria: { enabled: true },
      // richText: the tooltip is drawn on the canvas, as its HTML form
      // carries inline styles our Content-Security-Policy refuses.
      tooltip: { trigger: "axis", confine: true, renderMode: "richText" },
      legend: { type: "scroll", top: 0 },
      // Room under the legend for the unit's name above the axis.
      grid: { left: 8, right: 12, top: 52, bottom: 8, containLabel: true },
      // On a narrow card, days read as MM-DD and about six are labelled
      // (the tooltip names every day); wider, ECharts hides the overlaps.
      xAxis: { type: "category", data: data.categories,
        axisLabel: narrow ?
          { interval: Math.max(0, Math.ceil(data.categories.length / 6) - 1), rotate: 45, formatter: shortDay } :
          { hideOverlap: true } },
      yAxis: { type: "value", name: data.unit, minInterval: data.unit === "tickets" ? 1 : 0 },
      series: data.series.map(function (s) {
        return { name: s.name, type: data.kind, data: s.data, connectNulls: false,
          showSymbol: data.kind === "line", symbolSize: 6, cursor: s.links ? "pointer" : "default" };
      })
    });
    chart.on("click", function (p) {
      var s = data.series[p.seriesIndex];
      if (s && s.links && s.links[p.dataIndex]) { window.location.assign(s.links[p.dataIndex]); }
    });
    return chart;
  }

  function draw() {
    if (!window.echarts) { return; }
    var charts = [];
    document.querySelectorAll(".widget-data").forEach(function (src) {
      var el = document.getElementById(src.id.replace(/-data$/, "-chart"));
      if (el) { charts.push(drawOne(el, JSON.parse(src.textContent))); }
    });
    window.addEventListener("resize", function () {
      charts.forEach(function (c) { c.resize(); });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
