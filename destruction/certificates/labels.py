"""Bilingual labels of the certificate PDF: English, then the office's language.

The English text is the message id; the second language comes from Django's translation
catalogues (locale/<language>/LC_MESSAGES/django.po, compiled by `manage.py
compile_translations`), so adding a language is adding a `.po` file and a choice of
`seizures.models.CertificateLanguage`. A label without a translation prints in English once.
"""

from __future__ import annotations

from typing import Any

from django.utils import translation
from django.utils.translation import gettext, ngettext

SEPARATOR = " / "


class Bilingual:
    """`_("Number")` -> "Number / Numéro" for an office printing in French. Named `_` where
    used, so that `makemessages` finds the message ids."""

    def __init__(self, language: str) -> None:
        self.language = language if language and language != "en" else ""
        self._cache: dict[str, str] = {}

    def translate(self, text: str) -> str:
        if not self.language:
            return text
        if text not in self._cache:
            with translation.override(self.language):
                self._cache[text] = gettext(text)
        return self._cache[text]

    def __call__(self, text: str) -> str:
        other = self.translate(text)
        return text if other == text else f"{text}{SEPARATOR}{other}"

    def stacked(self, text: str) -> str:
        """The two languages on two lines: narrow table headers."""
        return self(text).replace(SEPARATOR, "\n")

    def count(self, number: int, singular: str, plural: str) -> str:
        """ "1 lot", "3 lots", with the second language's plural rule."""
        english = (singular if number == 1 else plural) % {"count": number}
        if not self.language:
            return english
        with translation.override(self.language):
            other = ngettext(singular, plural, number) % {"count": number}
        return english if other == english else f"{english}{SEPARATOR}{other}"


def labels_of(snapshot: dict[str, Any]) -> Bilingual:
    """English and the office's language of a certificate (none in snapshots from before
    schema 2)."""
    return Bilingual(snapshot.get("language", ""))


def lot_count(_: Bilingual, number: int) -> str:
    return _.count(number, "%(count)s lot", "%(count)s lots")


def article_count(_: Bilingual, number: int) -> str:
    return _.count(number, "%(count)s article", "%(count)s articles")


def yes_no(_: Bilingual, value: bool | None) -> str:
    if value is None:
        return _("not recorded")
    return _("yes") if value else _("no")
