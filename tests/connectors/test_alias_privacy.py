"""An alias phrase with personal data is refused (400, in Vietnamese), never stored nor audited: aliases
and the audit are kept for good and exported to the catalogue's data files (attack run 3, F6)."""

import pytest

from connectors import messages as msg
from tests.connectors.inprocess import STAFF, FakeCore


@pytest.mark.parametrize("phrase", [
    "tên là Nguyễn Văn An CCCD 001090012345 sđt 0912345678 sinh 15/03/1990 làm lại căn cước",
    "làm lại căn cước số 001190 - 012345", "đổi hộ khẩu cho 0912 345 678", "sinh 15/03/1990 làm khai sinh",
    "chuyển hộ khẩu về 45/2 Lê Lợi", "làm lại căn cước, số cũ 001*** - ***345",  # prefilled from a masked question
    "xác nhận cư trú ở [địa chỉ]", "giấy tờ của [họ tên]",
    "làm hộ chiếu số điện thoại 0912\u200b345678", "làm hộ chiếu số điện thoại 0912&#8203;345678",  # hidden as stored
])
def test_a_phrase_with_personal_data_is_refused_and_kept_nowhere(gateway, phrase):
    from storage import aliases, audit

    client = gateway(FakeCore())
    refused = client.post("/officer/aliases", headers=STAFF, json={"phrase": phrase, "procedure_code": "1.004873"})
    assert refused.status_code == 400 and refused.json()["detail"] == msg.ALIAS_PERSONAL_DATA
    assert aliases.listed() == [] and not [e for e in audit.entries() if e["action"] == "alias"]


@pytest.mark.parametrize("phrase", ["giấy còn độc thân", "làm lại căn cước bị mất", "lệ phí 135.000 đồng khai sinh",
                                    "thủ tục 1.004873", "theo Nghị định 123/2015/NĐ-CP"])
def test_an_ordinary_phrase_is_taught(gateway, phrase):
    client = gateway(FakeCore())
    taught = client.post("/officer/aliases", headers=STAFF, json={"phrase": phrase, "procedure_code": "1.004873"})
    assert taught.status_code == 201 and taught.json()["phrase"] == phrase
