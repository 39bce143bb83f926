"""Files in S3-compatible object storage (Viettel, VNPT and FPT clouds, MinIO, AWS): the bucket
stays private, and a file's URL is this site's ``/media/…``, where ``market.media`` streams the
public ones (photos, logos, Wagtail images). Pages keep loading images from their own origin
(the Content-Security-Policy's ``img-src 'self'``), and no object is readable from the
bucket without the key."""

from django.conf import settings
from django.utils.encoding import filepath_to_uri
from storages.backends.s3 import S3Storage


class MediaS3Storage(S3Storage):
    def url(self, name, parameters=None, expire=None, http_method=None):
        return settings.MEDIA_URL + filepath_to_uri(name).lstrip("/")
