"""Admin registrations for source documents."""

from django.contrib import admin

from corpus.models import Document, Publisher


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    list_display = ["title", "publisher", "published_on", "language", "source_name"]
    list_select_related = ["publisher"]
    search_fields = ["title", "source_name"]
    readonly_fields = ["sha256"]


admin.site.register(Publisher)
