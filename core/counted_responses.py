"""Responses that report, once the server has closed them, that a download happened and how many bytes left.

A counted response takes the ids it counts and a `count_download` callable
(the app's, e.g. one queueing a task), and optionally an `audit`: an object
whose record(bytes_sent, status) writes the access-log entry. Both run at
close, so neither the database nor a broker delays the first byte, and a
failure in either is logged, never raised: the bytes are gone already.
"""
import logging

from django.http import FileResponse, HttpResponse, HttpResponseRedirect, StreamingHttpResponse

logger = logging.getLogger(__name__)


class CountedDownload:
    """Calls count_download(id) for each counted id, then audit.record(), when the server closes the response.

    `size`: the bytes someone else sends for it (nginx, the object store), which the audit records;
    0 for an external link.
    """

    def __init__(self, *args, counted_ids=(), count_download=None, audit=None, size=0, **kwargs):
        self.counted_ids = tuple(counted_ids)
        self.count_download = count_download
        self.audit = audit
        self.size = size
        super().__init__(*args, **kwargs)

    def bytes_sent(self):
        return self.size

    def close(self):
        counted_ids, self.counted_ids = self.counted_ids, ()
        for counted_id in counted_ids:
            try:
                self.count_download(counted_id)
            except Exception:  # a lost count must never break a download
                logger.exception("Could not schedule the download count of %s", counted_id)
        audit, self.audit = self.audit, None
        if audit is not None:
            try:
                audit.record(self.bytes_sent(), self.status_code)
            except Exception:  # the bytes are gone already; make the loss loud instead
                logger.exception("Could not write the audit entry of %s", audit.path)
        super().close()


class CountedFileResponse(CountedDownload, FileResponse):
    """A file (a http_files.FileSlice, which counts what is read from it) sent `block_size` bytes at a time."""

    def __init__(self, source, *args, block_size, **kwargs):
        self.source = source
        self.block_size = block_size
        super().__init__(source, *args, **kwargs)

    def bytes_sent(self):
        return self.source.bytes_read


class ByteCount:
    """An iterator over byte chunks that counts what passes through it."""

    def __init__(self, chunks):
        self._chunks = iter(chunks)
        self.total = 0

    def __iter__(self):
        return self

    def __next__(self):
        chunk = next(self._chunks)
        self.total += len(chunk)
        return chunk

    def close(self):
        """Close the chunks' generator, if they come from one: a body cut short stops what makes it."""
        close = getattr(self._chunks, "close", None)
        if close is not None:
            close()


class CountedStreamingResponse(CountedDownload, StreamingHttpResponse):
    def __init__(self, chunks, *args, **kwargs):
        self.counter = ByteCount(chunks)
        super().__init__(self.counter, *args, **kwargs)

    def close(self):
        # The body first: a body cut short may hold the database connection (a COPY in flight),
        # which the count and the audit entry need next.
        self.counter.close()
        super().close()

    def bytes_sent(self):
        return self.counter.total


class CountedResponse(CountedDownload, HttpResponse):
    """An X-Accel-Redirect hand-off: nginx sends the `size` bytes of the file itself."""


class CountedRedirect(CountedDownload, HttpResponseRedirect):
    """An external link, or a presigned URL of the object store (which sends the `size` bytes)."""
