"""The raw source contract (docs/data_contract.md) as data.

Loaders, validation, DDL, the sample-data generator and the docs all read this one description, so a
column added here is typed, validated, loaded and staged everywhere at once. After a change here,
`make contract` rewrites the document's per-source reference; a test fails until it is committed.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum


class Kind(StrEnum):
    """How a CSV field is read. Each kind has one Postgres type and one validity test."""

    TEXT = "text"
    TIMESTAMP = "timestamp"  # ISO 8601 with an offset or Z -> timestamptz
    DATE = "date"  # YYYY-MM-DD -> date
    INTEGER = "integer"  # -> bigint
    DECIMAL = "decimal"  # exact decimal string -> numeric
    CHOICE = "choice"  # one of Column.choices -> text
    COUNTRY = "country"  # ISO 3166-1 alpha-2 -> text
    CURRENCY = "currency"  # ISO 4217 -> text
    JSON_OBJECT = "json_object"  # a JSON object -> jsonb


PG_TYPES: dict[Kind, str] = {
    Kind.TEXT: "text",
    Kind.TIMESTAMP: "timestamptz",
    Kind.DATE: "date",
    Kind.INTEGER: "bigint",
    Kind.DECIMAL: "numeric",
    Kind.CHOICE: "text",
    Kind.COUNTRY: "text",
    Kind.CURRENCY: "text",
    Kind.JSON_OBJECT: "jsonb",
}


@dataclass(frozen=True)
class Column:
    """One contract column. ``required=False`` is the contract's ``?``: the field may be empty."""

    name: str
    kind: Kind = Kind.TEXT
    required: bool = True
    choices: tuple[str, ...] = ()
    minimum: Decimal | None = None
    minimum_exclusive: bool = False
    maximum: Decimal | None = None
    default: str | None = None  # used when the field is empty
    free_text: bool = False  # may hold quoted line breaks; in any other column one is taken for a stray quote
    fold_case: bool = False  # a choice compared trimmed and in lower case, as staging cleans it
    # The header may lack the column (it joined the contract after files were written): every row then has
    # it empty. Such a column is never required.
    may_be_absent: bool = False

    @property
    def pg_type(self) -> str:
        return PG_TYPES[self.kind]


@dataclass(frozen=True)
class Source:
    """One raw source: its columns, its key and the column that orders versions of a key."""

    name: str
    loop: str  # the group of its staging model: a loop, or "shared" for what every loop reads
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    event_time: str  # the column whose UTC day a row belongs to ("late rows land in their own day")
    version_column: str | None = None  # newer value wins on a key conflict; else the newer delivery wins
    description: str = ""

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    @property
    def table(self) -> str:
        return f"raw.{self.name}"

    @property
    def history_table(self) -> str:
        """Every delivered version of a key that is not the current one (the current one is in `table`)."""
        return f"raw.{self.name}__history"

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(f"{self.name} has no column {name!r}")


def _ts(name: str, required: bool = True) -> Column:
    return Column(name, Kind.TIMESTAMP, required=required)


def _choice(name: str, *choices: str, required: bool = True, fold_case: bool = False) -> Column:
    return Column(name, Kind.CHOICE, required=required, choices=choices, fold_case=fold_case)


ZERO = Decimal(0)

# The support loop's ticket taxonomy, as the contract names it: an agent's category is one of these.
TICKET_CATEGORIES: tuple[str, ...] = (
    "billing",
    "login_access",
    "api_errors",
    "performance",
    "bug_report",
    "feature_request",
    "account_management",
    "data_export",
    "how_to",
)

SOURCES: tuple[Source, ...] = (
    Source(
        name="customers",
        loop="shared",
        description="Accounts: the one customer identity shared by every loop.",
        columns=(
            Column("customer_id"),
            Column("company_name"),
            _ts("signup_at"),
            _ts("converted_at", required=False),
            Column("country", Kind.COUNTRY),
            _choice("segment", "smb", "mid_market", "enterprise"),
            _ts("updated_at"),
            # The signup form's optional "How did you hear about us?", as typed; files from before it have none.
            Column("heard_about_us", required=False, may_be_absent=True),
        ),
        key=("customer_id",),
        event_time="signup_at",
        version_column="updated_at",
    ),
    Source(
        name="subscriptions",
        loop="billing",
        description="Which plan a customer is on, and when.",
        columns=(
            Column("subscription_id"),
            Column("customer_id"),
            Column("plan_id"),
            _ts("started_at"),
            _ts("ended_at", required=False),
            _ts("updated_at"),
        ),
        key=("subscription_id",),
        event_time="started_at",
        version_column="updated_at",
    ),
    Source(
        name="marketing_spend",
        loop="acquisition",
        description="Daily ad spend per channel and campaign, in the platform's currency.",
        columns=(
            Column("spend_date", Kind.DATE),
            Column("channel"),
            Column("campaign_id"),
            Column("amount", Kind.DECIMAL, minimum=ZERO),
            Column("currency", Kind.CURRENCY),
        ),
        key=("spend_date", "channel", "campaign_id"),
        event_time="spend_date",
    ),
    Source(
        name="fx_rates",
        loop="shared",
        description="USD value of one unit of a currency, per day.",
        columns=(
            Column("rate_date", Kind.DATE),
            Column("currency", Kind.CURRENCY),
            Column("usd_per_unit", Kind.DECIMAL, minimum=ZERO, minimum_exclusive=True),
        ),
        key=("rate_date", "currency"),
        event_time="rate_date",
    ),
    Source(
        name="touchpoints",
        loop="acquisition",
        description="Web visits with their campaign tags; anonymous until the visitor is identified.",
        columns=(
            Column("touchpoint_id"),
            Column("anonymous_id"),
            Column("customer_id", required=False),
            _ts("occurred_at"),
            Column("utm_source", required=False),
            Column("utm_medium", required=False),
            Column("utm_campaign", required=False),
            Column("referrer_domain", required=False),
            Column("landing_path"),
        ),
        key=("touchpoint_id",),
        event_time="occurred_at",
    ),
    Source(
        name="product_events",
        loop="product",
        description="Product usage events per account and user.",
        columns=(
            Column("event_id"),
            Column("customer_id"),
            Column("user_id"),
            Column("event_name"),
            Column("feature", required=False),
            _ts("occurred_at"),
            Column("properties", Kind.JSON_OBJECT, required=False),
        ),
        key=("event_id",),
        event_time="occurred_at",
    ),
    Source(
        name="support_tickets",
        loop="shared",
        description="Support tickets with their text, lifecycle and satisfaction.",
        columns=(
            Column("ticket_id"),
            Column("customer_id"),
            _ts("created_at"),
            _choice("channel", "email", "chat", "web", "phone"),
            _choice("priority", "low", "normal", "high", "urgent"),
            Column("subject", free_text=True),
            Column("body", free_text=True),
            _choice("status", "open", "pending", "solved", "closed"),
            _ts("first_response_at", required=False),
            _ts("solved_at", required=False),
            Column("reopened_count", Kind.INTEGER, minimum=ZERO),
            Column("csat_score", Kind.INTEGER, required=False, minimum=Decimal(1), maximum=Decimal(5)),
            # Agents type or pick it: `Billing` is billing (staging lower-cases it), `space_lasers` is no category.
            _choice("agent_category", *TICKET_CATEGORIES, required=False, fold_case=True),
            Column("request_id", required=False),
            _ts("updated_at"),
        ),
        key=("ticket_id",),
        event_time="created_at",
        version_column="updated_at",
    ),
    Source(
        name="api_requests",
        loop="billing",
        description="Metered API requests; the units of 2xx/3xx answers are billable.",
        columns=(
            Column("request_id"),
            Column("customer_id"),
            Column("api_key_id"),
            Column("endpoint"),
            Column("method"),
            Column("status_code", Kind.INTEGER, minimum=Decimal(100), maximum=Decimal(599)),
            _ts("requested_at"),
            Column("latency_ms", Kind.DECIMAL, minimum=ZERO),
            Column("units", Kind.INTEGER, minimum=ZERO, default="1"),
        ),
        key=("request_id",),
        event_time="requested_at",
    ),
    Source(
        name="app_errors",
        loop="reliability",
        description="Application errors raised by the platform's services.",
        columns=(
            Column("error_id"),
            _ts("occurred_at"),
            Column("service"),
            Column("customer_id", required=False),
            Column("request_id", required=False),
            Column("error_class"),
            Column("message", free_text=True),
            Column("http_status", Kind.INTEGER, required=False, minimum=Decimal(100), maximum=Decimal(599)),
            _ts("resolved_at", required=False),
        ),
        key=("error_id",),
        event_time="occurred_at",
    ),
)

SOURCES_BY_NAME: dict[str, Source] = {s.name: s for s in SOURCES}
SOURCE_NAMES: tuple[str, ...] = tuple(SOURCES_BY_NAME)


def get_source(name: str) -> Source:
    try:
        return SOURCES_BY_NAME[name]
    except KeyError:
        known = ", ".join(SOURCE_NAMES)
        raise KeyError(f"unknown source {name!r}; the contract names: {known}") from None
