"""API routes: events, documents, entities, kinds, the change feed, the schema."""

from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from timeline.api import changes, pages, views

# No `.json` suffix routes: ?format= is the one way to pick a format.
router = DefaultRouter(use_regex_path=False)
router.include_format_suffixes = False
router.register("events", views.EventViewSet, basename="event")
router.register("documents", views.DocumentViewSet, basename="document")
router.register("entities", views.EntityViewSet, basename="entity")
router.register("kinds", views.EventKindViewSet, basename="kind")
router.register("changes", changes.ChangeViewSet, basename="change")

app_name = "api"

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path(
        "docs/",
        SpectacularSwaggerView.as_view(url_name="api:schema"),
        name="docs",
    ),
    # Before the router's own events/ route: the lean path for public pages,
    # which hands every other request to the same viewset.
    path("events/", pages.event_collection, name="event-list"),
    path("", include(router.urls)),
    re_path(r"^[\s\S]*$", views.api_not_found),  # newlines too
]
