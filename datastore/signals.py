"""What datastore.loading announces, so the task queue follows it without loading importing tasks."""
from django.dispatch import Signal

# Sent once a load's transaction committed, with table_id: the table is ready (and active, unless a
# newer version was already). datastore.dispatch queues its export files (connected in DatastoreConfig.ready).
table_loaded = Signal()
