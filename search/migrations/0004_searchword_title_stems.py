from django.db import migrations, models

# Typo candidates by trigram similarity (search.lexicon): pg_trgm's GIN index on PostgreSQL (the
# extension is trusted, so the database owner may create it; scripts/services.sh also enables it),
# an FTS5 table with the trigram tokenizer kept in step by triggers on SQLite.
SQLITE = [
    "CREATE VIRTUAL TABLE search_word_trigrams USING fts5(word, content='search_searchword', "
    "content_rowid='rowid', tokenize='trigram')",
    "CREATE TRIGGER search_word_trigrams_ai AFTER INSERT ON search_searchword BEGIN "
    "INSERT INTO search_word_trigrams(rowid, word) VALUES (new.rowid, new.word); END",
    "CREATE TRIGGER search_word_trigrams_ad AFTER DELETE ON search_searchword BEGIN "
    "INSERT INTO search_word_trigrams(search_word_trigrams, rowid, word) VALUES ('delete', old.rowid, old.word); END",
    "CREATE TRIGGER search_word_trigrams_au AFTER UPDATE OF word ON search_searchword BEGIN "
    "INSERT INTO search_word_trigrams(search_word_trigrams, rowid, word) VALUES ('delete', old.rowid, old.word); "
    "INSERT INTO search_word_trigrams(rowid, word) VALUES (new.rowid, new.word); END",
]
SQLITE_DROP = ["DROP TRIGGER search_word_trigrams_au", "DROP TRIGGER search_word_trigrams_ad",
               "DROP TRIGGER search_word_trigrams_ai", "DROP TABLE search_word_trigrams"]
POSTGRES = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX search_word_trigrams ON search_searchword USING gin (word gin_trgm_ops)",
]
POSTGRES_DROP = ["DROP INDEX search_word_trigrams"]


def _run(statements):
    def run(apps, schema_editor):
        for statement in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)
    return run


class Migration(migrations.Migration):

    dependencies = [
        ("search", "0003_withdrawndataset"),
    ]

    operations = [
        migrations.AddField(
            model_name="searchentry",
            name="title_stems",
            field=models.TextField(null=True),
        ),
        migrations.CreateModel(
            name="SearchWord",
            fields=[
                ("word", models.CharField(max_length=100, primary_key=True, serialize=False)),
                ("stem", models.CharField(db_index=True, max_length=100)),
                ("in_titles", models.BooleanField(default=False)),
            ],
        ),
        migrations.RunPython(_run({"sqlite": SQLITE, "postgresql": POSTGRES}),
                             _run({"sqlite": SQLITE_DROP, "postgresql": POSTGRES_DROP})),
    ]
