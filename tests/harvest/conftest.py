"""Fixtures of the harvest tests: the loopback server (http_support), which harvesting may reach."""
import pytest
from http_support import LoopbackServer


@pytest.fixture
def loopback(settings):
    settings.HARVEST_ALLOW_PRIVATE_ADDRESSES = True
    with LoopbackServer() as server:
        yield server
