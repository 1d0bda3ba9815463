"""Keyboard access and the language switcher, as a visitor uses them."""

import pytest
from playwright.sync_api import expect


def test_first_tab_reaches_the_skip_link_which_moves_focus_to_main(page, directory):
    page.goto("/lieux/")
    page.keyboard.press("Tab")
    skip_link = page.locator("a.skip-link")
    expect(skip_link).to_be_focused()
    expect(skip_link).to_have_text("Aller au contenu")
    # Hidden until focused is fine, but once focused a sighted keyboard user must see it.
    expect(skip_link).to_be_in_viewport()

    page.keyboard.press("Enter")
    expect(page.locator("main#contenu")).to_be_focused()
    assert page.url.endswith("#contenu")


FOCUS_RING = """() => {
  const visible = (el) => {
    const s = getComputedStyle(el);
    return (s.outlineStyle !== "none" && parseFloat(s.outlineWidth) >= 2) || s.boxShadow !== "none";
  };
  const el = document.activeElement;
  // A card draws the ring around itself (:focus-within) for its single link.
  let node = el;
  for (let i = 0; node && i < 4; i++, node = node.parentElement) {
    if (visible(node)) return null;
  }
  return el.outerHTML.slice(0, 160);
}"""


@pytest.mark.parametrize("path", ["/", "/lieux/", "/lieux/friche-lumiere/"])
def test_every_keyboard_stop_shows_a_focus_indicator(page, directory, path):
    page.goto(path)
    page.wait_for_load_state("networkidle")
    stops, missing = 0, []
    for _ in range(80):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement === document.body"):
            break
        stops += 1
        if (element := page.evaluate(FOCUS_RING)) is not None:
            missing.append(element)
    assert stops > 5, f"only {stops} keyboard stops on {path}"
    assert not missing, "focused without a visible indicator:\n" + "\n".join(missing)


def test_choosing_english_in_the_header_switcher_shows_the_page_in_english(page, directory):
    page.goto("/lieux/")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    friche_card = page.locator(".card", has=page.get_by_role("link", name="Friche Lumière"))
    expect(friche_card.locator(".card-dates")).to_contain_text("octobre 2025 – mars 2027")

    switcher = page.get_by_role("navigation", name="Langue")
    expect(switcher.get_by_role("link", name="Français")).to_have_attribute("aria-current", "true")
    switcher.get_by_role("link", name="English").click()

    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert page.url.endswith("/lieux/"), "the switcher should bring the visitor back"
    nav = page.get_by_role("navigation", name="Main navigation")
    expect(nav.get_by_role("link", name="Sites", exact=True)).to_be_visible()
    switcher = page.get_by_role("navigation", name="Language")
    expect(switcher.get_by_role("link", name="English")).to_have_attribute("aria-current", "true")
    # Django's own catalogue already translates dates: the cards show English month names.
    friche_card = page.locator(".card", has=page.get_by_role("link", name="Friche Lumière"))
    expect(friche_card.locator(".card-dates")).to_contain_text("October 2025 – March 2027")
    # The choice sticks for the next page.
    page.goto("/accessibilite/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
