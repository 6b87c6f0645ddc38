"""Publishing rules: the one place that creates, changes and removes catalog entries.

Views, API views, the admin, commands and tasks all call these services, so
who may publish, what a valid dataset is, what gets recorded in the history
and what gets re-indexed is decided here and nowhere else. One module per
concern; callers import from the concern's module.
"""
