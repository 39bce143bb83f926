from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("2fa/", views.TwoFactorVerifyView.as_view(), name="two-factor-verify"),
    path("2fa/cai-dat/", views.TwoFactorSetupView.as_view(), name="two-factor-setup"),
]
