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
        and sorted(_placeholders(entry.msgid)) != sorted(_placeholders(entry.msgstr))
    ]

    assert broken == []


def _placeholders(text: str) -> list[str]:
    import re

    return re.findall(r"%\(\w+\)[sdf]|\{\w*\}", text)
