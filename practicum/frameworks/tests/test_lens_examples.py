"""The Ethics Lens read-out's worked examples, and the dev3 sets, are well formed.

They cite clauses by identifier, so a typo or a clause that does not exist would silently teach
the read-out nothing; ids must be unique across languages so an example can be named in a note.
"""

from collections import Counter
from pathlib import Path

import yaml

FRAMEWORKS = Path(__file__).resolve().parents[1]
EXAMPLES = FRAMEWORKS / "lens" / "examples" / "code_of_ethics-1.0"
CODE = FRAMEWORKS / "data" / "code_of_ethics" / "1.0.yaml"


def clause_identifiers() -> set[str]:
    code = yaml.safe_load(CODE.read_text(encoding="utf-8"))
    return {
        f"{group['number']}.{section['letter']}.{n}"
        for group in code["principle_groups"]
        for section in group["sections"]
        for n in range(1, len(section["clauses"]) + 1)
    }


def examples() -> dict[str, list[dict]]:
    return {
        path.name: yaml.safe_load(path.read_text(encoding="utf-8"))["dilemmas"]
        for path in sorted(EXAMPLES.glob("*.yaml"))
    }


def test_every_example_cites_clauses_that_exist_and_has_a_unique_id():
    known = clause_identifiers()
    ids = Counter()
    for name, dilemmas in examples().items():
        for dilemma in dilemmas:
            ids[dilemma["id"]] += 1
            assert dilemma["text"].strip(), (name, dilemma["id"])
            assert dilemma["clauses"], (name, dilemma["id"])
            assert set(dilemma["clauses"]) <= known, (name, dilemma["id"], dilemma["clauses"])
    assert ids and max(ids.values()) == 1, [i for i, n in ids.items() if n > 1]


def test_the_dev3_sets_cover_every_clause_in_both_languages():
    for name, each in (("dev3.yaml", 5), ("dev3_es.yaml", 2)):
        path = FRAMEWORKS / "eval" / name
        dilemmas = yaml.safe_load(path.read_text(encoding="utf-8"))["dilemmas"]
        first = Counter(dilemma["clauses"][0] for dilemma in dilemmas)
        assert first == dict.fromkeys(clause_identifiers(), each), name
        assert {c for d in dilemmas for c in d["clauses"]} <= clause_identifiers()
