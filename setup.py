"""egov-netops: network source of truth and automation for Dinas Kominfo Kabupaten Klaten.

One distribution: the NetBox plugin (`netbox_egov`, from plugin/) plus the
optional parts' dependencies as extras. Versions are pinned: the stack is
tested against exactly these.
"""

from pathlib import Path

from setuptools import find_packages, setup

NETBOX = "netbox==4.7.3"

EXTRAS = {
    # SNMP and SSH pollers (collectors/).
    "collectors": [
        "pysnmp==7.1.30",
        "cryptography>=44",  # SNMPv3 privacy
        "napalm==5.2.0",
        "netmiko==4.8.0",
    ],
    # Prometheus exporter and service discovery (exporters/).
    "exporters": [
        "prometheus-client==0.26.0",
    ],
    # Enforcement on agency gateways (playbooks/).
    "playbooks": [
        "ansible==14.5.0",
        "ansible-runner==2.4.3",
    ],
    "test": [
        "dnspython==2.8.0",  # queries the real unbound that loads a compiled site filter
        "pypdf==7.1.1",
        "pytest==9.2.0",
        "pytest-django==4.14.0",
        "hypothesis==6.170.17",
        "schemathesis==4.32.5",  # fuzzes the plugin's REST API against its OpenAPI schema (test_api_fuzz.py)
        "ruff==0.17.6",
    ],
}

setup(
    name="egov-netops",
    version="0.1.0",
    description="NetBox plugin and automation for the e-Government network of Kabupaten Klaten (Perda 18/2018)",
    long_description=Path(__file__).with_name("README.md").read_text(encoding="utf-8"),
    long_description_content_type="text/markdown",
    license="Apache-2.0",
    python_requires=">=3.12",
    package_dir={"": "plugin"},
    packages=find_packages(where="plugin", exclude=["tests", "tests.*"]),
    include_package_data=False,
    package_data={
        "netbox_egov": [
            "templates/netbox_egov/*.html",
            "locale/*/LC_MESSAGES/django.po",
            "locale/*/LC_MESSAGES/django.mo",
            "demo/*.yaml",
        ],
    },
    install_requires=[
        NETBOX,
        "reportlab==5.1.0",  # cable label sheets
    ],
    extras_require=EXTRAS,
    zip_safe=False,
)
