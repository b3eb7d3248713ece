"""What the OCI provider's start-up imports of the HTTP layer (``tagtui ls`` pays for it)."""

from __future__ import annotations

import subprocess
import sys

import tagtui.providers.http as http_layer


def test_the_oci_provider_does_not_load_the_vendor_client() -> None:
    code = (
        "import sys, tagtui.providers.oci.provider\n"
        "print(','.join(sorted(m for m in sys.modules if m.startswith('tagtui.providers.http.'))))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    loaded = set(result.stdout.strip().split(","))
    assert not loaded & {"tagtui.providers.http.vendor", "tagtui.providers.http.json_fields"}


def test_every_name_the_package_lists_is_there() -> None:
    for name in http_layer.__all__:
        assert getattr(http_layer, name).__name__ == name
