"""Printable label sheets (A4, 3 x 8 grid of 70 x 37 mm, a common self-adhesive layout).

Each label carries its text twice, on the two halves of the label, so that
wrapped around a cable it reads from both sides.
"""

from io import BytesIO

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas

COLUMNS, ROWS = 3, 8
LABEL_WIDTH, LABEL_HEIGHT = 70 * mm, 37 * mm
TOP_MARGIN = (A4[1] - ROWS * LABEL_HEIGHT) / 2
FONT, FONT_SIZE = "Helvetica", 8


def render_sheet(texts, title="egov-netops cable labels"):
    """A PDF (bytes) with one label per text, as many pages as needed."""
    buffer = BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    pdf.setTitle(title)
    per_page = COLUMNS * ROWS
    for start in range(0, max(len(texts), 1), per_page):
        for index, text in enumerate(texts[start:start + per_page]):
            column, row = index % COLUMNS, index // COLUMNS
            x = column * LABEL_WIDTH
            y = A4[1] - TOP_MARGIN - (row + 1) * LABEL_HEIGHT
            _draw_label(pdf, x, y, text)
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def _draw_label(pdf, x, y, text):
    pdf.setStrokeGray(0.8)
    pdf.rect(x + 1 * mm, y + 1 * mm, LABEL_WIDTH - 2 * mm, LABEL_HEIGHT - 2 * mm)
    pdf.line(x + 1 * mm, y + LABEL_HEIGHT / 2, x + LABEL_WIDTH - 1 * mm, y + LABEL_HEIGHT / 2)
    for half in (0, 1):
        lines = _wrap(text, pdf, LABEL_WIDTH - 6 * mm)
        baseline = y + LABEL_HEIGHT / 2 * half + LABEL_HEIGHT / 4 + (len(lines) - 1) * FONT_SIZE / 2
        pdf.setFont(FONT, FONT_SIZE)
        for line in lines:
            pdf.drawCentredString(x + LABEL_WIDTH / 2, baseline, line)
            baseline -= FONT_SIZE + 1


def _wrap(text, pdf, width):
    """Lines that fit the label's width (port names hold '/', so no splitting on it)."""
    lines = []
    while pdf.stringWidth(text, FONT, FONT_SIZE) > width and len(text) > 1:
        cut = len(text)
        while cut > 1 and pdf.stringWidth(text[:cut], FONT, FONT_SIZE) > width:
            cut -= 1
        lines.append(text[:cut])
        text = text[cut:]
    if text:
        lines.append(text)
    return lines
