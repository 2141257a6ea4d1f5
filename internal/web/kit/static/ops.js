// The live operations board (/ops): draws each card's arrivals chart (the
// JSON beside it, the same numbers as its table) with Apache ECharts, and
// keeps the cards current over server-sent events from /ops/events, whose
// "board" events carry the cards' HTML rendered for this viewer. The
// browser reconnects a dropped stream by itself; one it gave up on is
// opened again after a pause. Without JavaScript the page is whole and a
// refresh updates it.
(function () {
  "use strict";

  var charts = [];

  function dark() { return document.body.classList.contains("ops-kiosk"); }

  function drawCharts() {
    charts.forEach(function (c) { c.dispose(); });
    charts = [];
    if (!window.echarts) { return; }
    var ink = dark() ? "#eef2f7" : "#1b2330";
    var size = dark() ? 15 : 12; // a wall screen is read from across the room
    document.querySelectorAll(".ops-arrivals").forEach(function (fig) {
      var el = fig.querySelector(".ops-chart");
      var src = fig.querySelector(".ops-chart-data");
      if (!el || !src) { return; }
      var data = JSON.parse(src.textContent);
      var chart = window.echarts.init(el, null, { renderer: "canvas" });
      chart.setOption({
        animation: false,
        aria: { enabled: true },
        textStyle: { color: ink, fontSize: size },
        // richText: the tooltip is drawn on the canvas, as its HTML form
        // carries inline styles our Content-Security-Policy refuses.
        tooltip: { trigger: "axis", confine: true, renderMode: "richText" },
        legend: { top: 0, textStyle: { color: ink, fontSize: size } },
        grid: { left: 4, right: 8, top: 28, bottom: 4, containLabel: true },
        xAxis: { type: "category", data: data.hours, axisLabel: { hideOverlap: true, color: ink, fontSize: size } },
        yAxis: { type: "value", minInterval: 1, axisLabel: { color: ink, fontSize: size } },
        series: [
          { name: "Tickets in", type: "bar", data: data.arrived, itemStyle: { color: dark() ? "#7fb2ff" : "#1f5fae" } },
          { name: "Forecast", type: "line", data: data.forecast, showSymbol: false, lineStyle: { type: "dashed", width: 2 },
            itemStyle: { color: dark() ? "#ffc98f" : "#c25e00" } }
        ]
      });
      charts.push(chart);
    });
  }

  function connect(board) {
    var live = document.getElementById("ops-live");
    var status = document.getElementById("ops-status");
    var source = new EventSource(board.getAttribute("data-events"));
    function checked() {
      var time = status && status.querySelector("time");
      if (time) {
        time.setAttribute("datetime", new Date().toISOString());
        time.textContent = "just now";
      }
    }
    source.addEventListener("board", function (e) {
      document.getElementById("ops-cards").innerHTML = e.data;
      drawCharts();
      checked();
    });
    source.addEventListener("checked", checked);
    source.addEventListener("open", function () { if (live) { live.hidden = false; } });
    source.addEventListener("error", function () {
      if (live) { live.hidden = true; }
      if (source.readyState === EventSource.CLOSED) {
        window.setTimeout(function () { connect(board); }, 5000);
      }
    });
  }

  function start() {
    drawCharts();
    window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
    var board = document.getElementById("ops-board");
    if (board && window.EventSource) { connect(board); }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
