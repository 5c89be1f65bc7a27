"""The house date style for Django's formatting (``FORMAT_MODULE_PATH``): what
templates write out by hand as ``|date:"j M Y"``, also for ``date_format()`` and the
admin's lists, so that one page doesn't say "2 Dec 2026" beside "Dec. 10, 2026"."""
