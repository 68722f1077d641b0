"""The routeros_gateway role's filters refuse input that would shape or filter the wrong thing.

Run directly (pure functions, no router): a wrong input must stop the push before api_modify, whose
handle_absent_entries=remove would otherwise read an empty or foreign list as "remove everything".
"""


import pytest
from ansible.errors import AnsibleFilterError
from tests.role_plugins import AGENCY, load_filter_plugin


@pytest.fixture(scope="module")
def filters():
    return load_filter_plugin("routeros_gateway", "egov_routeros")


def test_the_unbound_syntax_is_refused_not_read_as_an_empty_filter(filters):
    unbound = '# egov-netops site filter for gw\nlocal-zone: "judi.example." always_nxdomain\n'
    with pytest.raises(AnsibleFilterError, match="line 2 is not a RouterOS `add`"):
        filters.egov_routeros_dns_static(unbound, "egov-filter")


def test_an_entry_without_the_owned_comment_is_refused(filters):
    text = "/ip dns static\nadd name=judi.example type=NXDOMAIN match-subdomain=yes comment=ops\n"
    with pytest.raises(AnsibleFilterError, match="line 2 does not carry comment=egov-filter"):
        filters.egov_routeros_dns_static(text, "egov-filter")


def test_a_filter_with_no_policy_in_force_is_an_empty_list(filters):
    assert filters.egov_routeros_dns_static("# policies: none in force\n/ip dns static\n", "egov-filter") == []


@pytest.mark.parametrize(("change", "message"), [
    ({"prefixes": []}, "no prefixes"),
    ({"prefixes": ["10.20.0.5/24"]}, "has host bits set"),
    ({"prio": 9}, "prio 9 is not 1..8"),
    ({"rate_down_mbps": 60}, "guaranteed down rate is above its ceiling"),
    ({"ceil_up_mbps": 2.5}, "not a whole number"),
    ({"slug": "Dinas Pendidikan"}, "not a NetBox slug"),
])
def test_quota_data_that_cannot_be_a_queue_is_refused(filters, change, message):
    with pytest.raises(AnsibleFilterError, match=message):
        filters.egov_routeros_queues([{**AGENCY, **change}])


def test_the_limits_in_force_win_over_the_quota_as_set(filters):
    """NetBox's data carries both; off hours or throttled over the cap, the queue takes the limits in force."""
    throttled = {**AGENCY, "effective_rate_down_mbps": 2, "effective_ceil_down_mbps": 4,
                 "effective_rate_up_mbps": 1, "effective_ceil_up_mbps": 4}
    queue = filters.egov_routeros_queues([throttled])[0]
    assert (queue["limit-at"], queue["max-limit"]) == ("1000000/2000000", "4000000/4000000")
