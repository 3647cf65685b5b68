from django.utils import translation

from practicum.lib.email_layout import html_email


def test_an_arabic_email_says_its_direction_and_indents_its_lists_on_the_right():
    with translation.override("ar"):
        html = html_email(subject="[Practicum] x", text="Hello\n\n- one\n- two")
    assert '<html lang="ar" dir="rtl">' in html
    assert "padding-right:24px" in html and "padding-left" not in html


def test_an_english_email_is_left_to_right():
    with translation.override("en"):
        html = html_email(subject="x", text="- one\n- two")
    assert '<html lang="en" dir="ltr">' in html and "padding-left:24px" in html
