"""The audit log is append-only in the database too: on PostgreSQL a trigger refuses UPDATE and DELETE.

The application already refuses (AuditEntry.save/delete and its queryset);
the trigger also stops raw SQL and other programs using the same database.
Other databases (the embedded SQLite default) rely on the application alone.
"""
from django.db import migrations

CREATE = [
    """
    CREATE OR REPLACE FUNCTION access_auditentry_append_only() RETURNS trigger AS $$
    BEGIN
        RAISE EXCEPTION USING ERRCODE = 'insufficient_privilege',
            MESSAGE = 'access_auditentry is append-only: ' || TG_OP || ' refused';
    END;
    $$ LANGUAGE plpgsql
    """,
    """
    CREATE TRIGGER access_auditentry_append_only
        BEFORE UPDATE OR DELETE ON access_auditentry
        FOR EACH ROW EXECUTE FUNCTION access_auditentry_append_only()
    """,
]

DROP = [
    "DROP TRIGGER IF EXISTS access_auditentry_append_only ON access_auditentry",
    "DROP FUNCTION IF EXISTS access_auditentry_append_only()",
]


def _on_postgresql(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement, params=None)
    return run


class Migration(migrations.Migration):
    dependencies = [("access", "0001_initial")]

    operations = [migrations.RunPython(_on_postgresql(CREATE), _on_postgresql(DROP))]
