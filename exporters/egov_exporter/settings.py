"""The exporter's settings, from the environment (systemd's EnvironmentFile, deploy/egov.env).

Read with the collectors' readers (``egov_collectors.settings``), so both say a wrong value the same way: the
variable and the value, never the token's. The Redis URL is the collectors' own when the exporter's is not set:
both sides of docs/collector-data.md then meet in the same database.
"""

import os
from dataclasses import dataclass, field

from egov_collectors import store
from egov_collectors.settings import PREFIX as COLLECTOR_PREFIX
from egov_collectors.settings import Settings as CollectorSettings
from egov_collectors.settings import SettingsError, number, token

PREFIX = "EGOV_EXPORTER_"

__all__ = ["PREFIX", "Settings", "SettingsError"]


@dataclass(frozen=True)
class Settings:
    host: str = "127.0.0.1"  # 0.0.0.0 (LISTEN=:port) listens on every IPv4 address
    port: int = 9877  # 0: a free port, chosen when the server starts (it logs which)
    redis_url: str = CollectorSettings.redis_url
    redis_prefix: str = store.PREFIX
    netbox_url: str | None = None  # None: no NetBox source, only the collectors' data
    netbox_token: str | None = field(default=None, repr=False)
    netbox_interval: float = 60.0  # seconds between two reads of NetBox; scrapes in between get the cached answer
    netbox_timeout: float = 10.0  # seconds one NetBox request may take

    @classmethod
    def from_env(cls, environ=None) -> "Settings":
        env = os.environ if environ is None else environ
        host, port = _listen(env)
        netbox_url = _netbox_url(env)
        return cls(
            host=host,
            port=port,
            redis_url=env.get(PREFIX + "REDIS_URL") or env.get(COLLECTOR_PREFIX + "REDIS_URL") or cls.redis_url,
            redis_prefix=env.get(PREFIX + "REDIS_PREFIX") or cls.redis_prefix,
            netbox_url=netbox_url,
            netbox_token=token(env, PREFIX) if netbox_url else None,
            netbox_interval=number(env, PREFIX + "NETBOX_INTERVAL", cls.netbox_interval, float, low=1),
            netbox_timeout=number(env, PREFIX + "NETBOX_TIMEOUT", cls.netbox_timeout, float, low=1),
        )

    @property
    def listen(self) -> str:
        return f"[{self.host}]:{self.port}" if ":" in self.host else f"{self.host}:{self.port}"


def _listen(env) -> tuple[str, int]:
    """EGOV_EXPORTER_LISTEN as (host, port): ``host:port``, ``[v6 address]:port`` or ``:port`` (every address)."""
    variable = PREFIX + "LISTEN"
    raw = env.get(variable) or f"{Settings.host}:{Settings.port}"
    host, colon, port = raw.rpartition(":")
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    if not colon or not port.isdigit() or int(port) > 65535 or ":" in host and not raw.startswith("["):
        raise SettingsError(f"{variable} must be host:port (e.g. 127.0.0.1:9877, [::1]:9877 or :9877), got {raw!r}")
    return host or "0.0.0.0", int(port)


def _netbox_url(env) -> str | None:
    variable = PREFIX + "NETBOX_URL"
    url = env.get(variable, "").strip()
    if not url:
        for name in ("NETBOX_TOKEN_FILE", "NETBOX_TOKEN"):
            if env.get(PREFIX + name):  # a forgotten URL would silently drop every NetBox metric
                raise SettingsError(f"{PREFIX}{name} is set but {variable} is not: set both, or neither to export "
                                    "only the collectors' data")
        return None
    if not url.startswith(("http://", "https://")):
        raise SettingsError(f"{variable} must be an http:// or https:// URL, got {url!r}")
    return url
