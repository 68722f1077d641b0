"""The collector's settings, from the environment (systemd's EnvironmentFile, deploy/egov.env).

Every value is checked when read: a wrong one is an error naming the variable and the value (never the token's).
"""

import os
from dataclasses import dataclass, field
from pathlib import Path

from .secrets import SecretsError, read_token_file

PREFIX = "EGOV_COLLECTOR_"


class SettingsError(ValueError):
    """A setting is missing or wrong; the message names the variable."""


@dataclass(frozen=True)
class Settings:
    netbox_url: str
    netbox_token: str = field(repr=False)
    redis_url: str = "redis://127.0.0.1:6379/2"
    spool_dir: Path = Path("/var/lib/egov-collector/spool")
    secrets_path: Path | None = None  # None: secrets' default (/etc/egov/collector-secrets.toml)
    known_hosts: Path | None = None  # SSH host keys of the devices read over SSH (None: ~/.ssh/known_hosts)
    interval: int = 300  # seconds between cycles
    batch_size: int = 25  # devices per RQ job
    concurrency: int = 64  # SNMP polls in flight per job
    deadline: float = 30.0  # seconds one device may take
    netbox_timeout: float = 30.0  # seconds one NetBox request may take
    queue: str = "egov-collector"
    reconcile_interval: int = 3600  # seconds between reconciliation runs (NAPALM over SSH)
    reconcile_concurrency: int = 8  # SSH sessions in flight per reconciliation job
    reconcile_timeout: float = 30.0  # seconds for an SSH connection, the login, and each command

    @classmethod
    def from_env(cls, environ=None) -> "Settings":
        env = os.environ if environ is None else environ
        return cls(
            netbox_url=required(env, PREFIX + "NETBOX_URL"),
            netbox_token=token(env, PREFIX),
            redis_url=env.get(PREFIX + "REDIS_URL", cls.redis_url),
            spool_dir=Path(env.get(PREFIX + "SPOOL_DIR", str(cls.spool_dir))),
            secrets_path=_path(env, "SECRETS"),
            known_hosts=_path(env, "KNOWN_HOSTS"),
            interval=number(env, PREFIX + "INTERVAL", cls.interval, int, low=10),
            batch_size=number(env, PREFIX + "BATCH_SIZE", cls.batch_size, int, low=1),
            concurrency=number(env, PREFIX + "CONCURRENCY", cls.concurrency, int, low=1),
            deadline=number(env, PREFIX + "DEADLINE", cls.deadline, float, low=1),
            netbox_timeout=number(env, PREFIX + "NETBOX_TIMEOUT", cls.netbox_timeout, float, low=1),
            queue=env.get(PREFIX + "QUEUE", cls.queue),
            reconcile_interval=number(env, PREFIX + "RECONCILE_INTERVAL", cls.reconcile_interval, int, low=60),
            reconcile_concurrency=number(env, PREFIX + "RECONCILE_CONCURRENCY", cls.reconcile_concurrency, int,
                                         low=1),
            reconcile_timeout=number(env, PREFIX + "RECONCILE_TIMEOUT", cls.reconcile_timeout, float, low=1),
        )


def _path(env, name):
    value = env.get(PREFIX + name)
    return Path(value) if value else None


# The readers below take the full variable name, so the exporter's settings (EGOV_EXPORTER_*) share them.

def required(env, variable, secret=False):
    """The variable's value, stripped; SettingsError naming it when it is unset or blank."""
    value = env.get(variable, "").strip()
    if not value:
        raise SettingsError(f"{variable} is not set" + ("" if secret else f" (e.g. {variable}=...)"))
    return value


def token(env, prefix):
    """The NetBox token: from <prefix>NETBOX_TOKEN_FILE (a file only its owner reads, as deploy/ sets it up), else
    from <prefix>NETBOX_TOKEN."""
    path = env.get(prefix + "NETBOX_TOKEN_FILE")
    if not path:
        return required(env, prefix + "NETBOX_TOKEN", secret=True)
    try:
        return read_token_file(path)
    except SecretsError as error:
        raise SettingsError(f"{prefix}NETBOX_TOKEN_FILE: {error}") from None


def number(env, variable, default, kind, low):
    """The variable as ``kind`` (int or float), at least ``low``; ``default`` when unset or empty."""
    raw = env.get(variable)
    if raw is None or raw == "":
        return default
    try:
        value = kind(raw)
    except ValueError:
        raise SettingsError(f"{variable} must be a number, got {raw!r}") from None
    if value < low:
        raise SettingsError(f"{variable} must be at least {low}, got {raw!r}")
    return value
