"""Files in S3-compatible storage (moto in server mode on loopback): written through Django's
storage, kept private in the bucket, public ones served at /media/ by the site."""

import io

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image

from ocop_catalog.renditions import rendition_name, rendition_url
from tests.factories import CooperativeFactory
from tests.object_storage import moto_s3, s3_client, storage_settings

pytestmark = pytest.mark.django_db


@pytest.fixture
def bucket(settings):
    with moto_s3() as (endpoint, name):
        for key, value in storage_settings(endpoint, name).items():
            setattr(settings, key, value)
        settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "core.storage.MediaS3Storage"}}
        yield s3_client(endpoint), name


def test_a_logo_goes_to_the_bucket_and_shows_at_media(client, bucket):
    s3, name = bucket
    coop = CooperativeFactory()
    coop.logo.save("logo.webp", ContentFile(b"RIFF\x00\x00\x00\x00WEBPVP8 logo"))
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket=name)["Contents"]]
    assert keys == [coop.logo.name] and coop.logo.name.startswith("cooperatives/")
    assert coop.logo.url == f"/media/{coop.logo.name}"  # this site's origin, never the bucket's
    response = client.get(coop.logo.url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).endswith(b"logo")
    acl = s3.get_object_acl(Bucket=name, Key=coop.logo.name)
    assert [g["Permission"] for g in acl["Grants"]] == ["FULL_CONTROL"]  # the owner only: not public


def test_a_placard_pdf_in_the_bucket_is_not_served_at_media(client, bucket):
    saved = default_storage.save("placards/cho.pdf", ContentFile(b"%PDF-1.4"))
    assert client.get(f"/media/{saved}").status_code == 404


def test_a_photos_rendition_is_made_once_in_the_bucket_and_served(client, bucket):
    s3, name = bucket
    photo = io.BytesIO()
    Image.new("RGB", (1200, 900), "green").save(photo, format="JPEG")
    source = default_storage.save("images/products/che.jpg", ContentFile(photo.getvalue()))
    url = rendition_url(source, 320)
    assert url == f"/media/{rendition_name(source, 320)}"
    assert rendition_url(source, 320) == url  # the second page view finds it made
    keys = sorted(o["Key"] for o in s3.list_objects_v2(Bucket=name)["Contents"])
    assert keys == sorted([source, rendition_name(source, 320)])
    served = Image.open(io.BytesIO(b"".join(client.get(url).streaming_content)))
    assert (served.format, served.size) == ("WEBP", (320, 240))
