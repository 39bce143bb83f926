import io
import struct
import tracemalloc
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from ocop_catalog.photos import photo_normalise


def _upload(data: bytes, name="anh.png", content_type="image/png"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def _image_bytes(fmt="PNG", size=(40, 30), **save):
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, format=fmt, **save)
    return out.getvalue()


def _png_chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)


def decompression_bomb_png(width=20_000, height=20_000) -> bytes:
    """A ~50 KB PNG that declares 20,000 × 20,000 px of 1-bit grey (50 MB once decoded)."""
    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    row = b"\x00" * (1 + width // 8)
    packer = zlib.compressobj(9)
    idat = b"".join(packer.compress(row) for _ in range(height)) + packer.flush()
    return b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", ihdr) + _png_chunk(b"IDAT", idat) + _png_chunk(b"IEND", b"")


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "WEBP"])
def test_accepted_formats_come_back_as_webp(fmt):
    result = photo_normalise(_upload(_image_bytes(fmt), name=f"anh.{fmt.lower()}"))
    assert result.name == "anh.webp"
    reopened = Image.open(io.BytesIO(result.read()))
    assert reopened.format == "WEBP"
    assert reopened.size == (40, 30)


def test_gif_is_refused_with_a_vietnamese_message():
    with pytest.raises(ValidationError) as err:
        photo_normalise(_upload(_image_bytes("GIF"), name="anh.gif"))
    assert err.value.messages == ["Chỉ nhận ảnh JPEG, PNG hoặc WebP."]


def test_text_file_renamed_jpg_is_refused():
    with pytest.raises(ValidationError) as err:
        photo_normalise(_upload(b"not an image at all", name="anh.jpg"))
    assert err.value.messages == ["Tệp này không phải ảnh JPEG, PNG hoặc WebP hợp lệ."]


def test_over_five_megabytes_is_refused_before_decoding(settings):
    data = b"\x89PNG" + b"0" * (5 * 1024 * 1024 + 1)
    with pytest.raises(ValidationError) as err:
        photo_normalise(_upload(data))
    assert err.value.messages == ["Ảnh quá lớn: 5.0 MB. Tối đa 5 MB."]


def test_over_forty_megapixels_is_refused(settings):
    settings.PHOTO_MAX_PIXELS = 1_000_000  # same rule, smaller picture: 1,080,000 px
    with pytest.raises(ValidationError) as err:
        photo_normalise(_upload(_image_bytes("PNG", size=(1200, 900))))
    assert err.value.messages == ["Ảnh quá nhiều điểm ảnh: 1200 × 900. Tối đa 1 triệu điểm ảnh."]


def test_decompression_bomb_is_refused_and_memory_stays_small():
    bomb = decompression_bomb_png()
    assert len(bomb) < 200_000
    tracemalloc.start()
    try:
        with pytest.raises(ValidationError) as err:
            photo_normalise(_upload(bomb, name="bom.png"))
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert err.value.messages == ["Ảnh quá nhiều điểm ảnh. Tối đa 40 triệu điểm ảnh."]
    assert peak < 5 * 1024 * 1024  # the 50 MB of pixels were never decoded


def test_truncated_png_is_a_form_error_not_a_crash():
    data = _image_bytes("PNG", size=(300, 300))
    with pytest.raises(ValidationError) as err:
        photo_normalise(_upload(data[: len(data) // 2]))
    assert err.value.messages == ["Ảnh bị hỏng hoặc không đọc được."]


def test_exif_and_gps_are_stripped():
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    exif[0x8825] = {1: "N", 2: (21.0, 19.0, 30.0), 3: "E", 4: (103.0, 54.0, 10.0)}
    original = _image_bytes("JPEG", exif=exif.tobytes())
    assert Image.open(io.BytesIO(original)).getexif().get(0x010F) == "PhoneMaker"

    result = Image.open(io.BytesIO(photo_normalise(_upload(original, name="a.jpg")).read()))
    assert dict(result.getexif()) == {}
    assert "exif" not in result.info


def test_large_photo_is_shrunk_to_1600px():
    result = photo_normalise(_upload(_image_bytes("JPEG", size=(4000, 3000)), name="to.jpg"))
    assert Image.open(io.BytesIO(result.read())).size == (1600, 1200)
