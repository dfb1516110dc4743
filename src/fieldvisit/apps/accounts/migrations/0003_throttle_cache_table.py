"""The database cache's table, where login throttling is counted for every process (settings
``CACHES["throttle"]``). ``createcachetable`` creates the tables of every database cache in
``CACHES`` that does not exist yet (none when Redis is configured), so migrating is enough."""

from django.core.management import call_command
from django.db import migrations


def create_cache_tables(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_initial")]

    operations = [migrations.RunPython(create_cache_tables, migrations.RunPython.noop)]
