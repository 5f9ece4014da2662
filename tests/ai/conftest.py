"""The LLM stand-in, one per test session (tests script it step by step)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.ai.llm_standin import Running, StandIn


@pytest.fixture(scope="session")
def running_llm() -> Iterator[StandIn]:
    with Running() as state:
        yield state


@pytest.fixture
def llm(running_llm: StandIn) -> StandIn:
    running_llm.script()
    return running_llm
