"""A real browser on the Klaten demo: what test_browser_workflows drives.

One `KlatenInBrowser` per test module: the demo loaded once into the test database, a live NetBox serving it
(and its static files, found as `collectstatic` would find them), one headless Debian chromium, and one
browser context per user (the demo's people, and the administrator `make demo` makes), logged in through NetBox's
own login form and asking for Indonesian. Every page of a
context reports what went wrong in it (a console error, an uncaught exception, a failed request, a same-origin
answer of 400 or more) into `problems`, which the tests read and clear.

On leaving, the database is put back as it was found (the rows the migrations made, nothing else), so the
test modules that run later in the same pytest run start from the empty migrated database they expect.
"""

import io
import os
import time
from urllib.parse import urlsplit

import chromium
from django.contrib.staticfiles.handlers import StaticFilesHandler
from django.core.management import call_command
from django.db import connection
from django.test.testcases import LiveServerThread

from users.models import User

DEMO_PASSWORD = "klaten-demo"
ADMIN = "admin"
WIDTH, HEIGHT = 1280, 800
# EGOV_SCREENSHOTS=docs/screenshots writes the screenshots there; unset, a normal run writes none.
SCREENSHOT_DIR = os.environ.get("EGOV_SCREENSHOTS")


class KlatenInBrowser:
    def __init__(self, db_blocker):
        self.db_blocker = db_blocker
        self.problems = []
        self.timings = {}
        self.pages = {}

    # Set-up and clean-up

    def __enter__(self):
        started = time.perf_counter()
        with self.db_blocker.unblock():
            self._migrated_rows = connection.creation.serialize_db_to_string()
            try:
                from netbox_egov.demo.loader import load_demo

                load_demo()
                # `make demo` makes the administrator too (stack/netbox.sh admin): the only one who changes the
                # demo's cables, which run from the Dinas core to the agencies' gateways.
                User.objects.create_superuser(ADMIN, password=DEMO_PASSWORD)
                self.timings["demo loaded"] = time.perf_counter() - started
                self._start_server()
            except BaseException:
                self._restore_database()
                raise
        self._start_browser()
        self.timings["set-up"] = time.perf_counter() - started
        return self

    def __exit__(self, *exc):
        try:
            self._stop_browser()
            self.server.terminate()
        finally:
            with self.db_blocker.unblock():
                self._restore_database()

    def _start_server(self):
        self.server = LiveServerThread("localhost", StaticFilesHandler, port=0)
        self.server.daemon = True
        self.server.start()
        self.server.is_ready.wait()
        if self.server.error:
            raise self.server.error
        self.url = f"http://localhost:{self.server.port}"

    def _start_browser(self):
        from playwright.sync_api import sync_playwright

        # Playwright's sync API keeps an event loop in this thread, which Django takes for an async context
        # and refuses database calls in; the tests' own queries are plain synchronous ones (Playwright's advice).
        self._async_unsafe = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
        self.playwright = sync_playwright().start()
        self.browser = chromium.launch(self.playwright)

    def _stop_browser(self):
        for page in self.pages.values():
            page.context.close()
        self.browser.close()
        self.playwright.stop()
        if self._async_unsafe is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE")

    def _restore_database(self):
        # What TransactionTestCase does with serialized_rollback: empty every table, then put back the rows
        # the migrations made (object types, permissions, module type profiles) under their own keys. The
        # sequences are not reset, so rows created later never collide with those keys.
        call_command("flush", verbosity=0, interactive=False, inhibit_post_migrate=True, reset_sequences=False)
        connection.creation.deserialize_db_from_string(self._migrated_rows)

    # Users and pages

    def page(self, username):
        """The one page of `username`'s browser context, logged in through the login form (the first call)."""
        if username not in self.pages:
            context = self.browser.new_context(locale="id-ID", viewport={"width": WIDTH, "height": HEIGHT},
                                               accept_downloads=True)
            page = context.new_page()
            self._watch(page, username)
            self.pages[username] = page
            self._log_in(page, username)
        return self.pages[username]

    def _log_in(self, page, username):
        page.goto(f"{self.url}/login/")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", DEMO_PASSWORD)
        with page.expect_navigation():
            page.click("form button[type=submit]")
        if "/login/" in page.url:
            raise AssertionError(f"{username} could not log in: {page.inner_text('body')[:500]}")

    def _watch(self, page, username):
        origin = urlsplit(self.url).netloc

        def report(kind, detail):
            self.problems.append(f"{username} on {page.url}: {kind}: {detail}")

        def console(message):
            # A plain-text answer (the compiled filter) has no icon link, so chromium asks for /favicon.ico,
            # which NetBox does not serve: not a fault of the page.
            if message.type == "error" and not message.location.get("url", "").endswith("/favicon.ico"):
                report("console error", f"{message.text} ({message.location.get('url')})")

        page.on("console", console)
        page.on("pageerror", lambda error: report("uncaught exception", error))
        page.on("requestfailed", lambda request: report("request failed", f"{request.url} ({request.failure})"))
        page.on("response", lambda response: (
            response.status >= 400 and urlsplit(response.url).netloc == origin
            and report(f"HTTP {response.status}", response.url)
        ))

    def open(self, username, path, expect_status=200):
        """Go to `path` as `username`; the answer's status must be `expect_status`."""
        page = self.page(username)
        # Idle: the requests the page makes once loaded (htmx panels, tables) are answered before the test goes on.
        response = page.goto(f"{self.url}{path}", wait_until="networkidle")
        if response.status != expect_status:
            raise AssertionError(f"{path} as {username}: HTTP {response.status}, expected {expect_status}")
        return page

    def take_problems(self):
        problems, self.problems = self.problems, []
        return problems

    def screenshot(self, page, name):
        """docs/screenshots/<name>.png of the page as it is, 1280 px wide, when EGOV_SCREENSHOTS names a folder."""
        if not SCREENSHOT_DIR:
            return
        from PIL import Image  # NetBox's own dependency

        os.makedirs(SCREENSHOT_DIR, exist_ok=True)  # relative to where pytest runs: the checkout
        # 256 colours are plenty for a UI and make the committed files about a third of chromium's.
        image = Image.open(io.BytesIO(page.screenshot())).convert("RGB").quantize(256, Image.Quantize.FASTOCTREE)
        image.save(os.path.join(SCREENSHOT_DIR, f"{name}.png"), optimize=True)
