"""Top-level URL routes: the public site, the admin, the REST API, i18n."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", include("timeline.api.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("timeline.site.urls")),
]
