"""Fixtures of the harvest tests: the loopback server (http_support), which harvesting may reach."""
import pytest
from http_support import LoopbackServer


@pytest.fixture(autouse=True)
def reach_loopback(settings):
    """The test servers are on loopback; tests of the refusal turn this off."""
    settings.HARVEST_ALLOW_PRIVATE_ADDRESSES = True


@pytest.fixture
def loopback():
    with LoopbackServer() as server:
        yield server
