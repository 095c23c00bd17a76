"""Writing the bundle zip: each member streamed in, hashed and counted in the same pass."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import stat
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from ..errors import InputError
from .model import _MEMBER_MODE, _STORE_SUFFIXES, _ZIP64_SAFE, CHUNK_BYTES, ProgressCallback
from .plan import _Spool

# ---------------------------------------------------------------------------------------------------- writing


class _HashingWriter:
    """A write-only stream that hashes and counts what passes through to a zip member."""

    def __init__(self, raw: IO[bytes]) -> None:
        self._raw = raw
        self._digest = hashlib.sha256()
        self.size = 0

    def write(self, data: bytes) -> int:
        self._digest.update(data)
        self.size += len(data)
        self._raw.write(data)
        return len(data)

    def flush(self) -> None:
        """Nothing is buffered here; zipfile flushes the member on close."""

    def hexdigest(self) -> str:
        return self._digest.hexdigest()


class _BundleWriter:
    """The zip being written; what the manifest needs of each file goes to ``files`` (a spool), in order."""

    def __init__(self, fh: IO[bytes], files: _Spool, *, stamp: tuple[int, ...], total: int,
                 on_progress: ProgressCallback | None) -> None:
        self._zip = zipfile.ZipFile(fh, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True)
        self._stamp = stamp
        self._total = total
        self._progress = on_progress
        self.files = files
        self.count = 0
        self.bytes = 0

    @contextlib.contextmanager
    def member(self, name: str, *, size_hint: int = 0, listed: bool = True) -> Iterator[_HashingWriter]:
        info = zipfile.ZipInfo(name, date_time=self._stamp)
        info.compress_type = zipfile.ZIP_STORED if name.lower().endswith(_STORE_SUFFIXES) else zipfile.ZIP_DEFLATED
        info.external_attr = (stat.S_IFREG | _MEMBER_MODE) << 16
        info.file_size = size_hint
        with self._zip.open(info, "w", force_zip64=size_hint > _ZIP64_SAFE) as raw:
            writer = _HashingWriter(raw)
            yield writer
        if listed:
            self.files.append(json.dumps([name, writer.hexdigest(), writer.size], ensure_ascii=False))
            self.count += 1
            self.bytes += writer.size
        if self._progress is not None:
            self._progress(self.count + (not listed), self._total)

    def copy(self, name: str, source: Path) -> None:
        try:
            src = source.open("rb")
        except OSError as exc:
            raise InputError(f"{source} could not be read ({exc.strerror or type(exc).__name__}); check that it "
                             "was not moved or deleted while the bundle was made, and run the bundle again.") from exc
        with src:
            size = os.fstat(src.fileno()).st_size
            with self.member(name, size_hint=size) as dst:
                while chunk := src.read(CHUNK_BYTES):
                    dst.write(chunk)

    def close(self) -> None:
        self._zip.close()


