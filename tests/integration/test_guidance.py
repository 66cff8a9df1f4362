"""Multi-turn guidance conversations through the real gateway, Rasa server and action server.

Answers are checked against the catalogue's own fields, never against copied strings.
"""

import json
import os
import urllib.request
import uuid

import pytest

from actions import answers
from actions import messages as m
from dossiers.answers import asks_whether
from knowledge.catalogue import get_procedure
from tests.helpers import texts

pytestmark = pytest.mark.integration
TOKEN = os.environ["OFFICER_TOKEN"]


def new_sender() -> str:
    return f"t-{uuid.uuid4().hex[:10]}"


def staff(stack, method: str, path: str, payload: dict | None = None, token: str = TOKEN):
    request = urllib.request.Request(
        f"{stack.url('gateway')}{path}", method=method,
        data=json.dumps(payload).encode() if payload is not None else None,
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            body = response.read()
            return response.status, json.loads(body) if body else None
    except urllib.error.HTTPError as err:
        return err.code, None


# (turns, code each turn is about, aspect each turn answers (None = overview))
CONVERSATIONS = [
    (["dang ky khai sinh cho con", "the con le phi?", "mat bao lau", "nop o dau"],
     "1.001193", [None, "lệ phí", "thời gian", "nơi nộp"]),
    (["dk tam tru", "can giay to gi"], "1.004194", [None, "giấy tờ"]),
    (["doi gplx", "co nop online duoc ko"], "3.000347", [None, "nộp trực tuyến"]),
    (["xin giay doc than", "mat phi ko"], "1.004873", [None, "lệ phí"]),
    (["nhap hk cho con", "cac buoc lam the nao"], "1.004222", [None, "trình tự"]),
    (["lam cccd o dau"], "1.014061", ["nơi nộp"]),
    (["thanh lap cong ty tnhh 1 thanh vien", "can dieu kien gi"], "2.001583", [None, "điều kiện"]),
    (["đăng ký kết hôn", "thế còn căn cứ pháp lý?"], "1.000894", [None, "căn cứ pháp lý"]),
    (["cấp lại thẻ căn cước", "kết quả nhận được là gì"], "1.014064", [None, "kết quả"]),
    (["gia han tam tru", "mất bao lâu"], "1.002755", [None, "thời gian"]),
    (["khai tử cho ông tôi", "nộp trực tuyến được không"], "1.000656", [None, "nộp trực tuyến"]),
    (["le phi dang ky ket hon"], "1.000894", ["lệ phí"]),
]


@pytest.mark.parametrize(("turns", "code", "aspects"), CONVERSATIONS, ids=[c[0][0] for c in CONVERSATIONS])
def test_answers_the_aspect_asked_about_the_procedure_in_context(chat, turns, code, aspects):
    procedure = get_procedure(code)
    sender = new_sender()
    for turn, aspect in zip(turns, aspects, strict=True):
        reply = chat(sender, turn)
        text = texts(reply)
        assert f"(mã {procedure.code})" in text and procedure.name in text, (turn, text)
        assert procedure.source_url in text
        expected = answers.aspect_answer(procedure, aspect) if aspect else answers.overview(procedure)
        if aspect == "nộp trực tuyến" and asks_whether(turn):  # "co nop online duoc ko": yes or no first
            expected = m.RECORD_VERDICTS[("online", "Có" if procedure.online else "Không")]
        assert expected in text, (turn, text)
        titles = [b["title"] for b in reply[0]["buttons"] if b["title"] != m.MORE_BUTTON]  # first when the answer is long
        assert [t for t, _ in m.NEXT_STEP_BUTTONS] == titles[: len(m.NEXT_STEP_BUTTONS)]


def test_next_step_button_payload_answers_that_aspect(chat):
    sender = new_sender()
    first = chat(sender, "dang ky khai tu")
    payload = next(b["payload"] for b in first[0]["buttons"] if b["title"] == "Giấy tờ cần chuẩn bị")
    documents = get_procedure("1.000656").documents
    reply = texts(chat(sender, payload))
    first_paper = next(d for d in documents if d.quantity > 0)
    assert first_paper.name[:60] in reply


def test_switching_procedure_mid_conversation(chat):
    sender = new_sender()
    assert "1.001456" in texts(chat(sender, "lam ho chieu"))
    switched = texts(chat(sender, "không phải, ý tôi là đăng ký kết hôn"))
    assert "1.000894" in switched
    fee = texts(chat(sender, "the con le phi"))
    assert answers.aspect_answer(get_procedure("1.000894"), "lệ phí") in fee


def test_close_variants_get_a_clarifying_question_then_an_answer(chat):
    sender = new_sender()
    reply = chat(sender, "cap phieu ly lich tu phap")
    assert reply[0]["text"].startswith(m.CLARIFY)
    options = reply[0]["buttons"]
    assert len(options) >= 2
    assert all(len(b["title"]) <= 40 for b in options)  # short buttons; the full names listed above them
    chosen = options[1]
    code = chosen["payload"].split('"procedure_code": "')[1].split('"')[0]
    assert f"2. {get_procedure(code).name}" in reply[0]["text"]
    answer = texts(chat(sender, chosen["payload"]))
    assert get_procedure(code).name in answer


def test_standard_variant_answered_and_others_offered(chat):
    reply = chat(new_sender(), "trình báo mất hộ chiếu")
    assert "1.010386" in reply[0]["text"]  # commune level, what an ordinary citizen means
    assert any((r.get("text") or "").startswith(m.OTHER_VARIANTS) and r.get("buttons") for r in reply)


def test_aspect_before_any_procedure_asks_which(chat):
    assert texts(chat(new_sender(), "le phi bao nhieu")) == m.NO_CURRENT_PROCEDURE


def test_other_ministry_is_said_honestly(chat):
    text = texts(chat(new_sender(), "thu tuc xin giay phep ban le ruou"))  # in neither crawl of the portal
    assert "Bộ Công Thương" in text and m.PORTAL_SEARCH_URL in text


def test_not_confident_says_so_and_points_to_the_portal(chat):
    text = texts(chat(new_sender(), "thủ tục cấp phép bay drone cho đám cưới"))
    assert m.PORTAL_SEARCH_URL in text
    assert "(mã " not in text  # no procedure presented as the answer


def test_small_talk_keeps_the_procedure_in_context(chat):
    sender = new_sender()
    chat(sender, "dang ky ket hon")
    assert "trợ lý ảo" in texts(chat(sender, "ban la ai"))
    assert answers.aspect_answer(get_procedure("1.000894"), "thời gian") in texts(chat(sender, "mat bao lau"))


def test_human_handover_queue_reply_and_close(stack, chat):
    sender = new_sender()
    chat(sender, "lam giay khai sinh")
    assert texts(chat(sender, "cho toi gap can bo")) == m.HANDOVER_QUEUED
    status, waiting = staff(stack, "GET", "/officer/conversations?status=waiting")
    assert status == 200
    conversation = next(c for c in waiting if c["sender_id"] == f"rest:{sender}")  # anonymous REST namespace
    assert any("lam giay khai sinh" in line["text"] for line in conversation["transcript"])

    assert staff(stack, "POST", f"/officer/conversations/{conversation['id']}/reply",
                 {"text": "Chào anh, tôi là cán bộ một cửa."})[0] == 200
    reply = chat(sender, "vang, toi can hoi them")
    assert texts(reply) == "Chào anh, tôi là cán bộ một cửa."
    assert reply[0]["custom"] == {"author": "officer"}
    assert chat(sender, "alo") == []  # the bot stays silent while the officer serves

    _, active = staff(stack, "GET", "/officer/conversations?status=active")
    served = next(c for c in active if c["id"] == conversation["id"])
    assert [line["author"] for line in served["transcript"]][-3:] == ["officer", "citizen", "citizen"]
    assert staff(stack, "POST", f"/officer/conversations/{conversation['id']}/close")[0] == 200
    assert "1.000894" in texts(chat(sender, "dang ky ket hon"))  # back to the bot


def test_staff_api_requires_the_token(stack):
    assert staff(stack, "GET", "/officer/conversations", token="wrong")[0] == 401
    assert staff(stack, "GET", "/analytics", token="")[0] == 401


def test_ratings_and_analytics(stack, chat):
    sender = new_sender()
    answer = chat(sender, "dang ky tam tru")
    up = next(b["payload"] for b in answer[0]["buttons"] if b["title"] == "Hữu ích")
    assert texts(chat(sender, up)) == m.FEEDBACK_THANKS
    asked = chat(sender, "1 sao, tra loi chua dung")  # typed: no rating, the buttons are offered for it
    assert texts(asked) == m.FEEDBACK_ASK
    down = next(b["payload"] for b in asked[0]["buttons"] if b["title"] == "Chưa đúng")
    assert texts(chat(sender, down)) == m.FEEDBACK_SORRY
    asked = texts(chat(sender, "so 1 hay so 2 a"))  # a question, its "hay" no "great": never a rating
    assert m.FEEDBACK_THANKS not in asked and m.FEEDBACK_SORRY not in asked
    chat(new_sender(), "thủ tục cấp phép bay drone cho đám cưới")
    status, report = staff(stack, "GET", "/analytics")
    assert status == 200
    assert any(p["code"] == "1.004194" for p in report["top_procedures"])
    assert any("drone" in q["question"] for q in report["unanswered_questions"])
    assert report["ratings"] >= 2 and 0 < report["satisfaction_rate"] < 1


def test_the_greeting_buttons_show_the_procedure_and_start_no_form(chat):
    sender = new_sender()
    greeting = chat(sender, "xin chào")
    birth = next(b for b in greeting[0]["buttons"] if b["title"] == "Đăng ký khai sinh")
    reply = texts(chat(sender, birth["payload"]))
    assert "(mã 1.001193)" in reply and m.CONSENT_QUESTION not in reply


def test_a_follow_up_during_a_clarification_is_answered_and_the_choice_kept(chat):
    sender = new_sender()
    reply = chat(sender, "cap phieu ly lich tu phap")
    assert reply[0]["text"].startswith(m.CLARIFY)
    first, chosen = reply[0]["buttons"][0], reply[0]["buttons"][-1]
    code = first["payload"].split('"procedure_code": "')[1].split('"')[0]
    waiting = chat(sender, "mất bao lâu")  # answered for the first variant, the variants still offered
    time_lines = answers.aspect_answer(get_procedure(code), "thời gian").split("\n")[1:-1]
    assert "\n".join(time_lines) in waiting[0]["text"] and f"(mã {code})" in waiting[0]["text"].split("\n")[0]
    assert [b["payload"] for b in waiting[-1]["buttons"]] == [b["payload"] for b in reply[0]["buttons"]]
    other = chosen["payload"].split('"procedure_code": "')[1].split('"')[0]
    assert answers.aspect_answer(get_procedure(other), "thời gian") in texts(chat(sender, chosen["payload"]))


def test_a_new_procedure_in_a_follow_up_wins(chat):
    sender = new_sender()
    assert "3.000348" in texts(chat(sender, "tôi bị mất bằng lái xe"))
    assert "1.014064" in texts(chat(sender, "còn thẻ căn cước bị mất thì sao"))
    assert answers.aspect_answer(get_procedure("1.014064"), "thời gian") in texts(chat(sender, "mất bao lâu"))


def test_an_officer_teaches_an_unanswered_wording_and_the_same_question_is_then_answered(stack, chat):
    question = "giấy chưa vợ làm ở đâu"  # the catalogue never says "chưa vợ": the search is lost
    assert "mã 1.004873" not in texts(chat(new_sender(), question))
    _, report = staff(stack, "GET", "/analytics?top=100")
    unanswered = next(q["question"] for q in report["unanswered_questions"] if "chưa vợ" in q["question"])
    status, alias = staff(stack, "POST", "/officer/aliases",
                          {"phrase": "giấy chưa vợ", "procedure_code": "1.004873", "officer": "Lan"})
    assert status == 201 and alias["phrase"] in unanswered
    answer = texts(chat(new_sender(), question))  # no redeploy, no rebuild: the next message
    assert "(mã 1.004873)" in answer and "Cấp Giấy xác nhận tình trạng hôn nhân" in answer
    assert staff(stack, "DELETE", f"/officer/aliases/{alias['id']}")[0] == 204


def test_a_long_answer_offers_the_rest_and_the_button_shows_it(chat):
    sender = new_sender()
    reply = chat(sender, "làm giấy khai sinh cần giấy tờ gì")
    more = next(b for b in reply[0]["buttons"] if b["title"] == m.MORE_BUTTON)
    rest = texts(chat(sender, more["payload"]))
    birth = get_procedure("1.001193")
    assert rest.startswith(m.MORE_HEADER.format(name=birth.name, code=birth.code, aspect="Giấy tờ cần chuẩn bị"))
    assert birth.source_url in rest and len(rest) > 200


@pytest.mark.parametrize("reply", ["chưa, cháu mới 10 tuổi", "duoi 14 tuoi", "không", "CLICK"])
def test_close_variants_are_told_apart_by_a_question_about_the_situation(chat, reply):
    from knowledge.situations import situation_questions

    question = situation_questions()["age_14"]
    sender = new_sender()
    asked = chat(sender, "cap the can cuoc")
    assert texts(asked) == question.question and [b["title"] for b in asked[0]["buttons"]] == [a.title for a in question.answers]
    said = texts(chat(sender, asked[0]["buttons"][1]["payload"] if reply == "CLICK" else reply))
    assert "(mã 1.014062)" in said and get_procedure("1.014062").name in said  # thẻ căn cước cho người dưới 14 tuổi


def test_wrong_turns_citizens_met(chat):
    """"ko" closing a question is no rejection; the unsure reply is one message; a portal dossier code
    gets the portal's look-up; a complaint its channel and the officer; a typed "có" confirms a deletion
    in one non-empty message."""
    sender = new_sender()
    story = ("Hồi nhỏ bố mẹ khai sinh cho tôi tên là Nguyễn Văn Tí, bây giờ đi làm rất ngại, tôi muốn đổi tên khác "
             "có được không, làm ở đâu?")
    unsure = chat(sender, story)
    assert len(unsure) == 1 and unsure[0]["text"].startswith(m.NOT_CONFIDENT_OPTIONS) and unsure[0]["buttons"]
    for question in ("nop online dc ko", "làm ở xã được không ạ"):
        assert not texts(chat(sender, question)).startswith(m.MORE_OPTIONS), question
    assert "Tra cứu hồ sơ" in texts(chat(sender, "H99.12-240101-0001"))
    complaint = chat(sender, "cán bộ gây khó dễ không nhận hồ sơ")
    assert complaint[0]["text"] == m.COMPLAINT.format(url=m.COMPLAINT_URL)
    assert [b["title"] for b in complaint[0]["buttons"]] == ["Gặp cán bộ"]
    assert texts(chat(sender, "xóa dữ liệu của tôi")) == m.DELETE_CONFIRM
    deleted = chat(sender, "có")
    assert len(deleted) == 1 and deleted[0]["text"].startswith("Đã xóa toàn bộ thông tin cá nhân")
