"""The bilingual agreement letter: Chinese in the text layer (the embedded CJK font), the new
schedule's figures, and a page that renders (pdftoppm)."""

from __future__ import annotations

import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
from django.test import override_settings

from fieldvisit import pdf
from fieldvisit.apps.remedies import services
from fieldvisit.apps.remedies.letters import agreement_letter_pdf
from fieldvisit.engines.restructuring import Affordability, Line
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


def letter_text(letter: bytes, tmp_path: Path) -> str:
    path = tmp_path / "letter.pdf"
    path.write_bytes(letter)
    return subprocess.run(
        ["pdftotext", "-raw", str(path), "-"], capture_output=True, check=True, text=True
    ).stdout


@needs_poppler
@override_settings(
    LENDER_LEGAL_NAME="深圳前海示例消费金融有限公司",
    LENDER_LEGAL_NAME_EN="Qianhai Example Consumer Finance Co., Ltd.",
    LENDER_REGISTRATION_NO="91440300MA5EXAMPLE",
)
def test_the_letter_names_the_lenders_legal_entity_not_the_branch(world, tmp_path: Path):
    text = letter_text(agreement_letter_pdf(chosen_proposal(world)), tmp_path)

    assert "深圳前海示例消费金融有限公司" in text
    assert "91440300MA5EXAMPLE" in text
    assert world.loan.branch.name not in text  # "A 分行" worked the case; it is not a party


@needs_poppler
def test_the_letter_shows_the_borrower_only_what_is_theirs(world, tmp_path: Path):
    proposal = chosen_proposal(world)

    text = letter_text(agreement_letter_pdf(proposal), tmp_path)

    chosen = proposal.chosen
    # what they pay, what is waived: theirs
    assert "931.11" in text
    assert "50.56" in text  # the penalty waived
    # the lender's reasoning: not theirs
    for lenders_own in (
        "履约概率",
        "chance of success",
        "诉讼",
        "courts",
        "预期回收现值",
        "expected value",
        chosen["expected_value"],
        chosen["legal_value"],
        f"{float(chosen['success_probability']) * 100:.2f}%",
    ):
        assert lenders_own not in text, lenders_own


@needs_poppler
def test_a_referral_letter_confirms_the_pause_and_changes_no_schedule(world, tmp_path: Path):
    maker = world.users["agent_a1"]
    broke = Affordability(
        income=(Line("income_benefits", Decimal("5300.00")),),
        fixed_costs=(Line("fixed_home", Decimal("6750.00")),),
    )
    proposal = services.remedy_proposal_create(
        case=world.case, user=maker, as_of=AS_OF, affordability=broke
    )
    services.remedy_propose(proposal=proposal, user=maker, option_key=proposal.options[0]["key"])

    text = letter_text(agreement_letter_pdf(proposal), tmp_path)

    assert "困难帮扶转介确认书" in text
    assert "2025-05-02至2025-08-02" in text
    assert "The repayment schedule is unchanged" in text


def test_a_missing_font_is_a_clear_error(world, monkeypatch):
    monkeypatch.setattr(pdf, "_registered", {})
    with (
        override_settings(PDF_CJK_FONT_PATHS=["/nowhere/font.ttc"]),
        pytest.raises(pdf.FontMissing) as error,
    ):
        pdf.cjk_font()

    assert "/nowhere/font.ttc" in str(error.value)
    assert "fonts-wqy-microhei" in str(error.value)
