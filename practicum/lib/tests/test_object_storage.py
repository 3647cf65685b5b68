"""STORAGE_URL and AWS_* choose the storage; whatever they say, objects stay private."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from practicum.lib.object_storage import (
    FILESYSTEM_BACKEND,
    S3_BACKEND,
    default_storage_from_env,
)


def test_the_default_is_the_local_folder():
    assert default_storage_from_env({}, media_root="/srv/media") == {
        "BACKEND": FILESYSTEM_BACKEND,
        "OPTIONS": {"location": "/srv/media"},
    }


def test_a_storage_url_selects_a_private_s3_bucket():
    config = default_storage_from_env(
        {
            "STORAGE_URL": "s3://uploads/practicum?endpoint_url=https://s3.example.net&region_name=eu"
        },
        media_root="",
    )
    assert config["BACKEND"] == S3_BACKEND
    assert config["OPTIONS"] == {
        "bucket_name": "uploads",
        "location": "practicum",
        "endpoint_url": "https://s3.example.net",
        "region_name": "eu",
        "default_acl": None,
        "querystring_auth": True,
        "custom_domain": None,
        "file_overwrite": False,
        "querystring_expire": 60,
    }


def test_the_usual_aws_variables_work_too():
    config = default_storage_from_env(
        {
            "AWS_STORAGE_BUCKET_NAME": "uploads",
            "AWS_S3_ENDPOINT_URL": "http://127.0.0.1:9000",
            "AWS_QUERYSTRING_EXPIRE": "30",
        },
        media_root="",
    )
    options = config["OPTIONS"]
    assert config["BACKEND"] == S3_BACKEND and options["bucket_name"] == "uploads"
    assert options["endpoint_url"] == "http://127.0.0.1:9000"
    assert options["querystring_expire"] == 30 and options["default_acl"] is None


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("s3://key:secret@uploads", "no credentials in the URL"),
        ("s3:///prefix", "name the bucket"),
        ("ftp://uploads", "unknown scheme"),
        ("s3://uploads?default_acl=public-read", "unknown option 'default_acl'"),
        ("s3://uploads?querystring_auth=0", "unknown option"),
        ("s3://uploads?querystring_expire=soon", "number of seconds"),
    ],
)
def test_it_refuses_what_would_expose_or_mislead(url, message):
    with pytest.raises(ImproperlyConfigured, match=message):
        default_storage_from_env({"STORAGE_URL": url}, media_root="")


def test_a_file_url_names_a_folder():
    config = default_storage_from_env({"STORAGE_URL": "file:///srv/files"}, media_root="/x")
    assert config["OPTIONS"] == {"location": "/srv/files"}
