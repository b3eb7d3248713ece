"""Each vendor connects the way its own tool does (issue 12 §1), as real processes.

With nothing but the tool's variables (or its config file) and no tagtui option; and with
``--endpoint`` given both ways: the bare host and the base URL the vendor documents. The fakes
answer 404 to any other path, so a doubled prefix (``/ncr/api/v2/ncr/api/v2/…``) fails.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.cli import tagtui
from tests.vendors.fake_http import FakeServer
from tests.vendors.ncr.fake import ACCESS_KEY, SECRET_KEY, NcrFake
from tests.vendors.openshift.fake import OpenShiftFake, write_kubeconfig
from tests.vendors.scaleway.fake import SECRET, ScalewayFake
from tests.vendors.tutum.fake import APIKEY, SEED_IMAGE, USER, TutumFake

NCR_KEYS = {"NCLOUD_ACCESS_KEY": ACCESS_KEY, "NCLOUD_SECRET_KEY": SECRET_KEY}
TUTUM_KEYS = {"TUTUM_USER": USER, "TUTUM_APIKEY": APIKEY}


def _lists(
    server: FakeServer, home: Path, env: dict[str, str], *args: str, expect: str, prefix: str
) -> None:
    """``tagtui ls ARGS`` succeeds, names ``expect``, and every request went under ``prefix``."""
    result = tagtui("ls", *args, home=home, extra_env=env)
    assert result.returncode == 0, result.stderr
    assert expect in result.stdout.splitlines()
    assert server.requests
    for request in server.requests:
        assert request.raw_path.startswith(prefix + "/"), request.raw_target
        assert not request.raw_path[len(prefix) :].startswith(prefix), request.raw_target


# --- Scaleway ------------------------------------------------------------------------------------

SCW_PREFIX = "/registry/v1/regions/fr-par"


def test_scaleway_from_scw_variables_alone(scw: ScalewayFake, home: Path) -> None:
    env = {"SCW_SECRET_KEY": SECRET, "SCW_DEFAULT_REGION": "fr-par", "SCW_API_URL": scw.url}
    _lists(scw.server, home, env, "--provider", "scaleway", expect="team/api", prefix=SCW_PREFIX)


def test_scaleway_from_the_scw_config_file(scw: ScalewayFake, home: Path) -> None:
    config = home / ".config" / "scw" / "config.yaml"
    config.parent.mkdir(parents=True)
    config.write_text(
        "active_profile: work\n"
        "profiles:\n"
        "  work:\n"
        f"    secret_key: {SECRET}\n"
        "    default_region: fr-par\n"
        f"    api_url: {scw.url}\n"
    )
    _lists(scw.server, home, {}, "--provider", "scaleway", expect="team/api", prefix=SCW_PREFIX)


@pytest.mark.parametrize("path", ["", "/", "/registry/v1", "/registry/v1/regions/fr-par/"])
def test_scaleway_endpoint_host_or_base_url(scw: ScalewayFake, home: Path, path: str) -> None:
    args = ("--provider", "scaleway", "--endpoint", scw.url + path)
    _lists(
        scw.server, home, {"SCW_SECRET_KEY": SECRET}, *args, expect="team/api", prefix=SCW_PREFIX
    )


def test_scaleway_base_url_and_region_must_agree(scw: ScalewayFake, home: Path) -> None:
    args = ("--provider", "scaleway", "--region", "nl-ams")
    url = f"{scw.url}/registry/v1/regions/fr-par"
    result = tagtui("ls", *args, "--endpoint", url, home=home, extra_env={"SCW_SECRET_KEY": SECRET})
    assert result.returncode == 2
    assert "--region nl-ams contradicts the endpoint" in result.stderr
    assert scw.server.requests == []


# --- NCR -----------------------------------------------------------------------------------------

NCR_PREFIX = "/ncr/api/v2"


def test_ncr_from_ncloud_variables_alone(ncr: NcrFake, home: Path) -> None:
    env = {**NCR_KEYS, "NCLOUD_API_GW": ncr.url, "NCLOUD_REGION": "KR"}
    _lists(ncr.server, home, env, "--provider", "ncr", expect="acme/web", prefix=NCR_PREFIX)


def test_ncr_sdk_spellings_and_configure_file(ncr: NcrFake, home: Path) -> None:
    # The SDKs' other spellings of the key variables.
    env = {
        "NCLOUD_ACCESS_KEY_ID": ACCESS_KEY,
        "NCLOUD_SECRET_ACCESS_KEY": SECRET_KEY,
        "NCLOUD_API_GW": ncr.url,
    }
    _lists(ncr.server, home, env, "--provider", "ncr", expect="acme/web", prefix=NCR_PREFIX)
    # ~/.ncloud/configure, as `ncloud configure` writes it.
    (home / ".ncloud").mkdir()
    (home / ".ncloud" / "configure").write_text(
        f"[DEFAULT]\nncloud_access_key_id = {ACCESS_KEY}\n"
        f"ncloud_secret_access_key = {SECRET_KEY}\nncloud_api_url = https://ncloud.apigw.ntruss.com\n"
    )
    env = {"NCLOUD_API_GW": ncr.url}
    _lists(ncr.server, home, env, "--provider", "ncr", expect="acme/web", prefix=NCR_PREFIX)


@pytest.mark.parametrize("path", ["", "/ncr/api/v2", "/ncr/api/v2/"])
def test_ncr_endpoint_host_or_base_url(ncr: NcrFake, home: Path, path: str) -> None:
    args = ("--provider", "ncr", "--endpoint", ncr.url + path)
    _lists(ncr.server, home, NCR_KEYS, *args, expect="acme/web", prefix=NCR_PREFIX)


def test_ncr_base_url_names_the_region(ncr: NcrFake, home: Path) -> None:
    args = ("--provider", "ncr", "--endpoint", f"{ncr.url}/ncr/sgn-api/v2")
    result = tagtui("ls", *args, home=home, extra_env=NCR_KEYS)
    assert result.returncode == 0, result.stderr
    assert [r.raw_path for r in ncr.server.requests] == ["/ncr/sgn-api/v2/repositories"]
    clash = tagtui("ls", *args, "--region", "jpn", home=home, extra_env=NCR_KEYS)
    assert clash.returncode == 2 and "contradicts the endpoint" in clash.stderr


# --- Tutum ---------------------------------------------------------------------------------------


def test_tutum_from_tutum_variables_alone(tutum: TutumFake, home: Path) -> None:
    env = {**TUTUM_KEYS, "TUTUM_REST_HOST": tutum.url}
    _lists(tutum.server, home, env, "--provider", "tutum", expect=SEED_IMAGE, prefix="/api/v1")


@pytest.mark.parametrize("path", ["", "/api/v1/"])
def test_tutum_endpoint_host_or_base_url(tutum: TutumFake, home: Path, path: str) -> None:
    args = ("--provider", "tutum", "--endpoint", tutum.url + path)
    _lists(tutum.server, home, TUTUM_KEYS, *args, expect=SEED_IMAGE, prefix="/api/v1")


# --- OpenShift -----------------------------------------------------------------------------------


def test_openshift_from_kubeconfig_alone(ocp: OpenShiftFake, home: Path) -> None:
    env = write_kubeconfig(home, ocp.url)
    result = tagtui("ls", "--provider", "openshift", home=home, extra_env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip()


@pytest.mark.parametrize(
    "path", ["", "/apis/image.openshift.io/v1", "/apis/image.openshift.io/v1/"]
)
def test_openshift_endpoint_host_or_base_url(ocp: OpenShiftFake, home: Path, path: str) -> None:
    # The kubeconfig names an unreachable server: only --endpoint can make this work.
    env = write_kubeconfig(home, "https://127.0.0.1:1")
    args = ("--provider", "openshift", "--endpoint", ocp.url + path)
    result = tagtui("ls", *args, home=home, extra_env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip()
    for request in ocp.server.requests:
        assert request.raw_path.startswith("/apis/image.openshift.io/v1/"), request.raw_target
        assert "/v1/apis/" not in request.raw_path
