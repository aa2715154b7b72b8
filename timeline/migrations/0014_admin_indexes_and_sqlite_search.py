"""Indexes for the admin at a million events, and full-text tables on SQLite.

- `event_dates` (date_lower, date_upper, id) is the default ordering: the
  changelist reads its pages (and deep pages, through the ids alone) in index
  order instead of sorting the table, and the year filter reads its first
  and last year from the ends of an index.
- `event_<filter>_dates`: the same after each list filter's column (kind,
  modality, origin, precision) and the sortable title.
- `event_upper_lower` counts a year's events (the year filter) from the
  index alone.
- `event_review_queue`: events in review in the queue's order.
- `event_entity_by_entity`: an entity's events, counted from the index.
- `citation_document_start`: a document's first cited spans, in text order.
- `citation_flagged` holds only citations that need review: the review queue
  finds them without reading every citation.
- SQLite only: FTS5 tables with the trigram tokenizer over event titles,
  summaries and keys and over citation quotes, kept in step by triggers.
  Trigrams match any substring of three characters or more, Chinese included
  (the default tokenizer keeps a run of CJK characters as one token). They
  are external-content tables (the text stays in the event and citation
  rows); timeline.selectors.search reads them. PostgreSQL keeps its GIN
  indexes of 0007.
"""

from django.db import migrations, models

# As in timeline.models (a migration keeps its own copy).
ADMIN_FILTER_COLUMNS = (
    ("kind", "kind_only"),
    ("modality", "modality"),
    ("origin", "origin"),
    ("date_precision", "precision"),
    ("title", "title"),
)

# table: (FTS table, indexed columns)
FTS_TABLES = {
    "timeline_event": ("timeline_event_fts", ("title", "summary", "key")),
    "timeline_citation": ("timeline_citation_fts", ("quote",)),
}


def _fts_sql(table: str) -> list[str]:
    fts, columns = FTS_TABLES[table]
    cols = ", ".join(columns)
    new = ", ".join(f"new.{c}" for c in columns)
    old = ", ".join(f"old.{c}" for c in columns)
    delete = (
        f"INSERT INTO {fts} ({fts}, rowid, {cols}) VALUES ('delete', old.id, {old});"
    )
    insert = f"INSERT INTO {fts} (rowid, {cols}) VALUES (new.id, {new});"
    return [
        f"CREATE VIRTUAL TABLE {fts} USING fts5({cols}, content='{table}', "
        "content_rowid='id', tokenize='trigram')",
        f"CREATE TRIGGER {fts}_insert AFTER INSERT ON {table} BEGIN {insert} END",
        f"CREATE TRIGGER {fts}_delete AFTER DELETE ON {table} BEGIN {delete} END",
        f"CREATE TRIGGER {fts}_update AFTER UPDATE OF {cols} ON {table} "
        f"BEGIN {delete} {insert} END",
        f"INSERT INTO {fts} ({fts}) VALUES ('rebuild')",
    ]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    for table in FTS_TABLES:
        for statement in _fts_sql(table):
            schema_editor.execute(statement)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    for fts, _ in FTS_TABLES.values():
        for suffix in ("insert", "delete", "update"):
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {fts}_{suffix}")
        schema_editor.execute(f"DROP TABLE IF EXISTS {fts}")


class Migration(migrations.Migration):
    dependencies = [("timeline", "0013_public_changes_and_entity_slugs")]

    operations = [
        migrations.AddIndex(
            model_name="event",
            index=models.Index(
                fields=["date_lower", "date_upper", "id"], name="event_dates"
            ),
        ),
        *(
            migrations.AddIndex(
                model_name="event",
                index=models.Index(
                    fields=[column, "date_lower", "date_upper", "id"],
                    name=f"event_{name}_dates",
                ),
            )
            for column, name in ADMIN_FILTER_COLUMNS
        ),
        migrations.AddIndex(
            model_name="event",
            index=models.Index(
                fields=["date_upper", "date_lower"], name="event_upper_lower"
            ),
        ),
        migrations.AddIndex(
            model_name="event",
            index=models.Index(
                fields=["status", "submitted_at", "created_at", "id"],
                name="event_review_queue",
            ),
        ),
        migrations.AddIndex(
            model_name="evententity",
            index=models.Index(
                fields=["entity", "event"], name="event_entity_by_entity"
            ),
        ),
        migrations.AddIndex(
            model_name="citation",
            index=models.Index(
                fields=["document", "start", "id"], name="citation_document_start"
            ),
        ),
        migrations.AddIndex(
            model_name="citation",
            index=models.Index(
                condition=models.Q(needs_review=True),
                fields=["created_at", "id"],
                name="citation_flagged",
            ),
        ),
        migrations.RunPython(forwards, backwards),
    ]
