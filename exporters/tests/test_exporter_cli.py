"""egov-exporter: ``print`` gives one scrape, ``serve`` answers Prometheus over HTTP and stops on Ctrl-C or
systemd's SIGTERM; a wrong setting is one line naming the variable."""

import gzip
import os
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest
from click.testing import CliRunner
from tests.exporter_peers import Scrape, interface, poll, promtool_check

from egov_exporter.cli import main

COMMAND = str(Path(sys.executable).parent / "egov-exporter")
PROMETHEUS_ACCEPT = ("application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,"
                     "text/plain;version=0.0.4;q=0.5,*/*;q=0.1")  # what Prometheus 2.42 sends
LISTENING = re.compile(r"serving metrics on (http://\S+)")


def test_print_gives_one_scrape(store, redis_url):
    store.write_device(poll("gw-disdik", interfaces=[interface(1)]))
    result = CliRunner().invoke(main, ["print"], env={"EGOV_EXPORTER_REDIS_URL": redis_url})
    assert result.exit_code == 0, result.output
    printed = Scrape(result.stdout)
    assert printed.value("egov_device_up", device="gw-disdik", site="", agency="") == 1
    assert printed.value("egov_exporter_source_up", source="redis") == 1
    assert promtool_check(result.stdout) == (0, set())


def test_print_with_redis_down_prints_the_rest_and_fails(closed_port):
    result = CliRunner().invoke(main, ["print"], env={"EGOV_EXPORTER_REDIS_URL": f"redis://127.0.0.1:{closed_port}/0"})
    assert result.exit_code == 1
    assert Scrape(result.stdout).value("egov_exporter_source_up", source="redis") == 0
    assert "Error: not read: redis" in result.stderr


def test_print_with_netbox_unreachable_prints_the_collectors_data_and_never_the_token(store, redis_url, closed_port,
                                                                                       tmp_path):
    store.write_device(poll("gw-disdik", interfaces=[interface(1)]))
    token_file = tmp_path / "exporter-token"
    token_file.write_text("nbt_exporter.s3cret-from-the-file\n")
    token_file.chmod(0o600)
    finished = subprocess.run([COMMAND, "print"], capture_output=True, text=True, timeout=120, check=False,
                              env=_environment({"EGOV_EXPORTER_REDIS_URL": redis_url,
                                                "EGOV_EXPORTER_NETBOX_URL": f"http://127.0.0.1:{closed_port}/",
                                                "EGOV_EXPORTER_NETBOX_TOKEN_FILE": str(token_file),
                                                "EGOV_EXPORTER_NETBOX_TIMEOUT": "2"}))
    assert finished.returncode == 1
    printed = Scrape(finished.stdout)
    assert printed.value("egov_exporter_source_up", source="netbox") == 0
    assert printed.value("egov_exporter_source_up", source="redis") == 1
    assert printed.value("egov_device_up", device="gw-disdik", site="", agency="") == 1
    assert "Error: not read: netbox" in finished.stderr
    assert "s3cret" not in finished.stdout + finished.stderr


@pytest.mark.parametrize(("environ", "message"), [
    ({"EGOV_EXPORTER_LISTEN": "9877"}, "Error: EGOV_EXPORTER_LISTEN must be host:port"),
    ({"EGOV_EXPORTER_NETBOX_URL": "https://netbox.example"}, "Error: EGOV_EXPORTER_NETBOX_TOKEN is not set"),
])
def test_a_wrong_setting_is_one_line_naming_the_variable(environ, message):
    finished = subprocess.run([COMMAND, "print"], env=_environment(environ), capture_output=True, text=True,
                              timeout=60, check=False)
    assert finished.returncode == 1 and finished.stdout == ""
    assert finished.stderr.startswith(message) and len(finished.stderr.splitlines()) == 1


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM])
def test_serve_answers_prometheus_and_stops_cleanly(store, redis_url, stop):
    store.write_device(poll("gw-disdik", interfaces=[interface(1)]))
    with _serving({"EGOV_EXPORTER_REDIS_URL": redis_url, "EGOV_EXPORTER_LISTEN": "127.0.0.1:0"}) as (server, url):
        with urllib.request.urlopen(url, timeout=30) as answer:
            plain = Scrape(answer.read().decode())
        ether1 = {"device": "gw-disdik", "site": "", "agency": "", "interface": "ether1"}
        assert plain.value("egov_interface_oper_status", **ether1) == 1

        # As Prometheus asks: OpenMetrics preferred, gzip accepted. The text format is what it gets (server.py).
        request = urllib.request.Request(url, headers={"Accept": PROMETHEUS_ACCEPT, "Accept-Encoding": "gzip"})
        with urllib.request.urlopen(request, timeout=30) as answer:
            assert answer.headers["Content-Type"] == "text/plain; version=0.0.4; charset=utf-8"
            assert answer.headers["Content-Encoding"] == "gzip"
            assert Scrape(gzip.decompress(answer.read()).decode()).families.keys() == plain.families.keys()

        with pytest.raises(urllib.error.HTTPError) as elsewhere:
            urllib.request.urlopen(url.removesuffix("/metrics") + "/", timeout=30)
        assert elsewhere.value.code == 404
        with pytest.raises(urllib.error.HTTPError) as posted:
            urllib.request.urlopen(urllib.request.Request(url, data=b"", method="POST"), timeout=30)
        assert (posted.value.code, posted.value.headers["Allow"]) == (405, "GET")

        server.send_signal(stop)
        _out, log = server.communicate(timeout=30)
    assert server.returncode == 0
    assert log.rstrip().endswith("INFO egov_exporter: stopped")


def test_serve_on_an_address_in_use_names_it(redis_url):
    with _serving({"EGOV_EXPORTER_REDIS_URL": redis_url, "EGOV_EXPORTER_LISTEN": "127.0.0.1:0"}) as (first, url):
        taken = url.removeprefix("http://").removesuffix("/metrics")
        second = subprocess.run([COMMAND, "serve"], env=_environment({"EGOV_EXPORTER_LISTEN": taken}),
                                capture_output=True, text=True, timeout=60, check=False)
        first.send_signal(signal.SIGINT)
        first.communicate(timeout=30)
    assert second.returncode == 1
    assert f"Error: cannot listen on {taken} (EGOV_EXPORTER_LISTEN):" in second.stderr


@contextmanager
def _serving(environ):
    """``egov-exporter serve`` in a subprocess: (the process, the URL its log names); killed if the test left it
    running."""
    process = subprocess.Popen([COMMAND, "serve"], env=_environment(environ), stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, text=True)
    try:
        deadline, lines = time.monotonic() + 30, []
        while time.monotonic() < deadline and process.poll() is None:
            lines.append(process.stderr.readline())
            found = LISTENING.search(lines[-1])
            if found:
                yield process, found.group(1)
                return
        raise AssertionError(f"egov-exporter serve did not say where it listens: {''.join(lines)}")
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(10)


def _environment(environ) -> dict:
    """This test's environment (PATH, PYTHONPATH: the checkout's code) without other EGOV_ settings, plus
    ``environ``."""
    return {key: value for key, value in os.environ.items() if not key.startswith("EGOV_EXPORTER_")} | environ
