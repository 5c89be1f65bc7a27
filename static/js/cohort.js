// The applicant's choices: show the questions of the mentors chosen, hide the others.
// Without JavaScript every mentor's questions show, each saying whose they are; the
// server ignores answers to mentors not chosen.
(function () {
  "use strict";
  var form = document.getElementById("cohort-choices");
  if (!form) { return; }
  var selects = form.querySelectorAll("[data-cohort-choice]");
  var blocks = form.querySelectorAll("[data-cohort-mentor]");
  function update() {
    var chosen = {};
    selects.forEach(function (select) { if (select.value) { chosen[select.value] = true; } });
    blocks.forEach(function (block) {
      var shown = !!chosen[block.getAttribute("data-cohort-mentor")];
      block.hidden = !shown;
    });
  }
  selects.forEach(function (select) { select.addEventListener("change", update); });
  update();
})();
