"""Resized WebP renditions of product photos, made once and kept in media storage.

The rendition's name is derived from the source name and width, so finding it costs a
storage ``exists`` check, not a database query: product lists stay at a fixed query count
however many photos they show. ``OscarThumbnailer`` plugs the same renditions into
Oscar's ``{% oscar_thumbnail %}`` (basket, checkout, dashboard), so the site has one way
of resizing images.
"""

import hashlib
import io
from dataclasses import dataclass
from pathlib import PurePosixPath

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image, ImageOps

WIDTHS = (160, 400, 800)


def rendition_name(source_name: str, width: int) -> str:
    digest = hashlib.sha1(source_name.encode()).hexdigest()[:10]
    stem = PurePosixPath(source_name).stem[:40]
    return f"renditions/{digest[:2]}/{stem}-{digest}-{width}w.webp"


def rendition_url(source_name: str, width: int, storage=None) -> str:
    storage = storage or default_storage
    if not source_name:
        return ""
    name = rendition_name(source_name, width)
    if not storage.exists(name):
        try:
            with storage.open(source_name, "rb") as fh:
                image = Image.open(fh)
                image.draft("RGB", (width, width))
                image = ImageOps.exif_transpose(image)
                image.thumbnail((width, width * 2), Image.Resampling.LANCZOS)
                if image.mode not in ("RGB", "RGBA"):
                    image = image.convert("RGB")
                out = io.BytesIO()
                image.save(out, format="WEBP", quality=78, method=4)
        except (OSError, ValueError):
            return storage.url(source_name)
        storage.save(name, ContentFile(out.getvalue()))
    return storage.url(name)


@dataclass(frozen=True)
class _Thumbnail:
    url: str


class OscarThumbnailer:
    """``OSCAR_THUMBNAILER``: serves Oscar's ``{% oscar_thumbnail %}`` from our renditions."""

    def generate_thumbnail(self, source, **opts):
        width = (opts.get("size") or "400x").split("x")[0] or "400"
        wanted = int(width)
        chosen = next((w for w in WIDTHS if w >= wanted), WIDTHS[-1])
        name = getattr(source, "name", source)
        return _Thumbnail(url=rendition_url(str(name), chosen))

    def delete_thumbnails(self, source):
        name = str(getattr(source, "name", source))
        for width in WIDTHS:
            default_storage.delete(rendition_name(name, width))
