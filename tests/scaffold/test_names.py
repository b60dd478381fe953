"""Which service names new-service accepts, and the one sentence it gives for the others."""

from __future__ import annotations

import pytest

from platformctl.errors import ExitCode, UsageError
from platformctl.scaffold.names import check_service_name


@pytest.mark.parametrize("name", ["orders", "billing-api", "a", "svc2", "x" * 40])
def test_accepts_dns_labels(name: str) -> None:
    assert check_service_name(name) == name


@pytest.mark.parametrize(
    ("name", "says"),
    [
        ("", "empty"),
        ("x" * 41, "41 characters"),
        ("Orders", "not a DNS-1123 label"),
        ("orders_api", "not a DNS-1123 label"),
        ("-orders", "not a DNS-1123 label"),
        ("orders-", "not a DNS-1123 label"),
        ("9orders", "not a DNS-1123 label"),
        ("orders.api", "not a DNS-1123 label"),
        ("ordérs", "not a DNS-1123 label"),
        ("class", "Python keyword"),
        ("match", "Python keyword"),
        ("kube-system", "reserved"),
        ("default", "reserved"),
        ("platform-system", "reserved"),
        ("app", "reserved"),
        ("tests", "reserved"),
    ],
)
def test_refuses_with_one_sentence_and_a_hint(name: str, says: str) -> None:
    with pytest.raises(UsageError) as caught:
        check_service_name(name)
    assert says in caught.value.message
    assert caught.value.hint and "orders" in caught.value.hint
    assert caught.value.exit_code == ExitCode.USAGE
