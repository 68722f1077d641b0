"""The shipped Prometheus configuration (exporters/prometheus/prometheus.yml.example), made runnable here: only what
its ADJUST comments name is replaced (NetBox's URL, the token file, where the rules are), so a test of the copy is a
test of the file an operator installs. Used by exporters/tests/test_alert_rules.py and
plugin/tests/test_prometheus_sd.py.
"""

from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import yaml

PROMETHEUS_DIR = Path(__file__).resolve().parents[1] / "prometheus"
EXAMPLE = PROMETHEUS_DIR / "prometheus.yml.example"
RULES_DIR = PROMETHEUS_DIR / "rules"


def example_config() -> dict:
    """The example as shipped, parsed."""
    return yaml.safe_load(EXAMPLE.read_text())


def adjusted_config(folder: Path, netbox_url: str, token: str) -> Path:
    """Write the example to ``folder/prometheus.yml`` with its discovery URLs pointing at ``netbox_url`` (path and
    query kept), its token file holding ``token`` and its rule files read from this checkout; returns the path."""
    config = example_config()
    token_file = folder / "netbox-token"
    token_file.write_text(token + "\n")  # as `printf` or an editor leaves it: Prometheus trims it
    token_file.chmod(0o600)
    config["rule_files"] = [str(RULES_DIR / Path(glob).name) for glob in config["rule_files"]]
    base = urlsplit(netbox_url)
    for job in config["scrape_configs"]:
        for sd in job.get("http_sd_configs", []):
            shipped = urlsplit(sd["url"])
            sd["url"] = urlunsplit((base.scheme, base.netloc, shipped.path, shipped.query, ""))
            sd["authorization"]["credentials_file"] = str(token_file)
    path = folder / "prometheus.yml"
    path.write_text(yaml.safe_dump(config))
    return path
