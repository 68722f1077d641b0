"""Importing and compiling a 1,000,000-domain list through the plugin itself, next to GNU tools, in one run.

Each step runs in its own process so its peak memory (max RSS, the whole
NetBox process included) is its own:

- import: the ImportDomainsJob a worker runs (parse, store in PostgreSQL,
  record figures), after staging the upload as the UI or API does;
  reference: `sort -u` on the same file.
- compile unbound / routeros: the compiled-filter API endpoint for an agency,
  cache cold (what a changed list costs), then warm, then a 304 answer to
  If-None-Match (what an unchanged list costs a playbook); reference: `sed`
  writing unbound lines from the sorted file.

Run: make bench-filter (needs the stack's PostgreSQL and Redis; leaves the database as it was)
"""

import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from domains import COUNT, generate  # noqa: E402  (the same generated list as bench/domains.py)

NAME = "Bench 1M"
SLUG = "bench-filter-agency"


def setup_django():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "netbox.settings")
    import django

    django.setup()


def peak_mib():
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)


def step_import(path):
    from tenancy.models import Tenant
    from users.models import User

    from netbox_egov.jobs import ImportDomainsJob
    from netbox_egov.models import DomainList, DomainUpload, FilterPolicy

    user = User.objects.filter(is_superuser=True).first()
    domain_list = DomainList.objects.create(name=NAME, category="gambling", source="upload")
    policy = FilterPolicy.objects.create(name=NAME)
    policy.blocked_lists.set([domain_list])
    policy.tenants.set([Tenant.objects.create(name=NAME, slug=SLUG)])
    start = time.perf_counter()
    upload = DomainUpload.objects.create(domain_list=domain_list, mode="replace", text=path.read_text())
    job = ImportDomainsJob.enqueue(instance=domain_list, user=user, upload_id=upload.pk, immediate=True)
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "peak_mib": peak_mib(), "domains": job.data["domains"],
            "bad_lines": job.data["bad_lines"], "job_status": job.status}


def step_compile(syntax):
    from django.core.cache import cache
    from django.test import Client

    from users.constants import TOKEN_PREFIX
    from users.models import Token, User

    from netbox_egov.site_filter import compiling

    user = User.objects.filter(is_superuser=True).first()
    token = Token.objects.create(user=user)
    header = {"HTTP_AUTHORIZATION": f"Bearer {TOKEN_PREFIX}{token.key}.{token.token}"}
    url = f"/api/plugins/egov/compiled-filter/{syntax}/?agency={SLUG}"
    client = Client()
    cache.delete_pattern(compiling._cache_key("*"))
    timings = {}
    for label in ("cold", "warm"):
        start = time.perf_counter()
        response = client.get(url, **header)
        timings[label] = time.perf_counter() - start
        assert response.status_code == 200, response.content[:300]
    start = time.perf_counter()
    unchanged = client.get(url, HTTP_IF_NONE_MATCH=response["ETag"], **header)
    timings["not_modified"] = time.perf_counter() - start
    assert unchanged.status_code == 304
    token.delete()
    return {"seconds": timings["cold"], "warm_seconds": timings["warm"],
            "not_modified_seconds": timings["not_modified"], "bytes": len(response.content), "peak_mib": peak_mib()}


def step_cleanup():
    from tenancy.models import Tenant

    from netbox_egov.models import DomainList, FilterPolicy

    FilterPolicy.objects.filter(name=NAME).delete()
    DomainList.objects.filter(name=NAME).delete()
    Tenant.objects.filter(slug=SLUG).delete()
    return {}


def run_step(*args):
    """One step in a fresh process; its JSON result."""
    result = subprocess.run([sys.executable, __file__, *args], check=True, capture_output=True, text=True)
    return json.loads(result.stdout.strip().splitlines()[-1])


def timed(command, **kwargs):
    start = time.perf_counter()
    subprocess.run(command, check=True, env={**os.environ, "LC_ALL": "C"}, **kwargs)
    return time.perf_counter() - start


def main():
    with tempfile.TemporaryDirectory() as folder:
        path, sorted_path = Path(folder) / "list.txt", Path(folder) / "sorted.txt"
        generate(path, COUNT)
        run_step("cleanup")  # a previous interrupted run
        try:
            sort_seconds = timed(["sort", "-u", "-o", str(sorted_path), str(path)])
            with open(os.devnull, "w") as sink:
                sed_seconds = timed(["sed", "-e", '/^#/d', "-e", 's/.*/local-zone: "&." always_nxdomain/',
                                     str(sorted_path)], stdout=sink)
            rows = [("sort -u (reference for import)", sort_seconds, None, None)]
            imported = run_step("import", str(path))
            rows.append((f"import job ({imported['domains']} domains, status {imported['job_status']})",
                         imported["seconds"], sort_seconds, imported["peak_mib"]))
            rows.append(("sed to unbound lines (reference for compile)", sed_seconds, None, None))
            for syntax in ("unbound", "routeros"):
                compiled = run_step("compile", syntax)
                rows.append((f"GET compiled {syntax}, cold ({compiled['bytes'] // 2**20} MiB)", compiled["seconds"],
                             sed_seconds, compiled["peak_mib"]))
                rows.append((f"GET compiled {syntax}, cached", compiled["warm_seconds"], sed_seconds, None))
                rows.append((f"GET compiled {syntax}, 304 unchanged", compiled["not_modified_seconds"], sed_seconds,
                             None))
        finally:
            run_step("cleanup")
    print(f"{COUNT} generated domains")
    print(f"{'step':58} {'seconds':>8} {'ratio':>7} {'peak MiB':>9}")
    for label, seconds, reference, peak in rows:
        ratio = f"{seconds / reference:.1f}" if reference else "1.0"
        print(f"{label:58} {seconds:8.2f} {ratio:>7} {peak if peak is not None else '-':>9}")


if __name__ == "__main__":
    if len(sys.argv) > 1:
        setup_django()
        step = sys.argv[1]
        outcome = {"import": lambda: step_import(Path(sys.argv[2])), "compile": lambda: step_compile(sys.argv[2]),
                   "cleanup": step_cleanup}[step]()
        print(json.dumps(outcome))
    else:
        main()
