"""Unique, readable slugs from names, Chinese ones included.

Django's default `slugify` drops every CJK character ("上海市政府" became
""), so slugs keep Unicode letters; a slug never consists of digits alone,
since API filters read a number as an id.
"""

from __future__ import annotations

from django.db import connections, models
from django.utils.text import slugify

from corpus.statements import rows_chunked


def slug_base(name: str, *, fallback: str, max_length: int) -> str:
    """The slug a name would get, before any suffix making it unique."""
    slug = slugify(name, allow_unicode=True)[:max_length].strip("-") or fallback
    if slug.isdigit():
        slug = f"{fallback}-{slug}"[:max_length]
    return slug


def _first_free(bases: list[str], used: set[str]) -> list[str]:
    """For each base in order, the first of `base`, `base-2`, `base-3`… that
    is not in `used` nor given to an earlier base."""
    slugs = []
    for base in bases:
        slug, n = base, 1
        while slug in used:
            n += 1
            slug = f"{base}-{n}"
        used.add(slug)
        slugs.append(slug)
    return slugs


def distinct_slugs(names: list[str], *, fallback: str, max_length: int) -> list[str]:
    """A slug for each name, in order, none twice (for backfills: one pass)."""
    bases = [slug_base(n, fallback=fallback, max_length=max_length - 8) for n in names]
    return _first_free(bases, set())


def unique_slug(
    model: type[models.Model],
    name: str,
    *,
    fallback: str,
    exclude_pk: int | None = None,
    taken: set[str] | None = None,
) -> str:
    """A slug for `name` that no other row of `model` (nor `taken`) has:
    `name`, then `name-2`, `name-3`…"""
    max_length = model._meta.get_field("slug").max_length
    base = slug_base(name, fallback=fallback, max_length=max_length - 8)
    rows = model._default_manager.filter(slug__startswith=base)
    if exclude_pk is not None:
        rows = rows.exclude(pk=exclude_pk)
    used = set(rows.values_list("slug", flat=True)) | (taken or set())
    return _first_free([base], used)[0]


def unique_slugs(
    model: type[models.Model], names: list[str], *, fallback: str
) -> list[str]:
    """`unique_slug` for each name in order, none twice, in one query."""
    max_length = model._meta.get_field("slug").max_length
    bases = [slug_base(n, fallback=fallback, max_length=max_length - 8) for n in names]
    if not bases:
        return []
    # A slug that starts with another base and is `base` or `base-n` starts
    # with `base` too: the one query finds what a query per name would.
    return _first_free(bases, _slugs_starting(model, sorted(set(bases))))


def _slugs_starting(model: type[models.Model], bases: list[str]) -> set[str]:
    """The slugs of `model` that start with any of `bases`: the statement of
    `filter(Q(slug__startswith=…) | …)`, written out (building the ORM's
    query cost more than running it, once per ingested article)."""
    db = connections[model._default_manager.db]
    q = db.ops.quote_name
    field = model._meta.get_field("slug")
    column = db.ops.lookup_cast("startswith", field.get_internal_type()) % q(
        field.column
    )
    test = f"{column} {db.operators['startswith'] % '%s'}"
    table = q(model._meta.db_table)
    rows = rows_chunked(
        db,
        lambda n: (
            f"SELECT {q(field.column)} FROM {table} WHERE {' OR '.join([test] * n)}"
        ),
        bases,
        lambda base: f"{db.ops.prep_for_like_query(base)}%",
    )
    return {slug for (slug,) in rows}


class SlugFromName(models.Model):
    """Fills a blank `slug` from `name` on save (the subclass declares both)."""

    slug_fallback = "item"

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        if not self.slug:
            self.slug = unique_slug(
                type(self), self.name, fallback=self.slug_fallback, exclude_pk=self.pk
            )
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "slug"}
        super().save(*args, **kwargs)
