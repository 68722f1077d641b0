"""What a device says about itself and its neighbours: NAPALM's get_facts, get_interfaces,
get_lldp_neighbors_detail and get_arp_table, over one session per device.

The driver is the platform's ``napalm_driver`` (``ios``, ``eos``, ``junos``, ``ros``), resolved by
``napalm.get_network_driver``; ``ros`` is the community driver napalm-ros (``pip install napalm-ros==1.6.1``),
a clear per-device error when it is not installed. How each logs in:

- ios, eos: netmiko over SSH (EOS with ``transport="ssh"``, not eAPI), host key checked strictly against
  EGOV_COLLECTOR_KNOWN_HOSTS as for the Linux gateways (``ssh_errors``);
- junos: PyEZ/ncclient (NETCONF over SSH), host key checked against the same file (NAPALM does not pass PyEZ's
  ``hostkey_verify`` on, so it is set on the PyEZ device before opening);
- ros: the RouterOS API (librouteros, port 8728 unless optional_args say otherwise), not SSH: no host key.

A login that fails is a ``ReconcileError`` naming the device and why (wrong password, host key changed or
unknown, timeout, unreachable, driver missing); a getter that fails or is not supported leaves its part out of
the facts with a note, never a traceback. No message carries a password, passphrase or enable secret.
"""

import logging
import tempfile
import time
from pathlib import Path

import napalm
from napalm.base.exceptions import ModuleImportError, UnsupportedVersion

from ..secrets import SecretsError
from ..ssh_errors import causes, classify, netmiko_host_key_options
from .records import ArpEntry, DeviceFacts, InterfaceState, Neighbour, ReconcileError, ReconcileTarget

log = logging.getLogger(__name__)

DRIVERS = ("ios", "eos", "junos", "ros")
NETMIKO_DRIVERS = ("ios", "eos")
NAPALM_ROS = "napalm-ros==1.6.1"
GETTERS = ("get_facts", "get_interfaces", "get_lldp_neighbors_detail", "get_arp_table")
# Enough of a getter's error to recognise it, not a screenful of device output.
NOTE_LENGTH = 200


def read_target(target: ReconcileTarget, store, known_hosts=None, timeout=30.0) -> DeviceFacts:
    """The facts of a target, logged in with the SSH login its profile names (``store``: secrets.SecretStore)."""
    try:
        credential = store.ssh(target.credential)
    except SecretsError as error:
        raise ReconcileError(target.device, "credential", str(error)) from None
    return read_facts(target, credential, known_hosts=known_hosts, timeout=timeout)


def read_facts(target: ReconcileTarget, credential, known_hosts=None, timeout=30.0) -> DeviceFacts:
    """One session: open, the four getters, close. ``credential``: model.SSHCredential; ``timeout``: seconds for
    the connection, the login and each command."""
    started = time.monotonic()
    driver = open_driver(target, credential, known_hosts, timeout)
    try:
        answers, notes = run_getters(driver, target.driver, credential)
    finally:
        close_quietly(driver, target.device)
    return facts_from(target.device, answers, notes, time.monotonic() - started)


def driver_class(device: str, name: str):
    if name not in DRIVERS:
        raise ReconcileError(device, "driver-missing", f"NAPALM driver {name!r} is not one of {', '.join(DRIVERS)}")
    try:
        return napalm.get_network_driver(name)
    except ModuleImportError:
        hint = f" (pip install {NAPALM_ROS})" if name == "ros" else ""
        raise ReconcileError(device, "driver-missing", f"NAPALM driver {name!r} is not installed{hint}") from None


def open_driver(target: ReconcileTarget, credential, known_hosts, timeout):
    """An open NAPALM driver for the target, or ReconcileError saying why the login failed."""
    driver_type = driver_class(target.device, target.driver)
    with tempfile.TemporaryDirectory(prefix="egov-reconcile-") as folder:
        options = driver_options(target, credential, known_hosts, timeout)
        if target.driver == "junos" and known_hosts is not None:
            options["ssh_config_file"] = junos_ssh_config(known_hosts, Path(folder))
        driver = driver_type(target.host, credential.username, credential.password or "", timeout=timeout,
                             optional_args=options)
        if target.driver == "junos":
            # PyEZ checks no host key unless told to, and NAPALM does not pass its hostkey_verify on.
            driver.device._hostkey_verify = True
        try:
            driver.open()
        except UnsupportedVersion as error:
            raise ReconcileError(target.device, "unsupported", f"NAPALM's {target.driver} driver does not support "
                                                               f"this OS version: {error}") from None
        except Exception as error:  # each library wraps the socket's and paramiko's errors: sorted by cause
            kind, reason = classify(error, target.host, target.port, credential.username, known_hosts, timeout)
            raise ReconcileError(target.device, kind, scrub(reason, credential)) from None
    return driver


def driver_options(target: ReconcileTarget, credential, known_hosts, timeout) -> dict:
    """NAPALM's optional_args: the profile's (checked: no secrets, no host-key options), then how to log in."""
    options = dict(target.optional_args)
    if target.driver in NETMIKO_DRIVERS:
        options.update(
            port=target.port,
            secret=credential.enable_secret or "",
            use_keys=bool(credential.key_file),
            key_file=credential.key_file,
            passphrase=credential.passphrase,
            allow_agent=False,  # the credential says how to log in, not whatever agent the collector runs under
            conn_timeout=timeout,
            banner_timeout=timeout,
            auth_timeout=timeout,
            read_timeout_override=timeout,  # a 48-port `show interfaces` takes longer than netmiko's 10 s default
            **netmiko_host_key_options(known_hosts),
        )
        if target.driver == "eos":
            options["transport"] = "ssh"
    elif target.driver == "junos":
        options.update(port=target.port, key_file=credential.key_file)
    elif target.driver == "ros":
        options["ssh_port"] = target.port  # its getters use the API port (optional_args "port", default 8728)
    return options


def junos_ssh_config(known_hosts, folder: Path) -> str:
    """An ssh_config naming the known_hosts file: where ncclient looks for host keys besides ~/.ssh/known_hosts."""
    config = folder / "ssh_config"
    config.write_text(f"Host *\n    UserKnownHostsFile {known_hosts}\n    StrictHostKeyChecking yes\n")
    return str(config)


def run_getters(driver, driver_name: str, credential) -> tuple[dict, list[str]]:
    """{getter: answer} of the getters that worked, and a note for each that did not."""
    answers, notes = {}, []
    for getter in GETTERS:
        try:
            answers[getter] = getattr(driver, getter)()
        except NotImplementedError:
            notes.append(f"{getter}: not supported by NAPALM's {driver_name} driver")
        except Exception as error:  # a getter's parse error or a dropped session: that part is missing
            notes.append(scrub(f"{getter} failed: {error_text(error)}", credential))
    return answers, notes


def error_text(error: BaseException) -> str:
    innermost = causes(error)[-1]
    first_line = next((line.strip() for line in str(innermost).splitlines() if line.strip()), "")
    text = f"{type(innermost).__name__}: {first_line}" if first_line else type(innermost).__name__
    return text if len(text) <= NOTE_LENGTH else text[:NOTE_LENGTH] + "..."


def scrub(text: str, credential) -> str:
    """The text with any secret of the credential replaced (a device may echo what it was sent)."""
    for secret in (credential.password, credential.passphrase, credential.enable_secret):
        if secret:
            text = text.replace(secret, "***")
    return text


def close_quietly(driver, device: str):
    try:
        driver.close()
    except Exception as error:  # the facts are read; a session that ends badly changes nothing about them
        log.debug("%s: closing the session failed: %s", device, type(error).__name__)


# NAPALM's answers to records.


def facts_from(device: str, answers: dict, notes: list[str], duration: float = 0.0) -> DeviceFacts:
    """The ``DeviceFacts`` of NAPALM's answers ({getter: answer}); a getter missing leaves its part None."""
    facts = answers.get("get_facts")
    interfaces = answers.get("get_interfaces")
    lldp = answers.get("get_lldp_neighbors_detail")
    arp = answers.get("get_arp_table")
    return DeviceFacts(
        device=device,
        duration=duration,
        hostname=text(facts, "hostname"),
        vendor=text(facts, "vendor"),
        model=text(facts, "model"),
        serial=text(facts, "serial_number"),
        os_version=text(facts, "os_version"),
        facts_read=facts is not None,
        interfaces=None if interfaces is None else interface_states(interfaces),
        neighbours=None if lldp is None else lldp_neighbours(lldp),
        arp=None if arp is None else arp_entries(arp),
        notes=tuple(notes),
    )


def text(answer, key) -> str:
    return str((answer or {}).get(key) or "").strip()


def interface_states(answer) -> tuple[InterfaceState, ...]:
    return tuple(InterfaceState(name=name, enabled=bool(state.get("is_enabled")), up=bool(state.get("is_up")),
                                description=text(state, "description"), mac=text(state, "mac_address"))
                 for name, state in sorted((answer or {}).items()))


def lldp_neighbours(answer) -> tuple[Neighbour, ...]:
    return tuple(Neighbour(local_interface=local, system_name=text(entry, "remote_system_name"),
                           port=text(entry, "remote_port"), port_description=text(entry, "remote_port_description"),
                           chassis_id=text(entry, "remote_chassis_id"))
                 for local, entries in sorted((answer or {}).items()) for entry in entries)


def arp_entries(answer) -> tuple[ArpEntry, ...]:
    # NAPALM's IOS driver answers {} instead of [] for a table that ends early: no entries either way.
    entries = answer if isinstance(answer, list) else []
    return tuple(ArpEntry(ip=text(entry, "ip"), mac=text(entry, "mac"), interface=text(entry, "interface"))
                 for entry in entries)
