"""The event admin: list, edit with optimistic locking, workflow actions, merge
and the editors' review queue. Every write goes through timeline.services."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.text import smart_split, unescape_string_literal

from corpus.admin import (
    BigTableMixin,
    HistoryAdmin,
    ReadOnlyAdmin,
    RowAutocompleteMixin,
    id_url,
)
from timeline import selectors
from timeline.admin.filters import MergedFilter, PublisherFilter, YearFilter
from timeline.admin.forms import (
    MAX_VERSION,
    CitationForm,
    EventForm,
    MergeForm,
    ReasonForm,
    SourcesFormSet,
    parse_number,
    posted_number,
)
from timeline.models import Amount, Citation, Event, EventEntity, EventRevision
from timeline.selectors import search
from timeline.services import review, revisions
from timeline.services.events import (
    EDITABLE_FIELDS,
    StaleVersion,
    event_create,
    event_delete,
    event_merge,
    event_update,
)

STATUS_COLOURS = {
    Event.Status.DRAFT: "#666",
    Event.Status.IN_REVIEW: "#b36b00",
    Event.Status.PUBLISHED: "#1a7f37",
    Event.Status.REJECTED: "#b3261e",
}
BUTTONS = {
    "submit": "Submit for review",
    "publish": "Publish",
    "reject": "Reject",
    "withdraw": "Withdraw",
}
# Events, new sources and changes the review queue shows of each, the
# longest-waiting first: 100 of each was a 214 kB page and 110 ms of CPU at
# 1M events (bench/admin.py); the counts above them say how many wait.
REVIEW_SHOWN = 50
REASON_REQUIRED = {"reject": True, "withdraw": False, "submit": False, "publish": False}


def _same_site(request: HttpRequest, url: str | None) -> str | None:
    """`url` if it stays on this site (an open redirect otherwise), else None."""
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return None


def _run_one(name: str, *, event: Event, user, note: str, version: int | None):
    """Call the single-event service for transition `name`."""
    if name == "submit":
        return review.event_submit(
            event=event, user=user, note=note, expected_version=version
        )
    if name == "publish":
        return review.event_publish(
            event=event, user=user, note=note, expected_version=version
        )
    if name == "reject":
        return review.event_reject(
            event=event, user=user, reason=note, expected_version=version
        )
    return review.event_withdraw(
        event=event, user=user, reason=note, expected_version=version
    )


class CitationInline(RowAutocompleteMixin, admin.StackedInline):
    model = Citation
    form = CitationForm
    formset = SourcesFormSet
    extra = 0
    autocomplete_fields = ["document"]
    readonly_fields = ["start", "end"]
    fields = ["document", "quote", ("start", "end"), "needs_review"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("document")

    def get_readonly_fields(self, request, obj=None):
        # Accepting a flagged source is an editor's decision (review queue).
        fields = list(super().get_readonly_fields(request, obj))
        if not revisions.user_can_publish(request.user):
            fields.append("needs_review")
        return fields


class AmountInline(admin.TabularInline):
    model = Amount
    extra = 0
    fields = ["text", "value", "currency", "is_approximate"]


class EventEntityInline(RowAutocompleteMixin, admin.TabularInline):
    model = EventEntity
    extra = 0
    autocomplete_fields = ["entity"]
    verbose_name = "entity"
    verbose_name_plural = "entities"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("entity")


@admin.register(Event)
class EventAdmin(BigTableMixin, HistoryAdmin):
    form = EventForm
    list_display = [
        "date_column",
        "title",
        "kind",
        "status_column",
        "modality",
        "source_count_column",
    ]
    list_display_links = ["date_column", "title"]
    list_filter = [
        "status",
        "kind",
        "modality",
        "date_precision",
        PublisherFilter,
        YearFilter,
        "origin",
        MergedFilter,
    ]
    list_select_related = ["kind"]
    search_fields = [
        "title",
        "summary",
        "key",
        "citations__quote",
        "entities__name",
    ]
    ordering = ["date_lower", "date_upper", "id"]
    prepopulated_fields = {"key": ["title"]}
    inlines = [CitationInline, AmountInline, EventEntityInline]
    actions = ["submit_for_review", "publish", "reject", "withdraw", "merge"]
    history_list_display = ["status", "date_edtf", "version"]
    object_history_template = "admin/timeline/event/object_history.html"
    readonly_fields = [
        "date_bounds",
        "status_column",
        "review_note",
        "submitted_by",
        "submitted_at",
        "reviewed_by",
        "reviewed_at",
        "merged_into_link",
        "version",
        "created_at",
        "updated_at",
    ]
    fieldsets = [
        (None, {"fields": ["title", "key", "kind", "summary"]}),
        ("Date", {"fields": [("date_edtf", "date_text"), "date_bounds"]}),
        ("Classification", {"fields": ["modality", "origin", "confidence"]}),
        (
            "Review",
            {
                "fields": [
                    "status_column",
                    "review_note",
                    ("submitted_by", "submitted_at"),
                    ("reviewed_by", "reviewed_at"),
                    "merged_into_link",
                ]
            },
        ),
        (
            "This edit",
            {
                "fields": [
                    "change_reason",
                    "expected_version",
                    ("version", "updated_at", "created_at"),
                ]
            },
        ),
    ]

    # -- lists ---------------------------------------------------------------

    def get_queryset(self, request):
        # A correlated subquery: the paginator reads the page's rows by id,
        # so it runs for those fifty rows only.
        return selectors.with_source_counts(super().get_queryset(request))

    def get_search_results(self, request, queryset, search_term):
        """Every word must appear in the title, summary, key, a quote or an
        entity name, as Django's search over `search_fields` would find, but
        read from SQLite's full-text tables when few events match, and
        through EXISTS rather than joins, so no DISTINCT."""
        for word in smart_split(search_term):
            if word.startswith(('"', "'")) and word[0] == word[-1]:
                word = unescape_string_literal(word)
            queryset = search.events_with_text(
                queryset,
                word,
                fields=["title", "summary", "key"],
                quotes=Citation.objects.all(),
            )
        return queryset, False

    @admin.display(description="date", ordering="date_lower")
    def date_column(self, obj: Event) -> str:
        return obj.date_display or obj.date_edtf

    @admin.display(description="status", ordering="status")
    def status_column(self, obj: Event) -> str:
        label = obj.get_status_display()
        if obj.merged_into_id:
            label = f"merged into #{obj.merged_into_id}"
        return format_html(
            '<strong style="color:{}">{}</strong>', STATUS_COLOURS[obj.status], label
        )

    @admin.display(description="sources", ordering="source_count")
    def source_count_column(self, obj: Event) -> int:
        return obj.source_count

    @admin.display(description="derived from the EDTF")
    def date_bounds(self, obj: Event) -> str:
        if not obj.pk:
            return "Computed when saved: bounds, precision and display."
        return format_html(
            "<strong>{}</strong> · {} – {} · precision: {}",
            obj.date_display,
            obj.date_lower.isoformat(),
            obj.date_upper.isoformat(),
            obj.get_date_precision_display(),
        )

    @admin.display(description="merged into")
    def merged_into_link(self, obj: Event) -> str:
        if obj.merged_into_id:
            url = reverse("admin:timeline_event_change", args=[obj.merged_into_id])
            return format_html('<a href="{}">event #{}</a>', url, obj.merged_into_id)
        # By id: in date order the database walks every event to find them.
        merged = (
            list(obj.merged_events.order_by("pk").values_list("pk", "title"))
            if obj.pk
            else []
        )
        if not merged:
            return "—"
        return format_html(
            "Absorbed: {}",
            format_html_join(
                ", ",
                '<a href="{}">#{} {}</a>',
                (
                    (reverse("admin:timeline_event_change", args=[pk]), pk, title)
                    for pk, title in merged
                ),
            ),
        )

    # -- saving: through the services ----------------------------------------

    def delete_model(self, request, obj):
        # The service keeps the history and writes the public feed's tombstone.
        event_delete(event=obj, user=request.user, reason="Deleted in the admin")

    def delete_queryset(self, request, queryset):
        for event in queryset.order_by("pk"):
            self.delete_model(request, event)

    def save_model(self, request, obj, form, change):
        reason = form.cleaned_data.get("change_reason", "")
        data = {
            name: getattr(obj, name) for name in EDITABLE_FIELDS if name in form.fields
        }
        if not change:
            created = event_create(data=data, user=request.user, reason=reason)
            vars(obj).update(vars(created))
            return
        stored = Event.objects.get(pk=obj.pk)
        reverting = getattr(request, "_timeline_reverting", None)
        if reverting:
            # Reverting restores the sources, amounts and entity links too.
            target = revisions.snapshot_as_of(event=stored, when=reverting)
            target["fields"].update({**data, "kind": obj.kind_id})
            revision = revisions.snapshot_restore(
                event=stored,
                snapshot=target,
                user=request.user,
                reason=reason
                or f"Reverted to the version of {reverting:%Y-%m-%d %H:%M}",
            )
            self._report_revision(request, revision)
            return
        # The event and its inlines are one change: save_related saves both
        # through the services, so a published event's edit can wait for review.
        request._timeline_edit = (stored, data, form.cleaned_data["expected_version"])

    def save_related(self, request, form, formsets, change):
        pending = getattr(request, "_timeline_edit", None)
        if pending is None:
            return super().save_related(request, form, formsets, change)
        stored, data, expected = pending
        reason = form.cleaned_data.get("change_reason", "")

        def apply() -> None:
            event_update(
                event=stored,
                data=data,
                user=request.user,
                expected_version=expected,
                reason=reason,
            )
            super(EventAdmin, self).save_related(request, form, formsets, change)

        try:
            revision = revisions.event_change(
                event=stored, user=request.user, apply=apply, reason=reason
            )
        except revisions.SourceRequired as exc:
            # Inside the admin's transaction: refuse the whole save.
            raise PermissionDenied(exc.messages[0]) from exc
        self._report_revision(request, revision)

    def _report_revision(self, request, revision) -> None:
        if revision is not None:
            self.message_user(
                request,
                f"This event is published: your change waits for an editor's "
                f"review (revision #{revision.pk}). The published version stays "
                "live until then.",
                messages.WARNING,
            )

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        record = get_object_or_404(
            Event.history.model, id=object_id, history_id=version_id
        )
        request._timeline_reverting = record.history_date
        try:
            with transaction.atomic():
                return super().history_form_view(
                    request, object_id, version_id, extra_context
                )
        except revisions.SourceRequired as exc:
            self.message_user(
                request,
                f"Not reverted: that version had no accepted source. {exc.messages[0]}",
                messages.ERROR,
            )
            return HttpResponseRedirect(request.get_full_path())

    def history_view(self, request, object_id, extra_context=None):
        # Sources, amounts and entity links have their own history; show it here
        # so one page answers "what happened to this event".
        related = []
        for model in (Citation, Amount, EventEntity):
            label = str(model._meta.verbose_name).capitalize()
            related += [
                (label, record)
                for record in model.history.filter(event_id=object_id).select_related(
                    "history_user"
                )[:200]
            ]
        related.sort(key=lambda pair: pair[1].history_date, reverse=True)
        context = {**(extra_context or {}), "related_history": related[:200]}
        return super().history_view(request, object_id, extra_context=context)

    # -- workflow permissions (real Django permissions, see review.TRANSITIONS) --

    def has_submit_permission(self, request) -> bool:
        return review.user_can(request.user, "submit")

    def has_publish_permission(self, request) -> bool:
        return review.user_can(request.user, "publish")

    def has_reject_permission(self, request) -> bool:
        return review.user_can(request.user, "reject")

    def has_withdraw_permission(self, request) -> bool:
        return review.user_can(request.user, "withdraw")

    def has_merge_permission(self, request) -> bool:
        return request.user.has_perm("timeline.merge_event")

    # -- actions ---------------------------------------------------------------

    def _report(self, request, result: review.BulkResult) -> None:
        if result.changed:
            noun = "event" if len(result.changed) == 1 else "events"
            self.message_user(
                request,
                f"{result.transition.label}: {len(result.changed)} {noun}.",
                messages.SUCCESS,
            )
        for event, why in result.skipped[:10]:
            self.message_user(
                request, f"Skipped “{event.title}”: {why}.", messages.WARNING
            )
        if len(result.skipped) > 10:
            self.message_user(
                request,
                f"… and {len(result.skipped) - 10} more skipped.",
                messages.WARNING,
            )

    def _bulk(self, request, queryset, name: str, title: str):
        """Run a transition, asking for a reason first when it takes one."""
        needs_reason = name in ("reject", "withdraw")
        if needs_reason and "apply" not in request.POST:
            form = ReasonForm(required=REASON_REQUIRED[name])
        elif needs_reason:
            form = ReasonForm(request.POST, required=REASON_REQUIRED[name])
        else:
            form = None
        if form is not None and not form.is_valid():
            return TemplateResponse(
                request,
                "admin/timeline/event/action_reason.html",
                {
                    **self.admin_site.each_context(request),
                    "opts": self.model._meta,
                    "title": title,
                    "action": name,
                    "events": queryset,
                    "form": form,
                    "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
                },
            )
        note = form.cleaned_data["reason"] if form else ""
        try:
            result = review.events_transition(
                name=name, events=queryset, user=request.user, note=note
            )
        except (PermissionDenied, review.InvalidTransition) as exc:
            self.message_user(request, str(exc), messages.ERROR)
            return None
        self._report(request, result)
        return None

    @admin.action(description="Submit for review", permissions=["submit"])
    def submit_for_review(self, request, queryset):
        return self._bulk(request, queryset, "submit", "Submit for review")

    @admin.action(description="Publish", permissions=["publish"])
    def publish(self, request, queryset):
        return self._bulk(request, queryset, "publish", "Publish")

    @admin.action(description="Reject (asks for a reason)", permissions=["reject"])
    def reject(self, request, queryset):
        return self._bulk(request, queryset, "reject", "Reject events")

    @admin.action(description="Withdraw from publication", permissions=["withdraw"])
    def withdraw(self, request, queryset):
        return self._bulk(request, queryset, "withdraw", "Withdraw events")

    @admin.action(description="Merge duplicates into one", permissions=["merge"])
    def merge(self, request, queryset):
        events = queryset.filter(merged_into__isnull=True)
        if events.count() < 2:
            self.message_user(
                request, "Select at least two events to merge.", messages.WARNING
            )
            return None
        form = MergeForm(
            request.POST if "apply" in request.POST else None, events=events
        )
        if form.is_bound and form.is_valid():
            survivor = form.cleaned_data["survivor"]
            try:
                report = event_merge(
                    survivor=survivor,
                    others=list(events.exclude(pk=survivor.pk)),
                    user=request.user,
                )
            except (PermissionDenied, ValidationError) as exc:
                text = "; ".join(getattr(exc, "messages", [str(exc)]))
                self.message_user(request, text, messages.ERROR)
                return None
            self.message_user(
                request,
                f"Merged {len(report.merged)} event(s) into “{survivor.title}”: "
                f"{report.citations_moved} source(s), {report.amounts_moved} "
                f"amount(s), {report.entities_moved} entity link(s) moved; "
                f"{report.duplicates_skipped} exact duplicate(s) left in place.",
                messages.SUCCESS,
            )
            return None
        return TemplateResponse(
            request,
            "admin/timeline/event/merge.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "title": "Merge duplicate events",
                "action": "merge",
                "events": selectors.with_source_counts(events),
                "form": form,
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            },
        )

    # -- one event's transitions and the review queue ------------------------

    def get_urls(self):
        own = [
            path(
                "review/",
                self.admin_site.admin_view(self.review_queue_view),
                name="timeline_event_review",
            ),
            path(
                "<int:object_id>/transition/<str:name>/",
                self.admin_site.admin_view(self.transition_view),
                name="timeline_event_transition",
            ),
        ]
        return own + super().get_urls()

    def render_change_form(self, request, context, add=False, change=False, **kw):
        obj = context.get("original")
        if obj is not None and obj.pk:
            context["pending_revisions"] = [
                (revision, selectors.revision_diff(revision))
                for revision in selectors.pending_revisions().filter(event=obj)
            ]
        if obj is not None:
            context["transitions"] = [
                (name, BUTTONS[name])
                for name, t in review.TRANSITIONS.items()
                if review.user_can(request.user, name)
                and obj.status in t.sources
                and obj.merged_into_id is None
            ]
        return super().render_change_form(request, context, add, change, **kw)

    def changelist_view(self, request, extra_context=None):
        extra = {
            **(extra_context or {}),
            "review_count": Event.objects.filter(status=Event.Status.IN_REVIEW).count(),
        }
        return super().changelist_view(request, extra_context=extra)

    def transition_view(self, request: HttpRequest, object_id: int, name: str):
        if name not in review.TRANSITIONS:
            raise PermissionDenied
        event = get_object_or_404(Event, pk=object_id)
        if not review.user_can(request.user, name):
            raise PermissionDenied
        transition = review.TRANSITIONS[name]
        form = ReasonForm(request.POST or None, required=REASON_REQUIRED[name])
        error = None
        if request.method == "POST" and form.is_valid():
            note = form.cleaned_data["reason"]
            try:
                version = None
                if request.POST.get("version"):
                    version = posted_number(
                        request.POST, "version", what="a version", maximum=MAX_VERSION
                    )
                _run_one(
                    name, event=event, user=request.user, note=note, version=version
                )
            except ValidationError as exc:
                error = " ".join(exc.messages)
            except (review.InvalidTransition, StaleVersion) as exc:
                error = str(exc)
            else:
                self.message_user(
                    request, f"{transition.label}: “{event.title}”.", messages.SUCCESS
                )
                return HttpResponseRedirect(
                    _same_site(request, request.POST.get("next"))
                    or reverse("admin:timeline_event_change", args=[event.pk])
                )
        return TemplateResponse(
            request,
            "admin/timeline/event/transition.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "original": event,
                "title": f"{BUTTONS[name]}: {event.title}",
                "button": BUTTONS[name],
                "transition": transition,
                "form": form,
                "error": error,
                "reason_label": "Reason" if name in ("reject", "withdraw") else "Note",
            },
        )

    def review_queue_view(self, request: HttpRequest):
        if not self.has_view_permission(request):
            raise PermissionDenied
        if request.method == "POST":
            self._review_post(request)
            return HttpResponseRedirect(request.get_full_path())
        include_drafts = request.GET.get("drafts") == "1"
        events = list(
            selectors.review_queue(include_drafts=include_drafts)[:REVIEW_SHOWN]
        )
        # A hundred sections link their events and documents: one reverse()
        # per kind of link, not per link.
        event_url = id_url(
            "admin:timeline_event_change", current_app=self.admin_site.name
        )
        document_url = id_url(
            "admin:corpus_document_change", current_app=self.admin_site.name
        )

        def in_context(citations):
            return [
                (citation, context, document_url(citation.document_id))
                for citation, context in selectors.citations_in_context(citations)
            ]

        items = [
            (event, event_url(event.pk), in_context(event.citations.all()))
            for event in events
        ]
        flagged, flagged_count = selectors.flagged_sources(limit=REVIEW_SHOWN)
        sources = [
            (citation, context, url, event_url(citation.event_id))
            for citation, context, url in in_context(flagged)
        ]
        changes = [
            (revision, selectors.revision_diff(revision))
            for revision in selectors.pending_revisions()[:REVIEW_SHOWN]
        ]
        return TemplateResponse(
            request,
            "admin/timeline/event/review_queue.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "title": "Review queue",
                "items": items,
                "include_drafts": include_drafts,
                "can_publish": review.user_can(request.user, "publish"),
                "can_reject": review.user_can(request.user, "reject"),
                "waiting": Event.objects.filter(status=Event.Status.IN_REVIEW).count(),
                "flagged": sources,
                "revisions": changes,
                "flagged_count": flagged_count,
            },
        )

    def _review_revision(self, request: HttpRequest) -> None:
        post = request.POST
        button = "publish_revision" if "publish_revision" in post else "reject_revision"
        pk = posted_number(post, button, what="a revision id")
        revision = get_object_or_404(EventRevision, pk=pk)
        # Refusals (ValidationError, PermissionDenied) are _review_post's to word.
        if "publish_revision" in post:
            revisions.revision_publish(revision=revision, user=request.user)
            done = "Published the change to"
        else:
            revisions.revision_reject(
                revision=revision,
                user=request.user,
                reason=post.get(f"revision_reason_{revision.pk}", ""),
            )
            done = "Rejected the change to"
        self.message_user(
            request, f"{done} “{revision.event.title}”.", messages.SUCCESS
        )

    def _review_post(self, request: HttpRequest) -> None:
        """Publish or reject one event (its own buttons) or the ticked ones;
        accept or detach a new source on a published event."""
        post = request.POST
        try:
            if "publish_revision" in post or "reject_revision" in post:
                self._review_revision(request)
                return
            if "accept_source" in post or "detach_source" in post:
                button = "accept_source" if "accept_source" in post else "detach_source"
                pk = posted_number(post, button, what="a source id")
                citation = get_object_or_404(Citation, pk=pk)
                if button == "accept_source":
                    review.citation_accept(citation=citation, user=request.user)
                    done = "Accepted the new source of"
                else:
                    review.citation_detach(
                        citation=citation,
                        user=request.user,
                        reason=post.get(f"source_reason_{citation.pk}", ""),
                    )
                    done = "Detached the new source from"
                self.message_user(
                    request, f"{done} “{citation.event.title}”.", messages.SUCCESS
                )
                return
            if "publish_one" in post or "reject_one" in post:
                button = "publish_one" if "publish_one" in post else "reject_one"
                pk = posted_number(post, button, what="an event id")
                event = get_object_or_404(Event, pk=pk)
                version = posted_number(
                    post,
                    f"version_{pk}",
                    what="a version",
                    maximum=MAX_VERSION,
                    default=event.version,
                )
                if button == "publish_one":
                    review.event_publish(
                        event=event, user=request.user, expected_version=version
                    )
                    self.message_user(
                        request, f"Published “{event.title}”.", messages.SUCCESS
                    )
                else:
                    review.event_reject(
                        event=event,
                        user=request.user,
                        reason=post.get(f"reason_{pk}", ""),
                        expected_version=version,
                    )
                    self.message_user(
                        request, f"Rejected “{event.title}”.", messages.SUCCESS
                    )
                return
            name = "publish" if "publish_selected" in post else "reject"
            ids = [parse_number(raw, what="an event id") for raw in post.getlist("ids")]
            # A missing version counts as changed: the event is skipped.
            seen = {
                pk: posted_number(
                    post,
                    f"version_{pk}",
                    what="a version",
                    maximum=MAX_VERSION,
                    default=0,
                )
                for pk in ids
            }
            current = Event.objects.filter(pk__in=ids)
            fresh = [e for e in current if seen.get(e.pk) == e.version]
            for event in current:
                if seen.get(event.pk) != event.version:
                    self.message_user(
                        request,
                        f"Skipped “{event.title}”: it changed since you loaded the "
                        "queue; look at it again.",
                        messages.WARNING,
                    )
            if not ids:
                self.message_user(request, "Tick some events first.", messages.WARNING)
                return
            result = review.events_transition(
                name=name,
                events=fresh,
                user=request.user,
                note=post.get("bulk_reason", ""),
            )
            self._report(request, result)
        except ValidationError as exc:
            self.message_user(request, " ".join(exc.messages), messages.ERROR)
        except (PermissionDenied, review.InvalidTransition, StaleVersion) as exc:
            self.message_user(request, str(exc), messages.ERROR)


@admin.register(EventRevision)
class EventRevisionAdmin(ReadOnlyAdmin):
    """Every change proposed to a published event, with its diff; read-only
    (editors decide in the review queue)."""

    list_display = ["__str__", "event", "status", "created_by", "created_at"]
    list_filter = ["status"]
    list_select_related = ["event", "created_by"]
    search_fields = ["event__title", "reason"]
    fields = [
        "event",
        "status",
        "reason",
        "created_by",
        "created_at",
        "reviewed_by",
        "reviewed_at",
        "review_note",
        "changes",
    ]
    readonly_fields = fields

    @admin.display(description="what it changes")
    def changes(self, obj: EventRevision) -> str:
        return render_to_string(
            "admin/timeline/event/_revision_diff.html",
            {"diff": selectors.revision_diff(obj)},
        )
