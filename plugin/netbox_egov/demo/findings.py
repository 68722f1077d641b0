"""The reconciliation part of the Klaten demo (findings.yaml), loaded after the collectors' part.

Same rule as the base loader: looked up by natural key (device, kind, subject), created only when missing, so a
second run changes nothing. The subject of an interface finding is the interface's name, as the reports say it.
"""

from importlib.resources import files

import yaml
from django.utils.dateparse import parse_datetime

from dcim.models import Device, Interface

from ..choices import FindingStatusChoices
from ..models import Finding


def findings_data():
    return yaml.safe_load(files("netbox_egov.demo").joinpath("findings.yaml").read_text(encoding="utf-8"))


class FindingsDemo:
    def __init__(self, loader, data):
        self.loader = loader
        self.data = data

    def load(self):
        for spec in self.data["findings"]:
            device = Device.objects.get(name=spec["device"])
            subject = spec.get("subject", "")
            far = spec.get("far")
            self.loader.ensure(Finding, device=device, kind=spec["kind"], subject=subject, defaults={
                "interface": Interface.objects.get(device=device, name=subject) if subject else None,
                "far_interface": Interface.objects.get(device__name=far[0], name=far[1]) if far else None,
                "netbox_says": spec["netbox_says"], "device_says": spec["device_says"],
                "first_seen": parse_datetime(spec["first_seen"]), "last_seen": parse_datetime(spec["last_seen"]),
                "status": spec.get("status", FindingStatusChoices.OPEN), "note": spec.get("note", ""),
                "resolved_at": parse_datetime(spec["resolved_at"]) if spec.get("resolved_at") else None,
            })
