"""The URL patterns, for the accessibility coverage test (tests/test_accessibility_coverage.py):
every pattern the resolver knows, the one serving a path, the ones a catalog of pages
(tests/a11y_pages.py) covers, and the admin pages no one may open."""

from __future__ import annotations

from django.contrib import admin
from django.urls import Resolver404, URLPattern, URLResolver, get_resolver, resolve

from .a11y_pages import SUPERUSER, Demo, Page, _request


def _walk(patterns, prefix="", namespace=None):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = ":".join(filter(None, [namespace, pattern.namespace]))
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern), inner or None)
        elif isinstance(pattern, URLPattern):
            if pattern.name:
                yield ":".join(filter(None, [namespace, pattern.name]))
            else:
                yield prefix + str(pattern.pattern)


def route_names() -> set[str]:
    """Every URL pattern: its name (with the namespace), or the pattern if it has none."""
    names = set(_walk(get_resolver().url_patterns))
    # Django admin's own unnamed redirect from <object_id>/ to <object_id>/change/.
    return {name for name in names if not name.endswith("/<path:object_id>/")}


def route_of(path: str) -> str | None:
    """The URL pattern that serves `path` (None for a path no pattern serves: the 404
    page)."""
    try:
        match = resolve(path.split("?")[0])
    except Resolver404:
        return None
    return match.view_name if match.url_name else match.route


def covered(pages: list[Page]) -> set[str]:
    found = set()
    for page in pages:
        found.add(route_of(page.path))
        found.update(route_of(step.action) for step in page.steps if step.action)
        found.update(step.lands for step in page.steps if step.lands)
    return found


def excused_by_permission(demo: Demo) -> dict[str, str]:
    """The admin's add and delete pages of the models no one may add to or delete from
    (a superuser included): they answer 403 to everyone."""
    request = _request(demo.people[SUPERUSER])
    excused = {}
    for model, model_admin in admin.site._registry.items():
        prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        if not model_admin.has_add_permission(request):
            excused[f"{prefix}_add"] = "no one may add one (has_add_permission)"
        if hasattr(model_admin, "import_action"):
            excused[f"{prefix}_process_import"] = "POST only: the import's confirmation step"
        if not model_admin.has_delete_permission(request):
            excused[f"{prefix}_delete"] = "no one may delete one (has_delete_permission)"
    return excused
