"""The de-identified CSV of a report's episodes, for research (issue 7 D).

What it holds, one row per score: a patient code, the course number, the measure, where the
score came from (intake, diary, check-in, ...), the visit number and moment, the week since
the course's first visit, and the value. What it never holds: names, contact details, dates
of birth, free text (notes), record ids, practitioner, or calendar dates.
- Patient codes are random and new for every export ("P-" and 8 hex digits), so two exports
  cannot be joined on them, and they say nothing about the order patients came in.
- Dates become whole weeks since the course's first visit (the intake, a few days before it,
  is week -1). Weeks keep the shape of a course while dropping the day a patient was seen.
- Rows are sorted by the random code, then week, so their order says nothing either.
Small groups can still point to someone; the page says to share it under a research agreement.
"""

import csv
import io
import secrets
from collections.abc import Iterable
from datetime import timedelta

from acuclinic.outcomes import scoring
from acuclinic.outcomes.data import Episode

COLUMNS = ("patient", "course", "measure", "source", "visit", "moment", "week", "value")
WEEK = timedelta(weeks=1)


def _codes(count: int) -> list[str]:
    codes: set[str] = set()
    while len(codes) < count:
        codes.add(f"P-{secrets.token_hex(4)}")
    return list(codes)


def _value(value: object) -> str:
    return "" if value is None else f"{value}"


def rows(episodes: Iterable[Episode]) -> list[tuple[str, ...]]:
    episodes = [e for e in episodes if e.start is not None]
    patients = sorted({e.patient_id for e in episodes})
    codes = dict(zip(patients, _codes(len(patients)), strict=True))
    out = []
    for episode in episodes:
        first = episode.start
        assert first is not None
        pain = zip(episode.pain, episode.sources or ("",) * len(episode.pain), strict=False)
        for measure, observations in (
            (scoring.NPRS.key, pain),
            (
                episode.function_measure,
                zip(episode.function, episode.function_sources, strict=False),
            ),
        ):
            for o, source in observations:
                out.append(
                    (
                        codes[episode.patient_id],
                        str(episode.number),
                        measure or "",
                        source,
                        _value(o.visit),
                        _value(o.moment),
                        str((o.when - first) // WEEK),
                        _value(o.value),
                    )
                )
    out.sort(key=lambda row: (row[0], row[1], int(row[6]), row[4], row[5]))
    return out


def to_csv(episodes: Iterable[Episode]) -> tuple[str, int]:
    """The CSV text and its number of data rows."""
    data = rows(episodes)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    writer.writerows(data)
    return buffer.getvalue(), len(data)
