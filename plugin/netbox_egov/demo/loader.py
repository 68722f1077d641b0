"""Load the illustrative Kabupaten Klaten data set (klaten.yaml) into NetBox.

Every object is looked up by its natural key before it is created, so a
second run finds everything and changes nothing. Later issues extend the
data set with their own objects.
"""

from collections import Counter
from decimal import Decimal
from importlib.resources import files

import yaml
from django.db import connection
from django.utils.text import slugify

from circuits.choices import CircuitStatusChoices
from circuits.models import Circuit, CircuitTermination, CircuitType, Provider
from core.models import ObjectType
from dcim.choices import DeviceStatusChoices, LinkStatusChoices, SiteStatusChoices
from dcim.models import Cable, Device, DeviceRole, DeviceType, InterfaceTemplate, Manufacturer, Platform, Region, Site
from ipam.choices import IPAddressStatusChoices, PrefixStatusChoices
from ipam.models import IPAddress, Prefix, Role
from tenancy.models import Contact, ContactAssignment, ContactRole, Tenant, TenantGroup

from ..logic.labels import DEFAULT_TEMPLATE, render_label
from .collector import CollectorDemo, collector_data, simulated_agent_addresses
from .findings import FindingsDemo, findings_data
from .registry import RegistryDemo, registry_data

GATEWAY_ROLE = {"name": "Gateway Perangkat Daerah", "slug": "gateway", "color": "2196f3"}
CORE_ROLE = {"name": "Core switch", "slug": "core-switch", "color": "9c27b0"}
FIREWALL_ROLE = {"name": "Firewall", "slug": "firewall", "color": "f44336"}


def demo_data():
    return yaml.safe_load(files("netbox_egov.demo").joinpath("klaten.yaml").read_text(encoding="utf-8"))


def interface_end(interface):
    return {"site": interface.device.site.slug, "device": interface.device.name, "port": interface.name}


def inter_node_label(a, b):
    """The label the default scheme gives a cable between interfaces a and b (Pasal 11(3))."""
    return render_label(DEFAULT_TEMPLATE, {"a": interface_end(a), "b": interface_end(b)})


class DemoLoader:
    def __init__(self, data):
        self.data = data
        self.created = Counter()
        # What the data set asks for but the rules refuse: reported, not loaded.
        self.refused = []
        # Gateways `make demo` answers with snmpsim agents on the loopback: polled there (collector.py).
        self.agent_addresses = simulated_agent_addresses(collector_data())

    def ensure(self, model, defaults=None, **lookup):
        obj, created = model.objects.get_or_create(defaults=defaults or {}, **lookup)
        if created:
            self.created[model._meta.verbose_name_plural] += 1
        return obj

    # Organisation: region, agency kinds, agencies, their offices and officers.

    def load_region(self):
        spec = self.data["region"]
        parent = self.ensure(Region, slug=spec["parent"]["slug"], defaults={"name": spec["parent"]["name"]})
        return self.ensure(Region, slug=spec["slug"], defaults={"name": spec["name"], "parent": parent})

    def load_agency_kinds(self):
        spec = self.data["agency_group"]
        root = self.ensure(
            TenantGroup, slug=spec["slug"], defaults={"name": spec["name"], "description": spec["description"]}
        )
        return {
            slug: self.ensure(TenantGroup, slug=slug, defaults={"name": name, "parent": root})
            for slug, name in self.data["kinds"].items()
        }

    def agency_specs(self):
        """Every agency: the Dinas Kominfo, the dinas/badan, then the kecamatan."""
        specs = [self.data["dinas_kominfo"], *self.data["agencies"]]
        for kecamatan in self.data["kecamatan"]:
            specs.append({
                "code": f"kec-{slugify(kecamatan['name'])}",
                "name": f"Kecamatan {kecamatan['name']}",
                "kind": "kecamatan",
                "officer": kecamatan["officer"],
                "gateway": "routeros",
                "latitude": kecamatan.get("latitude"),
                "longitude": kecamatan.get("longitude"),
            })
        return specs

    def load_agency(self, spec, kinds, region, officer_role):
        tenant = self.ensure(Tenant, slug=spec["code"], defaults={"name": spec["name"], "group": kinds[spec["kind"]]})
        site = self.ensure(
            Site,
            slug=f"kantor-{spec['code']}",
            defaults={
                "name": f"Kantor {spec['name']}",
                "region": region,
                "tenant": tenant,
                "status": SiteStatusChoices.STATUS_ACTIVE,
                "time_zone": "Asia/Jakarta",
            },
        )
        if spec.get("latitude") is not None and site.latitude is None:
            # Also on a re-run over a demo loaded before the coordinates were in the data.
            site.latitude, site.longitude = Decimal(str(spec["latitude"])), Decimal(str(spec["longitude"]))
            site.save()
        if spec["officer"]:
            contact = self.ensure(Contact, name=spec["officer"], defaults={"title": "Pengelola TIK"})
            self.ensure(ContactAssignment, object_type=ObjectType.objects.get_for_model(Tenant),
                        object_id=tenant.pk, contact=contact, role=officer_role)
        return tenant, site

    def load_dinas_sites(self, region, kominfo):
        return [
            self.ensure(
                Site,
                slug=spec["slug"],
                defaults={"name": spec["name"], "facility": spec["facility"], "region": region, "tenant": kominfo,
                          "status": SiteStatusChoices.STATUS_ACTIVE, "time_zone": "Asia/Jakarta"},
            )
            for spec in (self.data["data_center"], self.data["dr_site"])
        ]

    # Hardware: platforms, device types with their interfaces, roles.

    def load_hardware(self):
        manufacturers = {}
        for spec in self.data["device_types"].values():
            name = spec["manufacturer"]
            manufacturers.setdefault(name, self.ensure(Manufacturer, slug=slugify(name), defaults={"name": name}))
        platforms = {
            key: self.ensure(Platform, slug=spec["slug"],
                             defaults={"name": spec["name"], "manufacturer": manufacturers[spec["manufacturer"]]})
            for key, spec in self.data["platforms"].items()
        }
        device_types = {
            kind: self.load_device_type(spec, manufacturers) for kind, spec in self.data["device_types"].items()
        }
        roles = {role["slug"]: self.ensure(DeviceRole, slug=role["slug"], defaults=role)
                 for role in (GATEWAY_ROLE, CORE_ROLE, FIREWALL_ROLE)}
        return platforms, device_types, roles

    def load_device_type(self, spec, manufacturers):
        device_type = self.ensure(
            DeviceType,
            manufacturer=manufacturers[spec["manufacturer"]],
            slug=spec["slug"],
            defaults={"model": spec["model"]},
        )
        for group in spec["interfaces"]:
            start = group.get("start", 1)
            for n in range(start, start + group["count"]):
                self.ensure(InterfaceTemplate, device_type=device_type, name=group["pattern"].format(n=n),
                            defaults={"type": group["type"]})
        return device_type

    def ensure_device(self, name, site, tenant, device_type, role, platform):
        return self.ensure(
            Device, name=name, site=site,
            defaults={"tenant": tenant, "device_type": device_type, "role": role, "platform": platform,
                      "status": DeviceStatusChoices.STATUS_ACTIVE},
        )

    # Addressing and cabling.

    def ensure_prefix(self, prefix, **defaults):
        return self.ensure(Prefix, prefix=prefix, vrf=None, defaults=defaults)

    def ensure_primary_ip(self, device, interface_name, address):
        address = self.agent_addresses.get(device.name, address)
        interface = device.interfaces.get(name=interface_name)
        ip = self.ensure(IPAddress, address=address, vrf=None,
                         defaults={"assigned_object": interface, "tenant": device.tenant,
                                   "status": IPAddressStatusChoices.STATUS_ACTIVE})
        if device.primary_ip4_id != ip.pk:
            device.primary_ip4 = ip
            device.save()
        return ip

    def ensure_cable(self, a, b, label):
        """Cable a-b unless a is cabled already (so a re-run adds nothing)."""
        a.refresh_from_db()
        if a.cable_id:
            return a.cable
        cable = Cable(a_terminations=[a], b_terminations=[b], status=LinkStatusChoices.STATUS_CONNECTED, label=label)
        cable.save()
        self.created[Cable._meta.verbose_name_plural] += 1
        return cable

    def load(self):
        region = self.load_region()
        kinds = self.load_agency_kinds()
        role_spec = self.data["ict_officer_role"]
        officer_role = self.ensure(ContactRole, slug=role_spec["slug"], defaults={"name": role_spec["name"]})
        platforms, device_types, roles = self.load_hardware()
        lan_role = self.ensure(Role, slug="lan-perangkat-daerah", defaults={"name": "LAN Perangkat Daerah"})
        public_role = self.ensure(Role, slug="publik", defaults={"name": "Publik"})
        management_role = self.ensure(Role, slug="manajemen", defaults={"name": "Manajemen"})

        agencies = [(spec, *self.load_agency(spec, kinds, region, officer_role)) for spec in self.agency_specs()]
        kominfo = agencies[0][1]
        data_center, dr_site = self.load_dinas_sites(region, kominfo)

        prefixes = self.data["prefixes"]
        self.ensure_prefix(prefixes["management"], tenant=kominfo, role=management_role, scope=data_center)
        core = self.ensure_device("core-sw-01", data_center, kominfo, device_types["core-switch"], roles["core-switch"],
                                  platforms["ios"])
        firewall = self.ensure_device("fw-01", data_center, kominfo, device_types["firewall"], roles["firewall"],
                                      platforms["fortios"])
        self.ensure_primary_ip(firewall, "port1", "10.0.0.1/24")
        self.ensure_primary_ip(core, "GigabitEthernet1/0/1", "10.0.0.2/24")
        core_inside = core.interfaces.get(name="GigabitEthernet1/0/1")
        firewall_inside = firewall.interfaces.get(name="port1")
        self.ensure_cable(core_inside, firewall_inside, inter_node_label(core_inside, firewall_inside))

        self.load_gateways(agencies, core, device_types, roles["gateway"], platforms, lan_role)
        self.load_uplinks(firewall, data_center, kominfo, public_role)
        RegistryDemo(self, registry_data(), data_center, dr_site).load(kominfo)
        CollectorDemo(self, collector_data()).load()
        FindingsDemo(self, findings_data()).load()
        return dict(self.created), self.refused

    def load_gateways(self, agencies, core, device_types, role, platforms, lan_role):
        """A gateway per agency office with its LAN prefix; dinas/badan offices are cabled to the core switch."""
        prefixes = self.data["prefixes"]
        for container in (prefixes["agencies"], prefixes["kecamatan"]):
            self.ensure_prefix(container, status=PrefixStatusChoices.STATUS_CONTAINER)
        core_port = 2
        for index, (spec, tenant, site) in enumerate(agencies, start=1):
            platform = spec["gateway"]
            ports = self.data["gateway_ports"][platform]
            gateway = self.ensure_device(f"gw-{spec['code']}", site, tenant, device_types[platform], role,
                                         platforms[platform])
            block = prefixes["kecamatan"] if spec["kind"] == "kecamatan" else prefixes["agencies"]
            octets = block.split(".")
            lan = f"{octets[0]}.{octets[1]}.{index}"
            self.ensure_prefix(f"{lan}.0/24", tenant=tenant, role=lan_role, scope=site,
                               status=PrefixStatusChoices.STATUS_ACTIVE)
            self.ensure_primary_ip(gateway, ports["lan"], f"{lan}.1/24")
            if spec["kind"] != "kecamatan":
                uplink = gateway.interfaces.get(name=ports["uplink"])
                core_interface = core.interfaces.get(name=f"GigabitEthernet1/0/{core_port}")
                self.ensure_cable(core_interface, uplink, demo_label(core_port, core_interface, uplink))
                core_port += 1

    def load_uplinks(self, firewall, data_center, kominfo, public_role):
        """Two ISPs, each with an internet circuit ending on the firewall and a public prefix."""
        for spec in self.data["providers"]:
            provider = self.ensure(Provider, slug=spec["slug"], defaults={"name": spec["name"]})
            circuit_spec = spec["circuit"]
            circuit_type = self.ensure(CircuitType, slug=slugify(circuit_spec["type"]),
                                       defaults={"name": circuit_spec["type"]})
            circuit = self.ensure(
                Circuit, provider=provider, cid=circuit_spec["cid"],
                defaults={"type": circuit_type, "tenant": kominfo, "commit_rate": circuit_spec["commit_rate"],
                          "status": CircuitStatusChoices.STATUS_ACTIVE},
            )
            termination = self.ensure(CircuitTermination, circuit=circuit, term_side="A",
                                      defaults={"termination": data_center})
            port = firewall.interfaces.get(name=circuit_spec["firewall_port"])
            circuit_end = {"site": data_center.slug, "device": circuit.cid, "port": "A"}
            label = render_label(DEFAULT_TEMPLATE, {"a": interface_end(port), "b": circuit_end})
            self.ensure_cable(port, termination, label)
            self.ensure_prefix(spec["public_prefix"], tenant=kominfo, role=public_role, scope=data_center,
                               description=f"Public space via {provider.name} (documentation range)")


def demo_label(number, a, b):
    """A realistic mix for the label checks: most cables labelled right, some wrong, some bare."""
    match number % 5:
        case 3:
            return f"KABEL-{number:03d}"  # an old numbering, not the inter-node scheme
        case 4:
            return ""
        case _:
            return inter_node_label(a, b)


def load_demo():
    """Load the demo data; returns how many objects of each kind were created, and what the rules refused."""
    result = DemoLoader(demo_data()).load()
    # Thousands of new rows in tables PostgreSQL last saw (nearly) empty: without fresh statistics it plans
    # every permission lookup as if for no rows until autovacuum comes round (0.2 s a request in tests).
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return result
