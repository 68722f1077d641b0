"""The ios_gateway role's filters refuse quota data they cannot enforce whole, before any device is read."""

import pytest
from ansible.errors import AnsibleFilterError
from tests.role_plugins import AGENCY, load_filter_plugin


@pytest.fixture(scope="module")
def filters():
    return load_filter_plugin("ios_gateway", "egov_ios")


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


def test_the_limits_in_force_win_over_the_quota_as_set(filters):
    """NetBox's data carries both; off hours or throttled over the cap, the class shapes to the limits in force."""
    throttled = {**AGENCY, "effective_rate_down_mbps": 2, "effective_ceil_down_mbps": 4}
    agency = filters.egov_ios_agencies([throttled])[0]
    assert (agency["rate_down_mbps"], agency["ceil_down_mbps"]) == (2, 4)
