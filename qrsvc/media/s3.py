"""Media on S3-compatible storage (AWS S3, MinIO, Ceph, a provider's object storage).

Chosen by :func:`qrsvc.media.media_store_from_config` when ``QRSVC_MEDIA_S3_BUCKET``
is set, so that several application hosts share one media library. Files are still
served under ``/media/<key>`` on this site (read through the store, or proxied by
nginx straight to the bucket): the pages' Content-Security-Policy allows only this
origin, and visitors' phones never talk to a third party.

Settings (configuration key, or the environment variable ``QRSVC_`` + key):
``MEDIA_S3_BUCKET``, ``MEDIA_S3_ENDPOINT`` (for anything but AWS),
``MEDIA_S3_REGION``, ``MEDIA_S3_PREFIX`` (a folder inside the bucket),
``MEDIA_S3_ACCESS_KEY`` and ``MEDIA_S3_SECRET_KEY`` (else boto3's usual chain:
``AWS_*`` variables, a profile, an instance role).
"""

from __future__ import annotations

import io
import logging
import os
from collections.abc import Mapping
from typing import Any, BinaryIO

from qrsvc.media.storage import N_, MediaError, MediaStore, check_key

log = logging.getLogger(__name__)

__all__ = ["S3MediaStore", "s3_settings"]

SETTINGS = ("BUCKET", "ENDPOINT", "REGION", "PREFIX", "ACCESS_KEY", "SECRET_KEY")
#: Keys name their content (a hash), so a stored file never changes: cache it for a year.
CACHE_CONTROL = "public, max-age=31536000, immutable"
_MISSING = {"404", "NoSuchKey", "NotFound"}


def s3_settings(config: Mapping[str, Any]) -> dict[str, str]:
    """The ``MEDIA_S3_*`` settings from ``config``, else from ``QRSVC_MEDIA_S3_*`` variables."""
    found = {}
    for name in SETTINGS:
        value = config.get(f"MEDIA_S3_{name}") or os.environ.get(f"QRSVC_MEDIA_S3_{name}", "")
        found[name.lower()] = str(value).strip()
    return found


class S3MediaStore(MediaStore):
    """Media files as objects of one bucket (optionally under a prefix)."""

    def __init__(
        self,
        bucket: str,
        *,
        endpoint: str = "",
        region: str = "",
        prefix: str = "",
        access_key: str = "",
        secret_key: str = "",
        url_prefix: str = "/media",
        client: Any = None,
    ) -> None:
        """Talk to ``bucket``; ``client`` replaces the boto3 client (tests, custom set-ups)."""
        if not bucket:
            raise ValueError("an S3 media store needs a bucket name")
        self.bucket = bucket
        self.prefix = prefix.strip("/") + "/" if prefix.strip("/") else ""
        self.url_prefix = url_prefix.rstrip("/")
        if client is None:
            import boto3
            from botocore.config import Config

            client = boto3.client(
                "s3",
                endpoint_url=endpoint or None,
                region_name=region or None,
                aws_access_key_id=access_key or None,
                aws_secret_access_key=secret_key or None,
                # An upload fails within seconds when the storage is away, not after minutes.
                config=Config(
                    connect_timeout=5,
                    read_timeout=30,
                    retries={"max_attempts": 2, "mode": "standard"},
                ),
            )
        self.client = client

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> S3MediaStore:
        """The store the ``MEDIA_S3_*`` settings describe."""
        settings = s3_settings(config)
        return cls(url_prefix=config.get("MEDIA_URL_PREFIX", "/media"), **settings)

    def object_key(self, key: str) -> str:
        """The object name of ``key`` in the bucket."""
        return self.prefix + check_key(key)

    def save(self, key: str, data: bytes, content_type: str) -> None:
        """Upload ``data``: S3 replaces an object whole, so readers never see half a file."""
        name = self.object_key(key)
        try:
            self.client.put_object(
                Bucket=self.bucket,
                Key=name,
                Body=data,
                ContentType=content_type,
                CacheControl=CACHE_CONTROL,
            )
        except Exception as exc:  # noqa: BLE001 - botocore has many; all mean "not stored"
            raise self._storage_error(exc) from None

    def open(self, key: str) -> BinaryIO:
        """The object's bytes as a seekable stream (ranges for audio need seeking)."""
        name = self.object_key(key)
        try:
            answer = self.client.get_object(Bucket=self.bucket, Key=name)
        except Exception as exc:
            if _is_missing(exc):
                raise FileNotFoundError(f"no media file {key!r} in bucket {self.bucket}") from None
            raise
        with answer["Body"] as body:
            return io.BytesIO(body.read())

    def exists(self, key: str) -> bool:
        """Tell whether the object is there."""
        try:
            self.client.head_object(Bucket=self.bucket, Key=self.object_key(key))
        except Exception as exc:
            if _is_missing(exc):
                return False
            raise
        return True

    def delete(self, key: str) -> None:
        """Remove the object; S3 answers a missing one with success too."""
        self.client.delete_object(Bucket=self.bucket, Key=self.object_key(key))

    def url_path(self, key: str) -> str:
        """``/media/<key>`` on this site (see the module docstring)."""
        return f"{self.url_prefix}/{check_key(key)}"

    def _storage_error(self, exc: Exception):
        code = _error_code(exc)
        # The bucket's name and the storage's own words are for the operator's log.
        log.error("media bucket %s cannot take a file: %s", self.bucket, exc)
        if code in ("NoSuchBucket", "AccessDenied"):
            message = N_(
                "The file could not be stored: this server may not write to its media "
                "storage. Nothing was saved; please tell the administrator."
            )
        elif code in ("InvalidAccessKeyId", "SignatureDoesNotMatch"):
            message = N_(
                "The file could not be stored: the media storage keys are wrong. "
                "Nothing was saved; please tell the administrator."
            )
        else:
            message = N_(
                "The file could not be stored: the media storage could not be reached. "
                "Nothing was saved; please tell the administrator and try again later."
            )
        return MediaError(message, 503)

    def __repr__(self) -> str:
        return f"S3MediaStore({self.bucket!r}, prefix={self.prefix!r})"


def _error_code(exc: Exception) -> str:
    response = getattr(exc, "response", None) or {}
    return str(response.get("Error", {}).get("Code", ""))


def _is_missing(exc: Exception) -> bool:
    return _error_code(exc) in _MISSING
