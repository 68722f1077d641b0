"""Schemathesis over every operation under /api/plugins/egov/, with the admin's and an agency officer's token:
no answer may be a server error (5xx).

A real HTTP server (wsgiref) serves NetBox on the test database, in the test's own thread, while the schemathesis
CLI runs as a subprocess against it. Every request runs in a transaction that is rolled back once its answer has
been read, so fuzzed writes never pile up and a database error in one request cannot poison the next one or the
test's own transaction. The OpenAPI schema (drf-spectacular over all of NetBox: slow) is generated once for the
class and handed to schemathesis as a file.

Phases: examples (NetBox's schema has none, so one example is made from each operation's schema) and fuzzing
(valid and invalid data). The coverage phase (every boundary of every parameter) makes about 74,000 cases per
token here, about two hours each on 2 cores: it runs on demand, with EGOV_FUZZ_PHASES=examples,coverage,fuzzing.
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from wsgiref.simple_server import WSGIRequestHandler, make_server
from xml.etree import ElementTree

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import got_request_exception, request_finished, request_started
from django.db import close_old_connections, transaction
from django.test import Client, TestCase

from users.constants import TOKEN_PREFIX
from users.models import Token, User

from netbox_egov.demo.loader import load_demo

SCHEMATHESIS = Path(sys.executable).with_name("schemathesis")
PHASES = os.environ.get("EGOV_FUZZ_PHASES", "examples,fuzzing")
# Cases per operation in the fuzzing phase: the module stays within a few minutes per token on 2 cores. The
# fixed seed makes a failure come back with the same command.
MAX_EXAMPLES = 10
SEED = 8
# A run far beyond its usual length is stuck: stop it rather than hang the suite.
RUN_TIMEOUT = (4 * 60 if "coverage" in PHASES else 20) * 60
CONFIG = """
[phases.examples]
fill-missing = true
"""
# PostgreSQL refuses UTC offsets of 16 hours or more in a timestamp; fixed where filters and fields are built
# (issue 8, item 13). Told apart in the failure message, still a failure.
UTC_OFFSET_ERROR = "time zone displacement out of range"


class QuietRequestHandler(WSGIRequestHandler):
    def log_message(self, format, *args):  # one line per fuzzed request would bury the test output
        pass


class RolledBackApplication:
    """NetBox's WSGI application, each request in a transaction rolled back after its answer has been read.

    It records what raised behind each server error: the client sees only a 500.
    """

    def __init__(self):
        self.handler = WSGIHandler()
        self.exceptions = []

    def record_exception(self, request, **kwargs):
        error = sys.exc_info()[1]
        self.exceptions.append(f"{request.method} {request.get_full_path()}: {type(error).__name__}: {error}")

    def __call__(self, environ, start_response):
        with transaction.atomic():
            response = self.handler(environ, start_response)
            try:
                body = b"".join(response)
            finally:
                response.close()
            transaction.set_rollback(True)
        return [body]


def serve_while_running(server, process, deadline):
    """Answer requests until the process ends. The server runs on the test's database connection: Django's
    request signals would close it after every request, so they are disconnected, as Django's test client does."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    got_request_exception.connect(server.application.record_exception)
    try:
        while process.poll() is None:
            if time.monotonic() > deadline:
                process.kill()
                process.wait()
                raise AssertionError("schemathesis was still running at the time limit: stopped")
            server.handle_request()
    finally:
        got_request_exception.disconnect(server.application.record_exception)
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def junit_failures(path):
    """Each failed operation with schemathesis' account of it: the status, the answer, the curl to reproduce."""
    return [
        f"{case.get('name')}\n{outcome.text}"
        for case in ElementTree.parse(path).getroot().iter("testcase")
        for outcome in (*case.findall("failure"), *case.findall("error"))
    ]


def failure_message(exceptions, failures, log):
    offsets = sum(UTC_OFFSET_ERROR in line for line in exceptions)
    return "\n\n".join([
        f"{len(exceptions)} server errors, {offsets} of them UTC offsets PostgreSQL refuses (issue 8, item 13):",
        "\n".join(sorted(set(exceptions))),
        "schemathesis' report:",
        *failures,
        log[-3000:],
    ])


class APIFuzzTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        load_demo()
        admin = User.objects.filter(username="admin").first() or User.objects.create(username="admin",
                                                                                       is_superuser=True)
        cls.tokens = {}
        for user in (admin, User.objects.get(username="tik.disdik")):
            token = Token.objects.create(user=user)
            cls.tokens[user.username] = f"{TOKEN_PREFIX}{token.key}.{token.token}"
        cls.workdir = Path(tempfile.mkdtemp(prefix="egov-fuzz-"))
        cls.addClassCleanup(shutil.rmtree, cls.workdir)  # the schema alone is 16 MB; the failure message says it all
        (cls.workdir / "schemathesis.toml").write_text(CONFIG)
        response = Client().get("/api/schema/", {"format": "json"}, HTTP_AUTHORIZATION=f"Bearer {cls.tokens['admin']}")
        assert response.status_code == 200, response.content[:500]
        (cls.workdir / "schema.json").write_bytes(response.content)

    @pytest.fixture(autouse=True)
    def terminal(self, capsys):
        # The counts are the test's report: shown in make test's output, not only when it fails.
        self.capsys = capsys

    def test_admin_gets_no_server_error(self):
        self.assert_no_server_error("admin")

    def test_agency_officer_gets_no_server_error(self):
        # Mostly 403 and 404 answers: fine, only a 5xx fails.
        self.assert_no_server_error("tik.disdik")

    def assert_no_server_error(self, username):
        server = make_server("127.0.0.1", 0, RolledBackApplication(), handler_class=QuietRequestHandler)
        server.timeout = 0.2
        reports = self.workdir / username
        reports.mkdir()
        command = [
            str(SCHEMATHESIS), "--config-file", str(self.workdir / "schemathesis.toml"), "--no-color",
            "run", str(self.workdir / "schema.json"),
            "--url", f"http://127.0.0.1:{server.server_port}",
            "--include-path-regex", "^/api/plugins/egov/",
            "--header", f"Authorization: Bearer {self.tokens[username]}",
            "--phases", PHASES,
            "--checks", "not_a_server_error",
            "--max-examples", str(MAX_EXAMPLES),
            "--seed", str(SEED),
            "--workers", "1",
            "--generation-database", "none",
            "--report", "junit,json",
            "--report-junit-path", str(reports / "junit.xml"),
            "--report-json-path", str(reports / "report.json"),
            "--output-truncate", "false",
        ]
        log_path = reports / "schemathesis.log"
        started = time.monotonic()
        with server, open(log_path, "w") as log:
            process = subprocess.Popen(command, cwd=self.workdir, stdout=log, stderr=subprocess.STDOUT)
            serve_while_running(server, process, started + RUN_TIMEOUT)
        summary = json.loads((reports / "report.json").read_text())
        with self.capsys.disabled():
            print(f"\nschemathesis as {username} ({PHASES}): {summary['operations']['tested']} operations, "
                  f"{summary['test_cases']['generated']} cases in {time.monotonic() - started:.0f} s")
        exceptions, failures = server.application.exceptions, junit_failures(reports / "junit.xml")
        message = failure_message(exceptions, failures, log_path.read_text())
        if exceptions or failures:
            self.fail(message)
        self.assertEqual(summary["operations"]["tested"], summary["operations"]["selected"], message)
        self.assertEqual(process.returncode, 0, message)
