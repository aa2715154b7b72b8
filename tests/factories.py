"""Deterministic factory_boy factories for the whole suite (admin, API, services).

Citations quote their document's text at the right offsets, kinds are
get-or-create on slug (migration 0002 seeds the standard ones), and
`curator()` / `editor()` make users in the groups migration 0004 creates.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from importlib import import_module

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission

from corpus.models import Document, Publisher
from timeline.models import Amount, Citation, Entity, Event, EventEntity, EventKind

PASSWORD = "correct-horse-battery"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    is_staff = True
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def groups(self, create, extracted, **kwargs):
        if create and extracted:
            ensure_editorial_groups()
            self.groups.add(*[Group.objects.get(name=name) for name in extracted])
        if create:
            self.save()


def ensure_editorial_groups() -> None:
    """Recreate the groups of migration 0004 when a flush removed them.

    Transactional tests (the browser test) truncate every table; Django puts
    the permissions back but not data-migration rows such as these groups.
    """
    groups = import_module("timeline.migrations.0004_editorial_groups").GROUPS
    later = [("corpus", "change_document")]  # migration 0011
    groups = {name: [*wanted, *later] for name, wanted in groups.items()}
    for name, wanted in groups.items():
        group, created = Group.objects.get_or_create(name=name)
        if created:
            group.permissions.add(
                *[
                    Permission.objects.get(
                        content_type__app_label=app_label, codename=codename
                    )
                    for app_label, codename in wanted
                ]
            )


def curator(username: str = "curator", **kwargs) -> object:
    """A staff user in the Curators group (can edit and submit, not publish)."""
    return UserFactory(username=username, groups=["Curators"], **kwargs)


def editor(username: str = "editor", **kwargs) -> object:
    """A staff user in the Editors group (can also publish, reject, withdraw)."""
    return UserFactory(username=username, groups=["Editors"], **kwargs)


def superuser(username: str = "admin", **kwargs) -> object:
    return UserFactory(username=username, is_superuser=True, **kwargs)


class PublisherFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Publisher
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Publisher {n}")
    url = factory.LazyAttribute(
        lambda p: f"https://{p.name.lower().replace(' ', '-')}.example.org/"
    )


def article_text(n: int) -> str:
    """A small article whose sentences are unique to `n` (sha256 is unique)."""
    return (
        f"Article {n}\n\n"
        f"Shanghai announced plan number {n} for biomedicine on Monday. "
        f"The city will invest 10 billion yuan in research parks by 2026. "
        f"Officials said the first projects start in late August. "
        f"Analysts expect the market to grow around 2024. "
        f"The fair has been held every year since 2005.\n"
    )


class DocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Document

    title = factory.Sequence(lambda n: f"Article {n}")
    publisher = factory.SubFactory(PublisherFactory)
    author = "Staff reporter"
    url = factory.Sequence(lambda n: f"https://news.example.org/articles/{n}")
    language = "en"
    published_on = datetime.date(2023, 9, 4)
    text = factory.Sequence(article_text)
    source_name = factory.Sequence(lambda n: f"article-{n}.txt")


class EventKindFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EventKind
        django_get_or_create = ("slug",)

    slug = "plan"
    name = factory.LazyAttribute(lambda k: k.slug.replace("_", " ").capitalize())


class EntityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Entity
        django_get_or_create = ("name", "kind")

    name = factory.Sequence(lambda n: f"Entity {n}")
    kind = Entity.Kind.ORGANISATION
    aliases = factory.LazyFunction(list)


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Event

    key = factory.Sequence(lambda n: f"event-{n}")
    title = factory.Sequence(lambda n: f"Event {n}")
    summary = "A dated event."
    kind = factory.SubFactory(EventKindFactory)
    date_edtf = "2023-09-04"
    date_text = ""
    modality = Event.Modality.ACTUAL
    status = Event.Status.DRAFT
    origin = Event.Origin.CURATED


class SourcedEventFactory(EventFactory):
    """An event citing one article: what submitting and publishing need."""

    class Meta:
        skip_postgeneration_save = True

    source = factory.RelatedFactory(
        "tests.factories.CitationFactory", factory_related_name="event"
    )


class CitationFactory(factory.django.DjangoModelFactory):
    """Cites sentence `sentence` (0-based) of the document's body."""

    class Meta:
        model = Citation
        exclude = ("sentence", "span")

    class Params:
        sentence = 0

    event = factory.SubFactory(EventFactory)
    document = factory.SubFactory(DocumentFactory)
    span = factory.LazyAttribute(lambda c: sentence_span(c.document.text, c.sentence))
    start = factory.LazyAttribute(lambda c: c.span[0])
    end = factory.LazyAttribute(lambda c: c.span[1])
    quote = factory.LazyAttribute(lambda c: c.document.text[c.span[0] : c.span[1]])


def sentence_span(text: str, index: int) -> tuple[int, int]:
    """(start, end) of the index-th sentence after the title line of `text`."""
    body_start = text.index("\n\n") + 2
    start = body_start
    for _ in range(index):
        start = text.index(". ", start) + 2
    end = text.index(".", start) + 1
    return start, end


class AmountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Amount

    event = factory.SubFactory(EventFactory)
    value = Decimal("10000000000")
    currency = "CNY"
    text = "10 billion yuan"
    is_approximate = False


class EventEntityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EventEntity

    event = factory.SubFactory(EventFactory)
    entity = factory.SubFactory(EntityFactory)
    role = "organiser"


def admin_form_data(response) -> dict:
    """The POST body a browser would send back for an admin form as rendered."""
    data = {}
    forms = [response.context["adminform"].form]
    for inline in response.context.get("inline_admin_formsets") or []:
        formset = inline.formset
        management = formset.management_form
        for name in management.fields:
            data[management.add_prefix(name)] = management[name].value()
        forms += list(formset.forms)
    for form in forms:
        for name in form.fields:
            value = form[name].value()
            if value is None or value is False:
                continue
            if isinstance(value, list | tuple):
                value = [str(v) for v in value]
            data[form.add_prefix(name)] = value
    return data
