"""A file to write into whose bytes are taken out as they come: how file-wanting writers stream."""


class StreamSink:
    """A write-only, unseekable file that keeps what was written until drained.

    Writers that want a file (ZipFile, pyarrow's ParquetWriter) write into it;
    the response drains it after each piece. ZipFile sees no seek() and so
    writes data descriptors after each member instead of going back to patch
    headers, which is what lets it stream.
    """

    def __init__(self):
        self._parts = []
        self._position = 0
        self.closed = False

    def write(self, data):
        self._parts.append(bytes(data))
        self._position += len(data)
        return len(data)

    def tell(self):
        return self._position

    def flush(self):
        pass

    def writable(self):
        return True

    def close(self):
        self.closed = True

    def drain(self):
        """Yield what was written since the last drain, as one chunk, if anything was."""
        if self._parts:
            data = b"".join(self._parts)
            self._parts.clear()
            yield data
