"""With the shared cache (Redis) down: pages still answer, the sensitive doors refuse rather
than count nothing (fail closed), and the stall application form stays open."""

import pytest
from django.test import Client
from django.urls import reverse

from market.settings.base import redis_cache
from merchants.models import Application
from tests.factories import VENDOR_FORM, market

pytestmark = pytest.mark.django_db

DEAD_REDIS = "redis://127.0.0.1:1/0"  # nothing listens on port 1: connection refused at once


@pytest.fixture
def redis_down(settings):
    settings.CACHES = {
        "default": redis_cache(DEAD_REDIS, tolerant=True),
        "limits": redis_cache(DEAD_REDIS, tolerant=False, prefix="limits"),
    }


def test_pages_answer_with_the_cache_down(client, home_page, redis_down):
    assert client.get("/").status_code == 200
    assert client.get(reverse("catalogue:index")).status_code == 200


@pytest.mark.parametrize(
    ("url", "data"),
    [
        ("payments:order-lookup", {"number": "100001", "phone": "0912 345 678"}),
        ("merchants:application-lookup", {"reference": "HS12345678", "phone": "0912 345 678"}),
    ],
)
def test_lookups_of_personal_data_fail_closed(client, redis_down, url, data):
    response = client.post(reverse(url), data)
    assert response.status_code == 503
    assert response["Retry-After"] == "120"
    assert "Hãy thử lại sau vài phút" in response.content.decode()


def test_the_stall_application_form_stays_open(redis_down):
    m = market()
    response = Client().post(reverse("merchants:apply"), {**VENDOR_FORM, "market": m.pk})
    assert response.status_code == 302
    assert Application.objects.filter(stall__market=m).count() == 1
