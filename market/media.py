"""``/media/<name>``: a public file from the default storage (local disk, or S3-compatible
object storage in a cluster), streamed by the web node. Private files (placard PDFs, Wagtail
documents, which Wagtail serves itself with its privacy checks) are never served here."""

import mimetypes
import posixpath

from django.conf import settings
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from django.views.decorators.http import require_GET

PUBLIC_TYPES = ("image/webp", "image/jpeg", "image/png", "image/gif", "image/avif")


@require_GET
def media_serve(request, name: str):
    clean = posixpath.normpath(name)
    if (
        clean != name
        or clean.startswith(("/", "."))
        or clean.startswith(tuple(settings.MEDIA_PRIVATE_PREFIXES))
        or not default_storage.exists(clean)
    ):
        raise Http404
    content_type = mimetypes.guess_type(clean)[0] or "application/octet-stream"
    response = FileResponse(
        default_storage.open(clean, "rb"), content_type=content_type, as_attachment=content_type not in PUBLIC_TYPES
    )
    # Names never change content (Django storage picks a new name for a new file).
    response["Cache-Control"] = "public, max-age=604800"
    # A file is data, never a page: no script of it runs on this origin.
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["X-Content-Type-Options"] = "nosniff"
    return response
