"""The integrations' part of the Klaten demo (collector.yaml), loaded after the registry.

The demo devices' polling profiles as config contexts (credential names only); a ``collector`` user whose
token reads what the collectors need and writes quota usage, nothing else (docs/collectors.md); an
``egov-push`` user whose read-only token reads what a push to a gateway needs (docs/enforcement.md); a
``monitoring`` user whose read-only token reads what the exporter and Prometheus' service discovery need. Same
rule as the base loader: looked up by natural key, created only when missing, so a second run changes nothing.

The live demo's gateways (``live_demo``) are polled where `make demo` simulates them: at their own addresses when
it builds network namespaces (root), at loopback addresses with snmpsim agents otherwise (EGOV_DEMO_AGENTS=snmpsim,
set by stack/monitoring.sh): then their primary IPs are those addresses and a local config context gives the
agents' port, since a polling profile names a port but never an address.
"""

import ipaddress
import os
import re
from importlib.resources import files

import yaml

from core.models import ObjectType
from dcim.models import Device, DeviceRole, Platform
from extras.models import ConfigContext
from users.constants import TOKEN_PREFIX
from users.models import ObjectPermission, Token, User

# The variable that may choose each service user's demo token instead of the data set's.
TOKEN_VARIABLES = {"collector": "EGOV_DEMO_COLLECTOR_TOKEN", "push": "EGOV_DEMO_PUSH_TOKEN",
                   "monitoring": "EGOV_DEMO_MONITORING_TOKEN"}
# How `make demo` simulates the live demo's devices: network namespaces (root) or snmpsim agents on the loopback.
AGENTS_VARIABLE = "EGOV_DEMO_AGENTS"
AGENTS = ("namespaces", "snmpsim")
# A v2 token as a client sends it: nbt_<key of 12 letters or digits>.<secret>.
TOKEN_FORMAT = re.compile(rf"{TOKEN_PREFIX}(?P<key>[A-Za-z0-9]{{12}})\.(?P<secret>[A-Za-z0-9]{{20,}})")


def collector_data():
    return yaml.safe_load(files("netbox_egov.demo").joinpath("collector.yaml").read_text(encoding="utf-8"))


def demo_token(data, service="collector"):
    """A service user's token from its variable (EGOV_DEMO_COLLECTOR_TOKEN, EGOV_DEMO_PUSH_TOKEN) or the data
    set: (key, secret)."""
    variable = TOKEN_VARIABLES[service]
    token = os.environ.get(variable) or data[service]["token"]
    match = TOKEN_FORMAT.fullmatch(token)
    if not match:
        raise ValueError(f"{variable} must look like {TOKEN_PREFIX}<12 letters or digits>.<20 or more "
                         f"letters or digits>")  # the value itself is a secret: not shown
    return match["key"], match["secret"]


def simulated_agent_addresses(data, environ=None):
    """{gateway name: its primary IP} for the live demo's gateways when they are snmpsim agents, else {}."""
    mode = (os.environ if environ is None else environ).get(AGENTS_VARIABLE) or AGENTS[0]
    if mode not in AGENTS:
        raise ValueError(f"{AGENTS_VARIABLE} must be one of {', '.join(AGENTS)}, got {mode!r}")
    if mode != "snmpsim":
        return {}
    live = data["live_demo"]
    first = ipaddress.ip_address(live["loopback"])
    return {gateway["device"]: f"{first + number}/32" for number, gateway in enumerate(live["gateways"])}


def agent_context(data):
    """The local config context of a gateway answered by an snmpsim agent: the agents' port."""
    return {"egov_polling": {"snmp": {"port": data["live_demo"]["agent_port"]}}}


class CollectorDemo:
    def __init__(self, loader, data):
        self.loader = loader
        self.data = data

    def load(self):
        self.load_polling_contexts()
        self.load_agent_ports()
        for service in TOKEN_VARIABLES:
            self.load_service_user(service)

    def load_polling_contexts(self):
        for spec in self.data["polling_contexts"]:
            context = self.loader.ensure(ConfigContext, name=spec["name"],
                                         defaults={"data": spec["data"], "description": spec["description"]})
            context.roles.set(DeviceRole.objects.filter(slug__in=spec.get("roles", [])))
            context.platforms.set(Platform.objects.filter(slug__in=spec.get("platforms", [])))

    def load_agent_ports(self):
        """The agents' port on the gateways snmpsim answers for; the context taken off again when they are not."""
        agents, context = simulated_agent_addresses(self.data), agent_context(self.data)
        for device in Device.objects.filter(name__in=[g["device"] for g in self.data["live_demo"]["gateways"]]):
            wanted = context if device.name in agents else None
            if device.local_context_data != wanted and (wanted or device.local_context_data == context):
                device.local_context_data = wanted
                device.save()

    def load_service_user(self, service):
        """The user an integration signs in as, with its permissions and its token only."""
        spec = self.data[service]
        user = self.loader.ensure(User, username=spec["username"], defaults={"first_name": spec["name"]})
        if user.has_usable_password():
            user.set_unusable_password()  # it signs in with its token only
            user.save()
        for permission_spec in spec["permissions"]:
            permission, created = ObjectPermission.objects.update_or_create(
                name=permission_spec["name"], defaults={"actions": permission_spec["actions"], "enabled": True},
            )
            if created:
                self.loader.created[ObjectPermission._meta.verbose_name_plural] += 1
            permission.object_types.set([ObjectType.objects.get_by_natural_key(*label.split("."))
                                         for label in permission_spec["object_types"]])
            permission.users.set([user])
        if not user.tokens.exists():
            key, secret = demo_token(self.data, service)
            Token.objects.create(user=user, key=key, token=secret, description=f"{spec['name']} (demo)",
                                 write_enabled=spec.get("write_enabled", True))
            self.loader.created[Token._meta.verbose_name_plural] += 1
