"""Source documents (news articles) and their publishers.

A document's text is stored exactly as read from its file: citations point into
it by character offsets, so it is never normalised or edited once stored.
"""

import hashlib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from corpus.slugs import SlugFromName


def text_sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class Publisher(SlugFromName):
    slug_fallback = "publisher"

    name = models.CharField(max_length=200, unique=True)
    # For the API (`?publisher=xinhua`); derived from the name when blank.
    slug = models.SlugField(max_length=220, unique=True, allow_unicode=True, blank=True)
    url = models.URLField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class IngestRun(models.Model):
    """One run of `ingest` or of the admin's "Add articles": who, when, what.

    `files` lists each file given, in order, as a dict with its `name`, its
    `outcome` (one of `FileOutcome`), the `document` id it stored, the
    numbers of `events` created and `citations` added, and the `error` that
    refused it. The run is recorded even when nothing was written.
    """

    class Via(models.TextChoices):
        COMMAND = "command", "manage.py ingest"
        ADMIN = "admin", "Add articles (admin)"

    class Status(models.TextChoices):
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        PARTIAL = "partial", "Done, some files failed"
        FAILED = "failed", "Failed, nothing written"

    class FileOutcome(models.TextChoices):
        STORED = "stored", "Stored"
        ALREADY_STORED = "already stored", "Already stored (skipped)"
        FAILED = "failed", "Failed"
        ROLLED_BACK = "rolled back", "Rolled back (--atomic)"

    via = models.CharField(max_length=16, choices=Via.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="ingest_runs",
        help_text="Who added the articles in the admin.",
    )
    invoked_by = models.CharField(
        max_length=200,
        blank=True,
        help_text="The system account and host that ran the command.",
    )
    arguments = models.TextField(blank=True, help_text="The command's options.")
    atomic = models.BooleanField(
        default=False, help_text="All files in one transaction (--atomic)."
    )
    status = models.CharField(
        max_length=16, choices=Status.choices, default=Status.RUNNING
    )
    started_at = models.DateTimeField(default=timezone.now, db_index=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    files = models.JSONField(default=list, blank=True)
    documents_created = models.PositiveIntegerField(default=0)
    documents_skipped = models.PositiveIntegerField(default=0)
    files_failed = models.PositiveIntegerField(default=0)
    events_created = models.PositiveIntegerField(default=0)
    citations_added = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"Ingest run {self.pk} ({self.started_at:%Y-%m-%d %H:%M})"

    @property
    def who(self) -> str:
        return self.user.get_username() if self.user else self.invoked_by


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
    ingest_run = models.ForeignKey(
        IngestRun,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="documents",
        editable=False,
        help_text="The ingest run that stored it (empty for seeds).",
    )
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
