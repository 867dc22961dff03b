"""The staging layer built by real dbt on a real Postgres, from rows the real loader wrote."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import psycopg
import pytest

from aias_dagster.ingest.schema import ensure_raw_schema
from aias_dagster.platform.warehouse import ConnectionSettings
from tests.dbt.support import Dbt, load_landing

pytestmark = pytest.mark.slow

STAGING_UNIT_TESTS = {
    "customers_keep_the_newest_version_of_a_key",
    "customers_dates_are_utc_days_and_labels_are_clean",
    "marketing_spend_restated_day_keeps_the_latest_delivery",
    "touchpoints_normalise_campaign_tags_and_referrers",
    "api_requests_bill_only_2xx_and_3xx_units",
}
# Cautious: the relationships tests of the other staging models stay out, as their models are not built.
ONLY_CUSTOMERS = ("--select", "stg_platform__customers", "--indirect-selection", "cautious")
SEGMENT_TEST = "accepted_values_stg_platform__customers_segment__smb__mid_market__enterprise"
LATE_CUSTOMER_TEST = "relationships_stg_platform__product_events_customer_id__customer_id__ref_stg_platform__customers_"


def query(settings: ConnectionSettings, statement: str) -> list[tuple]:
    with psycopg.connect(settings.url) as conn:
        return conn.execute(statement).fetchall()  # type: ignore[arg-type]


def insert_customers(settings: ConnectionSettings, rows: list[tuple]) -> None:
    """Write raw.customers directly, bypassing the loader (and its validation)."""
    with psycopg.connect(settings.url) as conn, conn.transaction():
        ensure_raw_schema(conn)
        for row in rows:
            conn.execute(
                """
                insert into raw.customers (customer_id, company_name, signup_at, country, segment, updated_at,
                                           _delivery_date, _source_file, _source_line)
                values (%s, 'Acme', '2026-03-01T00:00:00Z', 'DE', %s, %s, %s, 'by-hand.csv', %s)
                """,
                row,
            )


def test_staging_builds_and_tests_pass_on_loaded_rows(database: ConnectionSettings, dbt: Dbt) -> None:
    loads = load_landing(database)
    assert all(r.rejected == 0 for r in loads.values()), loads

    # Cautious: the loops' reconciliation tests read staging and marts alike, and the marts are not built.
    result = dbt("build", "--select", "staging", "--indirect-selection", "cautious")

    assert result.returncode == 0, result.output
    assert result.names_with_status("model", "success") == {
        f"stg_platform__{name}"
        for name in ("customers", "subscriptions", "marketing_spend", "fx_rates", "touchpoints",
                     "product_events", "support_tickets", "api_requests", "app_errors")
    }  # fmt: skip
    assert result.names_with_status("unit_test", "pass") >= STAGING_UNIT_TESTS
    # Event e4 names customer c9, whose row has not arrived: a warning, never a blocked build.
    assert result.names_with_status("test", "warn") == {LATE_CUSTOMER_TEST}
    assert not result.names_with_status("test", "fail") | result.names_with_status("test", "error")

    counts = query(
        database,
        """
        select 'customers', count(*) from staging.stg_platform__customers
        union all select 'subscriptions', count(*) from staging.stg_platform__subscriptions
        union all select 'marketing_spend', count(*) from staging.stg_platform__marketing_spend
        union all select 'fx_rates', count(*) from staging.stg_platform__fx_rates
        union all select 'touchpoints', count(*) from staging.stg_platform__touchpoints
        union all select 'product_events', count(*) from staging.stg_platform__product_events
        union all select 'support_tickets', count(*) from staging.stg_platform__support_tickets
        union all select 'api_requests', count(*) from staging.stg_platform__api_requests
        union all select 'app_errors', count(*) from staging.stg_platform__app_errors
        """,
    )
    assert dict(counts) == {
        "customers": 3, "subscriptions": 2, "marketing_spend": 3, "fx_rates": 4, "touchpoints": 4,
        "product_events": 4, "support_tickets": 2, "api_requests": 5, "app_errors": 2,
    }  # fmt: skip

    billing = query(
        database,
        "select request_id, http_method, is_billable, billable_units from staging.stg_platform__api_requests",
    )
    assert sorted(billing) == [
        ("r1", "GET", True, 1),
        ("r2", "POST", True, 1),  # `post`, and empty units defaulted to 1 by the loader
        ("r3", "GET", False, 0),  # 500
        ("r4", "GET", False, 0),  # 429
        ("r5", "GET", True, 3),  # 302
    ]
    touchpoints = query(
        database,
        "select touchpoint_id, utm_source, utm_medium, utm_campaign, referrer_domain"
        " from staging.stg_platform__touchpoints",
    )
    assert sorted(touchpoints) == [
        ("t1", "google", "cpc", "brand", "google.com"),
        ("t2", None, None, None, None),
        ("t3", "newsletter", "email", "march", None),
        ("t4", None, None, None, "news.ycombinator.com"),
    ]
    # 23:30 at UTC-2 is the next day in UTC.
    assert query(
        database,
        "select signup_date, is_paying from staging.stg_platform__customers where customer_id = 'c2'",
    ) == [(date(2026, 3, 1), False)]
    spend = query(database, "select channel, amount, currency from staging.stg_platform__marketing_spend")
    assert sorted(spend) == [
        ("google", Decimal("99.99"), "USD"),
        ("google", Decimal("120.50"), "USD"),
        ("linkedin", Decimal("80.00"), "EUR"),
    ]
    # Lineage survives staging: ticket k2 sits on line 4 because k1's body spans two lines.
    (lineage,) = query(
        database,
        "select _source_file, _source_line, _delivery_date from staging.stg_platform__support_tickets"
        " where ticket_id = 'k2'",
    )
    assert lineage[0].endswith("support_tickets/2026-03-01.csv")
    assert lineage[1:] == (4, date(2026, 3, 1))


def test_staging_keeps_the_newest_version_of_a_key(database: ConnectionSettings, dbt: Dbt) -> None:
    with psycopg.connect(database.url) as conn, conn.transaction():
        ensure_raw_schema(conn)
        # The loader's upsert keeps one row per key in raw today; staging must stay right if raw ever keeps
        # history, so lift the key to put several versions of a customer side by side.
        conn.execute("alter table raw.customers drop constraint customers_pkey")
    insert_customers(
        database,
        [
            # (customer_id, segment, updated_at, _delivery_date, _source_line)
            ("c1", "smb", "2026-03-01T10:00:00Z", "2026-03-01", 2),
            ("c1", "mid_market", "2026-03-02T10:00:00Z", "2026-03-01", 3),  # newer version wins
            ("c2", "enterprise", "2026-03-06T10:00:00Z", "2026-03-01", 4),  # newer, though delivered earlier
            ("c2", "smb", "2026-03-05T10:00:00Z", "2026-03-05", 2),
            ("c3", "smb", "2026-03-01T10:00:00Z", "2026-03-01", 9),
            ("c3", "enterprise", "2026-03-01T10:00:00Z", "2026-03-02", 2),  # same version, later delivery
            ("c4", "smb", "2026-03-01T10:00:00Z", "2026-03-01", 2),
        ],
    )

    result = dbt("build", *ONLY_CUSTOMERS)

    assert result.returncode == 0, result.output
    assert "unique_stg_platform__customers_customer_id" in result.names_with_status("test", "pass")
    rows = query(database, "select customer_id, segment, _delivery_date from staging.stg_platform__customers")
    assert sorted(rows) == [
        ("c1", "mid_market", date(2026, 3, 1)),
        ("c2", "enterprise", date(2026, 3, 1)),
        ("c3", "enterprise", date(2026, 3, 2)),
        ("c4", "smb", date(2026, 3, 1)),
    ]


def test_accepted_values_test_fails_on_an_unknown_segment(database: ConnectionSettings, dbt: Dbt) -> None:
    insert_customers(
        database,
        [
            ("c1", "smb", "2026-03-01T10:00:00Z", "2026-03-01", 2),
            ("c2", "startup", "2026-03-01T10:00:00Z", "2026-03-01", 3),  # not in the contract's choices
        ],
    )

    result = dbt("build", *ONLY_CUSTOMERS)

    assert result.returncode == 1
    assert result.names_with_status("test", "fail") == {SEGMENT_TEST}
    assert not result.names_with_status("test", "error")
    assert f"Failure in test {SEGMENT_TEST}" in result.output
    assert result.names_with_status("model", "success") == {"stg_platform__customers"}


def test_a_windowed_build_tests_only_the_rows_delivered_in_its_window(database: ConnectionSettings, dbt: Dbt) -> None:
    # A bad segment delivered on 2026-03-01; the nightly build of 2026-03-02 does not re-test that day.
    insert_customers(
        database,
        [
            ("c1", "startup", "2026-03-01T10:00:00Z", "2026-03-01", 2),
            ("c2", "smb", "2026-03-02T10:00:00Z", "2026-03-02", 2),
        ],
    )

    # The window as the Dagster job passes it (environment variables), then as a person types it (--vars).
    next_day = dbt("build", *ONLY_CUSTOMERS, window=(date(2026, 3, 2), date(2026, 3, 3)))
    bad_day = dbt("build", *ONLY_CUSTOMERS, window=(date(2026, 3, 1), date(2026, 3, 2)))
    bad_day_by_hand = dbt("build", *ONLY_CUSTOMERS, "--vars", '{"min_date": "2026-03-01", "max_date": "2026-03-02"}')

    assert next_day.returncode == 0, next_day.output
    assert SEGMENT_TEST in next_day.names_with_status("test", "pass")
    assert bad_day.names_with_status("test", "fail") == {SEGMENT_TEST}
    assert bad_day_by_hand.names_with_status("test", "fail") == {SEGMENT_TEST}
    # A new window is no reason to parse the project again (--vars are: 5 to 8 s a night).
    assert "Unable to do partial parsing" not in bad_day.output, bad_day.output
    assert "Unable to do partial parsing because config vars" in bad_day_by_hand.output
