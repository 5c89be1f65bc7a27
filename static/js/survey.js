// The survey page: saves answers as people go (the server keeps the valid ones), and
// keeps Enter in a text box from sending the whole survey. The page works without it:
// "Save and finish later" does the same saving.
(function () {
  "use strict";
  var form = document.querySelector("form[data-survey-form]");
  if (!form || !window.fetch || !window.FormData) { return; }
  var status = form.querySelector("[data-autosave-status]");
  var pending = null;
  var inFlight = false;
  var again = false;

  function say(text) { if (status) { status.textContent = text; } }

  function save() {
    if (inFlight) { again = true; return; }
    inFlight = true;
    var data = new FormData(form);
    data.set("action", "autosave");
    say("Saving…");
    // Not form.action: the buttons named "action" shadow it.
    fetch(form.getAttribute("action") || window.location.href, {
      method: "POST", body: data, credentials: "same-origin",
      headers: { "X-Requested-With": "fetch", "Accept": "application/json" }
    }).then(function (response) {
      return response.json().then(function (body) { return { ok: response.ok, body: body }; });
    }).then(function (result) {
      if (result.body.closed) {
        say("This survey can no longer be changed. Reload the page.");
        return;
      }
      if (result.body.limited) {
        say("Not saved just now (too many saves in a short while); your answers are " +
            "still on this page. Send them in a few minutes.");
        return;
      }
      var errors = result.body.errors || {};
      var problems = Object.keys(errors).length;
      var time = new Date().toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
      say(problems
        ? "Saved at " + time + ", except " + problems + " answer" + (problems > 1 ? "s" : "") +
          " that need a fix (we'll show which when you send)."
        : "Answers saved at " + time + ". You can close this page and finish later with the same link.");
    }).catch(function () {
      say("Couldn't save just now; your answers are still on this page.");
    }).then(function () {
      inFlight = false;
      if (again) { again = false; save(); }
    });
  }

  function later() {
    if (pending) { window.clearTimeout(pending); }
    pending = window.setTimeout(save, 600);
  }

  form.addEventListener("change", later);
  form.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && event.target.tagName === "INPUT" &&
        event.target.type === "text") {
      event.preventDefault();
      later();
    }
  });
  // A real submit (either button) supersedes a pending autosave.
  form.addEventListener("submit", function () {
    if (pending) { window.clearTimeout(pending); pending = null; }
  });
})();
