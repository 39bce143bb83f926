"""Two doors every node opens: /media/ (public files only, never a page) and /healthz/
(ok or fail per part, nothing else)."""

import json

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from market.settings.base import redis_cache

pytestmark = pytest.mark.django_db


@pytest.fixture
def stored():
    names = {
        "photo": default_storage.save("images/products/che.webp", ContentFile(b"RIFF\x00\x00\x00\x00WEBPVP8 ")),
        "placard": default_storage.save("placards/cho-trung-tam.pdf", ContentFile(b"%PDF-1.4 private")),
        "document": default_storage.save("documents/bien-ban.pdf", ContentFile(b"%PDF-1.4 private")),
        "page": default_storage.save("images/trang.html", ContentFile(b"<script>alert(1)</script>")),
    }
    yield names
    for name in names.values():
        default_storage.delete(name)


def test_a_public_photo_is_served_as_data_from_the_storage(client, stored):
    response = client.get(default_storage.url(stored["photo"]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/webp"
    assert b"".join(response.streaming_content).startswith(b"RIFF")
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_an_uploaded_page_is_a_download_never_rendered(client, stored):
    response = client.get(default_storage.url(stored["page"]))
    assert response["Content-Disposition"].startswith("attachment")
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"


@pytest.mark.parametrize("kind", ["placard", "document"])
def test_private_files_are_not_served_under_media(client, stored, kind):
    assert client.get(f"/media/{stored[kind]}").status_code == 404


@pytest.mark.parametrize(
    "path", ["/media/../market/settings/base.py", "/media/images/../placards/x.pdf", "/media//etc/passwd", "/media/./x"]
)
def test_no_path_leaves_the_public_files(client, stored, path):
    assert client.get(path).status_code == 404


def test_media_takes_get_only(client, stored):
    assert client.post(default_storage.url(stored["photo"])).status_code == 405


def test_healthz_says_ok_per_part_and_nothing_else(client):
    response = client.get("/healthz/")
    assert response.status_code == 200
    assert json.loads(response.content) == {
        "status": "ok",
        "checks": {"database": "ok", "cache": "ok", "broker": "ok", "storage": "ok"},
    }
    assert "no-cache" in response["Cache-Control"]


def test_healthz_is_503_when_the_cache_is_down_and_leaks_no_error(client, settings):
    settings.CACHES = {
        "default": redis_cache("redis://127.0.0.1:1/0", tolerant=True),
        "limits": redis_cache("redis://127.0.0.1:1/0", tolerant=False),
    }
    response = client.get("/healthz/")
    assert response.status_code == 503
    body = response.content.decode()
    assert json.loads(body)["checks"] == {"database": "ok", "cache": "fail", "broker": "ok", "storage": "ok"}
    assert "127.0.0.1" not in body and "Error" not in body
