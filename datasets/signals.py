"""Signals the catalog sends so other apps (search) can follow it without datasets knowing them."""
from django.dispatch import Signal

# Sent after commit with dataset_id whenever a dataset, its resources or its
# organization/themes change, or it is deleted (then the row is gone).
dataset_changed = Signal()
