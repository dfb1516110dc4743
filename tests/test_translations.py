"""Every message has its 简体中文 translation: the product is bilingual, not half-translated."""

from __future__ import annotations

from pathlib import Path

import polib

LOCALE = Path(__file__).resolve().parents[1] / "src" / "fieldvisit" / "locale"


def test_every_message_has_a_chinese_translation():
    po = polib.pofile(str(LOCALE / "zh_Hans" / "LC_MESSAGES" / "django.po"))

    untranslated = [entry.msgid for entry in po.untranslated_entries()]
    fuzzy = [entry.msgid for entry in po.fuzzy_entries()]

    assert untranslated == []
    assert fuzzy == []


def test_placeholders_survive_translation():
    po = polib.pofile(str(LOCALE / "zh_Hans" / "LC_MESSAGES" / "django.po"))

    broken = [
        entry.msgid
        for entry in po.translated_entries()
        if "python-format" in entry.flags
        and any(
            set(_placeholders(text)) != _expected_placeholders(entry)
            for text in _translations(entry)
        )
    ]

    assert broken == []


def _translations(entry: polib.POEntry) -> list[str]:
    # A plural entry keeps its Chinese in msgstr[0] (nplurals=1), not in msgstr.
    return list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]


def _expected_placeholders(entry: polib.POEntry) -> set[str]:
    return set(_placeholders(entry.msgid)) | set(_placeholders(entry.msgid_plural or ""))


def _placeholders(text: str) -> list[str]:
    import re

    return re.findall(r"%\(\w+\)[sdf]|\{\w*\}", text)


def test_messages_marked_with_the_short_gettext_alias_are_in_the_catalogue():
    """Services import ``gettext as _t``; xgettext extracts it only through our makemessages."""
    import re

    source = Path(__file__).resolve().parents[1] / "src" / "fieldvisit"
    po = polib.pofile(str(LOCALE / "zh_Hans" / "LC_MESSAGES" / "django.po"))
    known = {entry.msgid for entry in po}
    marked = {
        match
        for path in source.rglob("*.py")
        for match in re.findall(r'\b_t\(\s*"((?:[^"\\]|\\.)*)"\s*\)', path.read_text())
    }

    missing = sorted(m for m in marked if m.replace('\\"', '"') not in known)

    assert marked
    assert missing == []
