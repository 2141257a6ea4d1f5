// The survey's word cloud drawn by ECharts' word-cloud extension from the
// counts in #word-cloud-data. The list of words stays for screen readers
// (and is what shows without scripts); the canvas is for the eye.
(function () {
  "use strict";

  // The five tones of the list, each at least 4.5:1 on white.
  var tones = ["#1f5fae", "#1d6b3a", "#8a3b00", "#6b2c91", "#1b2330"];

  function draw() {
    var el = document.getElementById("word-cloud-chart");
    var src = document.getElementById("word-cloud-data");
    var list = document.getElementById("word-cloud-list");
    if (!el || !src || !list || !window.echarts) { return; }
    var words = JSON.parse(src.textContent) || [];
    if (!words.length) { return; }
    el.hidden = false;
    var chart = window.echarts.init(el, null, { renderer: "canvas" });
    chart.setOption({
      animation: false,
      series: [{
        type: "wordCloud",
        shape: "circle",
        left: "center", top: "center", width: "100%", height: "100%",
        sizeRange: [14, 52],
        rotationRange: [0, 0],
        gridSize: 8,
        drawOutOfBound: false,
        textStyle: {
          fontWeight: 600,
          color: function (p) { return tones[p.dataIndex % tones.length]; }
        },
        data: words.map(function (w) { return { name: w.word, value: w.count }; })
      }]
    });
    if (chart.getOption().series.length) { list.classList.add("visually-hidden"); }
    window.addEventListener("resize", function () { chart.resize(); });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
