"""NetBox configuration of the egov-netops stack.

stack/netbox.sh copies this file to $NETBOX_ROOT/conf/configuration.py and
writes stack.json beside it (ports and the secrets folder, rewritten on every
start so they follow the EGOV_* variables). The secrets are files generated
once in the state folder (mode 600); nothing secret is in the repository.
"""

import json
import os
from pathlib import Path

CONF_DIR = Path(__file__).resolve().parent
STACK = json.loads((CONF_DIR / "stack.json").read_text())
SECRETS_DIR = Path(STACK["secrets_dir"])


def _secret(name):
    return (SECRETS_DIR / name).read_text().strip()


# The test run drops NetBox's default view permissions so that the
# constrained-permission tests start from nothing, like NetBox's own suite.
TESTING = os.environ.get("EGOV_TESTING") == "1"
# NetBox allows makemigrations only in developer mode (make migrations sets it).
DEVELOPER = os.environ.get("EGOV_DEVELOPER") == "1"

ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]

DATABASES = {
    "default": {
        # Another database of the same cluster (tests/wheel uses a copy of the test database).
        "NAME": os.environ.get("EGOV_DB_NAME", "netbox"),
        "USER": "netbox",
        "PASSWORD": _secret("netbox_db_password"),
        "HOST": "127.0.0.1",
        "PORT": STACK["pg_port"],
        "CONN_MAX_AGE": 300,
    }
}


def _redis(database):
    return {
        "HOST": "127.0.0.1",
        "PORT": STACK["redis_port"],
        "USERNAME": "",
        "PASSWORD": _secret("redis_password"),
        "DATABASE": database,
        "SSL": False,
    }


# EGOV_REDIS_DB moves both databases (tests/wheel: away from a running demo's queue and cache).
REDIS_DB = int(os.environ.get("EGOV_REDIS_DB", "0"))
REDIS = {"tasks": _redis(REDIS_DB), "caching": _redis(REDIS_DB + 1)}

SECRET_KEY = _secret("secret_key")
API_TOKEN_PEPPERS = {1: _secret("api_token_pepper")}

TIME_ZONE = "Asia/Jakarta"
CENSUS_REPORTING_ENABLED = False
ISOLATED_DEPLOYMENT = True

PLUGINS = ["netbox_egov"]
PLUGINS_CONFIG = {"netbox_egov": STACK.get("plugin_settings", {})}

if TESTING:
    DEFAULT_PERMISSIONS = {}
    LOGGING = {"version": 1, "disable_existing_loggers": True}
