import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from khoi import text


def test_fold_removes_case_diacritics_and_d_stroke():
    assert text.fold("Đầm Hà") == "dam ha"
    assert text.fold("  XÃ   Nà  Hang ") == "xa na hang"


def test_compare_key_unifies_old_and_new_tone_placement_but_keeps_diacritics():
    assert text.compare_key("Hòa Bình") == text.compare_key("Hoà Bình")
    assert text.compare_key("Thủy") == text.compare_key("Thuỷ")
    assert text.compare_key("Hòa") != text.compare_key("Hoa")


def test_clean_stores_nfc_and_one_apostrophe():
    nfd = unicodedata.normalize("NFD", "Nguyễn  Thị  Ánh")
    assert text.clean(nfd) == "Nguyễn Thị Ánh"
    assert unicodedata.is_normalized("NFC", text.clean(nfd))
    assert text.clean("Khâu’Tinh") == "Khâu'Tinh"


def test_search_terms_split_folded_words():
    assert text.search_terms(" Na  Hàng ") == ["na", "hang"]


@given(st.text())
def test_fold_is_idempotent_and_ascii_for_vietnamese(value):
    assert text.fold(text.fold(value)) == text.fold(value)


@given(st.text(alphabet="aăâeêioôơuưyAĂÂEÊIOÔƠUƯYđĐ\u0300\u0301\u0309\u0303\u0323 bcdghklmnpqrstvx"))
def test_nfc_and_nfd_spellings_fold_alike(value):
    assert text.fold(unicodedata.normalize("NFD", value)) == text.fold(unicodedata.normalize("NFC", value))
    assert text.compare_key(unicodedata.normalize("NFD", value)) == text.compare_key(unicodedata.normalize("NFC", value))


def test_paragraphs_are_stored_nfc_with_their_line_breaks():
    import unicodedata

    typed = unicodedata.normalize("NFD", "Số liệu  chưa khớp ;\r\n\r\n\r\n  đề nghị   gửi lại.  ")
    assert text.clean_paragraphs(typed) == "Số liệu chưa khớp ;\n\nđề nghị gửi lại."
    assert unicodedata.is_normalized("NFC", text.clean_paragraphs(typed))
    assert text.clean_paragraphs(None) == ""
