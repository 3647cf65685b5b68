"""Top-1 / top-3 / top-5 of the clause rankers on the evaluation dilemmas.

    .venv/bin/python -m practicum.frameworks.eval.run
        [--set heldout|es|heldout2|es2|dev2|heldout3|es3] [--split dev|test] [--misses]

Reads the Code of Ethics from its YAML file (no database needed) and compares the old ranker
(plain BM25 over clause and section title, as the worksheet used it) with the new one
(`ranking.rank`: meaning and words). A dilemma counts as found within k when any of its right
clauses is among the first k suggestions.
"""

import argparse
import os
from dataclasses import dataclass
from pathlib import Path

import yaml

EVAL_DIR = Path(__file__).resolve().parent
CODE_FILE = EVAL_DIR.parent / "data" / "code_of_ethics" / "1.0.yaml"
DILEMMAS_FILE = EVAL_DIR / "dilemmas.yaml"
# Scored only, never tuned on: written before the second round of changes to the ranker.
SETS = {
    "main": DILEMMAS_FILE,
    "heldout": EVAL_DIR / "heldout.yaml",
    "es": EVAL_DIR / "heldout_es.yaml",
    # Written before the fourth round of changes and scored only before and after it.
    "heldout2": EVAL_DIR / "heldout2.yaml",
    "es2": EVAL_DIR / "heldout2_es.yaml",
    # Written after them, to tune on once the first sets sat at 100%.
    "dev2": EVAL_DIR / "dev2.yaml",
    # Written fresh from the Code alone, without the situations, the other sets or the ranker's
    # output, and scored once at the end of the session that asked for them.
    "heldout3": EVAL_DIR / "heldout3.yaml",
    "es3": EVAL_DIR / "heldout3_es.yaml",
}
KS = (1, 3, 5)


@dataclass(frozen=True)
class Dilemma:
    id: str
    split: str
    text: str
    clauses: tuple[str, ...]


def load_dilemmas(path: Path = DILEMMAS_FILE) -> list[Dilemma]:
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [
        Dilemma(d["id"], d["split"], " ".join(d["text"].split()), tuple(map(str, d["clauses"])))
        for d in doc["dilemmas"]
    ]


def code_clauses(path: Path = CODE_FILE) -> list:
    """Unsaved EthicsClause rows, numbered as the loader numbers them."""
    from practicum.frameworks.models import EthicsClause

    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    clauses, position = [], 0
    for group in doc["principle_groups"]:
        for section in group["sections"]:
            for number, text in enumerate(section["clauses"], start=1):
                position += 1
                clauses.append(
                    EthicsClause(
                        pk=position,
                        identifier=f"{group['number']}.{section['letter']}.{number}",
                        group_number=group["number"],
                        group_name=group["name"],
                        section_letter=section["letter"],
                        section_title=section["title"],
                        number=number,
                        text=" ".join(str(text).split()),
                        position=position,
                    )
                )
    return clauses


def old_bm25(clauses: list):
    """The worksheet's ranker before issue 12: BM25, English stop words only."""
    from practicum.frameworks.lexical import BM25Index

    index = BM25Index((c.identifier, f"{c.section_title}. {c.text}") for c in clauses)
    return lambda text, limit: [r.key for r in index.rank(text, limit=limit)]


def new_ranker(clauses: list):
    from practicum.frameworks import ranking

    index = ranking.build_index(
        clauses,
        situations=ranking.situations("1.0"),
        other_situations=ranking.other_language_situations("1.0"),
    )
    return lambda text, limit: [s.clause.identifier for s in ranking.rank(index, text, limit=limit)]


def evaluate(rank, dilemmas: list[Dilemma]) -> tuple[dict[int, int], list[tuple[Dilemma, list]]]:
    found = dict.fromkeys(KS, 0)
    misses = []
    for dilemma in dilemmas:
        ranked = rank(dilemma.text, max(KS))
        for k in KS:
            if set(ranked[:k]) & set(dilemma.clauses):
                found[k] += 1
        if not set(ranked[:3]) & set(dilemma.clauses):
            misses.append((dilemma, ranked))
    return found, misses


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--set", choices=tuple(SETS), default="main", dest="dilemma_set")
    parser.add_argument("--split", choices=("dev", "test"))
    parser.add_argument("--misses", action="store_true", help="list the new ranker's misses")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "practicum.settings")
    import django

    django.setup()
    dilemmas = [d for d in load_dilemmas(SETS[args.dilemma_set]) if args.split in (None, d.split)]
    clauses = code_clauses()
    print(
        f"{len(dilemmas)} dilemmas ({args.dilemma_set}, {args.split or 'all'}), "
        f"{len(clauses)} clauses"
    )
    for name, rank in (("old BM25", old_bm25(clauses)), ("new ranker", new_ranker(clauses))):
        found, misses = evaluate(rank, dilemmas)
        figures = "  ".join(f"top-{k} {found[k]}/{len(dilemmas)}" for k in KS)
        print(f"{name:<11} {figures}")
        if args.misses and name == "new ranker":
            for dilemma, ranked in misses:
                print(f"  miss {dilemma.id}: want {','.join(dilemma.clauses)} got {ranked}")


if __name__ == "__main__":
    main()
