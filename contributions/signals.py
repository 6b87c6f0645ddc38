"""What the contribution services announce, so the task queue follows them without services importing tasks."""
from django.dispatch import Signal

# Sent inside the submitting transaction with contribution_id; contributions.dispatch queues the
# validation once that transaction commits (connected in ContributionsConfig.ready).
validation_requested = Signal()
