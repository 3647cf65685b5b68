"""Where uploads are stored, read from the environment.

The default is a folder on this machine (MEDIA_ROOT). `STORAGE_URL=s3://bucket/prefix?...`, or
the usual django-storages variables (`AWS_STORAGE_BUCKET_NAME`, with `AWS_S3_ENDPOINT_URL` for a
store other than Amazon's), put them in any S3-compatible object store instead, so that several
web processes on several machines see the same files. Credentials come from the environment
(`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`) or the machine's role, never from the URL.

Objects are private whatever the store does by default: no ACL is sent, so they inherit the
bucket's (private unless someone made it public), the storage never builds a public URL, and any
URL it signs lives `AWS_QUERYSTRING_EXPIRE` seconds. Files reach a browser only through the
views that check access (`lib.downloads.stored_file_response` streams them).
"""

from urllib.parse import parse_qsl, urlsplit

from django.core.exceptions import ImproperlyConfigured

S3_BACKEND = "storages.backends.s3.S3Storage"
FILESYSTEM_BACKEND = "django.core.files.storage.FileSystemStorage"

# Query parameters of STORAGE_URL that pass through to django-storages' S3Storage.
_S3_QUERY_OPTIONS = {
    "endpoint_url": str,
    "region_name": str,
    "addressing_style": str,
    "signature_version": str,
    "querystring_expire": int,
    "use_ssl": lambda value: value.lower() in {"1", "true", "yes", "on"},
}
# What no environment may change: private objects, signed URLs only, no silent overwrite.
_S3_FIXED = {
    "default_acl": None,
    "querystring_auth": True,
    "custom_domain": None,
    "file_overwrite": False,
}


def default_storage_from_env(environ, *, media_root: str) -> dict:
    """The STORAGES["default"] entry for this environment."""
    url = environ.get("STORAGE_URL", "").strip()
    if url:
        return _from_url(url, media_root=media_root)
    bucket = environ.get("AWS_STORAGE_BUCKET_NAME", "").strip()
    if bucket:
        options = {"bucket_name": bucket, "location": environ.get("AWS_LOCATION", "")}
        for name in ("endpoint_url", "region_name"):
            value = environ.get(f"AWS_S3_{name.upper()}", "").strip()
            if value:
                options[name] = value
        return _s3(options, expire=environ.get("AWS_QUERYSTRING_EXPIRE", ""))
    return {"BACKEND": FILESYSTEM_BACKEND, "OPTIONS": {"location": media_root}}


def _from_url(url: str, *, media_root: str) -> dict:
    parts = urlsplit(url)
    if parts.scheme in {"file", ""}:
        return {"BACKEND": FILESYSTEM_BACKEND, "OPTIONS": {"location": parts.path or media_root}}
    if parts.scheme != "s3":
        raise ImproperlyConfigured(
            f"STORAGE_URL: unknown scheme {parts.scheme!r} (s3:// or file://)"
        )
    if not parts.hostname:
        raise ImproperlyConfigured("STORAGE_URL: name the bucket, as in s3://bucket/prefix")
    if parts.username or parts.password:
        raise ImproperlyConfigured(
            "STORAGE_URL: put no credentials in the URL; set AWS_ACCESS_KEY_ID and "
            "AWS_SECRET_ACCESS_KEY instead"
        )
    options: dict = {"bucket_name": parts.hostname, "location": parts.path.strip("/")}
    expire = ""
    for key, value in parse_qsl(parts.query):
        if key == "querystring_expire":
            expire = value
        elif key in _S3_QUERY_OPTIONS:
            options[key] = _S3_QUERY_OPTIONS[key](value)
        else:
            raise ImproperlyConfigured(f"STORAGE_URL: unknown option {key!r}")
    return _s3(options, expire=expire)


def _s3(options: dict, *, expire: str) -> dict:
    try:
        seconds = int(expire) if expire else 60
    except ValueError as exc:
        raise ImproperlyConfigured("querystring_expire must be a number of seconds") from exc
    return {
        "BACKEND": S3_BACKEND,
        "OPTIONS": {**options, **_S3_FIXED, "querystring_expire": seconds},
    }
