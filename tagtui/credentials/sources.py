"""Where credentials come from, in the documented order (README "Credentials").

1. ``TAGTUI_USERNAME`` / ``TAGTUI_PASSWORD`` (vendor providers read their own variables);
2. the OS keyring (``tagtui login``);
3. docker's config.json: ``credHelpers[host]``, ``credsStore``, ``auths[host]``;
4. podman/skopeo's auth.json;
5. anonymous (None).

Blocking (keyring, helper processes): async callers use ``asyncio.to_thread``.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping

from tagtui.credentials import Credential, keyring_store
from tagtui.credentials.docker_config import from_docker_config
from tagtui.credentials.podman import from_podman

log = logging.getLogger(__name__)

ENV_USERNAME = "TAGTUI_USERNAME"
ENV_PASSWORD = "TAGTUI_PASSWORD"
ANONYMOUS = "anonymous"


def from_environment(env: Mapping[str, str]) -> Credential | None:
    password = env.get(ENV_PASSWORD)
    if not password:
        if env.get(ENV_USERNAME):
            log.warning("%s is set but %s is not: ignoring it", ENV_USERNAME, ENV_PASSWORD)
        return None
    return Credential(username=env.get(ENV_USERNAME) or None, secret=password, source="environment")


def resolve(host: str, *, env: Mapping[str, str] | None = None) -> Credential | None:
    """The first credential found for registry ``host`` (``127.0.0.1:5000``); None: anonymous."""
    env = os.environ if env is None else env
    return (
        from_environment(env)
        or keyring_store.load(host)
        or from_docker_config(host, env)
        or from_podman(host, env)
    )


def describe_source(credential: Credential | None) -> str:
    """What the header shows: where the credential came from, never the secret."""
    return ANONYMOUS if credential is None else credential.source
