"""axe-core on every page of every role, at 1280 and 390 px, in headless Chromium.

The pages are tests/a11y_pages.catalog(): the public's, the mentee's, the mentor's, the
organizers' (the impact dashboard, then every admin page of every model each staff role
sees, the custom ones such as the matching run), each form page also after a refused
submission. Any violation axe rates serious or critical fails the test, with the page,
the width, the rule and the elements. WCAG 2.2 AA as axe checks it, plus its best
practices; what axe can't see (focus rings) has tests of its own.

axe runs under the app's Content-Security-Policy, untouched: the script (vendored in
tests/vendor/axe-core/, axe-core 4.x from npm, MPL-2.0) is served to the page from its own
origin, at /__a11y__/axe.min.js, by the browser context's request routing, so
`script-src 'self'` lets it in like any static file. A page that blocked it, or anything
else, would fail the test (every page must carry the policy and report no violation).
"""

from pathlib import Path
from urllib.parse import urlparse

import pytest

from .a11y_pages import GROUPS, Page, Submit, catalog, seed
from .a11y_routes import route_of
from .browser_fixtures import ARTIFACTS, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"
AXE_PATH = "/__a11y__/axe.min.js"
WIDTHS = (1280, 390)
FAILING = ("serious", "critical")

# axe itself adds <style> elements on some pages, which the policy rightly refuses: only
# the pages' own violations count.
WATCH_VIOLATIONS = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', (e) => {
  const axe = (e.sourceFile || '').endsWith('{AXE_PATH}');
  if (axe && e.violatedDirective === 'style-src-elem') return;
  window.__csp.push(`${e.violatedDirective} blocked ${e.blockedURI || 'inline'}`);
});
""".replace("{AXE_PATH}", AXE_PATH)

# Sets a form's fields as a person would and presses its button (see a11y_pages.Submit).
SUBMIT = """([action, values, button]) => {
  const forms = [...document.querySelectorAll('form[method=post], form[method=POST]')];
  const here = location.pathname;
  // Of the forms sent to that address, the first that has every field named.
  const form = forms.find((f) => {
    const target = new URL(f.getAttribute('action') || here, location.href).pathname;
    const names = [...f.elements].map((el) => el.name);
    return (action ? target === action : target === here) &&
      Object.keys(values).every((name) => names.includes(name));
  });
  if (!form) return 'no form';
  for (const [name, value] of Object.entries(values)) {
    const fields = [...form.elements].filter((el) => el.name === name);
    if (!fields.length) return `no field ${name}`;
    for (const el of fields) {
      const ticks = el.type === 'radio' || el.type === 'checkbox';
      if (ticks) el.checked = value !== '' && el.value === value;
      else el.value = value;
    }
  }
  const buttons = [...form.elements].filter((el) => el.type === 'submit');
  const pressed = button ? buttons.find((b) => b.name === button[0] && b.value === button[1])
                         : buttons[0];
  if (button && !pressed) return `no button ${button}`;
  form.noValidate = true;
  form.requestSubmit(pressed || undefined);
  return '';
}"""

AUDIT = """async () => {
  const result = await axe.run(document, {resultTypes: ['violations']});
  return result.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map((n) => `${n.target.join(' ')}: ${n.failureSummary.replace(/\\s+/g, ' ')}`),
  }));
}"""


class Audit:
    """One browser context per person; every page audited at both widths."""

    def __init__(self, new_page, live_server, demo):
        self.new_page, self.live_server, self.demo = new_page, live_server, demo
        self.pages: dict[str, object] = {}
        self.problems: list[str] = []
        self.audited = 0

    def page_for(self, who: str):
        if who not in self.pages:
            page = self.new_page(viewport={"width": WIDTHS[0], "height": 900})
            page.add_init_script(WATCH_VIOLATIONS)
            page.context.route(f"**{AXE_PATH}", lambda route: route.fulfill(
                path=str(AXE), content_type="text/javascript; charset=utf-8"))
            user = self.demo.people.get(who)
            if user is not None:
                sign_in(page, self.live_server, user)
            self.pages[who] = page
        return self.pages[who]

    def visit(self, spec: Page):
        page = self.page_for(spec.who)
        response = page.goto(spec.path)
        self.expect(spec.label, response, spec.status)
        if spec.audit_first:
            self.audit(page, spec.label)
        for number, step in enumerate(spec.steps, 1):
            label = f"{spec.label} (form sent, step {number})"
            with page.expect_navigation() as navigation:
                problem = page.evaluate(SUBMIT, [step.action, step.values, step.button])
                assert problem == "", f"{label}: {problem}"
            self.expect(label, navigation.value, step.expect, step)
            self.audit(page, label)

    def expect(self, label, response, status, step: Submit | None = None):
        assert response is not None, label
        assert response.status == status, f"{label}: HTTP {response.status}, not {status}"
        assert "default-src 'self'" in response.headers.get("content-security-policy", ""), (
            f"{label}: served without the Content-Security-Policy")
        if step is not None and step.lands:
            assert route_of(response.url.split(self.live_server.url, 1)[1]) == step.lands, label

    def audit(self, page, label: str):
        page.wait_for_load_state("networkidle")
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            if not page.evaluate("typeof axe !== 'undefined'"):
                page.add_script_tag(url=self.live_server.url + AXE_PATH)
            for rule in page.evaluate(AUDIT):
                if rule["impact"] in FAILING:
                    nodes = "\n      ".join(rule["nodes"][:8])
                    more = f" (and {len(rule['nodes']) - 8} more)" if len(rule["nodes"]) > 8 else ""
                    self.problems.append(f"{label} at {width} px: {rule['id']} ({rule['impact']}): "
                                         f"{rule['help']}{more}\n      {nodes}")
            self.audited += 1
            # Reflow (WCAG 1.4.10): the participants' and organizers' own pages fit a
            # phone; a wide table scrolls inside its own region. The admin is Django's.
            sideways = page.evaluate("document.documentElement.scrollWidth - innerWidth")
            if width < 600 and sideways > 1 and not urlparse(page.url).path.startswith("/admin/"):
                self.problems.append(f"{label} at {width} px: the page scrolls {sideways} px "
                                     "sideways")
        page.set_viewport_size({"width": WIDTHS[0], "height": 900})
        blocked = page.evaluate("window.__csp || []")
        self.problems += [f"{label}: the policy blocked {what}" for what in blocked]
        page.evaluate("window.__csp = []")


@pytest.mark.parametrize("group", GROUPS)
def test_no_page_has_a_serious_accessibility_violation(new_page, live_server, group):
    demo = seed()
    pages = [page for page in catalog(demo) if page.group == group]
    audit = Audit(new_page, live_server, demo)
    for spec in pages:
        audit.visit(spec)
    assert audit.audited >= len(pages)
    if audit.problems:
        ARTIFACTS.mkdir(exist_ok=True)
        name = group.replace(" ", "-").replace("/", "-of-")
        (ARTIFACTS / f"axe-{name}.txt").write_text("\n".join(audit.problems) + "\n")
    assert not audit.problems, f"{len(audit.problems)} serious or critical violations:\n" + (
        "\n".join(audit.problems))
