"""``tagtui ls`` / ``inspect`` with --provider, as real processes against the fake vendor APIs.

Credentials come the way users give them: each vendor's own environment variables.
"""

from __future__ import annotations

import json
from pathlib import Path

from tests.support.cli import tagtui
from tests.vendors.ncr.fake import ACCESS_KEY, SECRET_KEY, NcrFake
from tests.vendors.scaleway.fake import SECRET, ScalewayFake
from tests.vendors.tutum.fake import APIKEY, USER, TutumFake


def _ls_and_inspect(provider: str, url: str, home: Path, env: dict[str, str]) -> None:
    base = ("--provider", provider, "--endpoint", url)
    images = tagtui("ls", *base, home=home, extra_env=env)
    assert images.returncode == 0, images.stderr
    first = images.stdout.splitlines()[0]
    assert "\x1b" not in images.stdout
    tags = tagtui("ls", *base, first, home=home, extra_env=env)
    assert tags.returncode == 0, tags.stderr
    tag = tags.stdout.splitlines()[0].split("\t")[0]
    inspected = tagtui("inspect", "--json", *base, f"{first}:{tag}", home=home, extra_env=env)
    assert inspected.returncode == 0, inspected.stderr
    data = json.loads(inspected.stdout)
    assert data["repository"] == first and data["tag"] == tag


def test_scaleway_cli(scw: ScalewayFake, home: Path) -> None:
    _ls_and_inspect("scaleway", scw.url, home, {"SCW_SECRET_KEY": SECRET})


def test_ncr_cli(ncr: NcrFake, home: Path) -> None:
    keys = {"NCLOUD_ACCESS_KEY": ACCESS_KEY, "NCLOUD_SECRET_KEY": SECRET_KEY}
    _ls_and_inspect("ncr", ncr.url, home, keys)


def test_tutum_cli(tutum: TutumFake, home: Path) -> None:
    _ls_and_inspect("tutum", tutum.url, home, {"TUTUM_USER": USER, "TUTUM_APIKEY": APIKEY})


def test_missing_vendor_credentials_name_the_variables(scw: ScalewayFake, home: Path) -> None:
    result = tagtui("ls", "--provider", "scaleway", "--endpoint", scw.url, home=home)
    assert result.returncode == 1
    assert "SCW_SECRET_KEY" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_wrong_vendor_key_is_one_line(scw: ScalewayFake, home: Path) -> None:
    env = {"SCW_SECRET_KEY": "00000000-0000-4000-8000-000000000000"}
    result = tagtui("ls", "--provider", "scaleway", "--endpoint", scw.url, home=home, extra_env=env)
    assert result.returncode == 1
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert "00000000-0000-4000-8000-000000000000" not in result.stderr


def test_openshift_cli_from_kubeconfig(home: Path) -> None:
    from tests.vendors.openshift.fake import OpenShiftFake, write_kubeconfig

    fake = OpenShiftFake()
    with fake.server:
        _ls_and_inspect("openshift", fake.url, home, write_kubeconfig(home, fake.url))


def test_inspect_fills_the_summary_from_what_each_vendor_knows(
    scw: ScalewayFake, ncr: NcrFake, tutum: TutumFake, home: Path
) -> None:
    """Created and Size as the vendor API knows them; a one-platform NCR tag is an image."""

    def summary(provider: str, url: str, env: dict[str, str], ref: str) -> dict[str, str]:
        result = tagtui(
            "inspect", "--provider", provider, "--endpoint", url, ref, home=home, extra_env=env
        )
        assert result.returncode == 0, result.stderr
        head = result.stdout.split("\n\n", 1)[0].splitlines()
        return {line[:16].strip(): line[16:] for line in head}

    keys = {"NCLOUD_ACCESS_KEY": ACCESS_KEY, "NCLOUD_SECRET_KEY": SECRET_KEY}
    # No --platform needed: the tag has one platform.
    ncr_tag = summary("ncr", ncr.url, keys, "acme/web:v2")
    assert ncr_tag["Platform"] == "linux/amd64"
    assert ncr_tag["Created"].startswith("2024-")
    assert ncr_tag["Size"] == "1.3 KiB (1,300 bytes)"

    scw_tag = summary("scaleway", scw.url, {"SCW_SECRET_KEY": SECRET}, "team/api:stable")
    assert scw_tag["Created"].startswith("2024-01-01T05:01:00")
    assert scw_tag["Size"] == "117.7 MiB for every tag of team/api"

    env = {"TUTUM_USER": USER, "TUTUM_APIKEY": APIKEY}
    tutum_tag = summary("tutum", tutum.url, env, "registry.local/user1/image1:latest")
    assert tutum_tag["Created"] == "2013-11-08T00:22:26+00:00"
    assert tutum_tag["Size"] == "-"  # the Tutum API knows no size
