"""Unique, readable slugs from names, Chinese ones included.

Django's default `slugify` drops every CJK character ("上海市政府" became
""), so slugs keep Unicode letters; a slug never consists of digits alone,
since API filters read a number as an id.
"""

from __future__ import annotations

from django.db import models
from django.utils.text import slugify


def slug_base(name: str, *, fallback: str, max_length: int) -> str:
    """The slug a name would get, before any suffix making it unique."""
    slug = slugify(name, allow_unicode=True)[:max_length].strip("-") or fallback
    if slug.isdigit():
        slug = f"{fallback}-{slug}"[:max_length]
    return slug


def distinct_slugs(names: list[str], *, fallback: str, max_length: int) -> list[str]:
    """A slug for each name, in order, none twice (for backfills: one pass)."""
    taken: set[str] = set()
    slugs = []
    for name in names:
        base = slug_base(name, fallback=fallback, max_length=max_length - 8)
        slug, n = base, 1
        while slug in taken:
            n += 1
            slug = f"{base}-{n}"
        taken.add(slug)
        slugs.append(slug)
    return slugs


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
    slug, n = base, 1
    while slug in used:
        n += 1
        slug = f"{base}-{n}"
    return slug


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
