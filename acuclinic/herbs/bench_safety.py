"""How long one safety check takes: a 20-herb prescription (Du Huo Ji Sheng Tang plus five herbs,
mixed raw and granule), a pregnant patient on three medicines, checked many times. Goal: under 5 ms.

Run: .venv/bin/python -m acuclinic.herbs.bench_safety [runs]
"""

import os
import statistics
import sys
import time


def main(runs: int = 2000) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "acuclinic.settings")
    import django

    django.setup()
    from acuclinic.herbs import materia
    from acuclinic.herbs.safety import Line, Patient, check

    lines = [
        Line(herb, grams) for herb, grams, _ in materia.formula("du-huo-ji-sheng-tang").lines()
    ]
    lines += [
        Line("xu-duan", 2, "granule"),
        Line("gou-ji", 10),
        Line("yan-hu-suo", 1.5, "granule", ratio=6),
        Line("tao-ren", 9),
        Line("gan-sui", 1),  # brings in an incompatibility with Gan Cao
    ]
    assert len(lines) == 20
    patient = Patient(
        pregnant=True,
        medications=("Warfarin 5 mg daily", "furosemide 40mg", "metformin 500 mg twice a day"),
        jurisdiction="US",
    )
    findings = check(lines, patient)  # the first call loads and validates the data
    for _ in range(50):
        check(lines, patient)
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        check(lines, patient)
        timings.append(time.perf_counter() - start)
    timings.sort()
    median = statistics.median(timings) * 1000
    p95 = timings[int(len(timings) * 0.95)] * 1000
    print(f"safety.check, 20 herbs, {len(findings)} findings, {runs} runs")
    verdict = "ok" if median < 5 else "MISSED"
    print(f"median {median:.3f} ms   p95 {p95:.3f} ms   goal < 5 ms: {verdict}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 2000)
