"""Accessibility in the browser: axe-core on every page (home and each lesson), in English, in
Chinese and in presenter mode; every chart named by its description; the controls that are not
plain sliders (share panel, language switch) used with the keyboard alone.

Axe comes bundled with axe-playwright-python (no network). The pass mark: no serious or critical
violation in what the app renders. The few that come from Streamlit's own frame and cannot be
fixed from the app are excluded one by one below (rule + where), with the reason; the README's
accessibility section lists the same ones.
"""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from lib.lessons import LESSONS
from tests.e2e.browser import assert_picture_on_first_screen, open_page
from tests.e2e.conftest import screenshot, wait_for_app

pytestmark = pytest.mark.e2e

# (axe rule, the element of Streamlit's frame it is about, why we cannot fix it from the app).
STREAMLIT_FRAME = [
    (
        "list",
        "[data-testid=stSidebarNavItems]",
        "st.navigation's sidebar puts its section headers (div) straight inside the <ul>",
    ),
    (
        "listitem",
        "[data-testid=stSidebarNavItems]",
        "the same sidebar nests each section's <li> in a div, not in a list",
    ),
]
BLOCKING = {"serious", "critical"}

STATES = ["lang=en", "lang=zh", "lang=zh&present=1"]
PAGES = ["", *(lesson.path for lesson in LESSONS)]  # "" is the home page


@pytest.fixture(scope="module")
def tab(browser):
    """One browser context and one tab for every page state: ~33 loads in a row, on a laptop's
    screen (1280x800)."""
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="en-US")
    yield context.new_page()
    context.close()


def settle(page) -> None:
    """Wait until the page stops changing: some lessons redraw their controls once just after
    the first run (seen here: sgd had no sliders for ~0.5 s after open_page returned), and
    widgets are placeholders (stSkeleton) until their code has loaded (seconds, while a fresh
    server warms up). Then every chart drawn (vega-embed has put its SVG in) before axe looks
    inside them."""
    page.wait_for_function(
        """() => {
            const main = document.querySelector('[data-testid=stMain]');
            const app = document.querySelector('[data-testid=stApp]');
            const now = main ? main.getElementsByTagName('*').length : -1;
            const idle = app?.dataset.testScriptState === 'notRunning'
                && !document.querySelector('[data-testid=stSkeleton]');
            const steady = idle && window.__a11yLast === now;
            window.__a11yLast = now;
            return steady && [...document.querySelectorAll('[data-testid=stVegaLiteChart]')]
                .every(c => c.querySelector('svg, canvas'));
        }""",
        polling=400,
    )


def open_any(page, base: str, path: str, query: str) -> None:
    if path:
        open_page(page, base, f"{path}?{query}")
    else:  # the home page has no notes box: wait for its lesson cards
        page.goto(f"{base}/?{query}")
        wait_for_app(page)
        expect(page.locator("[data-testid=stPageLink]")).to_have_count(len(LESSONS))
    settle(page)


def from_streamlit_frame(page, rule: str, target: list[str]) -> bool:
    for rule_id, inside, _why in STREAMLIT_FRAME:
        if rule == rule_id and page.evaluate(
            "([t, inside]) => !!document.querySelector(t)?.closest(inside)", [target[0], inside]
        ):
            return True
    return False


def blocking_violations(page) -> list[str]:
    results = Axe().run(page)
    found = []
    for violation in results.response["violations"]:
        if violation["impact"] not in BLOCKING:
            continue
        for node in violation["nodes"]:
            if not from_streamlit_frame(page, violation["id"], node["target"]):
                found.append(
                    f"{violation['id']} ({violation['impact']}) at {node['target']}: "
                    f"{node['html'][:160]}\n    {node.get('failureSummary', '')[:300]}"
                )
    return found


def unnamed_charts(page, lang: str) -> list[str]:
    """Charts whose container lacks the accessible name vega-embed makes from the spec's
    description (role=graphics-document, aria-label), or whose name is not in the page's
    language (Chinese names have CJK characters)."""
    charts = page.locator("[data-testid=stVegaLiteChart]")
    bad = []
    for i in range(charts.count()):
        chart = charts.nth(i)
        name = chart.get_attribute("aria-label") or ""
        in_chinese = any("\u4e00" <= ch <= "\u9fff" for ch in name)
        if chart.get_attribute("role") != "graphics-document" or not name.strip():
            bad.append(f"chart {i}: no accessible name")
        elif lang == "zh" and not in_chinese:
            bad.append(f"chart {i}: {name!r}")
    return bad


@pytest.mark.parametrize("query", STATES)
@pytest.mark.parametrize("path", PAGES)
def test_page_is_accessible(tab, app_url, path, query):
    """One load per page state: the page is in its language and (on a laptop) shows the
    lesson's picture on the first screen; axe finds nothing serious, every chart is named by its
    description, and (once per lesson, in English) Tab reaches every control."""
    open_any(tab, app_url, path, query)
    # The first sentence (under the title) is in the chosen language.
    lede = tab.locator("[data-testid=stMain] [data-testid=stMarkdownContainer] p").first
    has_cjk = any("\u4e00" <= ch <= "\u9fff" for ch in lede.inner_text())
    assert has_cjk == ("lang=zh" in query), lede.inner_text()
    assert tab.locator("[data-testid=stException]").count() == 0
    if path and "present" not in query:
        assert_picture_on_first_screen(tab)
        screenshot(tab, f"{path}_{query.removeprefix('lang=')}")
    found = blocking_violations(tab)
    assert not found, f"/{path}?{query}:\n" + "\n".join(found)
    assert tab.locator("[data-testid=stVegaLiteChart]").count() > 0
    unnamed = unnamed_charts(tab, "zh" if "lang=zh" in query else "en")
    assert not unnamed, f"/{path}?{query}:\n" + "\n".join(unnamed)
    if path and query == "lang=en":
        tab.get_by_text("Share this state").click()  # its controls count too
        missed = tab_walk(tab, limit=250)
        assert not missed, f"/{path}: not reached with Tab:\n" + "\n".join(missed)


def tab_until(page, predicate: str, limit: int = 40) -> None:
    """Press Tab until ``predicate`` (JS, about document.activeElement ``e``) holds."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"(e => !!({predicate}))(document.activeElement)"):
            return
    raise AssertionError(f"Tab never reached an element where {predicate}")


def test_share_panel_by_keyboard(tab, app_url):
    """The share panel opens, its QR switch turns on and the QR code appears, all from the
    keyboard, in the order they are on screen: Tab to the panel, Enter (its content is drawn
    when it opens), a few Tabs to the switch (a popover's content came only after every other
    control), Space."""
    open_any(tab, app_url, "dropout", "p=0.3&seed=5&lang=en")
    tab.locator("body").focus()
    tab_until(tab, "e.tagName === 'SUMMARY' && e.innerText.includes('Share this state')")
    tab.keyboard.press("Enter")
    expect(tab.get_by_text("Lock the controls (lock=1)")).to_be_visible()
    tab_until(tab, "e.closest('[data-testid=stCheckbox]')?.innerText.includes('QR')", limit=10)
    tab.keyboard.press("Space")
    wait_for_app(tab)
    expect(tab.get_by_role("img", name="QR code of the link")).to_have_count(1)
    screenshot(tab, "a11y_share_by_keyboard")


def test_language_switch_by_keyboard(tab, app_url):
    """The language switch (a segmented control: radios in a group) from the keyboard: Tab
    into the group, an arrow key to 简体中文, Space."""
    open_any(tab, app_url, "cross_entropy", "lang=en")
    tab.locator("body").focus()
    tab_until(tab, "e.getAttribute('role') === 'radio' && e.innerText.includes('English')")
    tab.keyboard.press("ArrowRight")
    assert "简体中文" in tab.evaluate("document.activeElement.innerText")
    tab.keyboard.press("Space")
    wait_for_app(tab)
    expect(tab.locator("h1").first).to_contain_text("交叉熵")


# Controls in Streamlit's widgets that are not Tab stops, and why that is fine or cannot be
# changed from the app.
NOT_TAB_STOPS = [
    (
        "[data-testid=stCode] [data-testid=stBaseButton-elementToolbar]",
        "a code block's copy button shows on hover only (Streamlit); the code block itself is"
        " a Tab stop and its text can be selected and copied with the keyboard",
    ),
    (
        "[data-testid=stMultiSelect] button[tabindex='-1'], button[aria-haspopup=listbox]",
        "a multiselect's or selectbox's open button and a chosen option's remove button: the"
        " text box is the Tab stop, ArrowDown opens the list, Backspace removes the last one",
    ),
    (
        "[data-testid=stNumberInput] button[tabindex='-1']",
        "a number box's -/+ buttons: the box is the Tab stop, ArrowUp/ArrowDown step it",
    ),
]


def tab_walk(page, limit: int) -> list[str]:
    """Press Tab from the top of the page; return the controls in the page's main part that
    were never focused. A radio group (radios, segmented control) counts once: arrow keys move
    inside it. Controls in a closed expander count once it is open."""
    wanted = page.evaluate(
        """skip => {
            const all = document.querySelectorAll('[data-testid=stMain] :is(input, button,'
                + ' textarea, select, [role=slider], [role=switch], [role=combobox])');
            const keys = new Set();
            const groups = [];
            for (const e of all) {
                if (e.disabled || !e.checkVisibility() || e.closest('details:not([open])')
                    || e.matches(skip)) continue;
                const group = (e.type === 'radio' || e.getAttribute('role') === 'radio')
                    && e.closest('[role=radiogroup], [data-testid=stButtonGroup], fieldset');
                if (group && !groups.includes(group)) groups.push(group);
                const key = group ? 'g' + groups.indexOf(group) : 'c' + keys.size;
                e.dataset.a11yKey = key;
                keys.add(key);
            }
            return [...keys];
        }""",
        ", ".join(selector for selector, _why in NOT_TAB_STOPS),
    )
    page.locator("body").focus()
    seen = set()
    for _ in range(limit):
        page.keyboard.press("Tab")
        seen.add(page.evaluate("document.activeElement.dataset.a11yKey ?? null"))
        if seen.issuperset(wanted):
            break
    return page.evaluate(
        """keys => keys.map(k => document.querySelector(`[data-a11y-key="${k}"]`))
            .map(e => e.outerHTML.slice(0, 160))""",
        [key for key in wanted if key not in seen],
    )
