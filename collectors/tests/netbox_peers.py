"""Real NetBox peers for the collectors' tests: the stack's NetBox over HTTP, and nginx answering for a NetBox
that is down.

``live_netbox`` serves NetBox's own WSGI application on the test database with a wsgiref server in the test's
thread, while the client under test (pynetbox) runs in a second thread. Django gives each thread its own
database connection and the test's objects live in the test's uncommitted transaction: serving from the test's
thread lets NetBox see them, and the test's rollback removes whatever the requests wrote. Each request runs in a
savepoint, so a request that fails leaves the test's transaction usable (plugin/tests/test_api_fuzz.py serves
the same way, its client a subprocess).

These fixtures need NetBox: run with the worktree's venv, ``NETBOX_ROOT=<worktree>/.state/netbox EGOV_TESTING=1``.
"""

import shutil
import socket
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from wsgiref.simple_server import WSGIRequestHandler, make_server

import pytest

# A client that has not finished by then is stuck (its own timeouts are shorter): fail instead of hanging.
CALL_DEADLINE = 120
NGINX_CONFIG = """
daemon off;
user nobody nogroup;
pid {folder}/nginx.pid;
error_log {folder}/error.log;
events {{ }}
http {{
    access_log off;
    server {{
        listen 127.0.0.1:{port};
        location / {{ proxy_pass http://127.0.0.1:{upstream}; }}
    }}
}}
"""


class QuietRequestHandler(WSGIRequestHandler):
    def log_message(self, format, *args):  # the test asserts on what it needs; a line per request is noise
        pass


class SavepointApplication:
    """NetBox's WSGI application, each request in a savepoint; records the requests it served."""

    def __init__(self):
        from django.core.handlers.wsgi import WSGIHandler

        self.handler = WSGIHandler()
        self.served = []

    def __call__(self, environ, start_response):
        from django.db import transaction

        query = environ.get("QUERY_STRING")
        self.served.append(f"{environ['REQUEST_METHOD']} {environ['PATH_INFO']}{'?' + query if query else ''}")
        with transaction.atomic():
            response = self.handler(environ, start_response)
            try:
                body = b"".join(response)
            finally:
                response.close()
        return [body]


@contextmanager
def requests_on_this_connection():
    """Django closes the database connection around each request (close_old_connections): here that connection
    holds the test's transaction, so the signals are disconnected while serving, as Django's test client does."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


class LiveNetBox:
    """NetBox at ``url``; ``call`` runs a client function while serving it; ``served`` lists its requests."""

    def __init__(self):
        self.application = SavepointApplication()
        self.server = make_server("127.0.0.1", 0, self.application, handler_class=QuietRequestHandler)
        self.server.timeout = 0.05  # handle_request returns this often to see whether the client is done
        self.url = f"http://127.0.0.1:{self.server.server_port}/"

    @property
    def served(self):
        return list(self.application.served)

    def call(self, function, *args, **kwargs):
        """function(*args, **kwargs) in a client thread, its requests served here; its result or its exception."""
        self.application.served.clear()
        deadline = time.monotonic() + CALL_DEADLINE
        with ThreadPoolExecutor(1) as pool, requests_on_this_connection():
            future = pool.submit(function, *args, **kwargs)
            while not future.done():
                if time.monotonic() > deadline:
                    raise AssertionError(f"the client was still running after {CALL_DEADLINE} s")
                self.server.handle_request()
        return future.result()

    def close(self):
        self.server.server_close()


@pytest.fixture(scope="module")
def live_netbox():
    server = LiveNetBox()
    yield server
    server.close()


@pytest.fixture
def api_token():
    """make(user, **options): a new v2 API token of ``user`` as a client sends it (``nbt_<key>.<secret>``)."""
    from users.constants import TOKEN_PREFIX
    from users.models import Token

    def make(user, **options):
        token = Token.objects.create(user=user, **options)
        return f"{TOKEN_PREFIX}{token.key}.{token.token}"

    return make


def free_port():
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def closed_port():
    return free_port()


@pytest.fixture(scope="module")
def netbox_behind_down_proxy(tmp_path_factory):
    """The URL of a real nginx whose NetBox (upstream) is down: every request gets nginx's 502."""
    folder = tmp_path_factory.mktemp("nginx")
    folder.chmod(0o755)  # nginx's workers run as nobody
    port = free_port()
    (folder / "nginx.conf").write_text(NGINX_CONFIG.format(folder=folder, port=port, upstream=free_port()))
    nginx = subprocess.Popen([shutil.which("nginx") or "/usr/sbin/nginx", "-p", str(folder), "-e",
                              str(folder / "error.log"), "-c", str(folder / "nginx.conf")],
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        wait_for_port(port, nginx)
        yield f"http://127.0.0.1:{port}/"
    finally:
        nginx.terminate()
        nginx.wait(timeout=10)


def wait_for_port(port, process, seconds=10):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"nginx exited: {process.stderr.read().decode(errors='replace')}")
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise RuntimeError(f"nginx did not listen on port {port} within {seconds} s")
