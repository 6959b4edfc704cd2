"""Client rows as the fleet runner hands them to the portfolio outputs: one of each risk group, and many."""

from __future__ import annotations

from datetime import date, datetime

from pipeline.fleet.portfolio import ClientRow

AS_OF = date(2026, 12, 2)
FORMULA_NAME = '=HYPERLINK("http://evil.example/x", "click")'


def mixed() -> tuple[ClientRow, ...]:
    """Five clients, in no order: healthy, below the rule, a failed run, over the limit, an audit due."""
    return (
        ClientRow("acme", "Acme Welding Ltd.", overall=0.91, worst_element=3, worst_readiness=0.72,
                  meets_pass_rule=True, over_small_employer_limit=False, next_audit=date(2027, 6, 1),
                  audit_status="Pass", expired_tickets=0, missing_tickets=0, overdue_deficiencies=0, data_issues=2,
                  top_action="Office: file the October toolbox talks by 2026-12-09",
                  last_sync=datetime(2026, 12, 2, 6, 0), dashboard="/srv/fleet/acme/outputs/dashboard.xlsx",
                  pack="/srv/fleet/acme/outputs/packs/2026-11/acme-audit-pack-2026-11.pdf"),
        ClientRow("ridgeline", FORMULA_NAME, overall=0.64, worst_element=5, worst_readiness=0.38,
                  meets_pass_rule=False, over_small_employer_limit=False, next_audit=date(2027, 4, 1),
                  audit_status="Pass", expired_tickets=3, missing_tickets=1, overdue_deficiencies=4,
                  data_issues=11, top_action="<b>Dave</b> (foreman): renew H2S Alive by 2026-12-15",
                  last_sync=datetime(2026, 12, 2, 6, 2),
                  dashboard="https://docs.google.com/spreadsheets/d/ridge123/edit#gid=0"),
        ClientRow("northfork", "North Fork Hydrovac", error="spreadsheet 'North Fork records' is not shared with "
                  "fleet@acct.iam.gserviceaccount.com", last_sync=datetime(2026, 11, 28, 6, 0)),
        ClientRow("bigco", "Big Iron Contracting", overall=0.88, worst_element=2, worst_readiness=0.61,
                  meets_pass_rule=True, over_small_employer_limit=True, next_audit=date(2027, 8, 1),
                  audit_status="Pass", expired_tickets=0, missing_tickets=0, overdue_deficiencies=1, data_issues=0,
                  last_sync=datetime(2026, 12, 2, 6, 4)),
        ClientRow("prairie", "Prairie Crane", overall=0.83, worst_element=7, worst_readiness=0.55,
                  meets_pass_rule=True, over_small_employer_limit=False, next_audit=date(2026, 12, 15),
                  audit_status="Warn", expired_tickets=1, missing_tickets=0, overdue_deficiencies=0, data_issues=0,
                  last_sync=datetime(2026, 12, 2, 6, 6)),
    )


ORDER = ["bigco", "prairie", "northfork", "ridgeline", "acme"]


def many(n: int) -> tuple[ClientRow, ...]:
    """``n`` clients with long names and actions, every fourth below the rule: the page-fit case."""
    return tuple(
        ClientRow(f"client-{i:03d}", f"Northern Welding & Fabrication {i} Ltd.", overall=0.5 + (i % 40) / 100,
                  worst_element=1 + i % 8, worst_readiness=0.3 + (i % 7) / 10, meets_pass_rule=i % 4 != 0,
                  over_small_employer_limit=i == 3, next_audit=date(2027, 1 + i % 12, 1), audit_status="Pass",
                  expired_tickets=i % 5, missing_tickets=i % 3, overdue_deficiencies=i % 11, data_issues=i % 40,
                  top_action=f"Dave Thompson (foreman): renew the H2S Alive ticket of worker {i} at the Fort McMurray "
                             "yard by 2026-12-15",
                  last_sync=datetime(2026, 12, 2, 6, i % 60),
                  error="SMTP refused the owner's address" if i % 13 == 5 else "",
                  dashboard=f"https://docs.google.com/spreadsheets/d/key{i}/edit",
                  pack=f"/srv/fleet/client-{i:03d}/outputs/packs/2026-11/pack.pdf")
        for i in range(n))
