"""A real Prometheus for the exporters' tests (Debian's /usr/bin/prometheus), never a mock.

``start_prometheus(tmp_dir, config_yaml)`` writes the configuration into ``tmp_dir`` (rule files the configuration
names relative to it are read from there too), starts Prometheus on a free port with its storage in ``tmp_dir``
and returns once ``/-/ready`` answers: the caller stops it with ``.stop()``. ``empty_prometheus`` is one with
nothing to scrape, for the module's tests that only need PromQL parsed and evaluated. ``backfill(tmp_dir, text)``
writes OpenMetrics samples with timestamps into ``tmp_dir``'s storage with promtool before Prometheus starts there,
so queries can be evaluated on known data at a known time without waiting for scrapes.
"""

import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests
from tests.store_peers import free_port

PROMETHEUS = "/usr/bin/prometheus"
PROMTOOL = "/usr/bin/promtool"
READY_TIMEOUT = 60
# Another process may take the free port between the probe and Prometheus' bind: try a new one that many times.
PORT_ATTEMPTS = 3
EMPTY_CONFIG = "global:\n  scrape_interval: 15s\nscrape_configs: []\n"


@dataclass
class RunningPrometheus:
    """A started Prometheus: its base URL, its process and the file its output goes to."""

    url: str
    process: subprocess.Popen
    log: Path

    def query(self, expr: str, at: float | None = None) -> dict:
        """POST an instant query to ``/api/v1/query`` and return the decoded answer, errors included (Prometheus
        answers a bad query with 400 and ``{"status": "error", "errorType": "bad_data", ...}``)."""
        data = {"query": expr} if at is None else {"query": expr, "time": at}
        return requests.post(f"{self.url}/api/v1/query", data=data, timeout=30).json()

    def stop(self) -> None:
        """Terminate Prometheus and wait for it (killed if it has not stopped within 20 seconds)."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)


def start_prometheus(tmp_dir, config_yaml: str) -> RunningPrometheus:
    """Start Prometheus with ``config_yaml`` (written to ``tmp_dir/prometheus.yml``) on a free port of 127.0.0.1,
    its data in ``tmp_dir/data``, and wait until it is ready. A Prometheus that exits or is not ready within
    ``READY_TIMEOUT`` seconds raises RuntimeError with the end of its log (a bad configuration is named there)."""
    directory = Path(tmp_dir)
    directory.mkdir(parents=True, exist_ok=True)
    config = directory / "prometheus.yml"
    config.write_text(config_yaml, encoding="utf-8")
    log = directory / "prometheus.log"
    for _attempt in range(PORT_ATTEMPTS):
        port = free_port()
        start = log.stat().st_size if log.exists() else 0
        with log.open("ab") as output:
            process = subprocess.Popen(
                [PROMETHEUS, f"--config.file={config}", f"--storage.tsdb.path={directory / 'data'}",
                 f"--web.listen-address=127.0.0.1:{port}"],
                stdout=output, stderr=subprocess.STDOUT, cwd=directory,
            )
        running = RunningPrometheus(f"http://127.0.0.1:{port}", process, log)
        if _wait_ready(running):
            return running
        if b"address already in use" not in log.read_bytes()[start:]:
            break
    running.stop()
    raise RuntimeError(f"prometheus did not become ready ({config}): {log.read_text(errors='replace')[-3000:]}")


def backfill(tmp_dir, openmetrics: str) -> None:
    """Turn ``openmetrics`` (samples with timestamps, ending ``# EOF``) into blocks of ``tmp_dir/data``, the storage
    ``start_prometheus(tmp_dir, ...)`` then opens. A rejected file raises RuntimeError with promtool's message."""
    directory = Path(tmp_dir)
    directory.mkdir(parents=True, exist_ok=True)
    source = directory / "backfill.om"
    source.write_text(openmetrics, encoding="utf-8")
    done = subprocess.run([PROMTOOL, "tsdb", "create-blocks-from", "openmetrics", str(source), str(directory / "data")],
                          capture_output=True, text=True, timeout=300)
    if done.returncode != 0:
        raise RuntimeError(f"promtool could not backfill {source}: {(done.stderr or done.stdout)[-3000:]}")


def _wait_ready(running: RunningPrometheus) -> bool:
    """True once ``/-/ready`` answers 200; False when the process exits or the deadline passes."""
    deadline = time.monotonic() + READY_TIMEOUT
    while time.monotonic() < deadline and running.process.poll() is None:
        try:
            if requests.get(f"{running.url}/-/ready", timeout=2).status_code == 200:
                return True
        except requests.ConnectionError:
            pass
        time.sleep(0.1)
    running.stop()
    return False


@pytest.fixture(scope="module")
def empty_prometheus(tmp_path_factory):
    """A Prometheus with nothing to scrape, for one test module: every query evaluates on an empty database."""
    running = start_prometheus(tmp_path_factory.mktemp("prometheus"), EMPTY_CONFIG)
    yield running
    running.stop()
