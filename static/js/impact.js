// The impact dashboard's charts, drawn from the JSON the page carries (json_script
// "impact-data"). Each <canvas data-chart="name"> gets the chart of that name; a figure
// with too few answers has no data and no canvas. The tables next to the charts carry
// the same numbers for people who can't see them.
(function () {
  "use strict";

  // Choosing a program shows it at once (the "Show" button does the same without JS).
  document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  });

  var source = document.getElementById("impact-data");
  if (!source || typeof window.Chart === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  var Chart = window.Chart;

  var BLUE = "#0d6efd", GREEN = "#198754", GREY = "#adb5bd", RED = "#dc3545",
      AMBER = "#fd7e14", TEAL = "#20c997", PURPLE = "#6f42c1", INK = "#212529";
  var SERIES = [BLUE, TEAL, PURPLE, AMBER, GREEN];

  Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
  Chart.defaults.color = "#495057";
  Chart.defaults.maintainAspectRatio = false;
  Chart.defaults.animation = false;

  function countAxis(title) {
    return { beginAtZero: true, ticks: { precision: 0 }, title: { display: !!title, text: title } };
  }

  function bars(labels, counts, colors, options) {
    return {
      type: "bar",
      data: { labels: labels, datasets: [{ label: (options && options.label) || "Answers",
        data: counts, backgroundColor: colors || BLUE }] },
      options: Object.assign({
        plugins: { legend: { display: false } },
        scales: { y: countAxis("answers") }
      }, options && options.chart)
    };
  }

  var builders = {
    funnel: function (d) {
      return {
        type: "bar",
        data: { labels: d.labels, datasets: [{ label: "People", data: d.counts,
          backgroundColor: [GREY, BLUE, AMBER, TEAL, GREEN] }] },
        options: { indexAxis: "y", plugins: { legend: { display: false } },
                   scales: { x: countAxis("people") } }
      };
    },
    delta_p: function (d) {
      return bars(d.labels, d.counts, BLUE, { chart: { scales: {
        x: { title: { display: true, text: "percentage points" } }, y: countAxis("mentees") } } });
    },
    months: function (d) {
      return bars(d.labels, d.counts, TEAL, { chart: { scales: {
        x: { title: { display: true, text: "months" } }, y: countAxis("mentees") } } });
    },
    nps: function (d) {
      var colors = d.labels.map(function (label) {
        var v = Number(label);
        return v >= 9 ? GREEN : (v >= 7 ? GREY : RED);
      });
      return bars(d.labels, d.counts, colors, { chart: { scales: {
        x: { title: { display: true, text: "likelihood to recommend (0–10)" } },
        y: countAxis("mentees") } } });
    },
    worth_it: function (d) { return doughnut(d, [GREEN, AMBER, RED]); },
    again: function (d) { return doughnut(d, [GREEN, TEAL, RED]); },
    ratings: function (d) {
      var colors = ["#cfe2ff", "#6ea8fe", "#0d6efd", "#052c65"];
      return {
        type: "bar",
        data: { labels: d.labels, datasets: d.bands.map(function (band, i) {
          return { label: band.label, data: band.shares, backgroundColor: colors[i % 4] };
        }) },
        options: {
          indexAxis: "y",
          plugins: { legend: { position: "bottom", labels: { boxWidth: 12 } },
                     tooltip: { callbacks: { label: function (item) {
                       return item.dataset.label + ": " + item.raw + "%";
                     } } } },
          scales: { x: { stacked: true, min: 0, max: 100,
                         title: { display: true, text: "% of mentees rated" } },
                    y: { stacked: true } }
        }
      };
    },
    change: function (d) {
      var ranges = d.low.map(function (low, i) {
        return low === null ? null : [low, d.high[i]];
      });
      return {
        type: "bar",
        data: { labels: d.labels, datasets: [
          { label: "Mean change", data: d.means, backgroundColor: BLUE, order: 2 },
          { label: "95% confidence interval", data: ranges, backgroundColor: INK,
            barPercentage: 0.06, order: 1, grouped: false }
        ] },
        options: { plugins: { legend: { position: "bottom", labels: { boxWidth: 12 } } },
                   scales: { y: { title: { display: true, text: "points (end − start)" } } } }
      };
    }
  };

  function doughnut(d, colors) {
    return {
      type: "doughnut",
      data: { labels: d.labels, datasets: [{ data: d.counts, backgroundColor: colors }] },
      options: { plugins: { legend: { position: "bottom", labels: { boxWidth: 12 } } } }
    };
  }

  document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
    var name = canvas.getAttribute("data-chart");
    if (!data[name] || !builders[name]) { return; }
    canvas.chart = new Chart(canvas, builders[name](data[name]));
  });
})();
