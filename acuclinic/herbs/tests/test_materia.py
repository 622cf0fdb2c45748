"""Look-up and keyboard search of the materia medica. No database."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from acuclinic.herbs.materia import fold, formula, get, search


def codes(found):
    return [h.code for h in found]


def test_get_by_code():
    herb = get("du-huo")
    assert herb.pinyin == "Dú Huó" and herb.hanzi == "独活" and herb.hanzi_trad == "獨活"
    assert herb.latin == "Radix Angelicae Pubescentis"
    assert (herb.dose_min, herb.dose_max) == (3, 10)
    assert herb.dose_source == "ChP 2020 Vol. I: 独活"
    assert get(" DU-HUO ") == herb
    assert str(herb) == "Dú Huó 独活"


@pytest.mark.parametrize("code", ["", "du huo", "duhuo", "nothing", None, 42])
def test_get_unknown(code):
    assert get(code) is None


def test_formula_by_code_and_as_prescription_lines():
    dhjst = formula("du-huo-ji-sheng-tang")
    assert dhjst.hanzi == "独活寄生汤"
    assert dhjst.lines()[0] == ("du-huo", 9.0, "raw")
    assert dhjst.lines(scale=0.5)[0] == ("du-huo", 4.5, "raw")
    assert formula("nothing") is None and formula(None) is None


@pytest.mark.parametrize(
    "query, first",
    [
        ("du-huo", "du-huo"),
        ("Dú Huó", "du-huo"),
        ("du huo", "du-huo"),
        ("DUHUO", "du-huo"),
        ("独活", "du-huo"),
        ("獨活", "du-huo"),
        ("Radix Angelicae Pubescentis", "du-huo"),
        ("angelica pubescens", "du-huo"),
        ("gan cao", "gan-cao"),
        ("甘草", "gan-cao"),
        ("licorice", "gan-cao"),
        ("麻黃", "ma-huang"),
        ("ephedra", "ma-huang"),
        ("fu zi", "fu-zi"),
        ("fù zǐ", "fu-zi"),
        ("nü zhen zi", "nu-zhen-zi"),
        ("nv zhen zi", "nu-zhen-zi"),
        ("geng mi", "jing-mi"),
        ("han lian cao", "mo-han-lian"),
        ("dong quai", "dang-gui"),
        ("Panax ginseng", "ren-shen"),
        ("sang ji", "sang-ji-sheng"),
    ],
)
def test_search_puts_the_expected_herb_first(query, first):
    assert codes(search(query))[0] == first


def test_search_ranks_exact_then_prefix_then_anywhere():
    found = codes(search("ban xia"))
    assert found[0] == "ban-xia"  # the exact name, even though raw Ban Xia is blocked
    assert set(found[1:4]) == {"fa-ban-xia", "jiang-ban-xia", "qing-ban-xia"}
    prefix = codes(search("gan"))
    assert prefix[:3] == ["gan-cao", "gan-sui", "gan-jiang"]  # shorter names first


def test_search_finds_the_look_alikes_together():
    assert codes(search("fang ji"))[:3] == ["fang-ji", "han-fang-ji", "guang-fang-ji"]
    assert set(codes(search("mu tong"))[:3]) == {"mu-tong", "chuan-mu-tong", "guan-mu-tong"}


def test_search_by_character_prefix_and_substring():
    assert "fu-zi" in codes(search("附"))
    assert set(codes(search("贝母"))) == {"chuan-bei-mu", "zhe-bei-mu"}


def test_search_respects_the_limit():
    assert len(search("a", limit=3)) == 3
    assert search("gan", limit=0) == []


@pytest.mark.parametrize("query", ["", "   ", "zzzz", "x" * 65, None, 42])
def test_search_nothing(query):
    assert search(query) == []


@given(st.text(max_size=80))
def test_search_and_get_never_raise(text):
    found = search(text)
    assert len(found) <= 10
    assert len({h.code for h in found}) == len(found)
    get(text)


def test_fold():
    assert fold("Dú Huó") == "duhuo"
    assert fold("Nǚ Zhēn Zǐ") == "nuzhenzi"
    assert fold("du-huo") == "duhuo"
