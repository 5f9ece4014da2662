"""The stand-in fixture of the provider tests: local servers playing the providers' APIs."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack

import pytest

from tests.messaging.providers.standin import Play, StandIn


@pytest.fixture
def stand_in_for() -> Iterator[Callable[[Play], StandIn]]:
    """stand_in_for(play): a running StandIn, stopped after the test."""
    with ExitStack() as stack:
        yield lambda play: stack.enter_context(StandIn(play).running())
