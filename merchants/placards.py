"""Placards: the stall's QR printed large with what a buyer needs to trust it.

Drawn with Pillow at 300 dpi and saved as PDF (one image per page), so what is printed is
exactly the bitmap the tests decode. A6 is one placard per page; A4 holds four (A6 is a
quarter of A4). The QR uses error correction M and a 4-module quiet zone.
"""

import io
from pathlib import Path

import segno
from django.conf import settings
from django.utils.translation import gettext as _
from PIL import Image, ImageDraw, ImageFont

from payments.banks import bank_for_bin

DPI = 300
A6 = (1240, 1748)  # 105 × 148 mm
A4 = (2480, 3508)  # 210 × 297 mm
GREEN = (31, 111, 67)
INK = (29, 35, 33)


def mask_account(number: str) -> str:
    """Only the last 4 characters show: “•••• 4567”."""
    return f"•••• {number[-4:]}" if len(number) > 4 else number


def _font(size: int, bold: bool = False):
    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    path = Path(settings.PLACARD_FONT_DIR) / name
    if path.exists():
        return ImageFont.truetype(str(path), size)
    return ImageFont.load_default(size=size)  # lacks some Vietnamese marks; install fonts-dejavu-core


def _qr_image(payload: str, size: int) -> Image.Image:
    buffer = io.BytesIO()
    segno.make(payload, error="m").save(buffer, kind="png", scale=10, border=4)
    buffer.seek(0)
    return Image.open(buffer).convert("RGB").resize((size, size), Image.NEAREST)


def _centre(draw, y, text, font, width, fill=INK) -> int:
    box = draw.textbbox((0, 0), text, font=font)
    draw.text(((width - (box[2] - box[0])) // 2, y), text, font=font, fill=fill)
    return y + (box[3] - box[1]) + int(font.size * 0.45)


def placard_image(qr) -> Image.Image:
    """One A6 placard for an ``IssuedQR``."""
    width, height = A6
    image = Image.new("RGB", A6, "white")
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, width, 150), fill=GREEN)
    _centre(draw, 40, settings.WAGTAIL_SITE_NAME, _font(64, bold=True), width, fill="white")
    stall = qr.stall
    y = 185
    y = _centre(draw, y, stall.name or _("Sạp %(code)s") % {"code": stall.code}, _font(58, bold=True), width)
    y = _centre(draw, y, f"{stall.market.name} · {_('Mã sạp')} {stall.code}", _font(36), width)
    size = 900
    image.paste(_qr_image(qr.payload, size), ((width - size) // 2, y + 10))
    y += size + 40
    y = _centre(draw, y, _("Quét mã để thanh toán"), _font(56, bold=True), width, fill=GREEN)
    y = _centre(draw, y, _("Mở ứng dụng ngân hàng → Quét QR → nhập số tiền"), _font(32), width)
    bank = bank_for_bin(qr.bank_bin)
    y = _centre(draw, y + 10, bank.short_name if bank else qr.bank_bin, _font(40, bold=True), width)
    y = _centre(draw, y, f"{mask_account(qr.account_number)} · {qr.holder_name}", _font(40), width)
    draw.rectangle((0, 0, width - 1, height - 1), outline=(200, 200, 200), width=3)
    return image


def placard_pages(qrs, *, layout: str = "a6", progress=None) -> list[Image.Image]:
    """Pages for these QRs; ``progress(done)`` is called after each placard is drawn."""
    images = []
    for qr in qrs:
        images.append(placard_image(qr))
        if progress:
            progress(len(images))
    if layout == "a6":
        return images
    pages = []
    for start in range(0, len(images), 4):
        sheet = Image.new("RGB", A4, "white")
        for index, placard in enumerate(images[start : start + 4]):
            sheet.paste(placard, ((index % 2) * A6[0], (index // 2) * A6[1]))
        pages.append(sheet)
    return pages


def placards_pdf(qrs, *, layout: str = "a6", progress=None) -> bytes:
    pages = placard_pages(qrs, layout=layout, progress=progress)
    if not pages:
        raise ValueError("no placards to print")
    out = io.BytesIO()
    pages[0].save(out, format="PDF", resolution=DPI, save_all=True, append_images=pages[1:])
    return out.getvalue()
