"""What the vendor providers share: display values, reading a CLI's YAML config."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tagtui.errors import ConfigError
from tagtui.providers.vendor_common import (
    display_date,
    display_size,
    known_extras,
    read_yaml_mapping,
)


def test_display_values_leave_out_what_is_missing() -> None:
    moment = datetime(2024, 5, 1, 12, 30, 45, 123456, tzinfo=UTC)
    assert display_date(moment) == "2024-05-01 12:30:45+00:00"
    assert display_date(None) is None
    assert display_size(None) is None
    assert display_size(0) is not None and "(0 bytes)" in display_size(0)
    assert display_size(1234567).endswith("(1,234,567 bytes)")
    assert known_extras(("A", "x"), ("B", None), ("C", "")) == (("A", "x"),)


def test_read_yaml_mapping_never_quotes_the_file(tmp_path: Path) -> None:
    path = tmp_path / "config.yaml"
    assert read_yaml_mapping(path, "the scw config") is None
    path.write_text("")
    assert read_yaml_mapping(path, "the scw config") == {}
    path.write_text("secret_key: s3cret\n")
    assert read_yaml_mapping(path, "the scw config") == {"secret_key": "s3cret"}
    path.write_text("- a list\n")
    with pytest.raises(ConfigError, match="is not a YAML mapping"):
        read_yaml_mapping(path, "the scw config")
    path.write_text("secret_key: 's3cret\n")
    with pytest.raises(ConfigError) as broken:
        read_yaml_mapping(path, "kubeconfig")
    assert str(broken.value).startswith(f"kubeconfig {path} is not valid YAML at line")
    assert "s3cret" not in str(broken.value)


@pytest.mark.parametrize("vendor", ["ncr", "tutum"])
def test_vendors_without_a_yaml_config_do_not_import_yaml(vendor: str) -> None:
    # A fresh interpreter: read_yaml_mapping imports yaml only when a config is read.
    code = f"import sys, tagtui.providers.{vendor}\nprint('yaml' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"
