"""The ios_gateway role's filters refuse quota data they cannot enforce whole, before any device is read."""

import importlib.util
from pathlib import Path

import pytest
from ansible.errors import AnsibleFilterError

FILTERS = Path(__file__).resolve().parents[1] / "roles/ios_gateway/filter_plugins/egov_ios.py"
AGENCY = {"slug": "disdik", "rate_down_mbps": 10, "ceil_down_mbps": 50, "rate_up_mbps": 5, "ceil_up_mbps": 20,
          "prio": 2, "prefixes": ["10.20.0.0/24"]}


@pytest.fixture(scope="module")
def filters():
    spec = importlib.util.spec_from_file_location("egov_ios", FILTERS)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(("change", "message"), [
    ({"prefixes": ["10.20.0.0/24", "2001:db8:20::/48"]}, "IPv6 prefixes are not supported"),
    ({"prefixes": []}, "no prefixes"),
    ({"prefixes": ["10.20.0.9/24"]}, "has host bits set"),
    ({"ceil_down_mbps": 0, "rate_down_mbps": 0}, "download ceiling must be at least 1"),
    ({"rate_down_mbps": 60}, "download ceiling must be at least 1 and the guaranteed rate"),
    ({"slug": "DISDIK"}, "not a NetBox slug"),
])
def test_quota_data_that_cannot_be_enforced_whole_is_refused(filters, change, message):
    with pytest.raises(AnsibleFilterError, match=message):
        filters.egov_ios_agencies([{**AGENCY, **change}])


def test_names_are_the_collectors_class_map_names(filters):
    assert filters.egov_ios_name("dinas-kominfo_2") == "EGOV-DINAS-KOMINFO_2"
