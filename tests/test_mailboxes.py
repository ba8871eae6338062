"""One spelling per mailbox: IDNA for the domain, the local part as written."""

import pytest

from forewarn.mailboxes import canonical, comparable, unicode_form


@pytest.mark.parametrize(
    ("address", "expected"),
    [
        ("anna@bücher.example", "anna@xn--bcher-kva.example"),
        ("anna@BÜCHER.Example", "anna@xn--bcher-kva.example"),
        ("anna@xn--bcher-kva.example", "anna@xn--bcher-kva.example"),
        ("Anna@XN--BCHER-KVA.EXAMPLE", "Anna@xn--bcher-kva.example"),
        ("  ops@Example.COM ", "ops@example.com"),
        ("ops@faß.de", "ops@xn--fa-hia.de"),  # IDNA 2008: ß stays ß
        ("ops@ｅｘａｍｐｌｅ.ｃｏｍ", "ops@example.com"),  # fullwidth letters map (UTS #46)
        ("名前@例え.テスト", "名前@xn--r8jz45g.xn--zckzah"),
    ],
)
def test_the_domain_gets_one_spelling(address, expected):
    assert canonical(address) == expected


@pytest.mark.parametrize(
    "address",
    ["no-at-sign", "@example.com", "anna@", "anna@bücher..example", "anna@\u0301bücher.example"],
)
def test_what_is_no_address_is_refused(address):
    with pytest.raises(ValueError):
        canonical(address)


def test_two_spellings_of_one_mailbox_compare_equal():
    assert comparable("Anna@bücher.example") == comparable("anna@XN--BCHER-KVA.example")
    assert comparable("not an address") == "not an address"


def test_the_unicode_form_is_what_a_person_typed():
    assert unicode_form("anna@xn--bcher-kva.example") == "anna@bücher.example"
    assert unicode_form("anna@example.com") == "anna@example.com"
