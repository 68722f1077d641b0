"""The compiled site filter loads into a real unbound and blocks what the policies say, nothing more.

unbound runs on a free localhost port as a plain process started by the test
(never as a system service), with the compiled file included exactly as the
API returned it; dnspython asks it.
"""

import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import dns.exception
import dns.message
import dns.query
import dns.rcode
from django.urls import reverse

from tenancy.models import Tenant
from utilities.testing import APITestCase

from netbox_egov.models import DomainList, FilterPolicy
from netbox_egov.site_filter.storage import apply_entries

UNBOUND = shutil.which("unbound") or "/usr/sbin/unbound"
CHECKCONF = shutil.which("unbound-checkconf") or "/usr/sbin/unbound-checkconf"
# An allowed name needs an answer without upstream resolvers (the sandbox has none).
ALLOWED_ADDRESS = "192.0.2.10"


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Unbound:
    def __init__(self, folder, compiled_text):
        self.folder = Path(folder)
        self.port = free_port()
        (self.folder / "egov-filter.conf").write_text(compiled_text)
        self.config = self.folder / "unbound.conf"
        # unbound wants absolute paths for its config and includes.
        self.config.write_text(f"""server:
    interface: 127.0.0.1
    port: {self.port}
    do-ip6: no
    do-daemonize: no
    username: ""
    chroot: ""
    directory: "{self.folder}"
    pidfile: ""
    use-syslog: no
    logfile: ""
    verbosity: 0
    access-control: 127.0.0.0/8 allow
    local-data: "layanan.example. A {ALLOWED_ADDRESS}"
    include: "{self.folder / 'egov-filter.conf'}"
""")

    def check(self):
        return subprocess.run([CHECKCONF, str(self.config)], capture_output=True, text=True)

    def start(self):
        self.process = subprocess.Popen([UNBOUND, "-d", "-c", str(self.config)], stdout=subprocess.PIPE,
                                        stderr=subprocess.STDOUT, text=True)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"unbound exited: {self.process.stdout.read()}")
            try:
                self.ask("layanan.example")
                return
            except (TimeoutError, dns.exception.Timeout, OSError):
                time.sleep(0.2)
        raise AssertionError(f"unbound did not answer on port {self.port}")

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=10)

    def ask(self, name):
        query = dns.message.make_query(name, "A")
        return dns.query.udp(query, "127.0.0.1", port=self.port, timeout=1)


class CompiledFilterInUnboundTest(APITestCase):
    @classmethod
    def setUpTestData(cls):
        agency = Tenant.objects.create(name="Dinas Pendidikan", slug="disdik")
        blocked = DomainList.objects.create(name="TrustPositif", category="gambling")
        apply_entries(blocked, "add", "slot-gacor.example\n*.kasino.example\nlayanan.example\n"
                                                  "judi-\u00f1.example\n")
        allowed = DomainList.objects.create(name="Izin", category="allowed")
        apply_entries(allowed, "add", "layanan.example\n")
        policy = FilterPolicy.objects.create(name="Nasional")
        policy.blocked_lists.set([blocked])
        policy.allowed_lists.set([allowed])
        policy.tenants.set([agency])

    def setUp(self):
        super().setUp()
        self.add_permissions("netbox_egov.view_filterpolicy", "netbox_egov.view_domainlist", "tenancy.view_tenant")
        response = self.client.get(reverse("plugins-api:netbox_egov-api:compiled_filter", args=["unbound"]),
                                   {"agency": "disdik"}, **self.header)
        self.assertEqual(response.status_code, 200)
        folder = tempfile.mkdtemp(prefix="egov-unbound-")
        self.addCleanup(shutil.rmtree, folder, True)
        self.unbound = Unbound(folder, response.content.decode())

    def test_unbound_accepts_the_configuration(self):
        checked = self.unbound.check()
        self.assertEqual(checked.returncode, 0, checked.stdout + checked.stderr)

    def test_blocked_names_and_their_subdomains_get_nxdomain_and_allowed_names_resolve(self):
        self.unbound.start()
        self.addCleanup(self.unbound.stop)
        for name in ("slot-gacor.example", "www.slot-gacor.example", "kasino.example", "a.b.kasino.example",
                     "xn--judi--sta.example"):
            self.assertEqual(self.unbound.ask(name).rcode(), dns.rcode.NXDOMAIN, name)
        answer = self.unbound.ask("layanan.example")
        self.assertEqual(answer.rcode(), dns.rcode.NOERROR)
        self.assertEqual(answer.answer[0][0].address, ALLOWED_ADDRESS)
