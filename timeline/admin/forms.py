"""Admin forms: the event form with its version check, the citation form
that finds a pasted quote's offsets in the document, and the form that adds
articles (uploads or pasted text) through the ingest service."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from timeline.models import Citation, Event
from timeline.services.citations import QuoteNotFound, quote_locate
from timeline.services.events import describe_changes_since
from timeline.services.ingest import ArticleInput


class EventForm(forms.ModelForm):
    """Carries the version the form was opened with (hidden) and a change reason.

    A stale version is refused in clean(), under a row lock held until the
    admin's transaction ends, so the form comes back with the user's values and
    a message naming what changed; the hidden version then moves on, so saving
    again deliberately re-applies them.
    """

    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    change_reason = forms.CharField(
        required=False,
        max_length=100,
        label="Reason for this change",
        help_text="Shown in the event's history.",
    )

    class Meta:
        model = Event
        fields = [
            "title",
            "key",
            "kind",
            "summary",
            "date_edtf",
            "date_text",
            "modality",
            "origin",
            "confidence",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            # The stored version, not the instance's: a revert form is built
            # from an old historical copy of the event.
            stored = (
                Event.objects.filter(pk=self.instance.pk)
                .values_list("version", flat=True)
                .first()
            )
            self.fields["expected_version"].initial = stored

    def clean(self):
        cleaned = super().clean()
        if not self.instance.pk:
            return cleaned
        expected = cleaned.get("expected_version")
        stored = (
            Event.objects.select_for_update()
            .filter(pk=self.instance.pk)
            .values_list("version", flat=True)
            .first()
        )
        if expected is None:
            raise ValidationError("The form lost its version; reload the page.")
        if stored is not None and stored != expected:
            conflict = describe_changes_since(event=self.instance, version=expected)
            self.data = self.data.copy()
            self.data[self.add_prefix("expected_version")] = str(stored)
            both = self._merge_their_changes(conflict.changes, cleaned)
            advice = (
                f" You both changed {', '.join(both)}: the form keeps your value."
                if both
                else ""
            )
            raise ValidationError(
                conflict.message + " The form below has your edits on top of theirs;"
                f"{advice} Check it and save again to apply it.",
                code="stale_version",
            )
        return cleaned

    def _merge_their_changes(self, changes, cleaned) -> list[str]:
        """Take the other person's value where this user left a field untouched.

        Returns the labels of fields both people changed (this user's value wins
        in the re-displayed form, and the message names them).
        """
        both = []
        for change in changes:
            if change.field not in self.fields:
                continue
            mine = cleaned.get(change.field)
            if _same(mine, change.old):
                new = change.new
                value = getattr(new, "pk", new)
                self.data[self.add_prefix(change.field)] = (
                    "" if value is None else value
                )
            elif not _same(mine, change.new):
                both.append(change.label.lower())
        return both


class CitationForm(forms.ModelForm):
    """Choose a document, paste the quote: the offsets are found, never typed."""

    class Meta:
        model = Citation
        fields = ["document", "quote", "needs_review"]
        widgets = {"quote": forms.Textarea(attrs={"rows": 2, "cols": 60})}

    def clean(self):
        cleaned = super().clean()
        document, quote = cleaned.get("document"), cleaned.get("quote")
        if document is None or not quote:
            return cleaned
        hint = self.instance.start if self.instance.quote == quote else None
        try:
            start, end = quote_locate(text=document.text, quote=quote, start_hint=hint)
        except QuoteNotFound:
            raise ValidationError(
                {
                    "quote": f"This quote does not occur in “{document}”. Paste it "
                    "exactly as the article has it."
                }
            ) from None
        self.instance.start, self.instance.end = start, end
        return cleaned


class SourcesFormSet(forms.BaseInlineFormSet):
    """An event's citations: a published event keeps an accepted source."""

    def clean(self):
        super().clean()
        if self.instance.pk is None or self.instance.status != Event.Status.PUBLISHED:
            return
        kept = [
            form
            for form in self.forms
            if form.has_changed() or form.instance.pk
            if not (self.can_delete and self._should_delete_form(form))
            if form.cleaned_data.get("document") is not None
        ]
        if not any(not form.instance.needs_review for form in kept):
            raise ValidationError(
                "A published event needs at least one accepted source: keep one, "
                "or withdraw the event first."
            )


class ReasonForm(forms.Form):
    """The reason asked by reject (required) and withdraw (optional)."""

    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3, "cols": 80}), required=False
    )

    def __init__(self, *args, required: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].required = required
        if required:
            self.fields["reason"].error_messages["required"] = (
                "Give a reason: it is kept on the event and in its history."
            )


class MergeForm(forms.Form):
    survivor = forms.ModelChoiceField(
        queryset=Event.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
        help_text="The event that keeps every source; the others are marked as "
        "merged into it.",
    )

    def __init__(self, *args, events=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["survivor"].queryset = events


MAX_ID = 2**63 - 1  # BigAutoField
MAX_VERSION = 2**31 - 1  # PositiveIntegerField


def posted_number(
    data, name: str, *, what: str, maximum: int = MAX_ID, default: int | None = None
) -> int:
    """The positive whole number posted as `name` (hidden fields and button
    values of the review pages), or a ValidationError saying which: a
    tampered "abc" or a 20-digit id was a 500."""
    if name not in data and default is not None:
        return default
    return parse_number(data.get(name), what=what, maximum=maximum)


def parse_number(raw: str | None, *, what: str, maximum: int = MAX_ID) -> int:
    field = forms.IntegerField(min_value=1, max_value=maximum)
    try:
        return field.clean(raw)
    except ValidationError:
        raise ValidationError(f"{raw!r} is not {what}; reload the page.") from None


def _same(a, b) -> bool:
    """Form and history values compare as text ("" and None alike)."""
    return str("" if a is None else a) == str("" if b is None else b)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files from one input (Django's documented recipe)."""

    def __init__(self, *args, **kwargs):
        accept = {"accept": ".txt,.html,.htm"}
        kwargs.setdefault("widget", MultipleFileInput(attrs=accept))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data]
        return [single(data, initial)] if data else []


class AddArticlesForm(forms.Form):
    """Articles to store: uploaded .txt/.html files and/or one pasted text.

    The metadata fields apply to every article given; left empty, each
    article's own header (or the page's markup) says.
    """

    files = MultipleFileField(
        required=False, help_text="Plain text (.txt) or saved web pages (.html)."
    )
    pasted_text = forms.CharField(
        label="or paste the article",
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 8, "cols": 80}),
    )
    url = forms.URLField(
        label="URL", required=False, max_length=2000, assume_scheme="https"
    )
    publisher = forms.CharField(required=False, max_length=200)
    author = forms.CharField(required=False, max_length=200)
    language = forms.CharField(
        required=False, max_length=16, help_text="en, zh… (empty: detected)"
    )
    published_on = forms.DateField(
        label="publication date",
        required=False,
        help_text="Empty: the page's own date (its <meta> or <time>), if any.",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    atomic = forms.BooleanField(
        label="all or nothing",
        required=False,
        help_text="Store none of the articles if any of them fails. Otherwise "
        "each is stored on its own and the failures are listed.",
    )

    def clean(self):
        data = super().clean()
        count = len(data.get("files") or []) + bool(
            (data.get("pasted_text") or "").strip()
        )
        if not count:
            raise ValidationError("Upload at least one file or paste an article.")
        if data.get("url") and count > 1:
            raise ValidationError(
                {"url": "A URL names one article: add the others separately."}
            )
        return data

    def articles(self) -> list[ArticleInput]:
        data = self.cleaned_data
        meta = {
            name: data[name] or ""
            for name in ("url", "publisher", "author", "language")
        }
        out = [
            ArticleInput(
                name=upload.name,
                data=upload.read(),
                published_on=data["published_on"],
                **meta,
            )
            for upload in data["files"]
        ]
        if (data.get("pasted_text") or "").strip():
            out.append(
                ArticleInput(
                    name="pasted.txt",
                    # Browsers send a textarea's lines as CRLF; store them as typed.
                    data=data["pasted_text"].replace("\r\n", "\n"),
                    published_on=data["published_on"],
                    **meta,
                )
            )
        return out
