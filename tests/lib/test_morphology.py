"""Base forms of Ukrainian and Russian words: what the index holds beside the text."""

import pytest

from archive.lib.morphology import base_forms, base_forms_of_text


@pytest.mark.parametrize(
    ("form", "base"),
    [
        ("Сибігою", "сибіга"),  # a surname no dictionary has, in the instrumental
        ("міністром", "міністр"),
        ("Харкові", "харків"),  # Ukrainian locative
        ("Зеленського", "зеленський"),
        ("Зеленского", "зеленский"),  # Russian genitive
        ("Києві", "київ"),
        ("обстрілів", "обстріл"),
        ("ракетами", "ракета"),
    ],
)
def test_an_inflected_word_has_its_base_form(form, base):
    assert base in base_forms(form)


@pytest.mark.parametrize("word", ["Zelensky", "Kharkiv", "2024", "з", "у"])
def test_latin_words_numbers_and_short_words_have_none(word):
    assert base_forms(word) == ()


def test_a_text_gives_each_base_form_once_and_nothing_without_cyrillic():
    forms = base_forms_of_text("Обстріл Харкова", "У Харкові тривав обстріл.").split()

    assert "харків" in forms
    assert len(forms) == len(set(forms))
    assert base_forms_of_text("Shelling in Kharkiv", "") == ""
