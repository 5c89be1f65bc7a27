// Every admin page (templates/admin/base_site.html): mends what Django's admin scripts
// build that assistive technology can't use.
"use strict";
{
  const mend = () => {
    // The filter boxes' magnifier icon names itself with aria-label, which a plain span
    // may not carry: as an image it may, and its label still reads it.
    document.querySelectorAll("span.search-label-icon[aria-label]:not([role])")
      .forEach((icon) => icon.setAttribute("role", "img"));
    // select2 (the autocomplete boxes) marks the text it shows as a read-only textbox
    // with no name; the combobox around it is named by that text already.
    document.querySelectorAll(".select2-selection__rendered[role=textbox]").forEach((text) => {
      text.removeAttribute("role");
      text.removeAttribute("aria-readonly");
    });
    // A select2 box of several choices types into a search field with no label: it takes
    // the field's own.
    document.querySelectorAll(".select2-search__field:not([aria-label])").forEach((search) => {
      const select = search.closest(".select2")?.previousElementSibling;
      const label = select?.id && document.querySelector(`label[for="${select.id}"]`);
      if (label) search.setAttribute("aria-label", label.textContent.replace(/:\s*$/, "").trim());
    });
    // ... and puts its mouse-only "remove all" cross straight into the list of choices,
    // where only list items may be: hidden from assistive technology (Backspace in the
    // search field removes choices).
    document.querySelectorAll("ul.select2-selection__rendered > .select2-selection__clear")
      .forEach((cross) => cross.setAttribute("aria-hidden", "true"));
  };
  // After the admin's own handlers, which build these widgets on load (SelectFilter2.js),
  // when an inline row is added, and each time a choice changes (select2 redraws).
  window.addEventListener("load", () => {
    setTimeout(mend);
    let queued = false;
    new MutationObserver(() => {
      if (queued) return;
      queued = true;
      setTimeout(() => { queued = false; mend(); });
    }).observe(document.body, {childList: true, subtree: true});
  });
}
