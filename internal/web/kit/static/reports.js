// The reports page: draws the chart the server computed (the JSON in
// #report-chart-data, made from the same rows as the table, the API and the
// CSV) with Apache ECharts, and opens a point's tickets when it is selected.
(function () {
  "use strict";

  function draw() {
    var el = document.getElementById("report-chart");
    var src = document.getElementById("report-chart-data");
    if (!el || !src || !window.echarts) { return; }
    var data = JSON.parse(src.textContent);
    var narrow = el.clientWidth < 600;
    var chart = window.echarts.init(el, null, { renderer: "canvas" });
    var series = data.series.map(function (s) {
      var out = {
        name: s.name, type: data.kind, data: s.data, connectNulls: false,
        showSymbol: data.kind === "line", symbolSize: 7, cursor: "pointer"
      };
      if (s.goal !== undefined && s.goal !== null) {
        // The goal as a dashed line across the chart, in the series' colour.
        out.markLine = {
          silent: true, symbol: "none", lineStyle: { type: "dashed" },
          label: { formatter: "Goal " + s.goal + "%", position: "insideEndTop" },
          data: [{ yAxis: s.goal }]
        };
      }
      return out;
    });
    var percent = data.unit === "%";
    chart.setOption({
      animation: false,
      aria: { enabled: true },
      // richText: the tooltip is drawn on the canvas, as its HTML form
      // carries inline styles our Content-Security-Policy refuses.
      tooltip: { trigger: "axis", confine: true, renderMode: "richText" },
      legend: { type: "scroll", top: 0 },
      grid: { left: 8, right: 16, top: 40, bottom: 8, containLabel: true },
      xAxis: { type: "category", data: data.categories, axisLabel: { hideOverlap: true, rotate: narrow ? 45 : 0 } },
      yAxis: percent ? { type: "value", name: data.unit, min: 0, max: 100 }
        : { type: "value", name: data.unit, minInterval: data.unit === "tickets" ? 1 : 0 },
      series: series
    });
    chart.on("click", function (p) {
      var s = data.series[p.seriesIndex];
      if (s && s.links[p.dataIndex]) { window.location.assign(s.links[p.dataIndex]); }
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
