"""A dataset's timeliness in its API detail: whether it is updated as its publisher declared.

The rule lives in the quality app, above the catalog, which registers it (QualityConfig.ready);
the catalog shows whatever it answers, or null when no app registered one.
"""
_judges = []


def register_timeliness(judge):
    """`judge(dataset)` returns {"state", "due", "last_update"}, JSON-ready."""
    if judge not in _judges:
        _judges.append(judge)


def timeliness_of(dataset):
    return _judges[0](dataset) if _judges else None
