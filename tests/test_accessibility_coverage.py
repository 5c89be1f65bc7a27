"""The accessibility audits cannot forget a page: every URL pattern of the project is
visited by tests/a11y_pages.catalog() (as a page, or as the action of a form sent from
one) or excused in EXCUSED with its reason. A new view, admin model or custom admin page
fails here until it is audited or excused."""

import pytest

from .a11y_pages import EXCUSED, GROUPS, catalog, seed
from .a11y_routes import covered, excused_by_permission, route_names

pytestmark = pytest.mark.django_db


def test_every_page_is_audited_or_excused():
    demo = seed()
    pages = catalog(demo)
    routes = route_names()
    audited = covered(pages)
    excused = {**EXCUSED, **excused_by_permission(demo)}
    missing = sorted(routes - audited - set(excused))
    assert not missing, "Neither audited nor excused (tests/a11y_pages.py):\n" + "\n".join(missing)
    # An excuse for a page that is audited, or that no longer exists, is stale.
    assert sorted(set(excused) & audited) == []
    assert sorted(set(excused) - routes) == []
    assert all(reason.strip() for reason in excused.values())
    # Every page belongs to one of the browser audit's groups.
    assert {page.group for page in pages} == set(GROUPS)
