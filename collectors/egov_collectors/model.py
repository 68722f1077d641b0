"""The records the collector's parts hand each other.

Plain frozen dataclasses: the SNMP client fills ``DevicePoll``; the counter rules, the accounting, the store
for the exporter and the CLI read it. Credentials are a separate record, resolved at run time by name
(``secrets``), so a target (which comes from NetBox and may be logged) never carries a secret.
"""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Target:
    """A device to poll, as NetBox describes it (no secrets: only the credential's name)."""

    device: str  # NetBox device name
    host: str  # primary IP without prefix length
    credential: str  # name of the credential profile (secrets.resolve)
    version: str = "2c"  # "2c" or "3"
    port: int = 161
    timeout: float = 2.0  # seconds per request
    retries: int = 1
    platform: str = ""  # NetBox platform slug; "routeros" also reads the MikroTik queue table
    tenant: str = ""  # owning agency's slug, when the device is an agency's
    site: str = ""
    role: str = ""
    device_id: int | None = None
    ssh_credential: str = ""  # name of the SSH login (secrets), when the device is also read over SSH (nft)
    ssh_port: int = 22


@dataclass(frozen=True)
class Credential:
    """An SNMP credential: a v2c community or a v3 user. ``repr`` never shows a secret."""

    name: str
    community: str | None = field(default=None, repr=False)
    user: str | None = None
    auth_protocol: str | None = None  # "SHA", "SHA256" (also "SHA224", "SHA384", "SHA512", "MD5")
    auth_key: str | None = field(default=None, repr=False)
    priv_protocol: str | None = None  # "AES" (AES-128), "AES192", "AES256", "DES"
    priv_key: str | None = field(default=None, repr=False)


@dataclass(frozen=True)
class SSHCredential:
    """An SSH login (netmiko): a password, a private key file, or both. ``repr`` never shows a secret."""

    name: str
    username: str
    password: str | None = field(default=None, repr=False)
    key_file: str | None = None  # path of a private key (the path is no secret; the file's content is)
    passphrase: str | None = field(default=None, repr=False)  # of the key file, when it is encrypted
    enable_secret: str | None = field(default=None, repr=False)  # IOS/EOS enable, when the login is not privileged


@dataclass(frozen=True)
class InterfaceCounters:
    """One interface's state and counters at one poll. Counters are raw (wrapping) values."""

    index: int
    name: str
    alias: str = ""
    oper_status: int | None = None  # IF-MIB: 1 up, 2 down, ...
    admin_status: int | None = None
    speed_bps: int | None = None  # ifHighSpeed x 1e6, else ifSpeed
    counter_bits: int = 64  # 64 when the octets came from ifXTable (HC), 32 from ifTable
    in_octets: int | None = None
    out_octets: int | None = None
    in_ucast_packets: int | None = None
    out_ucast_packets: int | None = None
    in_errors: int | None = None
    out_errors: int | None = None
    in_discards: int | None = None
    out_discards: int | None = None


@dataclass(frozen=True)
class QueueCounters:
    """A MikroTik simple queue (MIKROTIK-MIB mtxrQueueSimpleTable): bytes in (upload) and out (download)."""

    index: int
    name: str
    bytes_in: int
    bytes_out: int


@dataclass(frozen=True)
class DevicePoll:
    """What one device answered in one poll, or why it did not."""

    device: str
    polled_at: float  # epoch seconds (UTC) when the answer was complete
    duration: float  # seconds the poll took
    ok: bool
    error: str = ""  # a readable reason naming the device; never a secret
    sys_name: str = ""
    sys_uptime_cs: int | None = None  # sysUpTime, hundredths of a second
    values: int = 0  # varbinds received
    interfaces: tuple[InterfaceCounters, ...] = ()
    queues: tuple[QueueCounters, ...] = ()
