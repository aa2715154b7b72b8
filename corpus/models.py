"""Source documents (news articles) and their publishers.

A document's text is stored exactly as read from its file: citations point into
it by character offsets, so it is never normalised or edited once stored.
"""

import hashlib

from django.core.exceptions import ValidationError
from django.db import models
from simple_history.models import HistoricalRecords


def text_sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class Publisher(models.Model):
    name = models.CharField(max_length=200, unique=True)
    url = models.URLField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Document(models.Model):
    title = models.CharField(max_length=500)
    publisher = models.ForeignKey(
        Publisher,
        on_delete=models.PROTECT,
        related_name="documents",
        null=True,
        blank=True,
        help_text="Empty when the page does not name its publisher.",
    )
    author = models.CharField(max_length=200, blank=True)
    url = models.URLField(max_length=2000, blank=True)
    language = models.CharField(max_length=16, default="en")
    published_on = models.DateField(null=True, blank=True, db_index=True)
    text = models.TextField()
    sha256 = models.CharField(max_length=64, unique=True, editable=False)
    source_name = models.CharField(
        max_length=255, blank=True, db_index=True, help_text="The file it came from."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Metadata edits are tracked; the text never changes, so history leaves it
    # (and its hash) out to stay small.
    history = HistoricalRecords(excluded_fields=["text", "sha256"])

    class Meta:
        ordering = ["-published_on", "id"]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs) -> None:
        self.sha256 = text_sha256(self.text)
        super().save(*args, **kwargs)

    def clean(self) -> None:
        super().clean()
        if self.pk is not None:
            stored = Document.objects.filter(pk=self.pk).values_list(
                "sha256", flat=True
            )
            if stored and stored[0] != text_sha256(self.text):
                raise ValidationError(
                    {
                        "text": "A stored document's text cannot change: citations "
                        "point into it."
                    }
                )
