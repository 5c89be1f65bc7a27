// The matching-run page while a worker solves the run: asks for the run's status every
// few seconds (JSON from the admin's status URL), shows the worker's progress in the
// status box, and reloads the page once the run is solved or failed, to show the result.
(function () {
  "use strict";
  var box = document.getElementById("run-status");
  if (!box || !window.fetch) {
    return;
  }
  var url = box.getAttribute("data-status-url");
  var label = box.querySelector(".mm-run-status-label");
  var text = box.querySelector(".mm-run-status-text");
  var delay = 1000;

  function later() {
    window.setTimeout(poll, delay);
  }

  function poll() {
    window.fetch(url, {
      credentials: "same-origin",
      cache: "no-store",
      headers: { Accept: "application/json" },
    })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("status " + response.status);
        }
        return response.json();
      })
      .then(function (run) {
        if (!run.under_way) {
          window.location.reload();
          return;
        }
        label.textContent = run.label;
        text.textContent = run.text;
        delay = Math.min(delay * 1.5, 5000);
        later();
      })
      .catch(function () {
        // Offline, signed out or a server hiccup: keep trying, less often.
        delay = Math.min(delay * 2, 30000);
        later();
      });
  }

  later();
})();
