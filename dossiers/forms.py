"""Declarations the assistant can fill: the fields of each official form, in order.

Documented JSON draft schema (one per form): ``{"form": <form id>, "procedure": <code>,
"fields": {<field key>: <string>}}`` with the keys listed below for that form.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from dossiers.validation import (
    Result,
    check_cccd,
    check_cccd_if_known,
    check_choice,
    check_date,
    check_email,
    check_name,
    check_optional,
    check_phone,
    check_sex,
    check_text,
    check_year,
)


@dataclass(frozen=True)
class Field:
    key: str
    label: str  # as printed on the form
    question: str
    check: Callable[[str], Result] = check_text
    profile_key: str | None = None  # reused from / saved to the citizen's profile
    default: str | None = None  # offered for confirmation when nothing better is known


@dataclass(frozen=True)
class Form:
    id: str
    title: str
    procedures: tuple[str, ...]
    legal_form: str
    fields: list[Field] = field(default_factory=list)

    def field(self, key: str) -> Field:
        return next(f for f in self.fields if f.key == key)


ETHNICITY, NATIONALITY = "Kinh", "Việt Nam"


def _person(prefix: str, who: str) -> list[Field]:
    return [
        Field(f"{prefix}_name", f"Họ, chữ đệm, tên {who}", f"Họ và tên {who}?", check_name),
        Field(f"{prefix}_birth_year", f"Năm sinh {who}", f"Năm sinh của {who}?", check_year),
        Field(f"{prefix}_ethnicity", f"Dân tộc {who}", f"Dân tộc của {who}?", default=ETHNICITY),
        Field(f"{prefix}_nationality", f"Quốc tịch {who}", f"Quốc tịch của {who}?", default=NATIONALITY),
        Field(f"{prefix}_residence", f"Nơi cư trú {who}", f"Nơi cư trú của {who}?"),
    ]


REQUESTER = [
    Field("requester_name", "Họ, chữ đệm, tên người yêu cầu", "Họ và tên người yêu cầu (bạn)?", check_name, "full_name"),
    Field("requester_id", "Số định danh cá nhân (CCCD)", "Số CCCD (12 số) của bạn?", check_cccd, "id_number"),
    Field("requester_residence", "Nơi cư trú", "Nơi cư trú của bạn (số nhà, đường, phường/xã, tỉnh/thành)?",
          profile_key="residence"),
]

BIRTH = Form(
    id="to-khai-dang-ky-khai-sinh",
    title="TỜ KHAI ĐĂNG KÝ KHAI SINH",
    procedures=("1.001193",),
    legal_form="Mẫu ban hành kèm theo Thông tư số 04/2020/TT-BTP",
    fields=[
        *REQUESTER,
        Field("relationship", "Quan hệ với người được khai sinh", "Bạn là gì của cháu bé (cha, mẹ, ông, bà…)?"),
        Field("child_name", "Họ, chữ đệm, tên người được khai sinh", "Họ và tên của cháu bé?", check_name),
        Field("child_dob", "Ngày, tháng, năm sinh", "Ngày sinh của cháu (ngày/tháng/năm)?", check_date),
        Field("child_sex", "Giới tính", "Giới tính của cháu (Nam/Nữ)?", check_sex),
        Field("child_ethnicity", "Dân tộc", "Dân tộc của cháu?", default=ETHNICITY),
        Field("child_nationality", "Quốc tịch", "Quốc tịch của cháu?", default=NATIONALITY),
        Field("child_birthplace", "Nơi sinh", "Nơi sinh của cháu (tên cơ sở y tế, xã/phường, tỉnh)?"),
        Field("child_hometown", "Quê quán", "Quê quán của cháu?"),
        *_person("mother", "người mẹ"),
        *_person("father", "người cha"),
    ],
)

MARITAL_STATUSES = ["Chưa kết hôn", "Đã đăng ký kết hôn nhưng đã ly hôn", "Vợ/chồng đã chết", "Đang có vợ/chồng"]
MARITAL = Form(
    id="to-khai-xac-nhan-tinh-trang-hon-nhan",
    title="TỜ KHAI CẤP GIẤY XÁC NHẬN TÌNH TRẠNG HÔN NHÂN",
    procedures=("1.004873",),
    legal_form="Mẫu ban hành kèm theo Thông tư số 04/2020/TT-BTP",
    fields=[
        REQUESTER[0],
        Field("requester_dob", "Ngày, tháng, năm sinh", "Ngày sinh của bạn (ngày/tháng/năm)?", check_date, "dob"),
        Field("requester_sex", "Giới tính", "Giới tính của bạn (Nam/Nữ)?", check_sex, "sex"),
        Field("requester_ethnicity", "Dân tộc", "Dân tộc của bạn?", profile_key="ethnicity", default=ETHNICITY),
        Field("requester_nationality", "Quốc tịch", "Quốc tịch của bạn?", profile_key="nationality", default=NATIONALITY),
        REQUESTER[1],
        REQUESTER[2],
        Field("residence_period", "Thời gian cư trú (nếu cần xác nhận)",
              "Nếu cần xác nhận tình trạng hôn nhân trong thời gian cư trú trước đây, ghi nơi và thời gian; "
              "không cần thì nhắn “không”.", check_optional),
        Field("marital_status", "Tình trạng hôn nhân", "Tình trạng hôn nhân hiện nay: 1. Chưa kết hôn; "
              "2. Đã ly hôn; 3. Vợ/chồng đã chết; 4. Đang có vợ/chồng?", check_choice(MARITAL_STATUSES)),
        Field("purpose", "Mục đích sử dụng", "Bạn dùng giấy xác nhận để làm gì (ví dụ: đăng ký kết hôn, vay vốn)?"),
    ],
)

RESIDENCE = Form(
    id="ct01-to-khai-thay-doi-thong-tin-cu-tru",
    title="TỜ KHAI THAY ĐỔI THÔNG TIN CƯ TRÚ (Mẫu CT01)",
    procedures=("1.004222", "1.004194"),
    legal_form="Mẫu CT01 ban hành kèm theo Thông tư số 53/2025/TT-BCA",
    fields=[
        Field("full_name", "Họ, chữ đệm và tên", "Họ và tên của bạn?", check_name, "full_name"),
        Field("dob", "Ngày, tháng, năm sinh", "Ngày sinh của bạn (ngày/tháng/năm)?", check_date, "dob"),
        Field("sex", "Giới tính", "Giới tính của bạn (Nam/Nữ)?", check_sex, "sex"),
        Field("id_number", "Số định danh cá nhân", "Số CCCD (12 số) của bạn?", check_cccd, "id_number"),
        Field("phone", "Số điện thoại liên hệ", "Số điện thoại liên hệ?", check_phone, "phone"),
        Field("email", "Email", "Email (nếu không có, nhắn “không”)?", check_email),
        Field("head_name", "Họ, chữ đệm và tên chủ hộ", "Họ và tên chủ hộ nơi bạn đăng ký?", check_name),
        Field("head_relationship", "Mối quan hệ với chủ hộ", "Bạn là gì của chủ hộ (chủ hộ, con, vợ, người thuê nhà…)?"),
        Field("head_id_number", "Số định danh cá nhân của chủ hộ",
              "Số CCCD (12 số) của chủ hộ? Nếu không biết, nhắn “không biết”.", check_cccd_if_known),
        Field("head_consent", "Ý kiến của chủ hộ / chủ sở hữu chỗ ở",
              "Chủ hộ (hoặc chủ sở hữu chỗ ở) đã đồng ý cho bạn đăng ký vào chỗ ở này chưa? (Đồng ý / Chưa đồng ý)",
              check_choice(["Đồng ý", "Chưa đồng ý"])),
        Field("content", "Nội dung đề nghị", "Nội dung đề nghị (ví dụ: đăng ký thường trú cho bản thân)?"),
        Field("new_address", "Địa chỉ nơi đăng ký", "Địa chỉ nơi đăng ký cư trú mới (số nhà, đường, phường/xã, tỉnh)?"),
    ],
)

FORMS = {form.id: form for form in (BIRTH, MARITAL, RESIDENCE)}
# "Như của tôi" for these fields means the citizen's own answer to the other field.
SAME_AS = {"mother_residence": "requester_residence", "father_residence": "requester_residence"}


def form_for(procedure_code: str | None) -> Form | None:
    return next((f for f in FORMS.values() if procedure_code in f.procedures), None)


# Cross-field rules: (field checked, function(data) -> error or None).
def _child_after_parents(data: dict[str, str]) -> str | None:
    dob, years = data.get("child_dob"), [data.get("mother_birth_year"), data.get("father_birth_year")]
    if dob:
        child_year = int(dob[-4:])
        for year in filter(None, years):
            if int(year) >= child_year:
                return f"Năm sinh của cha/mẹ ({year}) phải trước năm sinh của cháu ({child_year}). Bạn kiểm tra lại."
    return None


def cross_check(form: Form, key: str, value: str, data: dict[str, str]) -> str | None:
    """Rules that need other fields: CCCD vs date of birth and sex; child born after parents."""
    merged = {**data, key: value}
    if key in {"requester_id", "id_number"}:
        dob = merged.get("requester_dob") or merged.get("dob")
        sex = merged.get("requester_sex") or merged.get("sex")
        return check_cccd(value, dob, sex)[1]
    if key in {"child_dob", "mother_birth_year", "father_birth_year"}:
        return _child_after_parents(merged)
    return None
