class BackupError(Exception):
    """A backup or restore that cannot go on; its message says why and what to do."""
