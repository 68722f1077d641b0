"""The demo's Prometheus configuration (stack/monitoring.sh), written to stdout from the example the project ships.

exporters/prometheus/prometheus.yml.example's jobs, discovering through the demo's NetBox with the monitoring
user's token file, and the shipped rules, every 15 s (the demo's collectors poll every 30 s). Left out: the jobs
that scrape through another exporter the demo does not run (those that relabel ``__address__`` to it:
blackbox_exporter's ICMP probes, snmp_exporter's walks) and Alertmanager (the alerts show on Prometheus' own
/alerts page).

Usage: prometheus_config.py --example FILE --netbox-url URL --token-file FILE --rules DIR --listen HOST:PORT
"""

import argparse
import sys
from pathlib import Path
from urllib.parse import urlsplit

import yaml

INTERVAL = "15s"


def demo_config(example: dict, netbox_url: str, token_file: str, rules: Path, listen: str) -> dict:
    config = {
        "global": {"scrape_interval": INTERVAL, "evaluation_interval": INTERVAL},
        "rule_files": [str(Path(rules) / "*.yml")],
        "scrape_configs": [],
    }
    for job in example["scrape_configs"]:
        if any(rule.get("target_label") == "__address__" for rule in job.get("relabel_configs", [])):
            continue
        for discovery in job.get("http_sd_configs", []):
            shipped = urlsplit(discovery["url"])  # NetBox's address replaced; path and filters kept
            discovery["url"] = netbox_url.rstrip("/") + shipped.path + (f"?{shipped.query}" if shipped.query else "")
            discovery["refresh_interval"] = INTERVAL
            # The type said, not left to the default: Prometheus 2.42 then sends the bare token, which NetBox
            # refuses (403); the demo's is a v2 token.
            discovery["authorization"] = {"type": "Bearer", "credentials_file": token_file}
        if job["job_name"] == "prometheus":
            job["static_configs"] = [{"targets": [listen]}]
        config["scrape_configs"].append(job)
    return config


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--example", required=True, type=Path)
    parser.add_argument("--netbox-url", required=True)
    parser.add_argument("--token-file", required=True)
    parser.add_argument("--rules", required=True, type=Path)
    parser.add_argument("--listen", required=True)
    options = parser.parse_args(argv)
    example = yaml.safe_load(options.example.read_text(encoding="utf-8"))
    config = demo_config(example, options.netbox_url, options.token_file, options.rules.resolve(), options.listen)
    sys.stdout.write("# Written by stack/prometheus_config.py from " + str(options.example) + "\n")
    yaml.safe_dump(config, sys.stdout, sort_keys=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
