import datetime

import pytest

from practicum.lib.versioned import content_hash, ensure_unchanged


class Published:
    content_hash = content_hash({"version": "1.0", "effective_date": datetime.date(2025, 1, 1)})


def test_the_digest_ignores_key_order():
    assert content_hash({"a": 1, "b": [1, 2]}) == content_hash({"b": [1, 2], "a": 1})


def test_the_same_content_passes_and_other_content_is_refused():
    same = content_hash({"effective_date": datetime.date(2025, 1, 1), "version": "1.0"})
    ensure_unchanged(Published, digest=same, label="x.yaml: v1.0", error=ValueError)
    with pytest.raises(ValueError, match="x.yaml: v1.0 is already published.*never change"):
        ensure_unchanged(Published, digest=content_hash({}), label="x.yaml: v1.0", error=ValueError)
