"""What axe-core can't see, in Chromium: the skip link shows above the header when it
gets focus, every focus ring is solid and stands out at 3:1 or more, and the admin's
list-filter links are targets of at least 24 px (WCAG 2.2, 2.5.8)."""

import pytest

from .browser_fixtures import signed_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The focused element's ring: its width, style, colour against the page behind it.
RING = """() => {
  const el = document.activeElement, style = getComputedStyle(el);
  const rgb = (value) => (value.match(/[\\d.]+/g) || []).slice(0, 3).map(Number);
  const lum = ([r, g, b]) => [r, g, b].map((c) => {
    c /= 255; return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  }).reduce((sum, c, i) => sum + c * [0.2126, 0.7152, 0.0722][i], 0);
  const ring = lum(rgb(style.outlineColor)), page = lum([255, 255, 255]);
  return {tag: el.tagName, text: (el.textContent || el.value || '').trim().slice(0, 30),
          width: parseFloat(style.outlineWidth), style: style.outlineStyle,
          contrast: (Math.max(ring, page) + 0.05) / (Math.min(ring, page) + 0.05)};
}"""


def test_the_skip_link_shows_above_the_header_when_focused(page, program):
    page.goto("/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    assert skip.evaluate("el => el === document.activeElement")
    box = skip.bounding_box()
    on_top = page.evaluate("([x, y]) => document.elementFromPoint(x, y).textContent.trim()",
                           [box["x"] + box["width"] / 2, box["y"] + box["height"] / 2])
    assert on_top == "Skip to content"


def test_every_focus_ring_is_solid_and_stands_out(page, program, areas):
    page.goto("/apply/mentee/")
    seen = []
    for _ in range(25):  # links, inputs, radio buttons, check boxes, buttons
        page.keyboard.press("Tab")
        ring = page.evaluate(RING)
        seen.append(ring["tag"])
        assert ring["style"] == "solid" and ring["width"] >= 3, ring
        assert ring["contrast"] >= 3, ring
    assert {"A", "INPUT", "SELECT"} <= set(seen)


def test_the_admin_filter_links_are_targets_of_24_px(new_page, live_server, organizer,
                                                     program):
    page = signed_in(new_page, live_server, organizer)
    page.goto("/admin/matching/menteeapplication/")
    heights = page.locator("#changelist-filter a").evaluate_all(
        "links => links.map((a) => a.getBoundingClientRect().height)")
    assert len(heights) > 3
    assert min(heights) >= 24
