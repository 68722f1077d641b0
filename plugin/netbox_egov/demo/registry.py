"""The Pasal 9 registry part of the Klaten demo (registry.yaml), loaded after the base data.

Same rule as the base loader: look up by natural key, create only what is
missing, so a second run changes nothing.
"""

import datetime
import hashlib
import os
from importlib.resources import files

import yaml
from django.core.exceptions import ValidationError
from django.utils.text import slugify

from circuits.choices import CircuitStatusChoices
from circuits.models import Circuit, CircuitType, Provider
from dcim.models import Device, DeviceType, Site
from ipam.choices import PrefixStatusChoices
from ipam.models import Prefix
from tenancy.models import Tenant
from users.models import User
from virtualization.choices import ClusterStatusChoices, VirtualMachineStatusChoices
from virtualization.models import Cluster, ClusterType, VirtualMachine

from ..access import ensure_agency_access, ensure_dinas_access
from ..agencies import agency_tenants
from ..choices import (
    DRPlanStatusChoices,
    EgressRoleChoices,
    EntriesModeChoices,
    LinkMediumChoices,
    LinkStatusChoices,
    RecommendationStatusChoices,
    UsagePeriodChoices,
)
from ..logic.quota import GIB
from ..models import (
    BackboneLink,
    BandwidthQuota,
    DomainList,
    DRPlan,
    FilterPolicy,
    InformationSystem,
    LabelScheme,
    PublicIPAllocation,
    QuotaUsage,
    Recommendation,
    RecommendationItem,
    Repository,
    Schedule,
    SecurityAssessment,
    SecuritySystem,
    Uplink,
    UplinkAssignment,
)
from ..site_filter.storage import apply_entries


def registry_data():
    return yaml.safe_load(files("netbox_egov.demo").joinpath("registry.yaml").read_text(encoding="utf-8"))


class RegistryDemo:
    def __init__(self, loader, data, data_center, dr_site):
        self.loader = loader
        self.data = data
        self.sites = {"dc": data_center, "drc": dr_site}
        for site in Site.objects.filter(slug__startswith="kantor-"):
            self.sites[site.slug.removeprefix("kantor-")] = site
        self.ensure = loader.ensure

    def site(self, code):
        return self.sites[code] if code in self.sites else self.sites[f"kec-{code}"]

    def link(self, name, a, b, medium, capacity, status=LinkStatusChoices.ACTIVE, circuit=None, group=""):
        return self.ensure(
            BackboneLink, name=name,
            defaults={"site_a": a, "site_b": b, "medium": medium, "capacity_mbps": capacity, "status": status,
                      "circuit": circuit, "redundancy_group": group},
        )

    def load_backbone(self):
        for number, ring in enumerate(self.data["fiber_rings"], start=1):
            stops = [*ring, ring[0]]
            for a, b in zip(stops, stops[1:], strict=False):
                self.link(f"Ring {number} {a}-{b}", self.site(a), self.site(b), LinkMediumChoices.FIBER,
                          self.data["ring_capacity_mbps"], group=f"ring-{number}")
        relayed = self.data["relayed_kecamatan"]
        for site in Site.objects.filter(tenant__group__slug="kecamatan").order_by("slug"):
            code = site.slug.removeprefix("kantor-kec-")
            hub = self.site(relayed[code]) if code in relayed else self.sites["dc"]
            self.link(f"Wireless {code}-{'dc' if hub == self.sites['dc'] else relayed[code]}", site, hub,
                      LinkMediumChoices.WIRELESS, self.data["kecamatan_wireless_mbps"])
            if code not in relayed:
                down = code in self.data["kecamatan_vpn_down"]
                self.link(f"VPN {code}-dc", site, self.sites["dc"], LinkMediumChoices.VPN,
                          self.data["kecamatan_vpn_mbps"],
                          status=LinkStatusChoices.DOWN if down else LinkStatusChoices.ACTIVE)

    def load_dr_plan(self, kominfo):
        replication = self.data["replication"]
        spec = replication["circuit"]
        circuit = self.ensure(
            Circuit, provider=Provider.objects.get(slug=spec["provider"]), cid=spec["cid"],
            defaults={"type": self.ensure(CircuitType, slug=slugify(spec["type"]), defaults={"name": spec["type"]}),
                      "tenant": kominfo, "commit_rate": spec["commit_rate"],
                      "status": CircuitStatusChoices.STATUS_ACTIVE},
        )
        links = [
            self.link(link["name"], self.sites["dc"], self.sites["drc"], link["medium"], link["capacity_mbps"],
                      circuit=circuit if link.get("circuit") else None, group="replikasi-drc")
            for link in replication["links"]
        ]
        plan_spec = self.data["dr_plan"]
        plan = self.ensure(
            DRPlan, name=plan_spec["name"],
            defaults={"primary_site": self.sites["dc"], "dr_site": self.sites["drc"],
                      "status": DRPlanStatusChoices.ACTIVE, "rpo_minutes": plan_spec["rpo_minutes"],
                      "rto_minutes": plan_spec["rto_minutes"], "last_drill_date": plan_spec["last_drill_date"],
                      "last_drill_result": plan_spec["last_drill_result"],
                      "next_drill_due": plan_spec["next_drill_due"]},
        )
        plan.replication_circuits.add(circuit)
        plan.replication_links.add(*links)
        return plan

    def load_virtual_machines(self):
        spec = self.data["cluster"]
        cluster = self.ensure(
            Cluster, name=spec["name"],
            defaults={"type": self.ensure(ClusterType, slug=slugify(spec["type"]), defaults={"name": spec["type"]}),
                      "scope": self.sites["dc"], "status": ClusterStatusChoices.STATUS_ACTIVE},
        )
        names = [f"vm-{slugify(system['name'])[:40]}" for system in self.data["information_systems"]]
        names += ["waf-01", "repo-01"]
        return {
            name: self.ensure(VirtualMachine, name=name, cluster=cluster,
                              defaults={"site": self.sites["dc"],
                                        "status": VirtualMachineStatusChoices.STATUS_ACTIVE})
            for name in names
        }

    def load_systems(self, plan, vms):
        systems = {}
        for spec in self.data["information_systems"]:
            site = self.site(spec["site"]) if "site" in spec else self.sites["dc"]
            system = self.ensure(
                InformationSystem, name=spec["name"],
                defaults={"tenant": Tenant.objects.get(slug=spec["code"]), "site": site,
                          "criticality": spec["criticality"], "domain_names": spec["domains"]},
            )
            if site == self.sites["dc"]:
                system.virtual_machines.add(vms[f"vm-{slugify(spec['name'])[:40]}"])
            else:
                system.devices.add(*Device.objects.filter(site=site))
            if spec["dr"]:
                plan.information_systems.add(system)
            systems[spec["name"]] = system
        return systems

    def load_allocations(self, systems):
        for spec in self.data["public_ip_allocations"]:
            tenant = Tenant.objects.get(slug=spec["code"])
            prefix = self.loader.ensure_prefix(spec["prefix"], tenant=tenant,
                                               status=PrefixStatusChoices.STATUS_ACTIVE)
            allocation = PublicIPAllocation.objects.filter(prefix=prefix).first()
            if allocation is None:
                allocation = PublicIPAllocation(
                    tenant=tenant, prefix=prefix, purpose=spec["purpose"], status=spec["status"],
                    information_system=systems.get(spec.get("system")),
                )
                allocation.full_clean()  # the demo obeys the same rules as everyone
                allocation.save()
                self.loader.created[PublicIPAllocation._meta.verbose_name_plural] += 1

    def load_uplinks(self):
        kecamatan = agency_tenants().filter(group__slug="kecamatan")
        uplinks = []
        for spec in self.data["uplinks"]:
            uplink = self.ensure(Uplink, name=spec["name"], defaults={
                "circuit": Circuit.objects.get(cid=spec["circuit"]), "capacity_mbps": spec["capacity_mbps"],
            })
            uplink.announced_prefixes.add(*Prefix.objects.filter(prefix__in=spec["announces"], vrf=None))
            uplinks.append((uplink, spec["primary_for"]))
        kecamatan_pks = set(kecamatan.values_list("pk", flat=True))
        for uplink, primary_for in uplinks:
            for tenant in agency_tenants():
                kind = "kecamatan" if tenant.pk in kecamatan_pks else "offices"
                role = EgressRoleChoices.PRIMARY if kind == primary_for else EgressRoleChoices.BACKUP
                self.ensure(UplinkAssignment, uplink=uplink, tenant=tenant, defaults={"role": role})

    def load_security(self, vms, systems):
        public = Prefix.objects.filter(role__slug="publik")
        for spec in self.data["security_systems"]:
            system = self.ensure(SecuritySystem, name=spec["name"], defaults={
                "kind": spec["kind"],
                "device": Device.objects.filter(name=spec.get("device")).first(),
                "virtual_machine": vms.get(spec.get("vm")),
            })
            system.protected_sites.add(*(self.sites[code] for code in spec["sites"]))
            if spec.get("public"):
                system.protected_prefixes.add(*public)
        for spec in self.data["security_assessments"]:
            self.ensure(SecurityAssessment, information_system=systems[spec["system"]],
                        assessed_on=spec["assessed_on"],
                        defaults={"result": spec["result"], "findings_count": spec["findings"],
                                  "next_due": spec["next_due"], "assessor": spec["assessor"]})

    def load_repositories(self, vms):
        for spec in self.data["repositories"]:
            self.ensure(Repository, name=spec["name"], defaults={
                "mirror_url": spec["url"], "content_kind": spec["content"], "virtual_machine": vms[spec["vm"]],
            })

    def lan_port(self, gateway):
        """Where a gateway shapes its agency's traffic: its LAN port (download shaped on the way out to the LAN,
        upload through the port's ingress)."""
        if gateway is None or gateway.platform is None:
            return None
        return gateway.interfaces.filter(name=self.loader.data["gateway_ports"][gateway.platform.slug]["lan"]).first()

    def load_quotas(self):
        spec = self.data["schedule"]
        schedule = self.ensure(Schedule, name=spec["name"], defaults={
            "weekdays": spec["weekdays"], "start_time": spec["start"], "end_time": spec["end"],
        })
        plans = self.data["quotas"]
        # The deliberate over-ask goes last, so that it (and nothing else) is what the rules refuse.
        tenants = sorted(agency_tenants().select_related("group"), key=lambda t: t.slug in plans["overrides"])
        for tenant in tenants:
            if models_exist(BandwidthQuota, tenant=tenant):
                continue
            plan = {**plans["kecamatan" if tenant.group.slug == "kecamatan" else "offices"],
                    **plans["overrides"].get(tenant.slug, {})}
            gateway = Device.objects.filter(tenant=tenant, role__slug="gateway").select_related("platform").first()
            quota = BandwidthQuota(
                tenant=tenant, schedule=schedule, uplink=Uplink.objects.get(name=plan["uplink"]),
                guaranteed_down_mbps=plan["guaranteed_down"], guaranteed_up_mbps=plan["guaranteed_up"],
                ceiling_down_mbps=plan["ceiling_down"], ceiling_up_mbps=plan["ceiling_up"],
                off_hours_ceiling_down_mbps=plan["off_hours_ceiling_down"], monthly_cap_gb=plan["cap_gb"],
                cap_action=plan["action"], throttled_ceiling_mbps=plan.get("throttled"),
                enforcement_device=gateway, enforcement_interface=self.lan_port(gateway),
            )
            try:
                quota.full_clean()
            except ValidationError as refusal:
                self.loader.refused.append(f"bandwidth quota of {tenant}: {'; '.join(refusal.messages)}")
                continue
            quota.save()
            quota.prefixes.set(Prefix.objects.filter(tenant=tenant, role__slug="lan-perangkat-daerah"))
            self.loader.created[BandwidthQuota._meta.verbose_name_plural] += 1

    def load_usage(self):
        """A month of daily usage per agency with a quota, plus the month's total, as a collector would write it."""
        spec = self.data["usage"]
        month = spec["month"]
        rows = []
        for quota in BandwidthQuota.objects.select_related("tenant"):
            share = spec["heavy"].get(quota.tenant.slug, 0.4 + 0.4 * _fraction(quota.tenant.slug))
            monthly_bytes = int(share * quota.monthly_cap_gb * GIB)
            days = [_fraction(f"{quota.tenant.slug}-{day}") + 0.5 for day in range(spec["days"])]
            for day, weight in enumerate(days):
                day_bytes = int(monthly_bytes * weight / sum(days))
                rows.append(_usage(quota.tenant, UsagePeriodChoices.DAY, month + datetime.timedelta(days=day),
                                   day_bytes, samples=288, observed_at=month + datetime.timedelta(days=day + 1)))
            rows.append(_usage(quota.tenant, UsagePeriodChoices.MONTH, month, monthly_bytes,
                               samples=288 * spec["days"], observed_at=month + datetime.timedelta(days=spec["days"])))
        before = QuotaUsage.objects.count()
        QuotaUsage.objects.bulk_create(rows, ignore_conflicts=True)  # the unique key makes a re-run a no-op
        if added := QuotaUsage.objects.count() - before:
            self.loader.created[QuotaUsage._meta.verbose_name_plural] += added

    def load_recommendations(self):
        """One recommendation per state; the states are set as data, as an import would."""
        for spec in self.data["recommendations"]:
            tenant = Tenant.objects.get(slug=spec["code"])
            status = spec["status"]
            if status == RecommendationStatusChoices.EXPIRED:  # expiry is read from valid_until, never stored
                status = RecommendationStatusChoices.APPROVED
            submitted = status != RecommendationStatusChoices.DRAFT
            decided = status in (RecommendationStatusChoices.APPROVED, RecommendationStatusChoices.REJECTED)
            recommendation = self.ensure(
                Recommendation, tenant=tenant, title=spec["title"],
                defaults={"kind": spec["kind"], "status": status,
                          "justification": f"Kebutuhan {spec['title'].lower()} (data contoh).",
                          "submitted_on": datetime.date(2026, 10, 1) if submitted else None,
                          "decided_on": datetime.date(2026, 10, 15) if decided else None,
                          "valid_until": spec.get("valid_until"), "rejection_reason": spec.get("reason", "")},
            )
            if recommendation.items.exists():
                continue
            site = Site.objects.get(slug=f"kantor-{spec['code']}")
            for item in spec["items"]:
                RecommendationItem.objects.create(
                    recommendation=recommendation, quantity=item["quantity"], description=item.get("description", ""),
                    device_type=DeviceType.objects.filter(slug=item.get("device_type")).first(),
                    site=site if item.get("site") else None,
                )
                self.loader.created[RecommendationItem._meta.verbose_name_plural] += 1

    def load_people(self):
        """Agency groups for every agency, two agency officers and the Dinas approver, as users who can log in."""
        dinas = ensure_dinas_access()
        groups = {tenant.slug: ensure_agency_access(tenant) for tenant in agency_tenants()}
        password = os.environ.get("EGOV_DEMO_USER_PASSWORD", "klaten-demo")
        for spec in self.data["users"]:
            user, created = User.objects.get_or_create(username=spec["username"], defaults={
                "first_name": spec["name"], "email": "",
            })
            if created:
                user.set_password(password)
                user.save()
                self.loader.created["users"] += 1
            user.groups.add(dinas if spec["group"] == "dinas" else groups[spec["group"]])

    def load_label_scheme(self):
        spec = self.data["label_scheme"]
        self.ensure(LabelScheme, name=spec["name"], defaults={"max_length": spec["max_length"], "active": True})

    def load_site_filtering(self):
        folder = files("netbox_egov.demo").joinpath("site-filter")
        for spec in self.data["domain_lists"]:
            domain_list = self.ensure(DomainList, name=spec["name"], defaults={
                "category": spec["category"], "source": spec["source"], "feed_url": spec.get("feed_url", ""),
            })
            if not domain_list.content_hash:
                apply_entries(domain_list, EntriesModeChoices.REPLACE, folder.joinpath(spec["file"]).read_text())
        for spec in self.data["filter_policies"]:
            if models_exist(FilterPolicy, name=spec["name"]):
                continue
            policy = self.ensure(FilterPolicy, name=spec["name"], defaults={
                "schedule": Schedule.objects.get(name=spec["schedule"]) if spec.get("schedule") else None,
            })
            policy.blocked_lists.set(DomainList.objects.filter(name__in=spec["blocked"]))
            policy.allowed_lists.set(DomainList.objects.filter(name__in=spec.get("allowed", [])))
            policy.exempt_tenants.set(Tenant.objects.filter(slug__in=spec.get("exempt", [])))

    def load(self, kominfo):
        self.load_backbone()
        plan = self.load_dr_plan(kominfo)
        vms = self.load_virtual_machines()
        systems = self.load_systems(plan, vms)
        self.load_allocations(systems)
        self.load_uplinks()
        self.load_security(vms, systems)
        self.load_repositories(vms)
        self.load_quotas()
        self.load_usage()
        self.load_recommendations()
        self.load_people()
        self.load_label_scheme()
        self.load_site_filtering()


def models_exist(model, **lookup):
    return model.objects.filter(**lookup).exists()


def _fraction(text):
    """A stable number in [0, 1) from a text: plausible variety, the same on every run."""
    return int(hashlib.sha256(text.encode()).hexdigest()[:8], 16) / 16**8


def _usage(tenant, period, start, total, samples, observed_at):
    return QuotaUsage(
        tenant=tenant, period=period, period_start=start, source="demo", bytes_in=total * 4 // 5,
        bytes_out=total - total * 4 // 5, samples=samples,
        observed_at=datetime.datetime.combine(observed_at, datetime.time(0, 5), tzinfo=datetime.UTC),
    )

