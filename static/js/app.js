// Small progressive enhancements; every page works without them.
(function () {
  "use strict";

  // Browsers (ICU) still report some zones by their old IANA names; the list offers
  // only the current ones.
  var ZONE_ALIASES = {
    "Asia/Calcutta": "Asia/Kolkata", "Asia/Saigon": "Asia/Ho_Chi_Minh",
    "Asia/Katmandu": "Asia/Kathmandu", "Asia/Rangoon": "Asia/Yangon",
    "Asia/Ulan_Bator": "Asia/Ulaanbaatar", "Asia/Dacca": "Asia/Dhaka",
    "Asia/Thimbu": "Asia/Thimphu", "Asia/Macao": "Asia/Macau",
    "Europe/Kiev": "Europe/Kyiv", "Europe/Uzhgorod": "Europe/Kyiv",
    "Europe/Zaporozhye": "Europe/Kyiv", "America/Godthab": "America/Nuuk",
    "America/Buenos_Aires": "America/Argentina/Buenos_Aires",
    "America/Catamarca": "America/Argentina/Catamarca",
    "America/Cordoba": "America/Argentina/Cordoba", "America/Jujuy": "America/Argentina/Jujuy",
    "America/Mendoza": "America/Argentina/Mendoza",
    "America/Indianapolis": "America/Indiana/Indianapolis",
    "America/Louisville": "America/Kentucky/Louisville",
    "America/Coral_Harbour": "America/Atikokan", "Atlantic/Faeroe": "Atlantic/Faroe",
    "Africa/Asmera": "Africa/Asmara", "Pacific/Ponape": "Pacific/Pohnpei",
    "Pacific/Truk": "Pacific/Chuuk", "Pacific/Enderbury": "Pacific/Kanton",
    "Etc/UTC": "UTC", "Etc/GMT": "UTC", "GMT": "UTC"
  };

  // Default an empty time-zone select to the browser's own zone.
  document.querySelectorAll("select[data-browser-timezone]").forEach(function (select) {
    if (select.value) { return; }
    var zone;
    try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone; } catch (e) { return; }
    zone = ZONE_ALIASES[zone] || zone;
    if (zone && select.querySelector('option[value="' + zone + '"]')) {
      select.value = zone;
    }
  });

  // Long answers: the browser keeps only the first maxlength characters of a paste,
  // silently. Say so when it happens, and count down near the limit.
  document.querySelectorAll("textarea[maxlength]").forEach(function (area) {
    var max = parseInt(area.getAttribute("maxlength"), 10);
    if (!max) { return; }
    var note = document.createElement("div");
    note.className = "form-text mm-counter";
    note.setAttribute("aria-live", "polite");
    area.insertAdjacentElement("afterend", note);
    var cut = false;
    area.addEventListener("paste", function (event) {
      var data = event.clipboardData || window.clipboardData;
      var text = data ? data.getData("text") : "";
      var replaced = area.selectionEnd - area.selectionStart;
      cut = area.value.length - replaced + text.length > max;
    });
    area.addEventListener("input", function () {
      var left = max - area.value.length;
      if (cut) {
        note.textContent = "That was longer than " + max.toLocaleString("en") +
          " characters: only the beginning fit. Shorten it, then paste it again.";
      } else {
        note.textContent = left < max / 5 ? left.toLocaleString("en") + " characters left" : "";
      }
      note.classList.toggle("text-danger", cut);
      cut = false;
    });
  });

  // Move keyboard and screen-reader focus to the error summary after a failed submit.
  var summary = document.querySelector(".mm-error-summary");
  if (summary) { summary.focus(); }

  // A summary link leads to its field: the input itself, or a group's first choice (the
  // link names the group's id), its label or legend scrolled into view. Done here rather
  // than by the browser so that the address never keeps "#id_...": a form sent again
  // from such an address would open its answer scrolled to that field, past the summary.
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest(".mm-error-summary a[href^='#']");
    if (!link) { return; }
    var target = document.getElementById(decodeURIComponent(link.hash.slice(1)));
    if (!target) { return; }
    var input = target.matches("input, select, textarea") ? target :
      target.querySelector("input:not([type=hidden]), select, textarea");
    if (!input) { return; }
    event.preventDefault();
    var group = input.closest("fieldset");
    var heading = (group && group.querySelector("legend")) ||
      (input.id && document.querySelector('label[for="' + input.id + '"]')) || input;
    heading.scrollIntoView({block: "start"});
    input.focus({preventScroll: true});
  });

  // Whatever put a fragment in the address (a skip link, a link from elsewhere), a form
  // is sent to the page's address without it, so its answer opens at the top.
  document.querySelectorAll('form[method="post"]:not([action])').forEach(function (form) {
    form.addEventListener("submit", function () {
      if (location.hash) { form.setAttribute("action", location.pathname + location.search); }
    });
  });
})();

// The interest forms: keep what is sent in this tab (sessionStorage) until it is saved,
// so that if the database can't be reached the 503 page can send it again
// (static/js/outage.js). The thanks page means it was saved: the copy goes.
(function () {
  "use strict";

  var FORM_PAGE = /^\/(programs\/[^/]+\/)?apply\/(mentee|mentor)\/$/;
  var THANKS_PAGE = /^\/apply\/(mentee|mentor)\/thanks\/$/;
  var storage;
  try { storage = window.sessionStorage; } catch (e) { return; }
  if (!storage) { return; }

  if (THANKS_PAGE.test(location.pathname)) {
    Object.keys(storage).forEach(function (key) {
      if (key.indexOf("mm-draft:") === 0) { storage.removeItem(key); }
    });
    return;
  }
  if (!FORM_PAGE.test(location.pathname)) { return; }
  document.querySelectorAll('form[method="post"]').forEach(function (form) {
    form.addEventListener("submit", function () {
      var fields = [];
      new FormData(form).forEach(function (value, name) {
        if (typeof value === "string") { fields.push([name, value]); }
      });
      try {
        storage.setItem("mm-draft:" + location.pathname + location.search,
                        JSON.stringify({at: Date.now(), fields: fields}));
      } catch (e) { /* full or disabled: the form is sent all the same */ }
    });
  });
})();
