"""The safety rules, each shown on real formulas. No database."""

import re

import pytest
from django.utils.functional import Promise

from acuclinic.herbs import materia
from acuclinic.herbs.rules import PAIRS, Severity
from acuclinic.herbs.safety import (
    Line,
    Patient,
    check,
    match_medications,
    outstanding,
    worst,
)

PLAIN = Patient()
PREGNANT = Patient(pregnant=True)


def lines_of(code, **changes):
    """A classical formula's lines, with some herbs' grams changed or herbs added."""
    grams = {i.herb: i.grams for i in materia.formula(code).ingredients}
    grams.update(changes)
    return [(herb.replace("_", "-"), g, "raw") for herb, g in grams.items()]


def by_id(findings):
    return {f.rule_id: f for f in findings}


def ids(findings):
    return {f.rule_id for f in findings}


# --- the examples the issue asks for ----------------------------------------------------


def test_du_huo_ji_sheng_tang_at_its_usual_doses_gives_no_warning():
    findings = check(materia.formula("du-huo-ji-sheng-tang").lines(), PLAIN)
    # Only notes: three herbs below their pharmacopoeia range at the classic's 2-liang reading
    # (Sang Ji Sheng, Fu Ling and Di Huang at 6 g), and the reminder that Xi Xin must be root only.
    assert worst(findings) is Severity.NOTE
    assert ids(findings) == {
        "dose:sang-ji-sheng",
        "dose:fu-ling",
        "dose:sheng-di-huang",
        "root-only:xi-xin",
    }
    assert outstanding(findings) == []


def test_du_huo_ji_sheng_tang_with_the_strict_six_grams_of_xi_xin_needs_a_reason():
    findings = by_id(check(lines_of("du-huo-ji-sheng-tang", xi_xin=6, rou_gui=6)))
    assert findings["dose:xi-xin"].severity is Severity.NEEDS_REASON  # 6 g = twice the 3 g maximum
    assert findings["dose:rou-gui"].severity is Severity.WARNING  # 6 g against 1-5 g
    assert findings["dose:xi-xin"].source == "ChP 2020 Vol. I: 细辛"


def test_gan_cao_with_gan_sui_is_an_incompatibility():
    # Gan Sui Ban Xia Tang (Jin Gui Yao Lue) combines them on purpose: the checker still asks why.
    findings = by_id(check(materia.formula("gan-sui-ban-xia-tang").lines()))
    finding = findings["eighteen:gan-cao+gan-sui"]
    assert finding.severity is Severity.NEEDS_REASON
    assert finding.herbs == ("zhi-gan-cao", "gan-sui")
    assert "eighteen incompatibilities" in finding.explanation
    assert "Ru Men Shi Qin" in finding.source
    plain = by_id(check([("gan-sui", 1, "raw"), ("gan-cao", 6, "raw")]))
    # the herbs are named group by group, as in the rule: Gan Cao first
    assert plain["eighteen:gan-cao+gan-sui"].herbs == ("gan-cao", "gan-sui")


def test_fu_zi_with_ban_xia_is_an_incompatibility_by_the_modern_extension():
    # Fu Zi Geng Mi Tang (Jin Gui Yao Lue) combines them; the pharmacopoeia extends Wu Tou to Fu Zi.
    finding = by_id(check(materia.formula("fu-zi-geng-mi-tang").lines()))["eighteen:wu-tou+ban-xia"]
    assert finding.severity is Severity.NEEDS_REASON
    assert finding.herbs == ("fu-zi", "fa-ban-xia")
    assert "附子" in finding.source
    for ban_xia in ("fa-ban-xia", "jiang-ban-xia", "qing-ban-xia"):
        assert "eighteen:wu-tou+ban-xia" in ids(check([("zhi-chuan-wu", 3), (ban_xia, 9)]))


def test_a_pregnant_patient_with_tao_ren():
    findings = by_id(check(materia.formula("xue-fu-zhu-yu-tang").lines(), PREGNANT))
    tao_ren = findings["pregnancy:tao-ren"]
    assert tao_ren.severity is Severity.WARNING  # ChP: 孕妇慎用
    assert tao_ren.source == "ChP 2020 Vol. I: 桃仁 (孕妇慎用)"
    assert "pregnancy" in tao_ren.explanation
    assert "pregnancy:tao-ren" not in ids(check(materia.formula("xue-fu-zhu-yu-tang").lines()))


def test_guang_fang_ji_is_blocked_with_fang_ji_suggested():
    findings = check([("guang-fang-ji", 9, "raw"), ("huang-qi", 15, "raw")])
    finding = by_id(findings)["aristolochic-acid:guang-fang-ji"]
    assert finding.severity is Severity.BLOCK
    assert finding.substitute == "fang-ji"
    assert "aristolochic acid" in finding.explanation and "Fáng Jǐ" in finding.explanation
    assert "Import Alert 54-10" in finding.source
    overridden = check(findings and [("guang-fang-ji", 9)], overrides={finding.rule_id: "trust me"})
    assert outstanding(overridden) == [by_id(overridden)[finding.rule_id]]
    assert not by_id(overridden)[finding.rule_id].overridden


def test_warfarin_with_dan_shen():
    patient = Patient(medications=("Warfarin 5 mg daily",))
    finding = by_id(check([("dan-shen", 15, "raw")], patient))["interaction:dan-shen+anticoagulant"]
    assert finding.severity is Severity.WARNING
    assert finding.medications == ("Warfarin 5 mg daily",)
    assert "INR" in finding.explanation and "Warfarin 5 mg daily" in finding.explanation
    assert finding.source.startswith("Chan TYK")
    for entry in ("coumadin", "COUMADIN 2.5mg", "apixaban", "blood thinners"):
        assert "interaction:dan-shen+anticoagulant" in ids(
            check([("dan-shen", 10)], Patient(medications=(entry,)))
        ), entry
    assert check([("dan-shen", 10)], Patient(medications=("vitamin D",))) == []


# --- each incompatible pair -------------------------------------------------------------


def _one_of(name):
    members = sorted(materia.resolve([name]))
    usable = [c for c in members if not materia.get(c).blocked]
    return (usable or members)[0]


@pytest.mark.parametrize("pair", PAIRS, ids=lambda p: f"{p.list}:{p.id}")
def test_every_incompatible_pair_is_found(pair):
    a, b = _one_of(pair.a), _one_of(pair.b)
    findings = by_id(check([(a, 3, "raw"), (b, 3, "raw")]))
    finding = findings[f"{pair.list}:{pair.id}"]
    assert finding.severity is Severity.NEEDS_REASON
    assert set(finding.herbs) == {a, b}


def test_li_lu_with_the_shen_group_names_each_shen_present():
    findings = by_id(check([("li-lu", 0.3), ("ren-shen", 6), ("dan-shen", 10), ("bai-shao", 9)]))
    assert findings["eighteen:li-lu+shen"].herbs == ("li-lu", "ren-shen", "dan-shen")
    assert findings["eighteen:li-lu+shao-yao"].herbs == ("li-lu", "bai-shao")


def test_ren_shen_with_wu_ling_zhi_is_an_antagonism():
    # Shen Tong Zhu Yu Tang has Wu Ling Zhi; adding Ren Shen brings in the nineteenth antagonism.
    findings = by_id(check(lines_of("shen-tong-zhu-yu-tang", ren_shen=6)))
    assert findings["nineteen:ren-shen+wu-ling-zhi"].herbs == ("ren-shen", "wu-ling-zhi")


def test_rou_gui_with_chi_shi_zhi():
    assert "nineteen:guan-gui+chi-shi-zhi" in ids(check([("rou-gui", 3), ("chi-shi-zhi", 9)]))
    assert "nineteen:guan-gui+chi-shi-zhi" not in ids(check([("gui-zhi", 6), ("chi-shi-zhi", 9)]))


def test_no_pair_rule_fires_on_classics_without_one():
    for code in ("du-huo-ji-sheng-tang", "si-jun-zi-tang", "xiao-chai-hu-tang", "gui-pi-tang"):
        kinds = {f.kind for f in check(materia.formula(code).lines())}
        assert not kinds & {"eighteen", "nineteen"}, code


# --- pregnancy --------------------------------------------------------------------------


def test_contraindicated_in_pregnancy_is_a_block():
    findings = by_id(check(lines_of("shen-tong-zhu-yu-tang", san_leng=6), PREGNANT))
    assert findings["pregnancy:san-leng"].severity is Severity.BLOCK
    assert findings["pregnancy:san-leng"].source.endswith("(孕妇禁用)")
    assert findings["pregnancy:niu-xi"].severity is Severity.WARNING
    assert findings["pregnancy:wu-ling-zhi"].severity is Severity.WARNING


def test_trying_to_conceive_asks_for_a_reason_instead_of_blocking():
    patient = Patient(trying_to_conceive=True)
    findings = by_id(check([("san-leng", 6), ("tao-ren", 6)], patient))
    assert findings["pregnancy:san-leng"].severity is Severity.NEEDS_REASON
    assert findings["pregnancy:tao-ren"].severity is Severity.WARNING
    assert "trying to conceive" in findings["pregnancy:san-leng"].explanation


def test_pregnancy_safe_formula_gives_no_pregnancy_finding():
    findings = check(materia.formula("si-jun-zi-tang").lines(), PREGNANT)
    assert not [f for f in findings if f.kind == "pregnancy"]


# --- dose -------------------------------------------------------------------------------


def test_dose_below_is_a_note_above_a_warning_twice_needs_a_reason():
    def severity(grams):
        found = by_id(check([("du-huo", grams)])).get("dose:du-huo")
        return found and found.severity

    assert severity(2) is Severity.NOTE
    assert severity(3) is None and severity(10) is None and severity(6.5) is None
    assert severity(12) is Severity.WARNING
    assert severity(19.9) is Severity.WARNING
    assert severity(20) is Severity.NEEDS_REASON
    assert "twice" in by_id(check([("du-huo", 20)]))["dose:du-huo"].explanation


def test_granules_are_converted_by_their_ratio():
    assert check([("gan-cao", 2, "granule")]) == []  # 2 g of 5:1 granules = 10 g of herb
    above = by_id(check([("gan-cao", 3, "granule")]))["dose:gan-cao"]  # = 15 g
    assert above.severity is Severity.WARNING and "15 g" in above.explanation
    assert check([Line("gan-cao", 1, "granule", ratio=10)]) == []  # 10 g
    assert by_id(check([Line("gan-cao", 1, "granule", ratio=1)]))["dose:gan-cao"].severity == "note"


def test_the_same_herb_on_two_lines_is_added_up():
    findings = by_id(check([("du-huo", 6, "raw"), ("du-huo", 1, "granule")]))  # 6 + 5 = 11 g
    assert findings["dose:du-huo"].severity is Severity.WARNING
    assert "11 g" in findings["dose:du-huo"].explanation


def test_a_granule_without_a_known_ratio_is_flagged_and_not_dosed():
    findings = by_id(check([("gan-sui", 1, "granule")]))  # not sold as granules here
    assert findings["granule-ratio:gan-sui"].severity is Severity.WARNING
    assert "dose:gan-sui" not in findings
    assert "dose:gan-sui" in by_id(check([Line("gan-sui", 1, "granule", ratio=5)]))


# --- toxic herbs ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw, processed",
    [
        ("sheng-fu-zi", "fu-zi"),
        ("chuan-wu", "zhi-chuan-wu"),
        ("cao-wu", "zhi-cao-wu"),
        ("ban-xia", "fa-ban-xia"),
        ("tian-nan-xing", "zhi-tian-nan-xing"),
    ],
)
def test_raw_toxic_herbs_are_blocked_with_the_processed_form_suggested(raw, processed):
    finding = by_id(check([(raw, 3)]))[f"raw-toxic:{raw}"]
    assert finding.severity is Severity.BLOCK
    assert finding.substitute == processed
    assert materia.get(processed).pinyin in finding.explanation
    assert f"raw-toxic:{processed}" not in ids(check([(processed, 3)]))


def test_toxic_herb_dose_caps():
    def severity(grams):
        return by_id(check([("fu-zi", grams)]))["dose:fu-zi"].severity

    assert "dose:fu-zi" not in ids(check([("fu-zi", 15)]))
    assert severity(20) is Severity.NEEDS_REASON  # above 15 g: a toxic herb asks for a reason
    assert severity(30) is Severity.BLOCK  # twice the maximum of a toxic herb
    assert by_id(check([("zhi-chuan-wu", 6)]))["dose:zhi-chuan-wu"].severity is Severity.BLOCK
    # a slightly toxic herb keeps the ordinary levels
    assert by_id(check([("wu-zhu-yu", 6)]))["dose:wu-zhu-yu"].severity is Severity.WARNING


def test_fu_zi_gets_a_decoct_first_reminder():
    finding = by_id(check(materia.formula("si-ni-tang").lines()))["preparation:fu-zi"]
    assert finding.severity is Severity.NOTE
    assert "decoct it first and long" in finding.explanation
    powder = by_id(check([("gan-sui", 1)]))["preparation:gan-sui"]
    assert "powder" in powder.explanation


# --- hard blocks and flags --------------------------------------------------------------


@pytest.mark.parametrize(
    "code, kind, substitute",
    [
        ("guan-mu-tong", "aristolochic-acid", "mu-tong"),
        ("qing-mu-xiang", "aristolochic-acid", "mu-xiang"),
        ("ma-dou-ling", "aristolochic-acid", ""),
        ("tian-xian-teng", "aristolochic-acid", ""),
        ("xun-gu-feng", "aristolochic-acid", ""),
        ("xi-jiao", "endangered", "shui-niu-jiao"),
        ("chuan-shan-jia", "endangered", "wang-bu-liu-xing"),
        ("hu-gu", "endangered", ""),
        ("lang-du", "external-only", ""),
        ("ba-dou", "external-only", "ba-dou-shuang"),
        ("shui-yin", "heavy-metal", ""),
        ("pi-shuang", "heavy-metal", ""),
    ],
)
def test_hard_blocks(code, kind, substitute):
    finding = by_id(check([(code, 1)]))[f"{kind}:{code}"]
    assert finding.severity is Severity.BLOCK
    assert finding.substitute == substitute
    assert finding.source


def test_a_blocked_herb_gets_no_dose_or_pregnancy_finding_besides_its_block():
    findings = check([("chuan-shan-jia", 100)], PREGNANT)
    assert ids(findings) == {"endangered:chuan-shan-jia"}


def test_look_alikes_of_aristolochia():
    findings = by_id(check(materia.formula("long-dan-xie-gan-tang").lines()))
    mu_tong = findings["lookalike:mu-tong"]
    assert mu_tong.severity is Severity.WARNING
    assert "Akebia quinata" in mu_tong.explanation and "Aristolochia" in mu_tong.explanation
    fang_ji = by_id(check(materia.formula("fang-ji-huang-qi-tang").lines()))
    assert "Stephania tetrandra" in fang_ji["lookalike:fang-ji"].explanation
    for code in ("han-fang-ji", "chuan-mu-tong"):
        assert f"lookalike:{code}" in ids(check([(code, 5)]))


@pytest.mark.parametrize("place", ["US", "us", "USA", "United States"])
def test_ma_huang_in_the_us(place):
    findings = by_id(check(materia.formula("ma-huang-tang").lines(), Patient(jurisdiction=place)))
    assert findings["ephedra-us:ma-huang"].severity is Severity.WARNING
    assert "21 CFR 119.1" in findings["ephedra-us:ma-huang"].source


@pytest.mark.parametrize("place", ["", "CN", "GB", "Australia"])
def test_ma_huang_elsewhere(place):
    patient = Patient(jurisdiction=place)
    assert "ephedra-us:ma-huang" not in ids(check([("ma-huang", 6)], patient))


@pytest.mark.parametrize("code", ["he-shou-wu", "zhi-he-shou-wu"])
def test_he_shou_wu_liver_warning(code):
    finding = by_id(check([(code, 6)]))[f"liver:{code}"]
    assert finding.severity is Severity.WARNING
    assert "liver" in finding.explanation and "LiverTox" in finding.source


def test_unknown_herb_is_blocked_as_unchecked():
    finding = by_id(check([("mandrake", 3)]))["unknown:mandrake"]
    assert finding.severity is Severity.BLOCK
    assert "mandrake" in finding.explanation


# --- drug-herb interactions -------------------------------------------------------------


@pytest.mark.parametrize(
    "formula, medication, rule, severity",
    [
        ("du-huo-ji-sheng-tang", "Coumadin", "dang-gui+anticoagulant", Severity.WARNING),
        ("du-huo-ji-sheng-tang", "warfarin", "ginseng+warfarin", Severity.WARNING),
        ("du-huo-ji-sheng-tang", "furosemide 40mg", "licorice+diuretic", Severity.WARNING),
        ("du-huo-ji-sheng-tang", "Lanoxin", "licorice+digoxin", Severity.WARNING),
        ("du-huo-ji-sheng-tang", "lisinopril", "licorice+antihypertensive", Severity.NOTE),
        ("du-huo-ji-sheng-tang", "prednisone", "licorice+corticosteroid", Severity.NOTE),
        ("ma-huang-tang", "phenelzine (Nardil)", "ephedra+maoi", Severity.NEEDS_REASON),
        ("ma-huang-tang", "Adderall XR", "ephedra+stimulant", Severity.WARNING),
        ("ban-xia-xie-xin-tang", "Neoral", "berberine+cyclosporine", Severity.WARNING),
        ("ban-xia-xie-xin-tang", "metformin", "berberine+antidiabetic", Severity.NOTE),
        ("sheng-mai-san", "Prograf", "schisandra+tacrolimus", Severity.WARNING),
        ("sheng-mai-san", "selegiline", "ginseng+maoi", Severity.WARNING),
        ("sheng-mai-san", "insulin", "ginseng+antidiabetic", Severity.NOTE),
        ("zuo-gui-wan", "warfarin", "lycium+warfarin", Severity.WARNING),
    ],
)
def test_interactions_on_real_formulas(formula, medication, rule, severity):
    findings = by_id(check(materia.formula(formula).lines(), Patient(medications=(medication,))))
    finding = findings[f"interaction:{rule}"]
    assert finding.severity is severity
    assert finding.medications == (medication,)
    assert medication in finding.explanation


def test_interactions_of_herbs_outside_the_formulas():
    def rules(code, medication):
        found = check([(code, 9)], Patient(medications=(medication,)))
        return {f.rule_id for f in found if f.kind == "interaction"}

    assert rules("yin-xing-ye", "Eliquis") == {"interaction:ginkgo+anticoagulant"}
    assert rules("yin-xing-ye", "aspirin 81 mg") == {"interaction:ginkgo+antiplatelet"}
    assert rules("xi-yang-shen", "warfarin") == {"interaction:american-ginseng+warfarin"}
    assert rules("xi-yang-shen", "rivaroxaban") == set()  # the trial was with warfarin
    assert rules("shui-zhi", "clopidogrel") == {"interaction:leech+antithrombotic"}
    assert rules("dan-shen", "digoxin") == {"interaction:dan-shen+digoxin-assay"}


def test_no_medications_no_interactions():
    assert not [
        f for f in check(materia.formula("du-huo-ji-sheng-tang").lines()) if f.kind == "interaction"
    ]


def test_medication_matching():
    assert match_medications(["Warfarin 5mg", "HCTZ 25 mg", "  ", "vitamin C"]) == {
        "anticoagulant": ("Warfarin 5mg",),
        "vitamin-k-antagonist": ("Warfarin 5mg",),
        "potassium-losing-diuretic": ("HCTZ 25 mg",),
        "antihypertensive": ("HCTZ 25 mg",),
    }
    assert set(match_medications(["blood thinner"])) == {"anticoagulant", "antiplatelet"}
    assert set(match_medications(["MAOIs"])) == {"maoi"}
    assert set(match_medications(["Ciclosporin"])) == {"cyclosporine", "immunosuppressant"}
    assert match_medications(["aspirinated"]) == {}  # whole words only
    assert match_medications([]) == {}
    # A negation is not understood: the check errs towards warning.
    assert "anticoagulant" in match_medications(["stopped warfarin last year"])


# --- findings, overrides ----------------------------------------------------------------


def test_every_finding_explains_itself_in_one_sentence_and_names_its_source():
    patient = Patient(pregnant=True, medications=("warfarin", "lasix", "nardil"), jurisdiction="US")
    everything = [line for f in materia.all_formulas() for line in f.lines()] + [
        (h.code, 100, "raw") for h in materia.all_herbs()
    ]
    findings = check(everything, patient)
    assert len({f.kind for f in findings}) >= 14
    for finding in findings:
        assert isinstance(finding.template, Promise)  # gettext_lazy: translated when read
        text = finding.explanation
        # one sentence: no full stop then a capital inside it ("C. montana", "var. x" are fine)
        assert text.endswith(".") and not re.search(r"[a-z]\. [A-Z]", text) and "\n" not in text, (
            text
        )
        assert "%(" not in text, text
        assert finding.source, finding.rule_id


def test_findings_are_sorted_by_severity_then_rule_id():
    findings = check(
        [("guang-fang-ji", 9), ("gan-cao", 30), ("gan-sui", 1), ("du-huo", 2)], PREGNANT
    )
    ranks = [f.severity.rank for f in findings]
    assert ranks == sorted(ranks, reverse=True)
    assert [f.rule_id for f in findings] == [
        "aristolochic-acid:guang-fang-ji",
        "pregnancy:gan-sui",
        "dose:gan-cao",
        "eighteen:gan-cao+gan-sui",
        "dose:du-huo",
        "preparation:gan-sui",
    ]


def test_an_override_needs_a_reason_and_never_lifts_a_block():
    prescription = [("gan-cao", 6), ("hai-zao", 9), ("du-huo", 12), ("xi-jiao", 3)]
    rule = "eighteen:gan-cao+hai-zao"
    plain = by_id(check(prescription))
    assert {f.rule_id for f in outstanding(plain.values())} == {rule, "endangered:xi-jiao"}

    for blank in ("", "   ", None, 7):
        still = by_id(check(prescription, overrides={rule: blank}))
        assert not still[rule].overridden

    overrides = {
        rule: "  Hai Zao Yu Hu Tang tradition; patient monitored ",
        "dose:du-huo": "acute flare, three days",
        "endangered:xi-jiao": "old stock",
        "no-such-rule": "ignored",
    }
    after = by_id(check(prescription, overrides=overrides))
    assert after[rule].overridden and after[rule].reason == overrides[rule].strip()
    assert after["dose:du-huo"].overridden  # a warning can carry a reason too
    assert not after["endangered:xi-jiao"].overridden and after["endangered:xi-jiao"].reason == ""
    assert [f.rule_id for f in outstanding(after.values())] == ["endangered:xi-jiao"]
    assert worst(after.values()) is Severity.BLOCK
    assert worst([]) is None


def test_notes_are_never_overridden():
    finding = check([("du-huo", 1)], overrides={"dose:du-huo": "small child"})[0]
    assert finding.severity is Severity.NOTE and not finding.overridden


def test_lines_may_be_tuples_or_lines_with_any_real_number():
    from decimal import Decimal

    assert check([Line("du-huo", 9)]) == check([("du-huo", Decimal("9"), "raw")]) == []
    assert check([("DU-HUO ", 9)]) == []


@pytest.mark.parametrize(
    "line",
    [("du-huo", 0), ("du-huo", -3), ("du-huo", "9"), ("du-huo", True), ("du-huo", 9, "pill"),
     ("du-huo", float("nan")), ("du-huo", float("inf"))],
)  # fmt: skip
def test_malformed_lines_raise(line):
    with pytest.raises(ValueError, match="du-huo"):
        check([line])


@pytest.mark.parametrize("line", [(), ("du-huo",), ("du-huo", 9, "raw", 5, "extra")])
def test_lines_of_the_wrong_length_raise(line):
    with pytest.raises(ValueError, match="a line is"):
        check([line])
