from django.urls import path, re_path

from . import views

app_name = "stats"
urlpatterns = [
    path("", views.DashboardView.as_view(), name="dashboard"),
    re_path(r"^export/(?P<table>[a-z_]+)\.(?P<extension>csv|xlsx)$", views.ExportView.as_view(), name="export"),
]
