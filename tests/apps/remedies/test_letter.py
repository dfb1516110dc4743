"""The bilingual agreement letter: Chinese in the text layer (the embedded CJK font), the new
schedule's figures, and a page that renders (pdftoppm)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from django.test import override_settings

from fieldvisit import pdf
from fieldvisit.apps.remedies import services
from fieldvisit.apps.remedies.letters import agreement_letter_pdf
from tests.apps.remedies.conftest import AFTER_ILLNESS, AS_OF

needs_poppler = pytest.mark.skipif(
    not shutil.which("pdftotext") or not shutil.which("pdftoppm"),
    reason="poppler-utils not installed (scripts/system-packages.sh test)",
)


def chosen_proposal(world):
    maker = world.users["agent_a1"]
    proposal = services.remedy_proposal_create(
        case=world.case, user=maker, as_of=AS_OF, affordability=AFTER_ILLNESS
    )
    return services.remedy_propose(
        proposal=proposal, user=maker, option_key=proposal.options[0]["key"]
    )


@needs_poppler
def test_the_letter_has_chinese_text_and_the_schedule(world, tmp_path: Path):
    letter = agreement_letter_pdf(chosen_proposal(world))
    path = tmp_path / "letter.pdf"
    path.write_bytes(letter)

    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True, text=True
    ).stdout

    assert letter.startswith(b"%PDF")
    assert "还款计划调整协议" in text
    assert "延长期限36个月" in text
    assert "重组观察期" in text
    assert "Observation period" in text
    assert "2025-05-15" in text
    assert "931.11" in text
    assert "2029-12-15" in text  # the 56th and last instalment
    assert b"/FontFile2" in letter  # the TrueType font is embedded

    subprocess.run(
        ["pdftoppm", "-png", "-r", "50", "-f", "1", "-l", "1", str(path), str(tmp_path / "page")],
        check=True,
    )
    assert (tmp_path / "page-1.png").stat().st_size > 10_000


def test_a_missing_font_is_a_clear_error(world, monkeypatch):
    monkeypatch.setattr(pdf, "_registered", {})
    with (
        override_settings(PDF_CJK_FONT_PATHS=["/nowhere/font.ttc"]),
        pytest.raises(pdf.FontMissing) as error,
    ):
        pdf.cjk_font()

    assert "/nowhere/font.ttc" in str(error.value)
    assert "fonts-wqy-microhei" in str(error.value)
