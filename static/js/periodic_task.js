// The periodic task page (django-celery-beat): a crontab's plain-words reading under its
// select, as the package's inline script did (templates/admin/djcelery/).
"use strict";
{
  const crontab = document.getElementById("id_crontab");
  const data = document.getElementById("readable-crontabs");
  const help = document.querySelector(".field-crontab .help");
  const translation = document.querySelector(".field-crontab_translation");
  if (translation) translation.hidden = true;
  if (crontab && data && help) {
    const readable = JSON.parse(data.textContent);
    const original = help.textContent.trim();
    crontab.addEventListener("change", () => {
      const words = readable[crontab.value];
      help.textContent = words ? `${original} Translation: ${words}` : original;
    });
  }
}
