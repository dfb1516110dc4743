"""The command line speaks the user's language: 简体中文 for a zh locale, English otherwise."""

from __future__ import annotations

import pytest

from fieldvisit.cli.support import cli_language


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, "en"),
        ({"LANG": "zh_CN.UTF-8"}, "zh-hans"),
        ({"LANG": "en_US.UTF-8"}, "en"),
        ({"LANG": "zh_CN.UTF-8", "LC_ALL": "C.UTF-8"}, "en"),
        ({"LANG": "C.UTF-8", "FIELDVISIT_LANGUAGE": "zh-hans"}, "zh-hans"),
    ],
)
def test_cli_language_follows_the_locale(monkeypatch, env, expected):
    for name in ("LC_ALL", "LC_MESSAGES", "LANG", "FIELDVISIT_LANGUAGE"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)

    assert cli_language() == expected
