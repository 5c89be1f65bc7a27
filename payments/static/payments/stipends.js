// The stipend forms, enhanced; both work without this.
(function () {
  "use strict";

  // Bank details: show the IBAN fields or the account-number fields, as chosen.
  document.querySelectorAll("[data-bank-form]").forEach(function (box) {
    var radios = box.querySelectorAll('input[type="radio"][name$="kind"]');
    function show() {
      var chosen = box.querySelector('input[type="radio"][name$="kind"]:checked');
      var kind = chosen ? chosen.value : "iban";
      box.querySelectorAll(".mm-bank-group").forEach(function (group) {
        group.hidden = group.getAttribute("data-kind") !== kind;
      });
    }
    radios.forEach(function (radio) { radio.addEventListener("change", show); });
    show();
  });

  var form = document.querySelector(".mm-stipend-form");
  if (!form) { return; }
  var currency = form.getAttribute("data-currency") || "";
  var hours = form.querySelector('input[name="hours"]');
  var rate = form.querySelector('input[name="rate"]');
  var start = form.querySelector('input[name="period_start"]');
  var end = form.querySelector('input[name="period_end"]');
  var amount = document.getElementById("stipend-amount");

  // To cents with integers only (no float rounding): "7.5" -> 750.
  function cents(text) {
    var match = /^\s*(\d+)(?:[.,](\d{0,2}))?\s*$/.exec(text || "");
    if (!match) { return null; }
    return parseInt(match[1], 10) * 100 + parseInt(((match[2] || "") + "00").slice(0, 2), 10);
  }
  function money(c) {
    var whole = Math.floor(c / 100).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ",");
    return whole + "." + ("0" + (c % 100)).slice(-2);
  }
  function updateAmount() {
    if (!amount) { return; }
    var h = cents(hours.value), r = cents(rate.value);
    if (h === null || r === null || h <= 0 || r <= 0) { amount.textContent = ""; return; }
    // hours x rate in 1/10000 units, rounded half up to the cent.
    var total = Math.floor((h * r + 50) / 100);
    amount.textContent = "Amount: " + money(total) + " " + currency + " (" +
      hours.value.trim() + " h × " + rate.value.trim() + " " + currency + ")";
  }

  var items = document.querySelectorAll(".mm-meeting-list [data-date]");
  var summary = document.querySelector("[data-meeting-summary]");
  function updateMeetings() {
    if (!items.length || !start.value || !end.value) { return; }
    var count = 0, minutes = 0;
    items.forEach(function (item) {
      var inside = item.getAttribute("data-date") >= start.value &&
        item.getAttribute("data-date") <= end.value;
      item.hidden = !inside;
      if (inside) { count += 1; minutes += parseInt(item.getAttribute("data-minutes"), 10); }
    });
    if (summary) {
      summary.textContent = count ? "Meetings logged in this period: " + count + ", " +
        (Math.round(minutes / 6) / 10) + " h in all." :
        "No meeting logged in this period.";
    }
  }
  [hours, rate].forEach(function (input) { input.addEventListener("input", updateAmount); });
  [start, end].forEach(function (input) { input.addEventListener("change", updateMeetings); });
  updateAmount();
  updateMeetings();
})();
