// The 503 page after a form was sent while the database was unreachable: if this
// browser kept the answers (static/js/app.js keeps the interest forms' as they are
// sent), say so and send them again, every Retry-After seconds, until they are saved.
(function () {
  "use strict";

  var box = document.getElementById("mm-draft");
  if (!box) { return; }
  var key = "mm-draft:" + location.pathname + location.search;
  var draft;
  try { draft = JSON.parse(sessionStorage.getItem(key) || "null"); } catch (e) { draft = null; }
  // A draft from an earlier visit (over an hour old) is not what was just sent.
  if (!draft || !draft.fields || Date.now() - draft.at > 3600 * 1000) { return; }

  var filled = draft.fields.filter(function (pair) {
    return pair[0] !== "csrfmiddlewaretoken" && pair[1] !== "";
  }).length;
  document.getElementById("mm-draft-count").textContent =
    filled + (filled === 1 ? " answer" : " answers");
  box.hidden = false;
  document.getElementById("mm-no-draft").hidden = true;

  function send() {
    var form = document.createElement("form");
    form.method = "post";
    form.action = location.pathname + location.search;
    draft.fields.forEach(function (pair) {
      var input = document.createElement("input");
      input.type = "hidden";
      input.name = pair[0];
      input.value = pair[1];
      form.appendChild(input);
    });
    document.body.appendChild(form);
    form.submit();
  }

  var left = parseInt(box.getAttribute("data-retry-after"), 10) || 30;
  var counter = document.getElementById("mm-draft-seconds");
  var timer = setInterval(function () {
    left -= 1;
    counter.textContent = String(Math.max(left, 0));
    if (left <= 0) { clearInterval(timer); send(); }
  }, 1000);
  document.getElementById("mm-draft-now").addEventListener("click", function () {
    clearInterval(timer);
    send();
  });
})();
