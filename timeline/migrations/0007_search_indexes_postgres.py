"""PostgreSQL: GIN indexes for the API's full-text `q` filter.

`EventFilterSet.filter_q` matches to_tsvector('simple', …) of event titles and
summaries, citation quotes and entity names; these indexes hold exactly those
expressions, so a search reads the matching rows instead of computing the
vector of every row. SQLite searches by substring and needs none.
"""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import migrations

INDEXES = {
    "Event": GinIndex(
        SearchVector("title", "summary", config="simple"), name="event_search"
    ),
    "Citation": GinIndex(
        SearchVector("quote", config="simple"), name="citation_search"
    ),
    "Entity": GinIndex(SearchVector("name", config="simple"), name="entity_search"),
}


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for model_name, index in INDEXES.items():
        schema_editor.add_index(apps.get_model("timeline", model_name), index)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for model_name, index in INDEXES.items():
        schema_editor.remove_index(apps.get_model("timeline", model_name), index)


class Migration(migrations.Migration):
    dependencies = [("timeline", "0006_event_interval_index_postgres")]

    operations = [migrations.RunPython(forwards, backwards)]
