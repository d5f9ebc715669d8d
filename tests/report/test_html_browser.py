"""The HTML report in a real headless Chromium: renders, logs no console error, shows the key
numbers, treats hostile code as text, and its filter works."""

from __future__ import annotations

import shutil

import pytest

from metacompress.report.html import render_html

pytestmark = pytest.mark.browser

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    if not (CHROMIUM and CHROMEDRIVER):
        pytest.skip("headless browser test needs the Debian packages chromium and chromium-driver")
    webdriver = pytest.importorskip("selenium.webdriver")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}",
    ):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    service = webdriver.ChromeService(executable_path=CHROMEDRIVER)
    driver = webdriver.Chrome(options=options, service=service)
    yield driver
    driver.quit()


def _open(browser, tmp_path, data):
    page = tmp_path / "report.html"
    page.write_text(render_html(data), encoding="utf-8")
    browser.get(page.as_uri())
    return browser


def test_report_renders_without_console_errors_and_shows_key_numbers(
    browser, tmp_path, sample_report, hostile
):
    driver = _open(browser, tmp_path, sample_report())
    from selenium.webdriver.common.by import By

    body = driver.find_element(By.TAG_NAME, "body").text
    assert driver.find_element(By.ID, "verdict").text == "PASS"
    for number in ("81.2%", "79.7%", "1.6%", "33.3%", "10.0%", "45.0%"):
        assert number in body
    assert len(driver.find_elements(By.CSS_SELECTOR, "svg.chart")) >= 4
    errors = [entry for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]
    assert errors == []
    # The hostile string is shown as text and creates no element, so no handler ran.
    assert driver.find_elements(By.TAG_NAME, "img") == []
    assert hostile in body
    assert driver.execute_script("return document.scripts.length") == 1


def test_violation_filter_hides_and_shows_examples(browser, tmp_path, sample_report):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    driver = _open(browser, tmp_path, sample_report())
    counter = driver.find_element(By.ID, "filter-count")
    assert counter.text == "4 of 4 shown"
    Select(driver.find_element(By.ID, "filter-origin")).select_by_value("attack:mhm@student")
    assert counter.text == "2 of 4 shown"
    Select(driver.find_element(By.ID, "filter-origin")).select_by_value("")
    driver.find_element(By.ID, "filter-text").send_keys("ex-2")
    assert counter.text == "1 of 4 shown"
    visible = [
        d for d in driver.find_elements(By.CSS_SELECTOR, "details.violation") if d.is_displayed()
    ]
    assert len(visible) == 1 and "ex-2" in visible[0].text


def test_the_filter_matches_a_relation_id_with_spaces(browser, tmp_path, sample_report):
    import dataclasses

    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    report = sample_report()
    relation = "agreement at 5 %"
    violations = tuple(
        dataclasses.replace(v, relations=(relation,)) if i < 3 else v
        for i, v in enumerate(report.violations)
    )
    driver = _open(browser, tmp_path, dataclasses.replace(report, violations=violations))
    Select(driver.find_element(By.ID, "filter-relation")).select_by_value(relation)
    assert driver.find_element(By.ID, "filter-count").text == "3 of 4 shown"
