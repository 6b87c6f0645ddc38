"""Fields of a dataset another system owns (a harvest source): read-only on the portal.

The harvest app sits above the catalog, so it registers how to tell which fields of a dataset
it owns (HarvestConfig.ready); lifecycle.update_dataset refuses a change to any of them.
"""
_describers = []


def register_field_owner(describe):
    """`describe(dataset)` returns (owner label, set of field names) or None."""
    if describe not in _describers:
        _describers.append(describe)


def owned_fields(dataset):
    """{field: owner label} of the fields some registered owner holds on `dataset`."""
    owned = {}
    for describe in _describers:
        described = describe(dataset)
        if described is not None:
            label, fields = described
            owned.update(dict.fromkeys(fields, label))
    return owned
