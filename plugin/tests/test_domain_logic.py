"""The domain-list parser and compilers (TrustPositif plain-text format; unbound and RouterOS output)."""

import string

import pytest
from hypothesis import given
from hypothesis import strategies as st

from netbox_egov.logic.domains import (
    blocked,
    compile_routeros,
    compile_unbound,
    etag,
    looks_like_html,
    normalise,
    parse,
)

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
