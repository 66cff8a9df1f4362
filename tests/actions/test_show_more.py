""""Xem đầy đủ": an answer cut to one screen offers the rest, and the rest leaves nothing out."""

import pytest

from actions import answers
from actions import messages as m
from actions.aspects import Aspect
from actions.procedures import ActionShowMore, answer
from knowledge.catalogue import get_procedure, load_catalogue
from tests.actions.conversation import run, texts, tracker


def payload_tracker(code: str | None, aspect: Aspect):
    return tracker(m.MORE_PAYLOAD.format(aspect=aspect.value), {"current_procedure": code}, intent="show_more",
                   entities=[{"entity": "aspect", "value": aspect.value}])


@pytest.mark.parametrize(("code", "aspect"), [("1.000005", Aspect.DOCUMENTS), ("1.000010", Aspect.CONDITIONS),
                                              ("1.000597", Aspect.FEE)])
def test_the_button_shows_every_line_the_first_screen_left_out_on_screens_of_600(code, aspect):
    procedure = get_procedure(code)
    from rasa_sdk.executor import CollectingDispatcher

    dispatcher = CollectingDispatcher()
    answer(dispatcher, code, aspect)
    first = dispatcher.messages[0]
    assert m.MORE_ON_SOURCE in first["text"]
    assert first["buttons"][0] == {"title": m.MORE_BUTTON, "payload": m.MORE_PAYLOAD.format(aspect=aspect.value)}
    rest = run(ActionShowMore(), payload_tracker(code, aspect))[1]
    assert all(len(message["text"]) <= answers.FIRST_SCREEN + 200 for message in rest)  # a screen (+ header/source)
    assert rest[0]["text"].startswith(m.MORE_HEADER.format(name=procedure.name, code=code, aspect=m.ASPECT_TITLES[aspect]))
    assert procedure.source_url in rest[-1]["text"] and rest[-1]["buttons"]
    shown = " ".join((first["text"] + " " + texts(rest)).split())
    for line in answers.ASPECTS[aspect](procedure).split("\n"):
        assert " ".join(line.split()) in shown, line  # nothing of the full answer is lost


def test_every_page_of_every_answer_in_the_catalogue_fits_a_screen():
    for procedure in load_catalogue().values():
        for aspect in answers.ASPECTS:
            assert all(len(page) <= answers.FIRST_SCREEN for page in answers.aspect_rest(procedure, aspect)), procedure.code


def test_an_answer_that_fits_offers_no_button_and_the_payload_without_context_is_answered_politely():
    from rasa_sdk.executor import CollectingDispatcher

    dispatcher = CollectingDispatcher()
    answer(dispatcher, "1.001193", Aspect.ONLINE)
    assert answers.aspect_rest(get_procedure("1.001193"), Aspect.ONLINE) == []
    assert all(b["title"] != m.MORE_BUTTON for b in dispatcher.messages[0]["buttons"])
    assert texts(run(ActionShowMore(), payload_tracker(None, Aspect.DOCUMENTS))[1]) == m.NO_CURRENT_PROCEDURE
