"""The domain-list parser and compilers (TrustPositif plain-text format; unbound and RouterOS output)."""

import datetime
import string

import pytest
from hypothesis import given
from hypothesis import strategies as st

from netbox_egov.logic.domains import (
    FeedRefused,
    blocked,
    check_feed,
    compile_routeros,
    compile_unbound,
    covering_entries,
    etag,
    looks_like_html,
    normalise,
    parse,
    zone,
)
from netbox_egov.logic.schedule import in_force

LABEL = st.text(alphabet=string.ascii_lowercase + string.digits, min_size=1, max_size=20)
DOMAIN = st.builds(lambda labels, tld: ".".join([*labels, tld]), st.lists(LABEL, min_size=1, max_size=4),
                   st.text(alphabet=string.ascii_lowercase, min_size=2, max_size=6))


@given(domain=DOMAIN, wildcard=st.booleans(), upper=st.booleans())
def test_valid_domains_survive_and_normalise_once(domain, wildcard, upper):
    entry = ("*." if wildcard else "") + (domain.upper() if upper else domain)
    name = normalise(entry)
    assert name == ("*." if wildcard else "") + domain
    assert normalise(name) == name  # idempotent


@given(good=st.lists(DOMAIN, max_size=20), bad_at=st.lists(st.integers(min_value=0, max_value=25), max_size=5))
def test_bad_lines_are_reported_by_number_and_good_ones_kept(good, bad_at):
    lines = list(good)
    for position in sorted(set(bad_at)):
        lines.insert(min(position, len(lines)), "not a domain!")
    domains, errors = parse(lines)
    assert domains == sorted(set(good))
    assert [number for number, _line, _why in errors] == [
        number for number, line in enumerate(lines, start=1) if line == "not a domain!"
    ]


def test_comments_blank_lines_idn_and_wildcards():
    domains, errors = parse(["# TrustPositif", "", "judi.example  # comment", "Bücher.example", "*.slot.example",
                             "a*.b.example", "x", "10.0.0.1"])
    assert domains == ["*.slot.example", "judi.example", "xn--bcher-kva.example"]
    assert [number for number, _line, _why in errors] == [6, 7, 8]
    assert "wildcard" in errors[0][2]


@pytest.mark.parametrize("text", ["<!DOCTYPE html><html>", "  <html><body>502 Bad Gateway", "<?xml version='1.0'?>"])
def test_error_pages_are_recognised(text):
    assert looks_like_html(text)


def test_plain_lists_are_not_html():
    assert not looks_like_html("judi.example\nslot.example\n")


def test_compilers_write_one_entry_per_zone():
    domains = ["a.example", "*.a.example", "b.example"]
    assert compile_unbound(domains).splitlines() == [
        'local-zone: "a.example." always_nxdomain',
        'local-zone: "b.example." always_nxdomain',
    ]
    routeros = compile_routeros(domains).splitlines()
    assert routeros[0] == "/ip dns static"
    assert routeros[1:] == [
        "add name=a.example type=NXDOMAIN match-subdomain=yes comment=egov-filter",
        "add name=b.example type=NXDOMAIN match-subdomain=yes comment=egov-filter",
    ]


def test_allowed_zones_free_themselves_and_their_subdomains():
    assert blocked([["a.example", "x.a.example", "b.example"], ["c.example"]], ["a.example"]) == [
        "b.example", "c.example"]


@given(domains=st.lists(DOMAIN, max_size=30))
def test_etag_follows_the_content(domains):
    text = compile_unbound(domains)
    assert etag(text) == etag(compile_unbound(list(reversed(domains))))  # order does not matter
    assert etag(text) != etag(text + "#")


@given(blocklist=st.lists(DOMAIN, max_size=30), allowed=st.lists(DOMAIN, max_size=5), pick=st.integers(0, 29))
def test_blocked_frees_exactly_the_allowed_zones_and_their_subdomains(blocklist, allowed, pick):
    if blocklist:  # make some allowed zones real parents of blocked names
        allowed = [*allowed, blocklist[pick % len(blocklist)].split(".", 1)[1]]
    result = blocked([blocklist], allowed)

    def freed(name):
        return any(name == zone(a) or name.endswith("." + zone(a)) for a in allowed)

    assert result == sorted({domain for domain in blocklist if not freed(zone(domain))})


def feed(count, extra=""):
    return "# header\n" + "".join(f"site{n}.example\n" for n in range(count)) + extra


@pytest.mark.parametrize(("text", "previous", "why"), [
    ("<!DOCTYPE html><html><body>Maintenance</body></html>", 0, "HTML page"),
    ("  <html><head><title>502</title></head>", 0, "HTML page"),
    ("# only comments\n\n", 0, "no valid domain"),
    ("\x00\x01garbage\n" * 10 + "ok.example\n", 0, "mostly not domains: 10 bad lines, 1 good"),
    (feed(40), 100, "shrank from 100 to 40 domains, more than 50%"),
])
def test_check_feed_refuses_what_must_not_replace_a_good_list(text, previous, why):
    with pytest.raises(FeedRefused, match=why):
        check_feed(text, previous, 50)


def test_check_feed_accepts_a_plausible_list_and_reports_bad_lines():
    domains, errors = check_feed(feed(60, "bad..name\n"), 100, 50)
    assert len(domains) == 60
    assert [number for number, _line, _why in errors] == [62]


JAKARTA = "Asia/Jakarta"
OFFICE = (range(5), datetime.time(7, 30), datetime.time(16))


@pytest.mark.parametrize(("utc", "expected"), [
    (datetime.datetime(2026, 11, 26, 0, 30, tzinfo=datetime.UTC), True),    # Thu 07:30 WIB: opens
    (datetime.datetime(2026, 11, 26, 0, 29, tzinfo=datetime.UTC), False),   # Thu 07:29 WIB
    (datetime.datetime(2026, 11, 26, 9, 0, tzinfo=datetime.UTC), False),    # Thu 16:00 WIB: closed
    (datetime.datetime(2026, 11, 27, 20, 0, tzinfo=datetime.UTC), False),   # Sat 03:00 WIB (Fri in UTC)
    (datetime.datetime(2026, 11, 29, 23, 0, tzinfo=datetime.UTC), False),   # Mon 06:00 WIB (Sun in UTC)
    (datetime.datetime(2026, 11, 30, 1, 0, tzinfo=datetime.UTC), True),     # Mon 08:00 WIB
])
def test_schedules_are_read_in_their_own_time_zone(utc, expected):
    weekdays, start, end = OFFICE
    assert in_force(list(weekdays), start, end, JAKARTA, utc) is expected


@pytest.mark.parametrize("line", ["http://daftar-slot.example/login", "slot.example:8080", "slot.example/path"])
def test_urls_are_called_urls(line):
    _domains, errors = parse([line])
    assert errors == [(1, line, "a URL or host:port, not a domain name (give the host name only)")]


def test_covering_entries_are_the_name_and_its_parent_zones():
    assert covering_entries("a.b.example") == ["a.b.example", "*.a.b.example", "b.example", "*.b.example"]
