"""What the vendor providers share: display values that leave out what is missing."""

from __future__ import annotations

from datetime import UTC, datetime

from tagtui.providers.vendor_common import display_date, display_size, known_extras


def test_display_values_leave_out_what_is_missing() -> None:
    moment = datetime(2024, 5, 1, 12, 30, 45, 123456, tzinfo=UTC)
    assert display_date(moment) == "2024-05-01 12:30:45+00:00"
    assert display_date(None) is None
    assert display_size(None) is None
    assert display_size(0) is not None and "(0 bytes)" in display_size(0)
    assert display_size(1234567).endswith("(1,234,567 bytes)")
    assert known_extras(("A", "x"), ("B", None), ("C", "")) == (("A", "x"),)
