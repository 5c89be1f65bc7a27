"""The browser suite skips without Chromium on a developer's machine, but fails on CI and
in `make e2e`, so that a CI run can never pass by skipping it."""

from pathlib import Path

import pytest

from .browser_fixtures import _no_browser

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def plain_env(monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.delenv("REQUIRE_BROWSER", raising=False)
    return monkeypatch


def test_it_skips_on_a_developers_machine(plain_env):
    with pytest.raises(pytest.skip.Exception):
        _no_browser("no Chromium")


@pytest.mark.parametrize(("name", "value"), [("CI", "true"), ("REQUIRE_BROWSER", "1")])
def test_it_fails_on_ci_and_in_make_e2e(plain_env, name, value):
    plain_env.setenv(name, value)
    with pytest.raises(pytest.fail.Exception, match="no Chromium"):
        _no_browser("no Chromium")


def test_ci_run_sets_ci_itself():
    assert "\nexport CI=true\n" in (ROOT / ".ci" / "run").read_text()


def test_make_e2e_runs_the_browser_marker_and_requires_the_browser():
    makefile = (ROOT / "Makefile").read_text()
    assert "e2e: export REQUIRE_BROWSER = 1" in makefile
    recipe = makefile.split("\ne2e: $(STAMP) browsers\n", 1)[1].split("\n\n", 1)[0]
    assert "-m browser" in recipe
