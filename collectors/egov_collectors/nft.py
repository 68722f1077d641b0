"""Per-agency nftables counters of a Linux gateway, read over SSH (netmiko, device type "linux").

The enforcement playbooks keep, in table ``inet egov`` of each Linux gateway, the named counters
``agency_<slug>_down`` and ``agency_<slug>_up`` (contract 7, docs/collectors.md). This module logs in, runs
``nft -j list counters table inet egov`` and returns {counter name: (packets, bytes)}, raw as the kernel counts
them (deltas are the counter rules' job), parsed by ``accounting.parse_nft_counters``.

Host keys are checked strictly against a known_hosts file (``ssh_errors``): a gateway whose key changed is
refused, never trusted anew. Every failure is an ``NftError`` naming the device and the reason (its ``kind`` says
which), never a password or passphrase.
"""

from netmiko import ConnectHandler
from netmiko.exceptions import ReadTimeout

from .accounting import NFT_FAMILY, NFT_TABLE, parse_nft_counters
from .secrets import SecretsError
from .ssh_errors import classify, netmiko_host_key_options

COMMAND = f"nft -j list counters table {NFT_FAMILY} {NFT_TABLE}"
# Enough of an unexpected answer to recognise it, not a screenful.
ANSWER_EXCERPT = 200


class NftError(Exception):
    """Reading one gateway's counters failed. ``kind`` is one of: credential, authentication, host-key-changed,
    host-key-unknown, timeout, unreachable, nft-missing, table-missing, permission, bad-output."""

    def __init__(self, device, kind, reason):
        super().__init__(f"{device}: {reason}")
        self.device = device
        self.kind = kind


def read_target(target, store, known_hosts=None, timeout=10.0):
    """The counters of a ``Target`` whose polling profile names an SSH login (``ssh_credential``)."""
    if not target.ssh_credential:
        raise NftError(target.device, "credential", "its polling profile names no SSH credential (egov_polling.ssh)")
    try:
        credential = store.ssh(target.ssh_credential)
    except SecretsError as error:
        raise NftError(target.device, "credential", str(error)) from None
    return read_counters(target.host, credential, device=target.device, port=target.ssh_port,
                         known_hosts=known_hosts, timeout=timeout)


def read_counters(host, credential, device=None, port=22, known_hosts=None, timeout=10.0):
    """{counter name: (packets, bytes)} of table inet egov on ``host``, logged in with ``credential``
    (model.SSHCredential). ``known_hosts``: the file the host key must be in (default ~/.ssh/known_hosts)."""
    device = device or host
    where = f"{host}:{port}"
    try:
        connection = ConnectHandler(**connect_options(host, port, credential, known_hosts, timeout))
    except Exception as error:  # netmiko wraps paramiko's and the socket's errors: sorted out by cause
        raise connection_error(device, where, credential.username, known_hosts, timeout, error) from None
    try:
        answer = connection.send_command(COMMAND, read_timeout=timeout)
    except ReadTimeout:
        raise NftError(device, "timeout", f"`{COMMAND}` gave no answer within {timeout:g} s") from None
    finally:
        connection.disconnect()
    return parse_answer(device, credential.username, answer)


def connect_options(host, port, credential, known_hosts, timeout):
    return {
        "device_type": "linux",
        "host": host,
        "port": port,
        "username": credential.username,
        "password": credential.password or "",
        "use_keys": bool(credential.key_file),
        "key_file": credential.key_file,
        "passphrase": credential.passphrase,
        "allow_agent": False,  # the credential says how to log in, not whatever agent the collector runs under
        "conn_timeout": timeout,
        "banner_timeout": timeout,
        "auth_timeout": timeout,
        **netmiko_host_key_options(known_hosts),
    }


def connection_error(device, where, username, known_hosts, timeout, error):
    """An ``NftError`` for what went wrong while logging in (``ssh_errors.classify``)."""
    host, port = where.rsplit(":", 1)
    kind, reason = classify(error, host, int(port), username, known_hosts, timeout)
    return NftError(device, kind, reason)


def parse_answer(device, username, answer):
    """The counters from nft's answer, or the ``NftError`` its error message means."""
    text = answer.strip()
    if text.startswith("{"):
        try:
            return parse_nft_counters(text)
        except ValueError as error:
            raise NftError(device, "bad-output", f"unusable answer to `{COMMAND}`: {excerpt(str(error))}") from None
    if "command not found" in text:  # bash's words for a missing program
        raise NftError(device, "nft-missing", f"nft is not installed, or not on the PATH of {username}")
    if "No such file or directory" in text:  # nft's words for a missing table
        raise NftError(device, "table-missing", "there is no table inet egov (the enforcement playbook has not "
                                                "run there)")
    if "Operation not permitted" in text or "Permission denied" in text:
        raise NftError(device, "permission", f"{username} may not read nftables (log in as root)")
    raise NftError(device, "bad-output", f"unexpected answer to `{COMMAND}`: {excerpt(text)!r}")


def excerpt(text):
    return text if len(text) <= ANSWER_EXCERPT else text[:ANSWER_EXCERPT] + "..."
