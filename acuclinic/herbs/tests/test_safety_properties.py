"""Properties of the safety check over arbitrary prescriptions (hypothesis). No database."""

from hypothesis import given, settings
from hypothesis import strategies as st

from acuclinic.herbs import materia
from acuclinic.herbs.rules import MEDICATIONS, Severity
from acuclinic.herbs.safety import Line, Patient, check, outstanding

CODES = sorted(h.code for h in materia.all_herbs())

lines = st.lists(
    st.builds(
        Line,
        herb=st.sampled_from([*CODES, "not-a-herb"]),
        grams=st.floats(min_value=0.05, max_value=300, allow_nan=False),
        form=st.sampled_from(["raw", "granule"]),
        ratio=st.none() | st.floats(min_value=0.5, max_value=20),
    ),
    max_size=25,
)
patients = st.builds(
    Patient,
    pregnant=st.booleans(),
    trying_to_conceive=st.booleans(),
    medications=st.lists(
        st.sampled_from(sorted(MEDICATIONS)) | st.text(max_size=30), max_size=4
    ).map(tuple),
    jurisdiction=st.sampled_from(["", "US", "CN", "us"]),
)
reasons = st.sampled_from(["", "  ", "seen by the consultant", "patient informed"])


def summary(findings):
    return [(f.rule_id, f.severity, f.herbs, f.explanation, f.overridden) for f in findings]


@settings(max_examples=150, deadline=None)
@given(lines, patients, st.data())
def test_overriding_never_removes_or_lifts_a_block(prescription, patient, data):
    plain = check(prescription, patient)
    rule_ids = [f.rule_id for f in plain]
    overrides = data.draw(st.dictionaries(st.sampled_from(rule_ids or ["x"]), reasons))
    after = check(prescription, patient, overrides)
    assert [f.rule_id for f in after] == rule_ids  # overriding changes no finding's presence
    blocks = [f for f in after if f.severity is Severity.BLOCK]
    assert blocks == [f for f in plain if f.severity is Severity.BLOCK]
    assert not any(f.overridden for f in blocks)
    assert set(blocks) <= set(outstanding(after))
    for finding in after:
        if finding.overridden:
            assert finding.severity in (Severity.WARNING, Severity.NEEDS_REASON)
            assert finding.reason and finding.reason == overrides[finding.rule_id].strip()


@settings(max_examples=150, deadline=None)
@given(lines, patients)
def test_findings_are_deterministic_sorted_and_unique(prescription, patient):
    first = check(prescription, patient)
    assert summary(first) == summary(check(list(prescription), patient))
    keys = [f.sort_key for f in first]
    assert keys == sorted(keys)
    assert len({f.rule_id for f in first}) == len(first)


@settings(max_examples=100, deadline=None)
@given(lines, patients, st.randoms(use_true_random=False))
def test_the_order_of_the_lines_changes_no_rule(prescription, patient, random):
    shuffled = list(prescription)
    random.shuffle(shuffled)
    before = {(f.rule_id, f.severity, frozenset(f.herbs)) for f in check(prescription, patient)}
    after = {(f.rule_id, f.severity, frozenset(f.herbs)) for f in check(shuffled, patient)}
    assert before == after


@settings(max_examples=100, deadline=None)
@given(lines, patients)
def test_with_every_reason_given_only_blocks_remain(prescription, patient):
    findings = check(prescription, patient)
    everything = {f.rule_id: "reviewed" for f in findings}
    remaining = outstanding(check(prescription, patient, everything))
    assert all(f.severity is Severity.BLOCK for f in remaining)


@settings(max_examples=100, deadline=None)
@given(lines)
def test_a_pregnant_patient_never_gets_fewer_findings(prescription):
    plain = {f.rule_id for f in check(prescription, Patient())}
    pregnant = {f.rule_id for f in check(prescription, Patient(pregnant=True))}
    assert plain <= pregnant
