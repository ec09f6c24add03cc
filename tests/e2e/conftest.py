"""Fixtures of the browser smoke test.

An Odoo 11 server on a free loopback port (against the database named by
ENERCOOP_E2E_DB, which ``scripts/test.sh e2e`` prepares with every addon installed), and
a Chromium page logged in as admin. The browser is Debian's /usr/bin/chromium driven by
Playwright; nothing is downloaded.
"""
from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import xmlrpc.client
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
RUN_DIR = Path(os.environ.get("ENERCOOP_RUN_DIR") or REPO / ".run")
# the artifacts directory of the run (scripts/lib.sh: ENERCOOP_ARTIFACTS, default artifacts/)
ARTIFACTS = Path(os.environ.get("ENERCOOP_ARTIFACTS") or REPO / "artifacts")
SCREENSHOTS = ARTIFACTS / "e2e"
CHROMIUM = "/usr/bin/chromium"
# without the background-networking flags Chromium keeps dialling Google's hosts,
# which this closed network refuses
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
LOGIN, PASSWORD = "admin", "admin"
SERVER_START_TIMEOUT_S = 180
# what the server logs when wkhtmltopdf fetches the stylesheet of the PDF reports
REPORT_CSS_SERVED = re.compile(r'"GET /web/content/\S*report_assets_pdf\S*\.css HTTP/1\.\d" 200')


def odoo_log_path() -> Path:
    """The log of the server of the session."""
    return Path(os.environ.get("ENERCOOP_ODOO_LOG") or ARTIFACTS / "logs" / "e2e-odoo.log")


def report_css_served_since(offset: int) -> bool:
    """Whether the server served the PDF reports' stylesheet after byte ``offset`` of its
    log: a PDF rendered then without it is unstyled (wrong or missing report.url)."""
    with open(odoo_log_path(), "rb") as log:
        log.seek(offset)
        return bool(REPORT_CSS_SERVED.search(log.read().decode("utf-8", "replace")))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def odoo_db() -> str:
    db = os.environ.get("ENERCOOP_E2E_DB")
    if not db:
        message = ("the browser smoke test runs through `bash scripts/test.sh e2e`, "
                   "which prepares its database")
        if os.environ.get("ENERCOOP_E2E_REQUIRED"):
            pytest.fail(message)
        pytest.skip(message)
    return db


def _set_report_url(db: str, url: str) -> None:
    """wkhtmltopdf fetches the reports' stylesheets from the ``report.url`` parameter (else
    web.base.url, else localhost:8069): without this server's URL the PDFs come out
    unstyled. Written in the database before the server starts (a running server caches
    parameters), with psql as scripts/start.sh does."""
    sql = ("INSERT INTO ir_config_parameter (key, value, create_uid, create_date, write_uid,"
           " write_date) VALUES ('report.url', '%s', 1, now() AT TIME ZONE 'UTC', 1,"
           " now() AT TIME ZONE 'UTC') ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value,"
           " write_date = EXCLUDED.write_date" % url)
    done = subprocess.run(["bash", "-c", '. "$1" && psql_q "$2" "$3"', "psql_q",
                           str(REPO / "scripts" / "lib.sh"), db, sql],
                          capture_output=True, text=True)
    if done.returncode != 0:
        pytest.fail("could not set report.url in %s: %s" % (db, done.stderr.strip()))


@pytest.fixture(scope="session")
def odoo_url(odoo_db: str):
    """Base URL of an Odoo server started for this session (its reports' stylesheets
    fetched from it), stopped at its end."""
    port = _free_port()
    url = "http://127.0.0.1:%d" % port
    _set_report_url(odoo_db, url)
    log_path = odoo_log_path()
    log_path.parent.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, PYTHONWARNINGS="ignore")
    env["PATH"] = os.pathsep.join(
        [str(RUN_DIR / "wk" / "bin"), str(RUN_DIR / "node" / "node_modules" / ".bin"), env["PATH"]])
    command = [
        str(RUN_DIR / "odoo-venv" / "bin" / "odoo"), "-c", str(RUN_DIR / "odoo.conf"),
        "-d", odoo_db, "--db-filter", "^%s$" % odoo_db, "--http-port", str(port),
        "--workers", "0", "--max-cron-threads", "0",
    ]
    with open(log_path, "wb") as log:
        server = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env,
                                  start_new_session=True)
    pidfile = os.environ.get("ENERCOOP_E2E_PIDFILE")
    if pidfile:
        Path(pidfile).write_text(str(server.pid))
    try:
        # waits for the end of the registry load before the first request (see the script)
        waited = subprocess.run([sys.executable, str(REPO / "scripts" / "wait_for_odoo.py"), url,
                                 str(server.pid), str(log_path), str(SERVER_START_TIMEOUT_S)])
        if waited.returncode != 0:
            pytest.fail("Odoo did not start (exit %s) or did not answer within %d s; see %s"
                        % (server.poll(), SERVER_START_TIMEOUT_S, log_path))
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        if pidfile:
            Path(pidfile).unlink(missing_ok=True)


class Rpc:
    """Odoo's external API (XML-RPC) as admin."""

    def __init__(self, url: str, db: str):
        self.db = db
        self.uid = xmlrpc.client.ServerProxy(url + "/xmlrpc/2/common").authenticate(
            db, LOGIN, PASSWORD, {})
        assert self.uid, "admin could not log in through XML-RPC"
        self._object = xmlrpc.client.ServerProxy(url + "/xmlrpc/2/object")

    def __call__(self, model: str, method: str, *args, **kwargs):
        return self._object.execute_kw(self.db, self.uid, PASSWORD, model, method,
                                       list(args), kwargs)

    def xmlid_model(self, xmlid: str) -> str:
        """The model of the record of an XML id (e.g. which kind of action a menu opens)."""
        module, name = xmlid.split(".")
        rows = self("ir.model.data", "search_read",
                    [("module", "=", module), ("name", "=", name)], fields=["model"])
        assert rows, "no record with XML id %s" % xmlid
        return rows[0]["model"]

    def xmlid_to_id(self, xmlid: str) -> int:
        module, name = xmlid.split(".")
        rows = self("ir.model.data", "search_read",
                    [("module", "=", module), ("name", "=", name)], fields=["res_id"])
        assert rows, "no record with XML id %s" % xmlid
        return rows[0]["res_id"]


@pytest.fixture(scope="session")
def rpc(odoo_url: str, odoo_db: str) -> Rpc:
    return Rpc(odoo_url, odoo_db)


@pytest.fixture(scope="session")
def browser():
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail("%s is missing: scripts/setup_host.sh installs Debian's chromium" % CHROMIUM)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def logged_in_context(browser, odoo_url: str, login: str, password: str, locale: str):
    """A new browser context whose cookie holds a session of ``login``."""
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale=locale)
    page = context.new_page()
    page.goto(odoo_url + "/web/login")
    page.fill("input[name=login]", login)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_selector("#oe_main_menu_navbar .oe_application_menu_placeholder", timeout=60000)
    page.close()
    return context


@pytest.fixture(scope="session")
def session_context(browser, odoo_url: str):
    """A browser context whose cookie holds an admin session."""
    context = logged_in_context(browser, odoo_url, LOGIN, PASSWORD, "en-US")
    yield context
    context.close()


class WatchedPage:
    """A page plus the console errors and uncaught exceptions it produced."""

    def __init__(self, page):
        self.page = page
        self.errors = []
        page.on("console", lambda message: message.type == "error"
                and self.errors.append("console: " + message.text))
        page.on("pageerror", lambda error: self.errors.append("exception: %s" % error))

    def screenshot(self, name: str) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / ("%s.png" % name)
        self.page.screenshot(path=str(path))
        return path


@pytest.fixture
def watched(session_context):
    page = session_context.new_page()
    yield WatchedPage(page)
    page.close()
