"""Confidential text encrypted at rest (client names and emails, reflective free text).

Fernet (AES-128-CBC + HMAC-SHA256) from `cryptography`. Keys come from FIELD_ENCRYPTION_KEYS
(comma-separated, newest first: new writes use the first, reads try each, so a key can be
rotated without downtime); settings derives a development key when DEBUG is on.
The database row holds only ciphertext; nothing here logs the plaintext.
"""

from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.db import models

PREFIX = "fernet:"


@cache
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(key) for key in keys])


def fernet() -> MultiFernet:
    return _fernet(tuple(settings.FIELD_ENCRYPTION_KEYS))


def encrypt(text: str) -> str:
    return PREFIX + fernet().encrypt(text.encode("utf-8")).decode("ascii")


def decrypt(stored: str) -> str:
    if not stored.startswith(PREFIX):
        raise ValueError("value is not encrypted")
    try:
        return fernet().decrypt(stored[len(PREFIX) :].encode("ascii")).decode("utf-8")
    except InvalidToken as exc:
        raise ValueError("cannot decrypt: wrong key or tampered value") from exc


class EncryptedTextField(models.TextField):
    """A TextField stored encrypted. It cannot be filtered or sorted on: that is the point."""

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return encrypt(value)

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        return decrypt(value)

    def get_lookup(self, lookup_name):
        if lookup_name not in {"isnull", "exact"}:
            return None  # filtering on ciphertext would silently match nothing
        return super().get_lookup(lookup_name)


class EncryptedCharField(EncryptedTextField):
    """Short confidential text (a name, an email) with a length checked before encryption."""

    def __init__(self, *args, max_length: int = 254, **kwargs):
        self.plain_max_length = max_length
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["max_length"] = self.plain_max_length
        return name, path, args, kwargs

    def formfield(self, **kwargs):
        from django import forms

        return super().formfield(
            **{"max_length": self.plain_max_length, "widget": forms.TextInput, **kwargs}
        )
