"""A separate process for the crash test: ``python -m tests.apps.delinquency.crash_worker CMD``.

Commands: ``migrate``; ``seed`` (four loans, prints their ids); ``pay LOAN DAY AMOUNT``;
``run DAY [HANG_AFTER]`` (with HANG_AFTER chunks written it prints ``HALFWAY <rows of DAY it
sees>`` and waits to be killed; exit 3 if another run holds the day); ``dump DAY`` (the day's rows
and its run record as JSON).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
import time
from decimal import Decimal


def main(argv: list[str]) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fieldvisit.config.test_settings")
    import django

    django.setup()
    from django.core.management import call_command

    from fieldvisit.apps.delinquency.models import DelinquencySnapshot, SnapshotRun
    from fieldvisit.apps.delinquency.services import SnapshotRunBusy, snapshot_run
    from fieldvisit.apps.loans.models import Loan
    from tests.apps.delinquency.conftest import pay_instalments
    from tests.factories import LoanFactory, PaymentFactory

    command, *args = argv
    if command == "migrate":
        call_command("migrate", verbosity=0)
    elif command == "seed":
        prompt, late, partial, fresh = (LoanFactory() for _ in range(4))
        pay_instalments(prompt, range(1, 5))
        pay_instalments(late, range(1, 2))
        pay_instalments(partial, range(1, 3), late_days=40)
        sys.stdout.write(json.dumps([prompt.id, late.id, partial.id, fresh.id]) + "\n")
    elif command == "pay":
        loan_id, day, amount = args
        PaymentFactory(
            reference=f"CRASH-{loan_id}-{day}",  # factory sequences restart in every process
            loan=Loan.objects.get(pk=int(loan_id)),
            paid_on=dt.date.fromisoformat(day),
            amount=Decimal(amount),
        )
    elif command == "run":
        day = dt.date.fromisoformat(args[0])
        hang_after = int(args[1]) if len(args) > 1 else None
        chunks = 0

        def progress(done: int, total: int) -> None:
            nonlocal chunks
            chunks += 1
            if chunks == hang_after:
                seen = DelinquencySnapshot.objects.filter(as_of=day).count()
                sys.stdout.write(f"HALFWAY {seen}\n")
                sys.stdout.flush()
                time.sleep(600)

        try:
            snapshot_run(day, chunk_size=1, progress=progress)
        except SnapshotRunBusy:
            return 3
    elif command == "dump":
        day = dt.date.fromisoformat(args[0])
        rows = list(
            DelinquencySnapshot.objects.filter(as_of=day)
            .order_by("loan_id")
            .values_list("id", "loan_id", "dpd", "total_due", "outstanding_principal")
        )
        run = SnapshotRun.objects.filter(as_of=day).values("status", "finished_at").first()
        sys.stdout.write(json.dumps({"rows": rows, "run": run}, default=str) + "\n")
    else:
        raise SystemExit(f"unknown command {command}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
