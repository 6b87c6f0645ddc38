"""Backup and restore of a whole instance: the database and the stored files, with a manifest of checksums.

In the roof: a backup reads every app's tables and files, flushes the Redis buffers of
`apikeys` and `audit` first, and a restore ends by rebuilding the `search` index.
"""
