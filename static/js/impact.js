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
      return bars(d.labels, d.counts, scoreColors(d.labels), { chart: { scales: {
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
    change: function (d) { return means(d, "Mean change", "points (end − start)"); },
    // Δp of completers, early leavers and both: means, CIs and the non-response floor.
    by_end: function (d) {
      var chart = means(d, "Mean Δp(full-time)", "percentage points");
      chart.data.datasets.push({ type: "line", label: "If non-responders gained nothing",
        data: d.bounds, showLine: false, pointStyle: "rectRot", pointRadius: 7,
        pointBackgroundColor: AMBER, borderColor: AMBER, order: 0 });
      return chart;
    },
    programs: function (d) { return means(d, "Mean Δp(full-time)", "percentage points"); },
    // The share funded or hired per cohort, one bar per follow-up, against the goal.
    alumni: function (d) {
      var datasets = d.series.map(function (s, i) {
        return { label: s.label, data: s.shares, backgroundColor: SERIES[i % SERIES.length] };
      });
      if (d.goal !== null && d.goal !== undefined) {
        datasets.push({ type: "line", label: "Goal (" + d.goal + "%)",
          data: d.labels.map(function () { return d.goal; }), borderColor: RED,
          borderDash: [6, 4], pointRadius: 0, borderWidth: 2 });
      }
      var labels = d.labels.map(function (label) { return wrap(label, 16); });
      return {
        type: "bar", data: { labels: labels, datasets: datasets },
        options: { plugins: { legend: { position: "bottom", labels: { boxWidth: 12 } } },
                   scales: { x: { ticks: { maxRotation: 0, autoSkip: false } },
                             y: { min: 0, max: 100,
                                  title: { display: true, text: "% funded or hired" } } } }
      };
    },
    mentor_rating: function (d) {
      return bars(d.labels, d.counts, scoreColors(d.labels), { chart: { scales: {
        x: { title: { display: true, text: "rating of the mentor (1–10)" } },
        y: countAxis("mentees") } } });
    },
    counterfactual: function (d) { return sideways(d, TEAL, "mentees"); },
    exits_mentee_exit: function (d) { return sideways(d, PURPLE, "mentees"); },
    exits_mentor_exit: function (d) { return sideways(d, AMBER, "mentors"); },
    elements: function (d) {
      return {
        type: "bar",
        data: { labels: d.labels, datasets: [{ label: "NPS", data: d.scores,
          backgroundColor: d.scores.map(function (v) { return v >= 0 ? GREEN : RED; }) }] },
        options: { indexAxis: "y", plugins: { legend: { display: false } },
                   scales: { x: { min: -100, max: 100,
                                  title: { display: true, text: "NPS (−100 to +100)" } } } }
      };
    }
  };

  // Means as bars with their 95% interval drawn over them as thin floating bars.
  function means(d, label, axis) {
    var ranges = d.low.map(function (low, i) {
      return low === null ? null : [low, d.high[i]];
    });
    return {
      type: "bar",
      data: { labels: d.labels, datasets: [
        { label: label, data: d.means, backgroundColor: BLUE, order: 2 },
        { label: "95% confidence interval", data: ranges, backgroundColor: INK,
          barPercentage: 0.06, order: 1, grouped: false }
      ] },
      options: { plugins: { legend: { position: "bottom", labels: { boxWidth: 12 } } },
                 scales: { y: { title: { display: true, text: axis } } } }
    };
  }

  // Long labels on a few lines, so that a phone's narrow chart keeps them whole.
  function wrap(label, width) {
    var lines = [], line = "";
    String(label).split(" ").forEach(function (word) {
      if (line && (line + " " + word).length > width) { lines.push(line); line = word; }
      else { line = line ? line + " " + word : word; }
    });
    if (line) { lines.push(line); }
    return lines;
  }

  function sideways(d, color, who) {
    var labels = d.labels.map(function (label) { return wrap(label, 22); });
    return bars(labels, d.counts, color, { chart: { indexAxis: "y", scales: {
      x: countAxis(who), y: { ticks: { autoSkip: false } } } } });
  }

  function scoreColors(labels) {
    return labels.map(function (label) {
      var v = Number(label);
      return v >= 9 ? GREEN : (v >= 7 ? GREY : RED);
    });
  }

  function doughnut(d, colors) {
    return {
      type: "doughnut",
      data: { labels: d.labels, datasets: [{ data: d.counts, backgroundColor: colors }] },
      options: { plugins: { legend: { position: "bottom", labels: { boxWidth: 12 } } } }
    };
  }

  // A question's own histogram ("every question, by its type"): one builder for all.
  function histogram(d) {
    return bars(d.labels, d.counts, BLUE, { chart: { scales: { y: countAxis() } } });
  }

  document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
    var name = canvas.getAttribute("data-chart");
    var builder = name.indexOf("q-") === 0 ? histogram : builders[name];
    if (!data[name] || !builder) { return; }
    canvas.chart = new Chart(canvas, builder(data[name]));
  });
})();
