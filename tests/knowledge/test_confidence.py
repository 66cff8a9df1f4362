"""The bot never sounds sure when it is wrong, on questions citizens wrote that nobody tuned on: the
confidence rule was calibrated on the development split (benchmarks/calibrate.py); this holds it to
the issue's bound on the test split, as a citizen would meet it."""

import importlib.util
from pathlib import Path

import pytest

SURE_AND_WRONG_AT_MOST = 0.02  # of all questions, answered as if sure with a wrong procedure (issue 10)
ABSTENTION_AT_LEAST = 0.90  # of questions outside the catalogue, not answered as if found


def splits():
    path = Path(__file__).resolve().parents[2] / "benchmarks" / "search.py"
    spec = importlib.util.spec_from_file_location("search_benchmark", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return {name: module.load_questions(file) for name, file in module.SPLITS.items()}


@pytest.mark.slow
@pytest.mark.parametrize("split", ["dev", "test"])
def test_answered_as_if_sure_rarely_wrong_and_what_is_outside_not_found(split):
    """As benchmarks/search.py counts them: a wrong procedure answered outright (no choice offered)
    is sure and wrong, outside the catalogue too; an outside question must come back not confident."""
    from knowledge.search import search

    questions = splits()[split]
    sure_and_wrong = outside = abstained = 0
    for question, expected in questions:
        result = search(question)
        if result.confident and result.answers_outright and result.results[0].code not in expected:
            sure_and_wrong += 1
        if not expected:
            outside += 1
            abstained += not result.confident
    assert len(questions) > 100 and outside > 10
    assert sure_and_wrong / len(questions) <= SURE_AND_WRONG_AT_MOST
    assert abstained / outside >= ABSTENTION_AT_LEAST
