import pytest

from archive.lib.text import fold, name_key, slug_base


@pytest.mark.parametrize(
    ("spellings"),
    [
        ["Zaporizhzhia", "ZAPORIZHZHIA", "Zapórizhzhia"],
        ["Al-Qaeda", "al Qaeda", "AL  QAEDA"],
        ["Łódź", "Lodz"],
        ["Dąbrowski", "Dabrowski"],
        ["Türkiye", "Turkiye"],
    ],
)
def test_spellings_differing_in_case_diacritics_and_punctuation_share_a_key(spellings):
    assert len({name_key(spelling) for spelling in spellings}) == 1


def test_different_names_keep_different_keys():
    assert name_key("Zelensky") != name_key("Zelenskiy")
    assert name_key("North Korea") != name_key("Korea")


def test_cyrillic_is_folded_but_kept_in_its_script():
    assert fold("КИЇВ") == fold("київ") == "киів"
    assert name_key("Зеленський") == name_key("ЗЕЛЕНСЬКИЙ")


def test_a_name_of_symbols_only_has_no_key():
    assert name_key("???") == ""
    assert name_key("  --  ") == ""


def test_slugs_are_ascii_for_any_script_and_cut_at_a_word():
    assert slug_base("Володимир Зеленський", 100) == "volodimir-zelenskii"
    assert slug_base("Zaporižžja", 100) == "zaporizzja"
    assert slug_base("One two three four", 9) == "one-two"
    assert slug_base("🚀", 100) == ""
