"""The printable declaration keeps Vietnamese diacritics (text extracted back with pypdf)."""

import io

from pypdf import PdfReader

from dossiers.drafts import checklist
from dossiers.pdf import declaration_pdf


def test_pdf_text_has_the_filled_values_with_diacritics():
    dossier = {"code": "HS-2026-000042", "form_id": "to-khai-xac-nhan-tinh-trang-hon-nhan", "data": {
        "requester_name": "Nguyễn Thị Hồng Nhung", "requester_residence": "Số 12 đường Lê Lợi, phường Bến Thành, TP Hồ Chí Minh",
        "marital_status": "Chưa kết hôn", "purpose": "Đăng ký kết hôn"}}
    pdf = declaration_pdf(dossier, checklist("1.004873"))
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    for value in ["TỜ KHAI CẤP GIẤY XÁC NHẬN TÌNH TRẠNG HÔN NHÂN", "HS-2026-000042", "Nguyễn Thị Hồng Nhung",
                  "phường Bến Thành", "Chưa kết hôn", "GIẤY TỜ CẦN MANG THEO"]:
        assert value in text, value
