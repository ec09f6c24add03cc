from enercoop_core.languages import in_language


def test_french_for_a_french_locale_english_for_any_other():
    for lang in ("fr", "fr_FR", "FR_fr", "fr_BE"):
        assert in_language(lang, "bonjour", "hello") == "bonjour"
    for lang in ("en_US", "en", "de_DE", "", None, False):
        assert in_language(lang, "bonjour", "hello") == "hello"
