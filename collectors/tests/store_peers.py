"""A private Redis for the store's tests: redis-server on a free port, no persistence, in a temporary directory."""

import socket
import subprocess
import time

import pytest
import redis

REDIS_SERVER = "/usr/bin/redis-server"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory):
    """The URL of a redis-server started for this test session (stopped at its end)."""
    directory = tmp_path_factory.mktemp("redis")
    port = free_port()
    server = subprocess.Popen(
        [REDIS_SERVER, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
         "--dir", str(directory), "--logfile", str(directory / "redis.log")],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    url = f"redis://127.0.0.1:{port}/0"
    try:
        _wait_for(url, server, directory)
        yield url
    finally:
        server.terminate()
        server.wait(10)


@pytest.fixture
def redis_client(redis_url):
    """A client of the session's Redis, on an empty database."""
    client = redis.Redis.from_url(redis_url)
    client.flushdb()
    yield client
    client.close()


def _wait_for(url, server, directory):
    client = redis.Redis.from_url(url, socket_connect_timeout=0.5)
    deadline = time.monotonic() + 15
    try:
        while True:
            try:
                client.ping()
                return
            except redis.ConnectionError:
                if server.poll() is not None or time.monotonic() > deadline:
                    log = (directory / "redis.log").read_text() if (directory / "redis.log").exists() else ""
                    raise RuntimeError(f"redis-server did not start on {url}: {log[-2000:]}") from None
                time.sleep(0.05)
    finally:
        client.close()
