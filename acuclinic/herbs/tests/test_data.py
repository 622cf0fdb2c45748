"""The data files: herbs.csv, formulas.json and the rule tables agree. No database."""

import csv
import re
import unicodedata
from pathlib import Path

import pytest

from acuclinic.herbs import materia
from acuclinic.herbs.materia import (
    CATEGORIES,
    HERB_COLUMNS,
    HERBS_FILE,
    PREPARATIONS,
    all_formulas,
    all_herbs,
    get,
    group,
    groups,
    resolve,
)
from acuclinic.herbs.rules import EIGHTEEN, INTERACTIONS, MEDICATIONS, NINETEEN, PAIRS, Severity

DATA_SOURCES = Path(materia.DATA_DIR) / "DATA_SOURCES.md"

# Every herb the safety rules name (DOMAIN.md, "Herbs"), and the look-alikes and substitutes.
NAMED_BY_THE_RULES = {
    # eighteen incompatibilities
    "gan-cao", "zhi-gan-cao", "gan-sui", "jing-da-ji", "hong-da-ji", "hai-zao", "yuan-hua",
    "chuan-wu", "zhi-chuan-wu", "cao-wu", "zhi-cao-wu", "fu-zi", "sheng-fu-zi",
    "chuan-bei-mu", "zhe-bei-mu", "gua-lou", "gua-lou-pi", "gua-lou-zi", "tian-hua-fen",
    "ban-xia", "fa-ban-xia", "jiang-ban-xia", "qing-ban-xia", "bai-lian", "bai-ji",
    "li-lu", "ren-shen", "bei-sha-shen", "nan-sha-shen", "dan-shen", "xuan-shen", "ku-shen",
    "xi-xin", "bai-shao", "chi-shao",
    # nineteen antagonisms
    "liu-huang", "mang-xiao", "shui-yin", "pi-shuang", "lang-du", "mi-tuo-seng", "ba-dou",
    "qian-niu-zi", "ding-xiang", "yu-jin", "xi-jiao", "san-leng", "rou-gui", "chi-shi-zhi",
    "wu-ling-zhi",
    # aristolochic acid and the look-alikes
    "guang-fang-ji", "guan-mu-tong", "ma-dou-ling", "tian-xian-teng", "qing-mu-xiang",
    "fang-ji", "han-fang-ji", "mu-tong", "chuan-mu-tong", "mu-xiang",
    # endangered, with substitutes
    "hu-gu", "chuan-shan-jia", "shui-niu-jiao", "wang-bu-liu-xing",
    # other flags
    "ma-huang", "he-shou-wu", "zhi-he-shou-wu",
}  # fmt: skip

BACK_PAIN_FORMULAS = {
    "du-huo-ji-sheng-tang",
    "shen-tong-zhu-yu-tang",
    "jin-gui-shen-qi-wan",
    "you-gui-wan",
    "zuo-gui-wan",
    "qing-e-wan",
    "gan-jiang-ling-zhu-tang",
    "juan-bi-tang",
}


def read_rows():
    with HERBS_FILE.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def test_the_csv_has_the_documented_columns():
    with HERBS_FILE.open(encoding="utf-8", newline="") as f:
        assert tuple(next(csv.reader(f))) == HERB_COLUMNS
    text = DATA_SOURCES.read_text(encoding="utf-8")
    for column in HERB_COLUMNS:
        assert f"`{column}`" in text, column


def test_at_least_150_herbs_with_unique_codes():
    codes = [h.code for h in all_herbs()]
    assert len(codes) >= 150
    assert len(codes) == len(set(codes))
    assert len(read_rows()) == len(codes)


def test_codes_are_slugs_of_the_plain_pinyin():
    for herb in all_herbs():
        assert re.fullmatch(r"[a-z]+(-[a-z]+)*", herb.code), herb.code
        assert herb.code == herb.pinyin_plain.replace(" ", "-"), herb.code


def test_plain_pinyin_is_the_pinyin_without_tone_marks():
    for herb in all_herbs():
        stripped = "".join(
            c for c in unicodedata.normalize("NFKD", herb.pinyin) if not unicodedata.combining(c)
        )
        assert herb.pinyin_plain == stripped.lower()
        assert herb.pinyin != herb.pinyin_plain  # tone marks are there


def test_names_are_filled_and_traditional_only_where_different():
    for herb in all_herbs():
        assert herb.hanzi and not herb.hanzi.isascii(), herb.code
        assert herb.hanzi_trad != herb.hanzi, herb.code
        assert herb.latin and herb.botanical, herb.code


def test_every_prescribable_herb_has_a_dose_range_and_its_source():
    for herb in all_herbs():
        if herb.blocked:
            continue
        assert herb.dose_min is not None and herb.dose_max is not None, herb.code
        assert 0 < herb.dose_min <= herb.dose_max <= 60, herb.code
        assert herb.dose_source, herb.code
        if not herb.dose_source.startswith("ChP 2020 Vol. I: "):
            # not from the pharmacopoeia: the row says so and why
            assert "estimate" in herb.dose_source and herb.dose_note, herb.code


def test_pharmacopoeia_sources_name_a_monograph_in_characters():
    for herb in all_herbs():
        if herb.dose_source.startswith("ChP"):
            monograph = herb.dose_source.removeprefix("ChP 2020 Vol. I: ")
            assert monograph and not monograph.isascii(), herb.code


def test_blocked_herbs_say_why_and_are_offered_in_no_form():
    blocked = [h for h in all_herbs() if h.blocked]
    assert {h.code for h in blocked} >= {"guang-fang-ji", "xi-jiao", "hu-gu", "chuan-shan-jia"}
    for herb in blocked:
        assert herb.dose_note, herb.code
        assert herb.forms == (), herb.code


def test_substitutes_exist_and_can_be_prescribed():
    for herb in all_herbs():
        if herb.substitute:
            substitute = get(herb.substitute)
            assert substitute is not None and not substitute.blocked, herb.code
    expected = {
        "guang-fang-ji": "fang-ji",
        "guan-mu-tong": "mu-tong",
        "qing-mu-xiang": "mu-xiang",
        "xi-jiao": "shui-niu-jiao",
        "chuan-shan-jia": "wang-bu-liu-xing",
        "chuan-wu": "zhi-chuan-wu",
        "cao-wu": "zhi-cao-wu",
        "sheng-fu-zi": "fu-zi",
        "ban-xia": "fa-ban-xia",
        "tian-nan-xing": "zhi-tian-nan-xing",
    }
    assert {code: get(code).substitute for code in expected} == expected


def test_raw_toxic_herbs_name_their_processed_form():
    for herb in all_herbs():
        if "raw_toxic" in herb.flags:
            assert herb.substitute, herb.code
            assert herb.toxicity in ("moderate", "high"), herb.code


def test_vocabularies():
    for herb in all_herbs():
        assert herb.category in CATEGORIES
        assert herb.preparation in PREPARATIONS
        assert herb.pregnancy in materia.PREGNANCY
        assert herb.toxicity in materia.TOXICITY
        assert herb.flags <= materia.FLAGS
        assert set(herb.forms) <= set(materia.FORMS)
        assert ("granule" in herb.forms) == (herb.granule_ratio is not None)
    used = {h.category for h in all_herbs()}
    assert used == set(CATEGORIES), set(CATEGORIES) - used


def test_every_herb_the_rules_name_is_in_the_data():
    missing = sorted(code for code in NAMED_BY_THE_RULES if get(code) is None)
    assert missing == []


def test_the_groups_of_the_incompatibility_rules():
    assert group("wu-tou") == {
        "chuan-wu", "zhi-chuan-wu", "cao-wu", "zhi-cao-wu", "fu-zi", "sheng-fu-zi"
    }  # fmt: skip
    assert group("chuan-cao-wu") == group("wu-tou") - {"fu-zi", "sheng-fu-zi"}
    assert group("gua-lou") == {"gua-lou", "gua-lou-pi", "gua-lou-zi", "tian-hua-fen"}
    assert group("bei-mu") == {"chuan-bei-mu", "zhe-bei-mu"}
    assert group("ban-xia") == {"ban-xia", "fa-ban-xia", "jiang-ban-xia", "qing-ban-xia"}
    assert group("shao-yao") == {"bai-shao", "chi-shao"}
    assert group("gan-cao") == {"gan-cao", "zhi-gan-cao"}
    assert group("da-ji") == {"jing-da-ji", "hong-da-ji"}
    assert group("shen") >= {
        "ren-shen", "bei-sha-shen", "nan-sha-shen", "dan-shen", "xuan-shen", "ku-shen"
    }  # fmt: skip
    assert "tai-zi-shen" not in group("shen")  # no pharmacopoeia rule against Li Lu
    assert group("ren-shen") == {"ren-shen", "hong-shen"}
    assert group("xiao") == {"mang-xiao", "xuan-ming-fen"}
    assert group("guan-gui") == {"rou-gui"}


def test_groups_are_not_empty_and_every_rule_names_known_herbs():
    assert all(members for members in groups().values())
    for pair in PAIRS:
        assert resolve([pair.a]) and resolve([pair.b]), pair.id
        assert not resolve([pair.a]) & resolve([pair.b]), pair.id
    for interaction in INTERACTIONS:
        assert resolve(interaction.herbs), interaction.id
    with pytest.raises(materia.DataError):
        resolve(["no-such-herb"])


def test_twelve_incompatible_group_pairs_and_nine_antagonisms():
    assert len(EIGHTEEN) == 12
    assert len(NINETEEN) == 9
    assert len({p.id for p in PAIRS}) == len(PAIRS)
    # the nineteen antagonisms name nineteen substances (Ya Xiao and Po Xiao are both mirabilite)
    named = {g for p in NINETEEN for g in (p.a, p.b)}
    assert len(named) == 17
    assert sum(len(resolve([g]) & NAMED_BY_THE_RULES) >= 1 for g in named) == 17


def test_interactions_are_sourced_and_their_drugs_are_in_the_vocabulary():
    assert len(INTERACTIONS) >= 15
    assert len({i.id for i in INTERACTIONS}) == len(INTERACTIONS)
    concepts = set().union(*MEDICATIONS.values())
    for interaction in INTERACTIONS:
        assert set(interaction.drugs) <= concepts, interaction.id
        assert interaction.source and interaction.evidence, interaction.id
        assert interaction.severity is not Severity.BLOCK, interaction.id
        text = str(interaction.message) % {"herbs": "X", "medications": "Y"}
        assert text.endswith(".") and "\n" not in text, interaction.id
        assert "%(herbs)s" in str(interaction.message) or "%(medications)s" in str(
            interaction.message
        )


def test_the_brief_s_interactions_are_there():
    by_herb_and_drug = {(h, d) for i in INTERACTIONS for h in resolve(i.herbs) for d in i.drugs}
    assert ("dan-shen", "anticoagulant") in by_herb_and_drug
    assert ("dang-gui", "anticoagulant") in by_herb_and_drug
    assert ("yin-xing-ye", "anticoagulant") in by_herb_and_drug
    assert ("gan-cao", "potassium-losing-diuretic") in by_herb_and_drug
    assert ("zhi-gan-cao", "cardiac-glycoside") in by_herb_and_drug
    assert ("ma-huang", "maoi") in by_herb_and_drug
    assert ("ma-huang", "stimulant") in by_herb_and_drug
    assert ("ren-shen", "vitamin-k-antagonist") in by_herb_and_drug
    assert ("huang-lian", "cyclosporine") in by_herb_and_drug


# --- formulas ---------------------------------------------------------------------------


def test_at_least_thirty_formulas_with_sources_and_real_ingredients():
    formulas = all_formulas()
    assert len(formulas) >= 30
    assert len({f.code for f in formulas}) == len(formulas)
    for formula in formulas:
        assert formula.pinyin and formula.hanzi and formula.english and formula.source
        assert formula.category in CATEGORIES and formula.indication.endswith(".")
        assert formula.ingredients
        for ingredient in formula.ingredients:
            herb = get(ingredient.herb)
            assert herb is not None and not herb.blocked, (formula.code, ingredient.herb)
            assert 0 < ingredient.grams <= 120, (formula.code, ingredient.herb)
    assert materia.dose_convention()


def test_the_back_pain_formulas_are_there():
    codes = {f.code for f in all_formulas()}
    assert codes >= BACK_PAIN_FORMULAS


def test_du_huo_ji_sheng_tang_has_its_fifteen_herbs():
    formula = materia.formula("du-huo-ji-sheng-tang")
    assert {i.herb for i in formula.ingredients} == {
        "du-huo", "sang-ji-sheng", "du-zhong", "niu-xi", "xi-xin", "qin-jiao", "fu-ling",
        "rou-gui", "fang-feng", "chuan-xiong", "ren-shen", "gan-cao", "dang-gui", "bai-shao",
        "sheng-di-huang",
    }  # fmt: skip
    grams = {i.herb: i.grams for i in formula.ingredients}
    assert grams["du-huo"] == 9 and grams["sang-ji-sheng"] == 6  # 3 liang : 2 liang


def test_classic_compositions():
    def herbs_of(code):
        return {i.herb for i in materia.formula(code).ingredients}

    assert herbs_of("shen-tong-zhu-yu-tang") == {
        "qin-jiao", "chuan-xiong", "tao-ren", "hong-hua", "gan-cao", "qiang-huo", "mo-yao",
        "dang-gui", "wu-ling-zhi", "xiang-fu", "niu-xi", "di-long",
    }  # fmt: skip
    assert herbs_of("jin-gui-shen-qi-wan") == {
        "shu-di-huang", "shan-yao", "shan-zhu-yu", "ze-xie", "fu-ling", "mu-dan-pi", "gui-zhi",
        "fu-zi",
    }  # fmt: skip
    assert herbs_of("gan-jiang-ling-zhu-tang") == {"gan-cao", "bai-zhu", "gan-jiang", "fu-ling"}
    assert herbs_of("qing-e-wan") == {"du-zhong", "bu-gu-zhi", "hu-tao-ren", "da-suan"}
    assert herbs_of("si-wu-tang") == {"shu-di-huang", "dang-gui", "bai-shao", "chuan-xiong"}


def test_data_sources_cites_every_rule_source_list():
    text = DATA_SOURCES.read_text(encoding="utf-8")
    for needle in (
        "Ru Men Shi Qin",
        "Yi Jing Xiao Xue",
        "Import Alert 54-10",
        "21 CFR 119",
        "CITES",
    ):
        assert needle in text
    for interaction in INTERACTIONS:
        first_author = interaction.source.split()[0]
        assert first_author in text, interaction.id
