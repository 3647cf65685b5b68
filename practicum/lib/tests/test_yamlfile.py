"""Data files are parsed once per content, and every reader gets a copy of its own."""

import datetime

import pytest
import yaml

from practicum.lib.yamlfile import load_yaml, read_yaml

DOC = """version: '1.0'
issued: 2024-05-01
clauses:
  - key: 1.A.1
    text: >
      folded
      text
"""


def test_it_reads_what_safe_load_reads():
    assert load_yaml(DOC) == yaml.safe_load(DOC)
    assert load_yaml(DOC)["issued"] == datetime.date(2024, 5, 1)


def test_each_reader_gets_its_own_copy():
    first = load_yaml(DOC)
    first["clauses"][0]["key"] = "changed"
    assert load_yaml(DOC)["clauses"][0]["key"] == "1.A.1"


def test_a_changed_file_is_read_afresh(tmp_path):
    path = tmp_path / "rules.yaml"
    path.write_text("a: 1\n", encoding="utf-8")
    assert read_yaml(path) == {"a": 1}
    path.write_text("a: 2\n", encoding="utf-8")
    assert read_yaml(path) == {"a": 2}


def test_bad_yaml_still_raises_yaml_error():
    with pytest.raises(yaml.YAMLError):
        load_yaml("a: [1, 2\n")
    with pytest.raises(yaml.YAMLError):  # not constructed: a safe loader
        load_yaml("a: !!python/object/apply:os.system ['true']\n")
