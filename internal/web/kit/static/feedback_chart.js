// An agent's page: draws the customer feedback series (the JSON in
// #feedback-chart-data, the same rounded figures as the table beside it)
// with Apache ECharts: CSAT in percent on the left axis, CES (1-7) on the
// right, the team's lines dashed.
(function () {
  "use strict";

  function draw() {
    var el = document.getElementById("feedback-chart-canvas");
    var src = document.getElementById("feedback-chart-data");
    if (!el || !src || !window.echarts) { return; }
    var data = JSON.parse(src.textContent);
    var narrow = el.clientWidth < 600;
    var chart = window.echarts.init(el, null, { renderer: "canvas" });
    chart.setOption({
      animation: false,
      aria: { enabled: true },
      // richText: the tooltip is drawn on the canvas, as its HTML form
      // carries inline styles our Content-Security-Policy refuses.
      tooltip: { trigger: "axis", confine: true, renderMode: "richText" },
      legend: { type: "scroll", top: 0 },
      grid: { left: 8, right: 8, top: 56, bottom: 8, containLabel: true },
      xAxis: { type: "category", data: data.months, axisLabel: { hideOverlap: true, rotate: narrow ? 45 : 0 } },
      yAxis: [
        { type: "value", name: "CSAT %", min: 0, max: 100 },
        { type: "value", name: "CES", min: 1, max: 7, splitLine: { show: false } }
      ],
      series: data.series.map(function (s) {
        return {
          name: s.name, type: "line", yAxisIndex: s.axis, data: s.data, connectNulls: false,
          showSymbol: true, symbolSize: 7, lineStyle: { type: s.team ? "dashed" : "solid" }
        };
      })
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
