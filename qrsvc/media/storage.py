"""Where media files live: a small storage interface and its filesystem implementation.

The rest of the service only ever talks to :class:`MediaStore`, so media can move to
shared or S3-compatible storage by adding one implementation (``S3MediaStore`` with the
same five methods) and choosing it in :func:`qrsvc.media.media_store_from_config`.
:class:`MediaError` (an upload or a store that failed, with its HTTP status) is here
too, at the bottom of the package: the images, the local folder and the bucket raise it.

Keys are relative, slash-separated paths of a deliberately small alphabet
(``img/3f/3fa4.../w640.webp``): they are safe as file names, as S3 object keys and in
URLs without escaping, and a key can never climb out of the store's root.
"""

from __future__ import annotations

import abc
import errno
import logging
import os
import re
import tempfile
from pathlib import Path
from typing import BinaryIO

__all__ = ["LocalMediaStore", "MediaError", "MediaStore", "N_", "check_key"]

log = logging.getLogger(__name__)
_KEY = re.compile(r"[a-z0-9][a-z0-9._-]{0,99}(?:/[a-z0-9][a-z0-9._-]{0,99}){0,7}")


def N_(message: str) -> str:  # noqa: N802 (the name gettext tools look for)
    """Mark ``message`` for the media catalog; it is translated where it is shown."""
    return message


class MediaError(ValueError):
    """An upload that cannot be used; ``status`` is 413 for too big, 400 otherwise.

    ``message`` is the English text (logs, the CLI); a view shows the reader
    ``gettext(error.template, **error.params)``.
    """

    def __init__(self, message: str, status: int = 400, **params: int | float) -> None:
        """Keep the message (a ``%(name)s`` template when ``params`` are given) and status."""
        self.template = message
        self.params = params
        self.message = message % params if params else message
        super().__init__(self.message)
        self.status = status


def check_key(key: str) -> str:
    """Return ``key`` when it is a valid storage key, else raise ``ValueError``.

    Keys are chosen by the service, never by an uploader, so a bad one is a
    programming error; ``..`` and absolute paths are refused all the same.
    """
    if not isinstance(key, str) or not _KEY.fullmatch(key) or ".." in key:
        raise ValueError(f"invalid media storage key: {key!r}")
    return key


class MediaStore(abc.ABC):
    """Stores media files by key; every implementation has these five operations."""

    @abc.abstractmethod
    def save(self, key: str, data: bytes, content_type: str) -> None:
        """Store ``data`` under ``key`` (replacing what was there) with its MIME type."""

    @abc.abstractmethod
    def open(self, key: str) -> BinaryIO:
        """Open the file stored under ``key`` for reading; ``FileNotFoundError`` if absent."""

    @abc.abstractmethod
    def exists(self, key: str) -> bool:
        """Tell whether something is stored under ``key``."""

    @abc.abstractmethod
    def delete(self, key: str) -> None:
        """Remove the file under ``key``; deleting a missing key is not an error."""

    @abc.abstractmethod
    def url_path(self, key: str) -> str:
        """The URL (a path on this site, or an absolute URL) that serves ``key``."""

    def read(self, key: str) -> bytes:
        """Return the whole file stored under ``key``."""
        with self.open(key) as stream:
            return stream.read()


class LocalMediaStore(MediaStore):
    """Media files in a folder on this machine (or on a shared mount).

    Files are served by the web app (or by nginx in front of it) under ``url_prefix``.
    The MIME type is not stored: it follows from the key's extension, which the
    service always sets.
    """

    def __init__(self, root: str | os.PathLike[str], url_prefix: str = "/media") -> None:
        """Use ``root`` (created when missing) and serve files under ``url_prefix``."""
        self.root = Path(root)
        self.url_prefix = url_prefix.rstrip("/")

    def path(self, key: str) -> Path:
        """The file that holds ``key`` (for ``send_file`` and for nginx)."""
        return self.root.joinpath(*check_key(key).split("/"))

    def save(self, key: str, data: bytes, content_type: str) -> None:
        """Write ``data`` atomically: readers see the old file or the new one, never half."""
        target = self.path(key)
        tmp = None
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".upload-")
            with os.fdopen(fd, "wb") as out:
                out.write(data)
            os.chmod(tmp, 0o644)
            os.replace(tmp, target)
        except BaseException as exc:
            if tmp is not None:
                Path(tmp).unlink(missing_ok=True)
            if isinstance(exc, OSError):
                raise _storage_error(self.root, exc) from None
            raise

    def open(self, key: str) -> BinaryIO:
        """Open the stored file for reading."""
        return self.path(key).open("rb")

    def exists(self, key: str) -> bool:
        """Tell whether the file exists."""
        return self.path(key).is_file()

    def delete(self, key: str) -> None:
        """Remove the file if it is there."""
        self.path(key).unlink(missing_ok=True)

    def url_path(self, key: str) -> str:
        """``/media/<key>``: keys need no escaping, see :func:`check_key`."""
        return f"{self.url_prefix}/{check_key(key)}"

    def __repr__(self) -> str:
        return f"LocalMediaStore({str(self.root)!r})"


def _storage_error(root: Path, exc: OSError):
    """The upload's error for a folder that cannot take the file (full, read-only, gone)."""
    # The folder's path and the system's words are for the operator's log, not for an
    # uploading producer, who gets one sentence in their language.
    log.error("media folder %s cannot take a file: %s", root, exc)
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        message = N_(
            "The file could not be stored: the disk that holds the media folder is full. "
            "Nothing was saved; please tell the administrator."
        )
    elif exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        message = N_(
            "The file could not be stored: the media folder is not writable by the service. "
            "Nothing was saved; please tell the administrator."
        )
    else:
        message = N_(
            "The file could not be stored: the media folder cannot be written. "
            "Nothing was saved; please tell the administrator."
        )
    return MediaError(message, 507)
