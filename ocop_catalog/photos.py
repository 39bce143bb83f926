"""Product photo intake: check, then re-encode.

An upload is refused with a Vietnamese message, never a 500, when it is not JPEG, PNG or
WebP, is over ``PHOTO_MAX_BYTES``, or declares more than ``PHOTO_MAX_PIXELS``. The pixel
check reads only the header, so a "decompression bomb" (a tiny PNG that declares
20,000 × 20,000 px) is refused before a single row is decoded. Accepted photos are
decoded, turned upright, shrunk to at most ``MAX_EDGE`` px and written out again as WebP
with no metadata: EXIF (GPS position, phone model) does not survive.
"""

import io
import warnings
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP"}
MAX_EDGE = 1600


def photo_normalise(upload) -> ContentFile:
    """Validate an uploaded file and return it re-encoded as a metadata-free WebP."""
    max_bytes = settings.PHOTO_MAX_BYTES
    if upload.size is not None and upload.size > max_bytes:
        raise ValidationError(
            _("Ảnh quá lớn: %(size).1f MB. Tối đa %(max)d MB.")
            % {"size": upload.size / 1_048_576, "max": max_bytes // 1_048_576},
            code="too_big",
        )
    upload.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(upload)
            if image.format not in ACCEPTED_FORMATS:
                raise ValidationError(_("Chỉ nhận ảnh JPEG, PNG hoặc WebP."), code="bad_format")
            width, height = image.size
            if width * height > settings.PHOTO_MAX_PIXELS:
                raise ValidationError(
                    _("Ảnh quá nhiều điểm ảnh: %(w)d × %(h)d. Tối đa %(max)d triệu điểm ảnh.")
                    % {"w": width, "h": height, "max": settings.PHOTO_MAX_PIXELS // 1_000_000},
                    code="too_many_pixels",
                )
            image.draft("RGB", (MAX_EDGE, MAX_EDGE))  # JPEG: decode at reduced scale
            image = ImageOps.exif_transpose(image)
            image.thumbnail((MAX_EDGE, MAX_EDGE), Image.Resampling.LANCZOS)
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        # Pillow's own header check fired first (far over the limit): same answer as ours.
        raise ValidationError(
            _("Ảnh quá nhiều điểm ảnh. Tối đa %(max)d triệu điểm ảnh.")
            % {"max": settings.PHOTO_MAX_PIXELS // 1_000_000},
            code="too_many_pixels",
        ) from None
    except UnidentifiedImageError:
        raise ValidationError(_("Tệp này không phải ảnh JPEG, PNG hoặc WebP hợp lệ."), code="bad_image") from None
    except (OSError, ValueError, SyntaxError):
        raise ValidationError(_("Ảnh bị hỏng hoặc không đọc được."), code="broken_image") from None

    if image.mode not in ("RGB", "RGBA"):
        image = image.convert("RGBA" if "transparency" in image.info or image.mode in ("LA", "PA") else "RGB")
    out = io.BytesIO()
    image.save(out, format="WEBP", quality=82, method=4)  # no exif= argument: metadata is dropped
    stem = Path(getattr(upload, "name", "") or "anh").stem[:60] or "anh"
    return ContentFile(out.getvalue(), name=f"{stem}.webp")
