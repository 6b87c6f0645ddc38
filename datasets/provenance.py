"""Where a dataset's records came from besides its publisher (merged enterprise contributions).

The contributions app sits above the catalog, so it registers how to describe a dataset's
provenance (ContributionsConfig.ready); the catalog API shows whatever it is told, or nothing.
"""
_describers = []


def register_provenance(describe):
    """`describe(dataset)` returns a list of JSON-ready entries, oldest first."""
    if describe not in _describers:
        _describers.append(describe)


def provenance_of(dataset):
    return [entry for describe in _describers for entry in describe(dataset)]
