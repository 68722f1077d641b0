"""Prometheus HTTP SD at 5,000 devices: time and query count of GET /api/plugins/egov/prometheus-sd/devices/.

55 agencies with an office each and 5,000 active devices with a primary IPv4 address, made in a transaction
rolled back at the end; requests through Django's test client in-process (no HTTP server), as the Dinas'
superuser (every device), an agency officer (its group's constrained permissions: ~91 devices out of 5,000)
and a role filter. Core's /api/dcim/devices/?limit=1000 for scale.

Run: ``make bench-sd`` (the stack's database; everything made here is rolled back). BENCH_DEVICES and
BENCH_ROUNDS change the size and the number of requests. Results: docs/benchmarks.md.
"""

import os
import statistics
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "netbox.settings")
import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

DEVICES = int(os.environ.get("BENCH_DEVICES", "5000"))
AGENCIES = 55
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "10"))
WARMUP = 2


class Rollback(Exception):
    pass


def make_rows():
    from dcim.models import Device, DeviceRole, DeviceType, Manufacturer, Platform, Site
    from ipam.models import IPAddress
    from tenancy.models import Tenant, TenantGroup

    group = TenantGroup.objects.create(name="Bench PD", slug="bench-pd")
    tenants = [Tenant.objects.create(name=f"Bench agency {n}", slug=f"bench-agency-{n}", group=group)
               for n in range(AGENCIES)]
    sites = [Site.objects.create(name=f"Bench office {n}", slug=f"bench-office-{n}", tenant=tenants[n])
             for n in range(AGENCIES)]
    maker = Manufacturer.objects.create(name="Bench vendor", slug="bench-vendor")
    device_type = DeviceType.objects.create(manufacturer=maker, model="Bench box", slug="bench-box")
    roles = [DeviceRole.objects.create(name=f"Bench {slug}", slug=f"bench-{slug}") for slug in ("gateway", "switch")]
    platform = Platform.objects.create(name="Bench OS", slug="bench-os")
    devices = Device.objects.bulk_create(
        Device(name=f"bench-{n}", site=sites[n % AGENCIES], tenant=tenants[n % AGENCIES], device_type=device_type,
               role=roles[0] if n < AGENCIES else roles[1], platform=platform, status="active")
        for n in range(DEVICES))
    addresses = IPAddress.objects.bulk_create(
        IPAddress(address=f"10.{100 + n // 65536}.{n // 256 % 256}.{n % 256}/16", tenant=tenants[n % AGENCIES])
        for n in range(DEVICES))
    for device, address in zip(devices, addresses, strict=True):
        device.primary_ip4 = address
    Device.objects.bulk_update(devices, ["primary_ip4"], batch_size=1000)
    # Statistics as autovacuum keeps them on a NetBox in service (and load_demo() makes them): the planner's
    # idea of tables it last saw empty picks nested loops, quadratic at 5,000 rows (seconds, not milliseconds).
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return tenants[0]


def clients(agency):
    from users.constants import TOKEN_PREFIX
    from users.models import Token, User

    from netbox_egov.access import ensure_agency_access

    admin = User.objects.create(username="bench-sd-admin", is_superuser=True)
    officer = User.objects.create(username="bench-sd-officer")
    officer.groups.add(ensure_agency_access(agency))
    headers = {}
    for name, user in (("admin", admin), ("officer", officer)):
        token = Token.objects.create(user=user)
        headers[name] = {"HTTP_AUTHORIZATION": f"Bearer {TOKEN_PREFIX}{token.key}.{token.token}"}
    return headers


def measure(client, url, header, expected):
    timings, queries = [], set()
    for round_number in range(WARMUP + ROUNDS):
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            response = client.get(url, **header)
            body = response.content
            elapsed = time.perf_counter() - start
        assert response.status_code == 200, (url, response.status_code, body[:300])
        if round_number >= WARMUP:
            timings.append(elapsed)
            queries.add(len(captured))
    count = len(response.json()) if url.startswith("/api/plugins") else len(response.json()["results"])
    assert count == expected, (url, count, expected)
    return count, sorted(queries), statistics.median(timings), max(timings), len(body)


def listed_to_superuser():
    """Devices the endpoint lists to a superuser: the bench's and those of the stack's database (the demo's
    active devices with a primary IP)."""
    from django.db.models import Q

    from dcim.models import Device

    return Device.objects.filter(Q(primary_ip4__isnull=False) | Q(primary_ip6__isnull=False), status="active").count()


def cases():
    """(name, URL, token, devices expected), counted once the bench's rows exist."""
    from dcim.models import Device

    return [
        ("SD, superuser (every device)", "/api/plugins/egov/prometheus-sd/devices/", "admin", listed_to_superuser()),
        ("SD, agency officer (constrained)", "/api/plugins/egov/prometheus-sd/devices/", "officer",
         len(range(0, DEVICES, AGENCIES))),
        ("SD, ?role=bench-gateway", "/api/plugins/egov/prometheus-sd/devices/?role=bench-gateway", "admin", AGENCIES),
        ("core /api/dcim/devices/?limit=1000", "/api/dcim/devices/?limit=1000", "admin",
         min(1000, Device.objects.count())),
    ]


def main():
    try:
        with transaction.atomic():
            made = time.perf_counter()
            agency = make_rows()
            headers = clients(agency)
            print(f"{DEVICES} devices, {AGENCIES} agencies made in {time.perf_counter() - made:.1f} s; "
                  f"median and max of {ROUNDS} requests after {WARMUP} warm-up")
            client = Client()
            for name, url, who, expected in cases():
                count, queries, median, worst, size = measure(client, url, headers[who], expected)
                print(f"{name:40} {count:5} targets  {median * 1000:7.0f} ms median  {worst * 1000:7.0f} ms max  "
                      f"queries {queries}  {size / 1e6:.2f} MB")
            raise Rollback
    except Rollback:
        pass


if __name__ == "__main__":
    main()
