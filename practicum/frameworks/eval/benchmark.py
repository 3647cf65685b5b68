"""How long one clause suggestion takes, once the Code's vectors are computed.

    .venv/bin/python -m practicum.frameworks.eval.benchmark [--rounds 3]

Times `ranking.rank` (what a request to the worksheet or the Code search pays: one encoding of
the text, the similarities, BM25) over the evaluation dilemmas, and over worksheet-sized texts
(a dilemma and its options, about 150 words), then prints p50 and p95 in milliseconds, of the
wall clock and of the process's own CPU time. Not a test: wall-clock timings depend on what else
runs on the machine; the CPU time is what one request costs a free core (the encoder runs on one
thread), so it is the figure to read when the machine is busy.
"""

import argparse
import os
import statistics
import time


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "practicum.settings")
    import django

    django.setup()
    from practicum.frameworks import ranking
    from practicum.frameworks.eval import run

    clauses = run.code_clauses()
    started = time.perf_counter()
    index = ranking.build_index(
        clauses,
        situations=ranking.situations("1.0"),
        other_situations=ranking.other_language_situations("1.0"),
        examples=ranking.examples("1.0"),
    )
    print(f"clause side, once per Code version: {time.perf_counter() - started:.1f} s")
    # Timing only: the worked examples are texts of the length mentors write.
    dilemmas = [e.text for e in ranking.examples("1.0") if e.english][:60]
    worksheets = [" ".join(dilemmas[i : i + 3]) for i in range(0, len(dilemmas) - 2, 3)]
    ranking.rank(index, "warm up")
    for name, texts in (("one dilemma", dilemmas), ("dilemma and options", worksheets)):
        timings, cpu = [], []
        for _round in range(args.rounds):
            for text in texts:
                started, started_cpu = time.perf_counter(), time.process_time()
                ranking.rank(index, text, limit=8)
                timings.append((time.perf_counter() - started) * 1000)
                cpu.append((time.process_time() - started_cpu) * 1000)
        words = statistics.mean(len(t.split()) for t in texts)
        print(
            f"{name:<20} ~{words:.0f} words, {len(timings)} runs: "
            f"wall p50 {percentile(timings, 0.5):.0f} ms, p95 {percentile(timings, 0.95):.0f} ms; "
            f"CPU p50 {percentile(cpu, 0.5):.0f} ms, p95 {percentile(cpu, 0.95):.0f} ms"
        )


if __name__ == "__main__":
    main()
