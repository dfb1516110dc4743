"""A tiny valid book in the import format (the generator's columns), built in the test."""

from __future__ import annotations

import csv
from pathlib import Path

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def id_number(first17: str) -> str:
    """An ID number with its GB 11643 check digit."""
    total = sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True))
    return first17 + "10X98765432"[total % 11]


def rows() -> dict[str, list[dict[str, str]]]:
    return {
        "branches": [
            {
                "branch_code": "SZ01",
                "name": "深圳福田外访中心",
                "district": "福田区",
                "subdistrict": "园岭街道",
                "address": "深圳市福田区深南中路18号",
                "lat": "22.554647",
                "lng": "114.092463",
            }
        ],
        "products": [
            {
                "product_code": "SAL",
                "name_zh": "工薪贷",
                "name_en": "Salaried consumer loan",
                "min_amount": "30000.00",
                "max_amount": "300000.00",
                "min_annual_rate": "0.0900",
                "max_annual_rate": "0.1800",
                "terms_months": "12|24",
                "repayment_methods": "equal_installment|equal_principal",
                "channels": "branch|online",
                "secured": "false",
            }
        ],
        "borrowers": [
            {
                "borrower_number": f"C000000000{i}",
                "name": name,
                "gender": "M",
                "birth_date": "1986-02-04",
                "id_number": id_number(f"44030319860204{i:03d}"),
                "mobile": f"1881113532{i}",
                "employment_type": "salaried",
                "employer": "昂歌信息传媒有限公司",
                "income_band": "5k_10k",
                "home_district": "罗湖区",
                "home_subdistrict": "南湖街道",
                "home_address": "深圳市罗湖区南湖街道东门中路154号",
                "home_lat": "22.539630",
                "home_lng": "114.112260",
                "work_district": "",
                "work_subdistrict": "",
                "work_address": "",
                "work_lat": "",
                "work_lng": "",
                "preferred_visit_from": "",
                "preferred_visit_to": "",
            }
            for i, name in ((1, "韦想彬"), (2, "张志强"))
        ],
        "loans": [
            {
                "loan_number": f"L000000000{i}",
                "borrower_number": f"C000000000{i}",
                "product_code": "SAL",
                "channel": "branch",
                "branch_code": "SZ01",
                "principal": "12000.00",
                "annual_rate": "0.1200",
                "term_months": "3",
                "repayment_method": "equal_principal",
                "disbursed_on": "2026-01-05",
                "first_due_date": "2026-02-05",
                "maturity_date": "2026-04-05",
                "currency": "CNY",
            }
            for i in (1, 2)
        ],
        "schedules": [
            {
                "loan_number": f"L000000000{i}",
                "instalment_number": str(n),
                "due_date": due,
                "principal": "4000.00",
                "interest": interest,
            }
            for i in (1, 2)
            for n, due, interest in (
                (1, "2026-02-05", "120.00"),
                (2, "2026-03-05", "80.00"),
                (3, "2026-04-05", "40.00"),
            )
        ],
        "payments": [
            {
                "payment_reference": f"P000000000{i}-001",
                "loan_number": f"L000000000{i}",
                "paid_on": "2026-02-05",
                "amount": "4120.00",
                "method": "mobile_app",
            }
            for i in (1, 2)
        ],
    }


def write_csv(
    folder: Path,
    name: str,
    table: list[dict[str, str]],
    *,
    encoding: str = "utf-8",
    header: list[str] | None = None,
) -> Path:
    path = folder / name
    with path.open("w", encoding=encoding, newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=header or list(table[0]))
        writer.writeheader()
        writer.writerows(table)
    return path


def write_book(folder: Path, tables: dict[str, list[dict[str, str]]] | None = None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for kind, table in (tables or rows()).items():
        write_csv(folder, f"{kind}.csv", table)
    return folder
