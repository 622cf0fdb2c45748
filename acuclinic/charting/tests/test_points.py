"""The point catalogue: the data file's facts and the picker's look-ups. No database."""

import csv
from collections import Counter

import pytest
from hypothesis import given
from hypothesis import strategies as st

from acuclinic.charting import points
from acuclinic.charting.points import (
    CATEGORIES,
    CAUTIONS,
    CHERKIN_2009_BACK_PAIN,
    MERIDIAN_SIZES,
    REGIONS,
    all_points,
    by_meridian,
    cautions_for,
    get,
    search,
    with_category,
)

ORGANS = {"LU", "LI", "ST", "SP", "HT", "SI", "BL", "KI", "PC", "TE", "GB", "LR"}


def meridian_points():
    return [p for p in all_points() if not p.is_extra]


def codes(found):
    return [p.code for p in found]


def category_codes(name):
    return {p.code for p in with_category(name)}


# --- the data file ------------------------------------------------------------------------


def test_361_meridian_points_with_the_who_counts():
    assert len(meridian_points()) == 361
    assert Counter(p.meridian for p in meridian_points()) == MERIDIAN_SIZES
    assert sum(MERIDIAN_SIZES.values()) == 361


def test_codes_unique_and_consecutive_per_meridian():
    all_codes = codes(all_points())
    assert len(all_codes) == len(set(all_codes))
    for meridian, size in MERIDIAN_SIZES.items():
        found = by_meridian(meridian)
        assert [p.number for p in found] == list(range(1, size + 1))
        assert all(p.code == f"{meridian}{p.number}" for p in found)


def test_first_and_last_points():
    expected = {
        "LU1": "Zhongfu",
        "LU11": "Shaoshang",
        "LI4": "Hegu",
        "LI20": "Yingxiang",
        "ST36": "Zusanli",
        "ST45": "Lidui",
        "SP6": "Sanyinjiao",
        "SP21": "Dabao",
        "HT7": "Shenmen",
        "SI19": "Tinggong",
        "BL1": "Jingming",
        "BL23": "Shenshu",
        "BL40": "Weizhong",
        "BL67": "Zhiyin",
        "KI1": "Yongquan",
        "KI27": "Shufu",
        "PC6": "Neiguan",
        "TE5": "Waiguan",
        "TE23": "Sizhukong",
        "GB20": "Fengchi",
        "GB44": "Zuqiaoyin",
        "LR3": "Taichong",
        "LR14": "Qimen",
        "GV1": "Changqiang",
        "GV3": "Yaoyangguan",
        "GV20": "Baihui",
        "GV28": "Yinjiao",
        "CV1": "Huiyin",
        "CV24": "Chengjiang",
    }
    assert {code: get(code).pinyin_plain for code in expected} == expected
    assert get("BL23").pinyin == "Shènshū"
    assert get("BL23").hanzi == "肾俞"


def test_required_columns_are_filled_and_from_the_vocabularies():
    for p in all_points():
        assert p.code and p.meridian and p.pinyin and p.pinyin_plain and p.hanzi and p.region
        assert p.pinyin_plain.isascii() and p.pinyin_plain.isalpha(), p.code
        assert not p.hanzi.isascii(), p.code
        assert p.region in REGIONS, p.code
        assert set(p.categories) <= CATEGORIES, p.code
        assert set(p.cautions) <= set(CAUTIONS), p.code
        assert {cat for cat, _ in p.related} <= set(p.categories), p.code
        assert p.location_note, p.code
        assert len(p.location_note) <= 120, p.code
        assert (p.number is None) == p.is_extra


def test_the_csv_has_the_documented_columns():
    with points.DATA_FILE.open(encoding="utf-8", newline="") as f:
        header = next(csv.reader(f))
    required = {"code", "meridian", "number", "pinyin", "pinyin_plain", "hanzi", "region"}
    assert required | {"categories", "cautions", "location_note"} <= set(header)


def test_five_shu_points_one_per_meridian_each():
    for category in points.FIVE_SHU:
        found = with_category(category)
        assert len(found) == 12
        assert {p.meridian for p in found} == ORGANS


def test_back_shu_points_of_the_twelve_organs():
    found = {p.code: p.related_to("back-shu") for p in with_category("back-shu")}
    assert found == {
        "BL13": "LU",
        "BL14": "PC",
        "BL15": "HT",
        "BL18": "LR",
        "BL19": "GB",
        "BL20": "SP",
        "BL21": "ST",
        "BL22": "TE",
        "BL23": "KI",
        "BL25": "LI",
        "BL27": "SI",
        "BL28": "BL",
    }


def test_front_mu_points():
    found = {p.related_to("front-mu"): p.code for p in with_category("front-mu")}
    assert found == {
        "LU": "LU1",
        "PC": "CV17",
        "HT": "CV14",
        "LR": "LR14",
        "GB": "GB24",
        "SP": "LR13",
        "ST": "CV12",
        "TE": "CV5",
        "KI": "GB25",
        "LI": "ST25",
        "SI": "CV4",
        "BL": "CV3",
    }


def test_yuan_source_points():
    assert category_codes("yuan-source") == {
        "LU9",
        "LI4",
        "ST42",
        "SP3",
        "HT7",
        "SI4",
        "BL64",
        "KI3",
        "PC7",
        "TE4",
        "GB40",
        "LR3",
    }
    # On the yin meridians the yuan point is the shu-stream point.
    for p in with_category("yuan-source"):
        assert (p.meridian in {"LU", "SP", "HT", "KI", "PC", "LR"}) == (
            "shu-stream" in p.categories
        )


def test_fifteen_luo_points_with_the_great_luo_of_the_spleen():
    assert category_codes("luo-connecting") == {
        "LU7",
        "LI6",
        "ST40",
        "SP4",
        "HT5",
        "SI7",
        "BL58",
        "KI4",
        "PC6",
        "TE5",
        "GB37",
        "LR5",
        "CV15",
        "GV1",
        "SP21",
    }


def test_sixteen_xi_cleft_points():
    found = {p.related_to("xi-cleft"): p.code for p in with_category("xi-cleft")}
    assert len(found) == 16
    assert {k: found[k] for k in ("Yinqiao", "Yangqiao", "Yinwei", "Yangwei")} == {
        "Yinqiao": "KI8",
        "Yangqiao": "BL59",
        "Yinwei": "KI9",
        "Yangwei": "GB35",
    }
    assert {found[m] for m in ORGANS} == {
        "LU6",
        "LI7",
        "ST34",
        "SP8",
        "HT6",
        "SI6",
        "BL63",
        "KI5",
        "PC4",
        "TE7",
        "GB36",
        "LR6",
    }


def test_eight_influential_points():
    found = {p.related_to("influential"): p.code for p in with_category("influential")}
    assert found == {
        "zang": "LR13",
        "fu": "CV12",
        "qi": "CV17",
        "blood": "BL17",
        "sinews": "GB34",
        "bone": "BL11",
        "marrow": "GB39",
        "vessels": "LU9",
    }


def test_eight_confluent_points():
    found = {p.related_to("confluent"): p.code for p in with_category("confluent")}
    assert found == {
        "Chong": "SP4",
        "Yinwei": "PC6",
        "Du": "SI3",
        "Yangqiao": "BL62",
        "Dai": "GB41",
        "Yangwei": "TE5",
        "Ren": "LU7",
        "Yinqiao": "KI6",
    }


def test_six_lower_he_sea_points():
    found = {p.related_to("lower-he-sea"): p.code for p in with_category("lower-he-sea")}
    assert found == {
        "ST": "ST36",
        "LI": "ST37",
        "SI": "ST39",
        "TE": "BL39",
        "BL": "BL40",
        "GB": "GB34",
    }


def test_command_and_window_of_heaven_points():
    assert category_codes("four-command") == {"LI4", "LU7", "BL40", "ST36"}
    assert len(with_category("window-of-heaven")) == 10


def test_back_points_laid_out_by_landmark():
    assert "L2" in get("BL23").location_note and "1.5 cun" in get("BL23").location_note
    assert "L2" in get("BL52").location_note and "3 cun" in get("BL52").location_note
    assert "L4" in get("GV3").location_note
    assert "0.5 cun" in get("EX-B2").location_note


def test_extra_points_for_back_pain():
    expected = {
        "EX-B2": "Huatuojiaji",
        "EX-B7": "Yaoyan",
        "EX-B8": "Shiqizhui",
        "EX-B9": "Yaoqi",
        "EX-UE7": "Yaotongdian",
        "EX-HN3": "Yintang",
    }
    assert {code: get(code).pinyin_plain for code in expected} == expected
    assert all(get(code).meridian == "EX" for code in expected)
    assert "17 pairs" in get("EX-B2").location_note


def test_yintang_is_gv29_only_behind_the_flag():
    assert get("GV29") is None
    assert len(by_meridian("GV")) == 28
    assert get("EX-HN3").alt_code == "GV29"
    moved = get("GV29", who_2008_gv29=True)
    assert moved.pinyin_plain == "Yintang"
    assert (moved.meridian, moved.number) == ("GV", 29)
    assert len(by_meridian("GV", who_2008_gv29=True)) == 29
    assert codes(search("gv29", who_2008_gv29=True)) == ["GV29"]
    assert search("gv29") == []


# --- look-ups -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("spelling", "code"),
    [
        ("BL23", "BL23"),
        ("bl23", "BL23"),
        ("BL 23", "BL23"),
        ("BL-23", "BL23"),
        ("bl.23", "BL23"),
        ("UB23", "BL23"),
        ("ub 23", "BL23"),
        (" Bl023 ", "BL23"),
        ("SJ5", "TE5"),
        ("TW5", "TE5"),
        ("TB5", "TE5"),
        ("Liv3", "LR3"),
        ("LIV3", "LR3"),
        ("LV3", "LR3"),
        ("K3", "KI3"),
        ("P6", "PC6"),
        ("HT7", "HT7"),
        ("Du20", "GV20"),
        ("Ren4", "CV4"),
        ("RN4", "CV4"),
        ("EX-B2", "EX-B2"),
        ("ex b2", "EX-B2"),
        ("EXB2", "EX-B2"),
        ("ex-ue-7", "EX-UE7"),
        ("EX-HN3", "EX-HN3"),
        ("ex-anmian", "EX-ANMIAN"),
    ],
)
def test_get_accepts_the_usual_spellings(spelling, code):
    assert get(spelling).code == code


@pytest.mark.parametrize("spelling", ["", "BL", "BL0", "BL68", "LU12", "CV25", "XX1", "EX-B99"])
def test_get_unknown(spelling):
    assert get(spelling) is None


def test_by_meridian_with_aliases():
    assert codes(by_meridian("UB")) == codes(by_meridian("BL"))
    assert len(by_meridian("du")) == 28
    assert len(by_meridian("EX")) == 11
    assert by_meridian("nope") == ()


def test_with_category_spellings():
    assert category_codes("Back Shu") == category_codes("back-shu")
    assert with_category("no-such-category") == ()


# --- search -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "first"),
    [
        ("bl23", "BL23"),
        ("shenshu", "BL23"),
        ("Shènshū", "BL23"),
        ("SHENSHU", "BL23"),
        ("weizhong", "BL40"),
        ("ub40", "BL40"),
        ("du20", "GV20"),
        ("ren4", "CV4"),
        ("hua tuo", "EX-B2"),
        ("jiaji", "EX-B2"),
        ("yaoyan", "EX-B7"),
        ("肾俞", "BL23"),
        ("zu san li", "ST36"),
    ],
)
def test_search_puts_the_expected_point_first(query, first):
    assert codes(search(query))[0] == first


def test_search_code_prefix_in_number_order():
    assert codes(search("bl2", limit=20)) == ["BL2"] + [f"BL{n}" for n in range(20, 30)]
    assert codes(search("UB 2", limit=3)) == ["BL2", "BL20", "BL21"]


def test_search_exact_pinyin_before_prefix_before_substring():
    found = [get(c).pinyin_plain.lower() for c in codes(search("shenmen", limit=50))]
    assert found[0] == "shenmen"
    found = [get(c).pinyin_plain.lower() for c in codes(search("qi", limit=50))]
    starts = [name.startswith("qi") for name in found]
    assert any(starts) and not all(starts)
    assert starts == sorted(starts, reverse=True)  # every prefix match before any other
    assert all("qi" in name for name in found)


def test_search_by_category():
    found = codes(search("back-shu", limit=20))
    assert found == codes(with_category("back-shu"))


def test_search_respects_the_limit():
    assert len(search("bl", limit=5)) == 5
    assert len(search("bl", limit=100)) == 67
    assert search("bl", limit=0) == []


@pytest.mark.parametrize("query", ["", "   ", "zzzz", "\x00", "BL23" * 100])
def test_search_nothing(query):
    assert search(query) == []


@given(st.text())
def test_get_and_search_never_raise(text):
    assert get(text) is None or get(text).code
    assert isinstance(search(text), list)
    assert isinstance(by_meridian(text), tuple)
    assert isinstance(with_category(text), tuple)
    assert isinstance(cautions_for(text, pregnant=True), tuple)


@given(st.text(alphabet=st.characters(codec="utf-8"), min_size=1000, max_size=5000))
def test_huge_input_is_refused_quietly(text):
    assert get(text) is None
    assert search(text) == []


def test_emoji_and_nul():
    assert get("BL23\x00") is None or get("BL23\x00").code == "BL23"
    assert search("😀🙂") == []
    assert get("😀") is None


# --- cautions -----------------------------------------------------------------------------


@pytest.mark.parametrize("code", ["LI4", "SP6", "BL60", "BL67", "GB21", "BL32", "CV4"])
def test_points_avoided_in_pregnancy(code):
    assert "pregnancy" in cautions_for(code, pregnant=True)
    assert "pregnancy" not in cautions_for(code, pregnant=False)


def test_other_cautions():
    assert cautions_for("ST36", pregnant=True) == ()
    assert cautions_for("GB21", pregnant=False) == ("over-lung",)
    assert "over-lung" in cautions_for("BL13", pregnant=False)
    assert "over-kidney" in cautions_for("BL52", pregnant=False)
    assert "over-vessel" in cautions_for("ST9", pregnant=False)
    assert "over-vessel" in cautions_for("LU9", pregnant=False)
    assert "no-needling" in cautions_for("CV8", pregnant=False)
    assert cautions_for("ub 67", pregnant=True) == ("pregnancy",)
    assert cautions_for("nope", pregnant=True) == ()


def test_every_caution_has_a_message():
    used = {c for p in all_points() for c in p.cautions}
    assert used == set(CAUTIONS)
    assert all(CAUTIONS.values())


# --- the Cherkin 2009 set -----------------------------------------------------------------


def test_cherkin_set_resolves():
    assert [code for code, _ in CHERKIN_2009_BACK_PAIN] == ["BL23", "BL40", "KI3", "GV3"]
    for code, side in CHERKIN_2009_BACK_PAIN:
        point = get(code)
        assert point is not None
        assert side == ("midline" if point.meridian in {"GV", "CV"} else "bilateral")
