"""Placards: the stall's QR printed large with what a buyer needs to trust it.

Drawn with Pillow at 300 dpi; each page is one JPEG image in the PDF, so what is printed is
exactly the bitmap the tests decode. A6 is one placard per page; A4 holds four (A6 is a
quarter of A4). The QR uses error correction M and a 4-module quiet zone.

The PDF is written page by page (``write_placards_pdf``): a whole street of 400 placards
never sits in memory at once (``make bench`` prints the time and peak memory).
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
    number = str(number)
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


def placard_pages(qrs, *, layout: str = "a6", progress=None):
    """Pages for these QRs, one at a time; ``progress(done)`` is called after each placard."""
    done = 0
    sheet, slot = None, 0
    for qr in qrs:
        placard = placard_image(qr)
        done += 1
        if progress:
            progress(done)
        if layout == "a6":
            yield placard
            continue
        if sheet is None:
            sheet, slot = Image.new("RGB", A4, "white"), 0
        sheet.paste(placard, ((slot % 2) * A6[0], (slot // 2) * A6[1]))
        slot += 1
        if slot == 4:
            yield sheet
            sheet = None
    if sheet is not None:
        yield sheet


def _points(pixels: int) -> float:
    return pixels * 72 / DPI


def write_placards_pdf(qrs, out, *, layout: str = "a6", progress=None) -> int:
    """Write the placards' PDF to the binary file ``out``, page by page. Returns the page
    count; raises ValueError when there is nothing to print (nothing is written then)."""
    pages = placard_pages(qrs, layout=layout, progress=progress)
    first = next(pages, None)
    if first is None:
        raise ValueError("no placards to print")
    offsets: dict[int, int] = {}
    position = 0

    def write(data: bytes) -> None:
        nonlocal position
        out.write(data)
        position += len(data)

    def obj(number: int, body: bytes, stream: bytes | None = None) -> None:
        offsets[number] = position
        write(b"%d 0 obj\n" % number)
        if stream is None:
            write(body + b"\nendobj\n")
        else:
            write(body[:-2].rstrip() + b" /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream\nendobj\n")

    write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    kids = []
    number = 3  # 1: catalog, 2: page tree (written last, once the pages are known)
    for page in _chain(first, pages):
        buffer = io.BytesIO()
        page.save(buffer, format="JPEG", quality=90, dpi=(DPI, DPI))
        width, height = _points(page.width), _points(page.height)
        image, content, page_number = number, number + 1, number + 2
        obj(
            image,
            b"<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceRGB "
            b"/BitsPerComponent 8 /Filter /DCTDecode >>" % (page.width, page.height),
            buffer.getvalue(),
        )
        obj(content, b"<< >>", b"q %.2f 0 0 %.2f 0 0 cm /Im0 Do Q" % (width, height))
        obj(
            page_number,
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %.2f %.2f] /Resources << /XObject << /Im0 %d 0 R >> >> "
            b"/Contents %d 0 R >>" % (width, height, image, content),
        )
        kids.append(page_number)
        number += 3
    obj(1, b"<< /Type /Catalog /Pages 2 0 R >>")
    obj(2, b"<< /Type /Pages /Kids [%s] /Count %d >>" % (b" ".join(b"%d 0 R" % k for k in kids), len(kids)))
    xref = position
    write(b"xref\n0 %d\n0000000000 65535 f \n" % number)
    for n in range(1, number):
        write(b"%010d 00000 n \n" % offsets[n])
    write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (number, xref))
    return len(kids)


def _chain(first, rest):
    yield first
    yield from rest


def placards_pdf(qrs, *, layout: str = "a6", progress=None) -> bytes:
    out = io.BytesIO()
    write_placards_pdf(qrs, out, layout=layout, progress=progress)
    return out.getvalue()
