"""File downloads: one version of a resource, or a whole dataset as a zip, streamed.

Who may download what is decided by datasets.grading (through the selectors and
datasets.download_refusals); this package only turns an allowed file into HTTP,
with the pieces in core (http_files: names, ranges; counted_responses; zip_streams).

Memory stays constant whatever the file size: bodies are read from storage in
CHUNK_SIZE pieces and zips are built on the fly, one chunk at a time.

Download counts: a download is counted once the server has finished with
(closed) a GET response that carried the file from its first byte -- a 200, a
206 whose range starts at byte 0, an X-Accel-Redirect hand-off or the redirect
to an external link. HEAD, 304, 412, 416 and range continuations (a resumed or
parallel download asking for later bytes) are not counted, so one download
split into several range requests counts once. An aborted transfer still
counts: behind nginx the application cannot know how much the client got.
A zip counts as one download of every file in it. Counting happens at close,
through a Celery task, so neither the database nor the broker delays the
first byte.

Audit: every GET of conditional data that sends bytes (or hands them to nginx,
or redirects to a link) writes one access.models.AuditEntry at close: who,
which API key, dataset, resource and the bytes handed to the server.
"""
