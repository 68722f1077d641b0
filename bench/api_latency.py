"""Latency of the registry's list endpoints next to core's, in one run.

GET /api/plugins/egov/backbone-links/?limit=1000 and
/api/plugins/egov/information-systems/?limit=1000 are timed against
GET /api/dcim/sites/?limit=1000, each serving 1,000 rows, requests
interleaved so that all three see the same machine state. Runs in-process
through Django's test client against the stack's real PostgreSQL; the rows
are created in a transaction that is rolled back at the end.

Run: make bench   (needs the stack's services: make demo, or stack/services.sh start)
"""

import json
import os
import statistics
import sys
import time
from pathlib import Path

ROWS = 1000
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "25"))
WARMUP = 3
ENDPOINTS = {
    "core sites": "/api/dcim/sites/?limit=1000",
    "backbone links": "/api/plugins/egov/backbone-links/?limit=1000",
    "information systems": "/api/plugins/egov/information-systems/?limit=1000",
}


def setup_django():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "netbox.settings")
    import django

    django.setup()


def make_rows():
    from dcim.models import Site
    from tenancy.models import Tenant

    from netbox_egov.models import BackboneLink, InformationSystem

    tenant = Tenant.objects.create(name="Bench agency", slug="bench-agency")
    sites = Site.objects.bulk_create(
        Site(name=f"Bench site {n}", slug=f"bench-site-{n}", tenant=tenant) for n in range(ROWS + 1)
    )
    BackboneLink.objects.bulk_create(
        BackboneLink(name=f"Bench link {n}", site_a=sites[n], site_b=sites[n + 1], medium="fiber",
                     capacity_mbps=1000) for n in range(ROWS)
    )
    InformationSystem.objects.bulk_create(
        InformationSystem(name=f"Bench system {n}", tenant=tenant, site=sites[n],
                          domain_names=[f"s{n}.example.go.id"]) for n in range(ROWS)
    )


def api_client():
    from django.test import Client

    from users.constants import TOKEN_PREFIX
    from users.models import Token, User

    user = User.objects.create(username="bench", is_superuser=True)
    token = Token.objects.create(user=user)
    client = Client()
    header = {"HTTP_AUTHORIZATION": f"Bearer {TOKEN_PREFIX}{token.key}.{token.token}",
              "HTTP_ACCEPT": "application/json"}
    return client, header


def measure(client, header):
    timings = {name: [] for name in ENDPOINTS}
    for round_number in range(WARMUP + ROUNDS):
        for name, url in ENDPOINTS.items():
            start = time.perf_counter()
            response = client.get(url, **header)
            elapsed = time.perf_counter() - start
            assert response.status_code == 200, (url, response.status_code)
            assert len(response.json()["results"]) == ROWS, (url, len(response.json()["results"]))
            if round_number >= WARMUP:
                timings[name].append(elapsed)
    return timings


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def report(timings):
    base = timings["core sites"]
    rows = []
    for name, values in timings.items():
        p50, p95 = statistics.median(values), percentile(values, 0.95)
        rows.append({
            "endpoint": ENDPOINTS[name], "p50_ms": round(p50 * 1000, 1), "p95_ms": round(p95 * 1000, 1),
            "ratio_p50": round(p50 / statistics.median(base), 2), "ratio_p95": round(p95 / percentile(base, 0.95), 2),
        })
    return rows


def main():
    setup_django()
    from django.db import transaction

    with transaction.atomic():
        make_rows()
        client, header = api_client()
        timings = measure(client, header)
        transaction.set_rollback(True)  # leave the database as it was
    rows = report(timings)
    print(f"{ROUNDS} rounds of {ROWS} rows each (after {WARMUP} warm-up rounds)")
    print(f"{'endpoint':58} {'p50 ms':>8} {'p95 ms':>8} {'p50 ratio':>10} {'p95 ratio':>10}")
    for row in rows:
        print(f"{row['endpoint']:58} {row['p50_ms']:8} {row['p95_ms']:8} {row['ratio_p50']:10} {row['ratio_p95']:10}")
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else None
    if out:
        out.write_text(json.dumps(rows, indent=2))


if __name__ == "__main__":
    main()
