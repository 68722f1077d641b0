"""The demo's Prometheus configuration (stack/prometheus_config.py), written from the shipped example: promtool
accepts it with the shipped rules, and it discovers through the demo's NetBox with the given token file."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(not shutil.which("promtool"), reason="promtool (Debian's prometheus) is not installed")


def test_written_configuration_passes_promtool_and_discovers_through_the_demo(tmp_path):
    token = tmp_path / "monitoring-token"
    token.write_text("nbt_klatenmonit1.secret\n")
    token.chmod(0o600)
    written = subprocess.run(
        [sys.executable, str(ROOT / "stack" / "prometheus_config.py"),
         "--example", str(ROOT / "exporters" / "prometheus" / "prometheus.yml.example"),
         "--netbox-url", "http://127.0.0.1:8030/", "--token-file", str(token),
         "--rules", str(ROOT / "exporters" / "prometheus" / "rules"), "--listen", "127.0.0.1:19090"],
        capture_output=True, text=True, check=True).stdout
    config_file = tmp_path / "prometheus.yml"
    config_file.write_text(written)
    checked = subprocess.run(["promtool", "check", "config", str(config_file)], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "SUCCESS: 1 rule files found" in checked.stdout

    config = yaml.safe_load(written)
    jobs = {job["job_name"]: job for job in config["scrape_configs"]}
    # No blackbox_exporter or snmp_exporter in the demo: the jobs through them are left out.
    assert set(jobs) == {"egov-exporter", "prometheus"}
    [discovery] = jobs["egov-exporter"]["http_sd_configs"]
    assert discovery["url"] == "http://127.0.0.1:8030/api/plugins/egov/prometheus-sd/exporters/"
    assert discovery["authorization"] == {"type": "Bearer", "credentials_file": str(token)}
    assert jobs["prometheus"]["static_configs"] == [{"targets": ["127.0.0.1:19090"]}]
    assert config["global"] == {"scrape_interval": "15s", "evaluation_interval": "15s"}
    assert "alerting" not in config
