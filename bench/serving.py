"""The demo's pages and API under gunicorn behind nginx (how `make demo` serves now) next to runserver (how it
served before), in one run: the same pages and endpoints, requests interleaved between the two servers.

Both serve the demo database of the stack. Latency is taken one request at a time (p50/p95 per page), then
throughput with several clients at once, where gunicorn's worker processes tell.

Run: make bench-serving   (needs the demo data: run `make demo` once; the stack's PostgreSQL and Redis are
started if they are not running)
"""

import os
import re
import socket
import statistics
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
VENV_BIN = Path(sys.executable).parent
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "20"))
CLIENTS = 4
PAGES = [
    "/plugins/egov/agencies/",
    "/plugins/egov/compliance/",
    "/plugins/egov/backbone/map/",
    "/plugins/egov/backbone/reachability/",
    "/plugins/egov/recommendations/",
    "/plugins/egov/bandwidth-quotas/",
    "/api/plugins/egov/backbone-links/?limit=100",
    "/api/plugins/egov/quota-usage/?limit=100",
    "/api/plugins/egov/compliance/",
    "/api/plugins/egov/compiled-filter/unbound/?agency=disdik",
]


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(url, process, seconds=180):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit(f"the server for {url} exited")
        try:
            requests.get(url, timeout=30)  # the first request of a fresh server loads NetBox's URLs and templates
            return
        except (requests.ConnectionError, requests.Timeout):
            time.sleep(0.5)
    sys.exit(f"{url} did not answer within {seconds} s")


def start_servers():
    """runserver on one port; stack/netbox.sh serve (nginx in front of gunicorn) on another."""
    env = {**os.environ, "PATH": f"{VENV_BIN}:{os.environ['PATH']}"}
    runserver_port, nginx_port, gunicorn_port = free_port(), free_port(), free_port()
    runserver = subprocess.Popen([str(VENV_BIN / "netbox"), "runserver", "--noreload", f"127.0.0.1:{runserver_port}"],
                                 env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    served = subprocess.Popen([str(ROOT / "stack" / "netbox.sh"), "serve"], stdout=subprocess.DEVNULL,
                              env={**env, "EGOV_HTTP_PORT": str(nginx_port), "EGOV_WSGI_PORT": str(gunicorn_port)})
    servers = {"runserver": (f"http://127.0.0.1:{runserver_port}", runserver),
               "nginx+gunicorn": (f"http://127.0.0.1:{nginx_port}", served)}
    try:
        for base, process in servers.values():
            wait_for(f"{base}/login/", process)
    except BaseException:  # sys.exit included: servers left running would hold the machine
        stop(servers)
        raise
    return servers


def stop(servers):
    for _base, process in servers.values():
        process.terminate()
        process.wait(timeout=60)


def session(base):
    """A logged-in admin session (the demo's admin, EGOV_ADMIN_USER / EGOV_ADMIN_PASSWORD)."""
    client = requests.Session()
    login = client.get(f"{base}/login/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login.text).group(1)
    answer = client.post(f"{base}/login/", data={
        "csrfmiddlewaretoken": token, "username": os.environ.get("EGOV_ADMIN_USER", "admin"),
        "password": os.environ.get("EGOV_ADMIN_PASSWORD", "admin"),
    }, headers={"Referer": f"{base}/login/"})
    if "/login/" in answer.url:
        sys.exit("could not log in as the demo admin; set EGOV_ADMIN_USER and EGOV_ADMIN_PASSWORD")
    return client


def timed(client, url):
    start = time.perf_counter()
    response = client.get(url)
    elapsed = time.perf_counter() - start
    if response.status_code != 200:
        sys.exit(f"{url} answered {response.status_code}")
    return elapsed


def latencies(sessions):
    """Per server and page, ROUNDS sequential timings; the two servers interleaved request by request."""
    times = {name: {page: [] for page in PAGES} for name in sessions}
    for _round in range(ROUNDS + 2):
        for page in PAGES:
            for name, (base, client) in sessions.items():
                times[name][page].append(timed(client, base + page))
    return {name: {page: values[2:] for page, values in pages.items()} for name, pages in times.items()}


def throughput(base, client):
    """Requests per second with CLIENTS clients at once, over every page ROUNDS times."""
    urls = [base + page for _round in range(ROUNDS) for page in PAGES]
    start = time.perf_counter()
    with ThreadPoolExecutor(CLIENTS) as pool:
        list(pool.map(lambda url: timed(client, url), urls))
    return len(urls) / (time.perf_counter() - start)


def percentile(values, share):
    return sorted(values)[min(len(values) - 1, round(share * (len(values) - 1)))]


def report(times, rates):
    names = list(times)
    print(f"{'page':58} " + " ".join(f"{name + ' p50/p95 ms':>28}" for name in names) + "   ratio p50")
    for page in PAGES:
        cells = [f"{statistics.median(times[n][page]) * 1000:12.0f} /{percentile(times[n][page], .95) * 1000:8.0f}"
                 for n in names]
        ratio = statistics.median(times[names[1]][page]) / statistics.median(times[names[0]][page])
        print(f"{page:58} " + " ".join(f"{cell:>28}" for cell in cells) + f"   {ratio:9.2f}")
    everything = {name: [t for values in times[name].values() for t in values] for name in names}
    print("all pages, p50 ms: " + ", ".join(f"{n} {statistics.median(everything[n]) * 1000:.0f}" for n in names))
    print(f"throughput with {CLIENTS} clients, requests/s: "
          + ", ".join(f"{name} {rate:.1f}" for name, rate in rates.items())
          + f" (ratio {rates[names[1]] / rates[names[0]]:.2f})")


def main():
    servers = start_servers()
    try:
        sessions = {name: (base, session(base)) for name, (base, _process) in servers.items()}
        times = latencies(sessions)
        rates = {name: throughput(base, client) for name, (base, client) in sessions.items()}
        report(times, rates)
    finally:
        stop(servers)


if __name__ == "__main__":
    main()
