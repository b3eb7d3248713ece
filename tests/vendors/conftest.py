"""Each vendor's fake API on 127.0.0.1, one fixture per vendor, for its own tests and the CLI's."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.vendors.ncr.fake import NcrFake
from tests.vendors.openshift.fake import OpenShiftFake
from tests.vendors.scaleway.fake import ScalewayFake
from tests.vendors.tutum.fake import TutumFake


@pytest.fixture
def home(tmp_path: Path) -> Path:
    """A HOME for a tagtui process: no config, no credentials but what the test gives."""
    (tmp_path / ".config").mkdir()
    return tmp_path


@pytest.fixture
def scw() -> Iterator[ScalewayFake]:
    fake = ScalewayFake()
    with fake.server:
        yield fake


@pytest.fixture
def ncr() -> Iterator[NcrFake]:
    fake = NcrFake()
    with fake.server:
        yield fake


@pytest.fixture
def tutum() -> Iterator[TutumFake]:
    fake = TutumFake()
    with fake.server:
        yield fake


@pytest.fixture
def ocp() -> Iterator[OpenShiftFake]:
    fake = OpenShiftFake()
    with fake.server:
        yield fake
