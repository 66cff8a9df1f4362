"""The printable declaration (PDF with Vietnamese diacritics) and the checklist of papers."""

from __future__ import annotations

from pathlib import Path

from fpdf import FPDF

from dossiers.forms import FORMS
from dossiers.settings import dossier_settings

# A TrueType font with Vietnamese glyphs: Debian's fonts-noto-core, else DejaVu; PDF_FONT overrides.
FONT_CANDIDATES = [
    "/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
]


def font_path() -> str:
    for candidate in [dossier_settings().pdf_font, *FONT_CANDIDATES]:
        if candidate and Path(candidate).exists():
            return candidate
    raise RuntimeError("No Vietnamese-capable TrueType font found: install fonts-noto-core or set PDF_FONT")


def declaration_pdf(dossier: dict, checklist: list[str]) -> bytes:
    """The filled declaration, with the dossier code, and the papers to bring."""
    form = FORMS[dossier["form_id"]]
    pdf = FPDF(format="A4")
    pdf.set_margins(18, 16, 18)
    pdf.add_font("vn", "", font_path())
    pdf.add_page()
    pdf.set_font("vn", size=11)
    pdf.cell(0, 6, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.cell(0, 6, "Độc lập - Tự do - Hạnh phúc", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font("vn", size=15)
    pdf.cell(0, 9, form.title, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("vn", size=9)
    pdf.cell(0, 5, f"{form.legal_form} — Mã hồ sơ: {dossier['code']} (bản nháp)", align="C",
             new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    for section in form.sections:
        if section.heading:
            pdf.ln(2)
            pdf.set_font("vn", size=12)
            pdf.cell(0, 7, section.heading.upper(), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("vn", size=11)
        for field in section.fields:
            value = dossier["data"].get(field.key) or "—"
            pdf.multi_cell(0, 7, f"{field.label}: {value}", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)
    pdf.multi_cell(0, 6, "Tôi cam đoan nội dung khai trên đây là đúng sự thật và chịu trách nhiệm trước pháp luật "
                         "về cam đoan của mình.", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.cell(0, 6, f"{form.signature} (ký, ghi rõ họ tên)", align="R", new_x="LMARGIN", new_y="NEXT")
    if checklist:
        pdf.add_page()
        pdf.set_font("vn", size=13)
        pdf.cell(0, 8, "GIẤY TỜ CẦN MANG THEO", new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("vn", size=11)
        for item in checklist:
            pdf.multi_cell(0, 6, f"- {item}", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
