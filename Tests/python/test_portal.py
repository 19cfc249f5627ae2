"""The portal in a real browser: headless Chromium (Debian's chromium and chromium-driver)
driven by selenium, against a real `runbook serve --tls-self-signed` on a store made from the
Contoso example. The tests run in order, as one person's session: sign in, enable, scan,
drift, review, stop; then a read-only token. Each failure leaves a screenshot in a temporary
folder (printed; $RUNBOOK_SCREENSHOTS chooses another). The README's images are refreshed only on
request: scripts/refresh-screenshots.sh sets $RUNBOOK_DOC_IMAGES to docs/images; otherwise they
go to the temporary folder too, and the tests never write into the repository."""

import http.client
import os
import shutil
import ssl
import tempfile
import time
import urllib.parse

import pytest

from conftest import ROOT, big_tree, runbook, start_server, stop_server

selenium = pytest.importorskip("selenium")
from selenium import webdriver  # noqa: E402
from selenium.common.exceptions import NoAlertPresentException  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support import expected_conditions  # noqa: E402
from selenium.webdriver.support.ui import Select, WebDriverWait  # noqa: E402

SUBSCRIPTION = "7f3c2a10-5b8e-4d2a-9c61-3e0f4a1b2c3d"
SCREENSHOTS = os.environ.get("RUNBOOK_SCREENSHOTS") or tempfile.mkdtemp(prefix="runbook-screenshots-")
DOC_IMAGES = os.environ.get("RUNBOOK_DOC_IMAGES") or SCREENSHOTS
HOSTILE = "<script>alert(1)</script>"


def chromium_paths():
    browser = shutil.which("chromium") or "/usr/bin/chromium"
    driver = shutil.which("chromedriver") or "/usr/bin/chromedriver"
    if not (os.path.exists(browser) and os.path.exists(driver)):
        pytest.fail("chromium and chromium-driver are needed (apt-get install chromium chromium-driver)")
    return browser, driver


@pytest.fixture(scope="module")
def portal():
    """A store from examples/contoso (applied and configured, nothing enabled), a machine that
    lacks its network rules, a big machine for a long job, and the server over https."""
    store = tempfile.mkdtemp(prefix="runbook-portal-")
    contoso = os.path.join(store, "contoso")
    shutil.copytree(os.path.join(ROOT, "examples", "contoso"), contoso, symlinks=True)
    runbook(store, "apply", os.path.join(contoso, "automation.yaml"))
    runbook(store, "run", "configure-tracking")
    linux_root = os.path.join(contoso, "machines", "contoso-lnx01")
    runbook(store, "machine", "register", "rules-missing", "--os", "Ubuntu 22.04", "--source",
            f"linux-root:{linux_root}", "--subscription", SUBSCRIPTION, "--location", "EastUS2")
    tree = big_tree(store)
    runbook(store, "machine", "register", "big", "--os", "Debian 12", "--source", f"linux-root:{tree}",
            "--standard-rules", "--subscription", SUBSCRIPTION, "--location", "EastUS2")
    runbook(store, "run", "enable-tracking", "-p", "machines=big")
    runbook(store, "run", "bench/bench-configure.yaml")
    long_runbook = os.path.join(store, "long-scan.yaml")
    with open(long_runbook, "w") as handle:
        handle.write("name: long-scan\ndescription: Scans the big machine six times (a job that takes a while).\n"
                     "steps:\n" + "".join(
                         f"  - {{ name: scan{i}, action: scan, with: {{ targets: {{ machines: [big] }} }} }}\n"
                         for i in range(6)))
    runbook(store, "publish", long_runbook)
    server = start_server(store)
    server.contoso = contoso
    yield server
    stop_server(server)


@pytest.fixture(scope="module")
def browser():
    binary, driver_path = chromium_paths()
    options = webdriver.ChromeOptions()
    options.binary_location = binary
    for argument in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,1000",
                     # The test server's certificate is self-signed: accepted by this test browser only.
                     "--ignore-certificate-errors"]:
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service(driver_path), options=options)
    driver.implicitly_wait(0)
    yield driver
    driver.quit()


@pytest.fixture(autouse=True)
def screenshot_on_failure(request):
    yield
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed and "browser" in request.fixturenames:
        os.makedirs(SCREENSHOTS, exist_ok=True)
        path = os.path.join(SCREENSHOTS, request.node.name + ".png")
        request.getfixturevalue("browser").save_screenshot(path)
        print(f"screenshot of the failure: {path}")


def wait_for(driver, condition, seconds=60):
    return WebDriverWait(driver, seconds, poll_frequency=0.2).until(condition)


def sign_in(driver, server, token):
    driver.delete_all_cookies()
    driver.get(server.url + "/portal/signin")
    driver.find_element(By.ID, "token").send_keys(token)
    driver.find_element(By.CSS_SELECTOR, "form.signin button[type=submit]").click()
    wait_for(driver, expected_conditions.url_contains("/portal/machines"))


def wait_for_status(driver, server, job_path, statuses, seconds=120):
    """Reloads the job page until its status is one of `statuses` (works without the poll script too)."""
    deadline = time.time() + seconds
    while time.time() < deadline:
        driver.get(server.url + job_path)
        status = driver.find_element(By.ID, "job-status").text
        if status in statuses:
            return status
        time.sleep(0.5)
    raise AssertionError(f"job {job_path} stayed {status}, wanted {statuses}")


def start_runbook(driver, server, name, parameters=None):
    driver.get(server.url + "/portal/runbooks/" + name)
    for field, value in (parameters or {}).items():
        element = driver.find_element(By.ID, "p-" + field)
        element.clear()
        element.send_keys(value)
    driver.find_element(By.ID, "start").click()
    wait_for(driver, expected_conditions.url_contains("/portal/jobs/"))
    return urllib.parse.urlparse(driver.current_url).path


def test_sign_in_with_a_token(portal, browser):
    sign_in(browser, portal, portal.token("portal-browser"))
    assert "Virtual machines" in browser.find_element(By.TAG_NAME, "h1").text
    session = next(c for c in browser.get_cookies() if c["name"] == "runbook_session")
    assert session["httpOnly"] and session["secure"] and session["sameSite"] == "Strict"
    names = [cell.text for cell in browser.find_elements(By.CSS_SELECTOR, "#main table tbody td:nth-child(2)")]
    assert {"contoso-web01", "contoso-sql01", "contoso-lnx01", "rules-missing"} <= set(names)


def test_tick_two_machines_and_enable_change_tracking(portal, browser):
    browser.get(portal.url + "/portal/machines")
    for name in ["contoso-lnx01", "rules-missing"]:
        browser.find_element(By.CSS_SELECTOR, f'input[name=machine][value="{name}"]').click()
    browser.find_element(By.CSS_SELECTOR, "input[name=solution][value=ChangeTracking]").click()
    browser.find_element(By.ID, "enable").click()
    wait_for(browser, expected_conditions.url_contains("/portal/machines/enable"))
    assert "Enable Change Tracking" in browser.title, browser.title
    enabled = browser.find_element(By.CSS_SELECTOR, 'li[data-machine="contoso-lnx01"]')
    assert "enabled" in enabled.text and "ok" in enabled.get_attribute("class")
    refused = browser.find_element(By.CSS_SELECTOR, 'li[data-machine="rules-missing"]')
    assert "refused" in refused.get_attribute("class")
    assert "missing network rule '443/tcp to *.ods.opinsights.azure.com'" in refused.text
    assert "missing network rule '443/tcp to *.azure-automation.net'" in refused.text
    browser.get(portal.url + "/portal/machines")
    row = browser.find_element(By.XPATH, "//tr[td/label[text()='contoso-lnx01']]")
    assert "Enabled" in row.find_elements(By.TAG_NAME, "td")[6].text


def test_scan_from_the_runbooks_page_with_a_parameter(portal, browser):
    job = start_runbook(browser, portal, "scan", {"machines": "contoso-lnx01"})
    assert wait_for_status(browser, portal, job, {"Completed", "Failed"}) == "Completed"
    streams = browser.find_element(By.ID, "streams").text
    assert "contoso-lnx01" in streams
    assert "machines" in browser.find_element(By.CSS_SELECTOR, "dl.facts:nth-of-type(2)").text


def test_changes_appear_in_the_timeline_after_drift(portal, browser):
    etc = os.path.join(portal.contoso, "machines", "contoso-lnx01", "etc")
    with open(os.path.join(etc, "hosts"), "a") as handle:
        handle.write("10.0.0.99 drifted.contoso.local\n")
    hostile_folder = os.path.join(etc, "nginx", "<script>alert(1)<")
    os.makedirs(hostile_folder, exist_ok=True)
    with open(os.path.join(hostile_folder, "script>"), "w") as handle:
        handle.write("x\n")
    job = start_runbook(browser, portal, "scan", {"machines": "contoso-lnx01"})
    assert wait_for_status(browser, portal, job, {"Completed", "Failed"}) == "Completed"
    browser.get(portal.url + "/portal/changes")
    keys = [cell.text for cell in browser.find_elements(By.CSS_SELECTOR, "#changes td.key")]
    assert "/etc/hosts" in keys
    bars = browser.find_elements(By.CSS_SELECTOR, "svg#timeline rect")
    assert bars, "the chart has no bars"
    os.makedirs(DOC_IMAGES, exist_ok=True)
    browser.save_screenshot(os.path.join(DOC_IMAGES, "portal-change-timeline.png"))


def test_the_hostile_file_name_renders_as_text(portal, browser):
    browser.get(portal.url + "/portal/changes?q=alert")
    keys = [cell.text for cell in browser.find_elements(By.CSS_SELECTOR, "#changes td.key")]
    assert "/etc/nginx/" + HOSTILE in keys
    with pytest.raises(NoAlertPresentException):
        browser.switch_to.alert.text
    assert not browser.find_elements(By.XPATH, "//td[@class='key']//script")


def test_open_a_changes_detail(portal, browser):
    browser.get(portal.url + "/portal/changes?q=hosts&machine=contoso-lnx01")
    browser.find_element(By.LINK_TEXT, "/etc/hosts").click()
    wait_for(browser, expected_conditions.presence_of_element_located((By.ID, "sides")))
    headers = [cell.text for cell in browser.find_elements(By.CSS_SELECTOR, "#sides thead th")]
    assert headers == ["Field", "Previous", "Current"]
    changed = browser.find_elements(By.CSS_SELECTOR, "#sides tr.changed")
    assert any("FileContentChecksum" in row.text for row in changed)
    for row in changed:
        cells = row.find_elements(By.TAG_NAME, "td")
        if "FileContentChecksum" in row.text:
            assert cells[0].text and cells[1].text and cells[0].text != cells[1].text


def test_stop_a_long_job(portal, browser):
    job = start_runbook(browser, portal, "long-scan")
    wait_for_status(browser, portal, job, {"Running"})
    browser.find_element(By.ID, "stop").click()
    wait_for(browser, expected_conditions.url_contains("done=stop"))
    assert wait_for_status(browser, portal, job, {"Stopped", "Completed"}) == "Stopped"
    assert not browser.find_element(By.ID, "stop").is_enabled()


def test_a_read_only_token_cannot_change_state(portal, browser):
    sign_in(browser, portal, portal.token("portal-reader", role="reader"))
    assert not browser.find_element(By.ID, "enable").is_enabled()
    browser.get(portal.url + "/portal/runbooks/scan")
    assert not browser.find_element(By.ID, "start").is_enabled()
    csrf = browser.find_element(By.CSS_SELECTOR, "input[name=csrf]").get_attribute("value")
    cookie = next(c for c in browser.get_cookies() if c["name"] == "runbook_session")["value"]
    # The request the disabled button would have sent, forged with the reader's own session.
    host, port = portal.url.split("//")[1].split(":")
    connection = http.client.HTTPSConnection(
        host, int(port), context=ssl.create_default_context(cafile=portal.certificate), timeout=30)
    body = urllib.parse.urlencode({"csrf": csrf, "machine": "contoso-web01", "solution": "ChangeTracking"})
    connection.request("POST", "/portal/machines/enable", body=body, headers={
        "Cookie": f"runbook_session={cookie}", "Content-Type": "application/x-www-form-urlencoded"})
    response = connection.getresponse()
    text = response.read().decode()
    connection.close()
    assert response.status == 403
    assert "read-only" in text
    browser.get(portal.url + "/portal/machines")
    row = browser.find_element(By.XPATH, "//tr[td/label[text()='contoso-web01']]")
    assert "Not enabled" in row.find_elements(By.TAG_NAME, "td")[6].text


def test_pages_fit_a_phone(portal, browser):
    browser.set_window_size(390, 844)
    try:
        for path in ["/portal/machines", "/portal/changes", "/portal/jobs"]:
            browser.get(portal.url + path)
            width = browser.execute_script("return document.documentElement.scrollWidth")
            assert width <= 390, f"{path} is {width}px wide at 390px"
    finally:
        browser.set_window_size(1280, 1000)
