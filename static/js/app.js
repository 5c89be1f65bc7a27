// Small progressive enhancements; every page works without them.
(function () {
  "use strict";

  // Default an empty time-zone select to the browser's own zone.
  document.querySelectorAll("select[data-browser-timezone]").forEach(function (select) {
    if (select.value) { return; }
    var zone;
    try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone; } catch (e) { return; }
    if (zone && select.querySelector('option[value="' + zone + '"]')) {
      select.value = zone;
    }
  });

  // Move keyboard and screen-reader focus to the error summary after a failed submit.
  var summary = document.querySelector(".mm-error-summary");
  if (summary) { summary.focus(); }
})();
