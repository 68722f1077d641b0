"""FakeNOS serving recorded Cisco IOS outputs over SSH, for the ios_gateway role's check-mode tests.

FakeNOS answers each command with a fixed text: it cannot apply configuration, so a test can check what the
role would send (check mode) and that a device already holding the target configuration gets no change, not
the device's reaction to the commands. The recordings (playbooks/tests/recordings/ios/) are one running
configuration per device state; the filtered views the cisco.ios modules ask for (`| section access-list`,
`show access-lists | include access list`) are derived from it here the way IOS filters output, so the views
never disagree with each other.
"""

import re
import socket
import time
from pathlib import Path

from fakenos import FakeNOS

RECORDINGS = Path(__file__).resolve().parent / "recordings" / "ios"
ENABLE = "{base_prompt}#"
LOGIN_AND_ENABLE = ["{base_prompt}>", "{base_prompt}#"]


def recording(name):
    return (RECORDINGS / name).read_text()


def section(config, pattern):
    """`show running-config | section <pattern>`: every top-level block whose header matches, with its
    indented lines, and indented lines that match on their own."""
    regex, lines, keep_block = re.compile(pattern), [], False
    for line in config.splitlines():
        if not line.startswith(" "):
            keep_block = bool(regex.search(line))
            if keep_block:
                lines.append(line)
        elif keep_block or regex.search(line):
            lines.append(line)
    return "\n".join(lines) + "\n"


def access_list_names(config):
    """`show access-lists | include access list`: one header per ACL in the running configuration."""
    kinds = {"extended": "Extended", "standard": "Standard"}
    headers = []
    for match in re.finditer(r"^ip access-list (extended|standard) (\S+)$", config, re.M):
        headers.append(f"{kinds[match.group(1)]} IP access list {match.group(2)}")
    return "\n".join(headers) + "\n"


def ios_commands(running_config):
    """What the recorded device answers: the command lines cisco.ios's cliconf, terminal and the modules the
    role uses send in check mode, each with its output and the prompts it is accepted at."""
    outputs = {
        "terminal length 0": "",
        "terminal width 512": "",
        "terminal width 0": "",
        "show version": recording("show_version.txt"),
        "show privilege": "Current privilege level is 15",
        "show running-config": running_config,
        "show startup-config": running_config,
        "show running-config | section access-list": section(running_config, "access-list"),
        "show access-lists | include access list": access_list_names(running_config),
    }
    return {command: {"output": output, "prompt": LOGIN_AND_ENABLE if command.startswith("terminal") else ENABLE,
                      "help": "recorded"} for command, output in outputs.items()}


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_port(port, timeout=30):
    """Wait until something listens on the port, read from /proc/net/tcp: a probing connection closed
    before SSH's handshake would make FakeNOS's paramiko log an error for every test."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if _listening(port):
            return
        time.sleep(0.05)
    raise TimeoutError(f"FakeNOS did not listen on port {port} within {timeout}s")


def _listening(port):
    lines = Path("/proc/net/tcp").read_text().splitlines()[1:]
    # Columns: sl, local address (hex ip:port), remote address, state (0A is LISTEN), ...
    return any(fields[1].endswith(f":{port:04X}") and fields[3] == "0A" for fields in map(str.split, lines))


class RecordedIOS:
    """A FakeNOS cisco_ios host serving one running configuration; `port` once entered."""

    def __init__(self, hostname, username, password, running_config):
        self.port = free_port()
        self._fakenos = FakeNOS(inventory={
            "hosts": {hostname: {
                "username": username, "password": password, "port": self.port,
                "nos": {"plugin": "cisco_ios", "configuration": {"commands": ios_commands(running_config)}},
            }},
        })

    def __enter__(self):
        self._fakenos.start()
        wait_for_port(self.port)
        return self

    def __exit__(self, *exc):
        self._fakenos.stop()
