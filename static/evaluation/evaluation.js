// The evaluation pages' charts (vendored ECharts): a radar of the four layers, bars per organization,
// trends over months. No inline script: the figures come from the page's JSON block
// (evaluation-charts); each chart's numbers are also in the table beside it.
(function () {
  "use strict";

  var COLOURS = ["#0b4a8b", "#e8b14a", "#2f855a", "#c05621", "#6b46c1"];

  function radar(data) {
    return {
      color: COLOURS,
      tooltip: {},
      legend: { bottom: 0, data: data.series.map(function (s) { return s.name; }) },
      radar: { indicator: data.indicators.map(function (name) { return { name: name, max: 100 }; }), radius: "62%" },
      series: [{ type: "radar", data: data.series.map(function (s) { return { name: s.name, value: s.values }; }) }]
    };
  }

  function bars(data) {
    // Best first at the top: a category axis draws from the bottom, so both lists are reversed.
    return {
      color: COLOURS,
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      grid: { containLabel: true, left: 8, right: 24, top: 8, bottom: 8 },
      xAxis: { type: "value", max: 100 },
      yAxis: { type: "category", data: data.labels.slice().reverse(), axisLabel: { width: 220, overflow: "truncate" } },
      series: [{ type: "bar", name: data.name, data: data.values.slice().reverse() }]
    };
  }

  function trend(data) {
    return {
      color: COLOURS,
      tooltip: { trigger: "axis" },
      legend: { bottom: 0 },
      grid: { containLabel: true, left: 8, right: 24, top: 16, bottom: 40 },
      xAxis: { type: "category", data: data.labels },
      yAxis: { type: "value", min: 0, max: 100 },
      series: data.series.map(function (s) { return { type: "line", name: s.name, data: s.values, connectNulls: false }; })
    };
  }

  var BUILDERS = { radar: radar, bars: bars, trend: trend };

  document.addEventListener("DOMContentLoaded", function () {
    var source = document.getElementById("evaluation-charts");
    if (!source || !window.echarts) { return; }
    var charts = JSON.parse(source.textContent);
    var drawn = [];
    document.querySelectorAll("[data-chart]").forEach(function (node) {
      var kind = node.dataset.chart;
      if (!charts[kind] || !BUILDERS[kind]) { return; }
      var chart = window.echarts.init(node);
      chart.setOption(BUILDERS[kind](charts[kind]));
      node.dataset.drawn = "true";
      drawn.push(chart);
    });
    window.addEventListener("resize", function () { drawn.forEach(function (chart) { chart.resize(); }); });
  });
})();
