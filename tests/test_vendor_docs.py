"""The README's vendor tables and ``tagtui --help`` say the same, and name every variable the
vendor providers read (issue 12 §1)."""

from __future__ import annotations

import re
from pathlib import Path

from tagtui.cli import build_open_parser

ROOT = Path(__file__).resolve().parent.parent
VENDORS = ("scaleway", "ncr", "openshift", "tutum")


def _readme_section() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    return readme.split("## Vendor APIs\n", 1)[1].split("\n## ", 1)[0]


def _variables_read() -> set[str]:
    """Every vendor variable name the providers' source mentions."""
    names: set[str] = set()
    for vendor in VENDORS:
        for path in (ROOT / "tagtui" / "providers" / vendor).glob("*.py"):
            source = path.read_text(encoding="utf-8")
            names |= set(re.findall(r'"((?:SCW|NCLOUD|TUTUM)_[A-Z_]+|KUBECONFIG)"', source))
    return names


def test_every_variable_read_is_in_the_readme_and_the_help() -> None:
    read = _variables_read()
    assert {"SCW_API_URL", "NCLOUD_API_GW", "TUTUM_REST_HOST", "KUBECONFIG"} <= read
    section = _readme_section()
    help_text = build_open_parser().format_help()
    for name in sorted(read):
        assert f"`{name}`" in section, name
        assert name in help_text, name


def test_readme_and_help_name_the_same_files_flags_and_endpoints() -> None:
    section = _readme_section()
    help_text = build_open_parser().format_help()
    for vendor in VENDORS:
        assert f"`--provider {vendor}`" in section
    files = ["~/.config/scw/config.yaml", "~/.ncloud/configure", "~/.kube/config", "~/.tutum"]
    endpoints = [
        "https://api.scaleway.com",
        "…/registry/v1/regions/fr-par",
        "https://ncr.apigw.ntruss.com",
        "…/ncr/api/v2",
        "…/apis/image.openshift.io/v1",
        "https://dashboard.tutum.co",
        "…/api/v1/",
    ]
    for fact in [*files, *endpoints, "fr-par", "kr", "--namespace"]:
        assert fact in section and fact in help_text, fact
    # One example line per vendor in both.
    assert section.count("| example |") == len(VENDORS)
    assert help_text.count("e.g. ") == len(VENDORS)
