"""A sample of the conversation explorer (benchmarks/explore.py) through the real stack: from three first
messages every button is pressed to depth 2, and at every procedure answered each aspect and a yes/no
question are asked. No turn may get the busy apology, an empty reply, a one-option choice or an
action-server exception. (The full run is a benchmark: `.venv/bin/python benchmarks/explore.py`.)"""

import asyncio
import sys

import pytest

from tests.conftest import ROOT

sys.path.insert(0, str(ROOT / "benchmarks"))
import explore  # noqa: E402

pytestmark = pytest.mark.integration

STARTS = [
    "làm căn cước cho con cần giấy tờ gì",  # an aspect, then the age question's buttons
    "người mất thì cần làm thủ tục gì",  # a life event's checklist
    "doi gplx",  # an answer offering other variants
]
# Ratings and the officer button would feed the staff's analytics and queue other tests read.
SKIP = (explore.RATING_PREFIX, explore.HANDOVER_PAYLOAD)


@pytest.fixture(scope="module")
def explored(stack):
    return asyncio.run(explore.explore(stack.url("gateway"), STARTS, depth=2, concurrency=2,
                                       log_dir=stack.log_dir, skip=SKIP))


def found(report, kind: str) -> str:
    return f"{report.counts[kind]} × {kind}:\n" + "\n".join(report.examples.get(kind, []))


def test_the_sample_explores_every_start(explored):
    assert explored.turns > 50 and len(explored.procedures) >= 5, explored.format()
    assert explored.counts["http-error"] == 0, found(explored, "http-error")


def test_no_busy_apology(explored):
    assert explored.counts["busy-apology"] == 0, found(explored, "busy-apology")


def test_no_empty_reply(explored):
    assert explored.counts["empty"] == 0, found(explored, "empty")


def test_no_one_option_choice(explored):
    assert explored.counts["one-option"] == 0, found(explored, "one-option")


def test_no_action_server_exception(explored):
    assert explored.counts["exception"] == 0, found(explored, "exception") + "\n" + "\n".join(explored.exception_lines)


def test_no_follow_up_switches_procedure(explored):
    """"có phải mang bản chính ko" once moved a citizen to a foreign reporters' permit."""
    assert explored.counts["switch"] == 0, found(explored, "switch")
