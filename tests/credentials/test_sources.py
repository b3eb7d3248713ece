"""The lookup order of credentials, and reading docker/podman files and helpers as they are."""

from __future__ import annotations

import base64
import json
import logging
from pathlib import Path

import pytest

from tagtui.credentials import Credential, helpers, keyring_store
from tagtui.credentials.sources import describe_source, resolve
from tagtui.reference import DOCKER_HUB_API_HOST
from tests.credentials.conftest import IsolatedEnv
from tests.support.keyring_daemon import SecretServiceSession

HOST = "127.0.0.1:5000"


def b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def found(credential: Credential | None) -> tuple[str | None, str, str, bool]:
    assert credential is not None
    return (credential.username, credential.secret, credential.source, credential.identity_token)


def only_warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]


# --- environment -------------------------------------------------------------------------------


def test_environment_comes_first(isolated: IsolatedEnv) -> None:
    isolated.write_docker_config({"auths": {HOST: {"auth": b64("bob:docker-pw")}}})
    env = {**isolated.env, "TAGTUI_USERNAME": "alice", "TAGTUI_PASSWORD": "env-pw"}

    assert found(resolve(HOST, env=env)) == ("alice", "env-pw", "environment", False)


def test_username_without_password_is_ignored_with_a_warning(
    isolated: IsolatedEnv, caplog: pytest.LogCaptureFixture
) -> None:
    env = {**isolated.env, "TAGTUI_USERNAME": "alice"}

    assert resolve(HOST, env=env) is None
    assert only_warnings(caplog) == [
        "TAGTUI_USERNAME is set but TAGTUI_PASSWORD is not: ignoring it"
    ]


def test_nothing_anywhere_is_anonymous(
    isolated: IsolatedEnv, caplog: pytest.LogCaptureFixture
) -> None:
    credential = resolve(HOST, env=isolated.env)

    assert credential is None
    assert describe_source(credential) == "anonymous"
    assert only_warnings(caplog) == []


# --- keyring -----------------------------------------------------------------------------------


@pytest.mark.real
def test_keyring_comes_before_docker_config(
    isolated: IsolatedEnv, secret_service: SecretServiceSession
) -> None:
    isolated.write_docker_config({"auths": {HOST: {"auth": b64("bob:docker-pw")}}})
    keyring_store.save(HOST, "alice", "keyring-pw")

    assert found(resolve(HOST, env=isolated.env)) == ("alice", "keyring-pw", "keyring", False)
    assert resolve("other.example:5000", env=isolated.env) is None


def test_no_keyring_falls_through_silently(
    isolated: IsolatedEnv, no_keyring: object, caplog: pytest.LogCaptureFixture
) -> None:
    isolated.write_docker_config({"auths": {HOST: {"auth": b64("bob:docker-pw")}}})

    assert found(resolve(HOST, env=isolated.env)) == ("bob", "docker-pw", "docker config", False)
    assert only_warnings(caplog) == []


# --- docker config.json ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "entry",
    [
        {"auth": b64("bob:docker:pw")},  # the password may hold colons
        {"username": "bob", "password": "docker:pw"},
        {"auth": b64("bob:docker:pw").rstrip("=")},  # unpadded, as some tools write it
    ],
)
def test_docker_auths_entry(isolated: IsolatedEnv, entry: dict[str, str]) -> None:
    isolated.write_docker_config({"auths": {HOST: entry}})

    assert found(resolve(HOST, env=isolated.env)) == ("bob", "docker:pw", "docker config", False)


def test_identity_token(isolated: IsolatedEnv) -> None:
    isolated.write_docker_config(
        {"auths": {HOST: {"auth": b64("bob:"), "identitytoken": "refresh-token-value"}}}
    )

    assert found(resolve(HOST, env=isolated.env)) == (
        "bob",
        "refresh-token-value",
        "docker config",
        True,
    )


def test_docker_config_env_var(isolated: IsolatedEnv, tmp_path: Path) -> None:
    isolated.write_docker_config({"auths": {HOST: {"auth": b64("home:pw")}}})
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "config.json").write_text(json.dumps({"auths": {HOST: {"auth": b64("dc:pw")}}}))
    env = {**isolated.env, "DOCKER_CONFIG": str(elsewhere)}

    assert found(resolve(HOST, env=env))[0] == "dc"


def test_docker_hub_key(isolated: IsolatedEnv) -> None:
    isolated.write_docker_config(
        {
            "auths": {
                "https://index.docker.io/v1/": {"auth": b64("hubuser:hub-pw")},
                HOST: {"auth": b64("bob:docker-pw")},
            }
        }
    )

    assert found(resolve(DOCKER_HUB_API_HOST, env=isolated.env))[:2] == ("hubuser", "hub-pw")


def test_key_written_as_url(isolated: IsolatedEnv) -> None:
    isolated.write_docker_config({"auths": {f"https://{HOST}/v2/": {"auth": b64("bob:pw")}}})

    assert found(resolve(HOST, env=isolated.env))[:2] == ("bob", "pw")
    assert resolve("127.0.0.1:5001", env=isolated.env) is None


def test_empty_entry_means_nothing(isolated: IsolatedEnv) -> None:
    # docker writes `{}` entries when a credential store holds the secret.
    isolated.write_docker_config({"auths": {HOST: {}}})

    assert resolve(HOST, env=isolated.env) is None


@pytest.mark.parametrize(
    ("content", "warning"),
    [
        ('{"auths": {"127.0.0.1:5000": {"auth": "c2VjcmV0", }}', "not valid JSON (line 1 column"),
        ("[1, 2]", "expected a JSON object"),
        (b"\xff\xfe{}", "not UTF-8 text"),
        ('{"auths": ["127.0.0.1:5000"]}', "ignoring 'auths'"),
        ('{"auths": {"127.0.0.1:5000": "c2VjcmV0"}}', "ignoring the entry for 127.0.0.1:5000"),
        (
            '{"auths": {"127.0.0.1:5000": {"auth": "!!not base64!!"}}}',
            "not base64 of user:password",
        ),
        ('{"auths": {"127.0.0.1:5000": {"auth": "' + b64("no-colon") + '"}}}', "not base64"),
    ],
)
def test_malformed_docker_config_warns_once_and_falls_through(
    isolated: IsolatedEnv,
    caplog: pytest.LogCaptureFixture,
    content: str | bytes,
    warning: str,
) -> None:
    isolated.docker_config.parent.mkdir(parents=True)
    if isinstance(content, bytes):
        isolated.docker_config.write_bytes(content)
    else:
        isolated.docker_config.write_text(content)
    isolated.write_podman({"auths": {HOST: {"auth": b64("pod:podman-pw")}}})

    assert found(resolve(HOST, env=isolated.env)) == ("pod", "podman-pw", "podman", False)
    warnings = only_warnings(caplog)
    assert len(warnings) == 1
    assert warning in warnings[0]
    assert "\n" not in warnings[0]
    assert "c2VjcmV0" not in warnings[0] and "secret" not in warnings[0]


# --- credential helpers ------------------------------------------------------------------------


def test_cred_helper_for_the_host(isolated: IsolatedEnv, caplog: pytest.LogCaptureFixture) -> None:
    isolated.helper.store(HOST, "helped", "helper-pw")
    isolated.write_docker_config(
        {
            "credHelpers": {HOST: isolated.helper.name},
            "auths": {HOST: {"auth": b64("bob:docker-pw")}},
        }
    )

    assert found(resolve(HOST, env=isolated.env)) == (
        "helped",
        "helper-pw",
        "docker-credential-tagtuitest",
        False,
    )
    (call,) = isolated.helper.calls()
    assert call["stdin"] == HOST
    assert call["argv"][1:] == ["get"]
    assert only_warnings(caplog) == []


def test_creds_store_with_docker_hub_url(isolated: IsolatedEnv) -> None:
    isolated.helper.store("https://index.docker.io/v1/", "hubuser", "hub-pw")
    isolated.write_docker_config({"credsStore": isolated.helper.name})

    assert found(resolve(DOCKER_HUB_API_HOST, env=isolated.env))[:2] == ("hubuser", "hub-pw")
    assert [c["stdin"] for c in isolated.helper.calls()] == ["https://index.docker.io/v1/"]


def test_helper_identity_token(isolated: IsolatedEnv) -> None:
    isolated.helper.store(HOST, "<token>", "refresh-token-value")
    isolated.write_docker_config({"credsStore": isolated.helper.name})

    assert found(resolve(HOST, env=isolated.env)) == (
        None,
        "refresh-token-value",
        "docker-credential-tagtuitest",
        True,
    )


def test_cred_helper_before_creds_store_before_auths(isolated: IsolatedEnv) -> None:
    isolated.write_docker_config(
        {
            "credHelpers": {HOST: "tagtuitest"},
            "credsStore": "tagtuitest",
            "auths": {HOST: {"auth": b64("bob:docker-pw")}},
        }
    )
    # The helper has nothing: credHelpers, then credsStore are asked, then auths answers.
    assert found(resolve(HOST, env=isolated.env))[2] == "docker config"
    assert len(isolated.helper.calls()) == 2


def test_helper_missing_from_path(isolated: IsolatedEnv, caplog: pytest.LogCaptureFixture) -> None:
    isolated.write_docker_config(
        {"credsStore": "nosuchhelper", "auths": {HOST: {"auth": b64("bob:docker-pw")}}}
    )

    assert found(resolve(HOST, env=isolated.env))[0] == "bob"
    assert only_warnings(caplog) == [
        "credential helper docker-credential-nosuchhelper is configured but not on PATH"
    ]


@pytest.mark.parametrize(
    ("mode", "warning"),
    [
        ("broken", "failed (exit 2): helper exploded: backend unavailable"),
        ("garbage", "answered something that is not JSON"),
    ],
)
def test_helper_failures_warn_and_fall_through(
    isolated: IsolatedEnv, caplog: pytest.LogCaptureFixture, mode: str, warning: str
) -> None:
    isolated.helper.set_mode(mode)
    isolated.write_docker_config(
        {"credsStore": "tagtuitest", "auths": {HOST: {"auth": b64("bob:docker-pw")}}}
    )

    assert found(resolve(HOST, env=isolated.env))[0] == "bob"
    (message,) = only_warnings(caplog)
    assert message == f"credential helper docker-credential-tagtuitest {warning}"


def test_helper_that_hangs_times_out(
    isolated: IsolatedEnv, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(helpers, "TIMEOUT", 0.5)
    isolated.helper.set_mode("hang")
    isolated.write_docker_config({"credsStore": "tagtuitest"})

    assert resolve(HOST, env=isolated.env) is None
    assert only_warnings(caplog) == [
        "credential helper docker-credential-tagtuitest did not answer within 0.5 s"
    ]


def test_helper_name_cannot_be_a_path(
    isolated: IsolatedEnv, caplog: pytest.LogCaptureFixture
) -> None:
    isolated.write_docker_config({"credsStore": "../../bin/sh"})

    assert resolve(HOST, env=isolated.env) is None
    assert "not a valid helper name" in only_warnings(caplog)[0]


# --- podman / skopeo auth.json -----------------------------------------------------------------


def test_podman_runtime_auth_file(isolated: IsolatedEnv) -> None:
    isolated.write_podman({"auths": {HOST: {"auth": b64("pod:podman-pw")}}})

    assert found(resolve(HOST, env=isolated.env)) == ("pod", "podman-pw", "podman", False)


def test_podman_config_dir_auth_file(isolated: IsolatedEnv) -> None:
    isolated.write_podman({"auths": {HOST: {"auth": b64("pod:cfg-pw")}}}, where="config")

    assert found(resolve(HOST, env=isolated.env))[:2] == ("pod", "cfg-pw")


def test_registry_auth_file_comes_first(isolated: IsolatedEnv, tmp_path: Path) -> None:
    isolated.write_podman({"auths": {HOST: {"auth": b64("pod:podman-pw")}}})
    explicit = tmp_path / "explicit.json"
    explicit.write_text(json.dumps({"auths": {HOST: {"auth": b64("explicit:pw")}}}))
    env = {**isolated.env, "REGISTRY_AUTH_FILE": str(explicit)}

    assert found(resolve(HOST, env=env))[0] == "explicit"


def test_docker_config_before_podman(isolated: IsolatedEnv) -> None:
    isolated.write_docker_config({"auths": {HOST: {"auth": b64("bob:docker-pw")}}})
    isolated.write_podman({"auths": {HOST: {"auth": b64("pod:podman-pw")}}})

    assert found(resolve(HOST, env=isolated.env))[2] == "docker config"


def test_podman_identity_token_and_namespaced_key(isolated: IsolatedEnv) -> None:
    isolated.write_podman({"auths": {f"{HOST}/team": {"identitytoken": "tok"}}})

    assert found(resolve(HOST, env=isolated.env)) == (None, "tok", "podman", True)
