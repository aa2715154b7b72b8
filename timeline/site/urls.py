"""Routes of the public site."""

from django.urls import path

from timeline.site import feeds, views

app_name = "site"

urlpatterns = [
    path("", views.home, name="home"),
    path("events/", views.event_list, name="events"),
    path("events/<int:pk>/", views.event_detail, name="event"),
    path("entities/<int:pk>/", views.entity_detail, name="entity"),
    path("documents/<int:pk>/", views.document_detail, name="document"),
    path("timeline/data/", views.timeline_data, name="timeline-data"),
    path("embed/", views.embed, name="embed"),
    path("feed.atom", feeds.PublishedEventsFeed(), name="feed"),
]
