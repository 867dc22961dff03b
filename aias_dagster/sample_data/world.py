"""The sample world's fixed vocabulary, as plain data.

dbt seeds (channel mapping, feature catalog, plans, ticket and error taxonomies) are checked against
these tuples, so a name changed here is a name changed in the ground truth. The free text (ticket and
error templates) lives in ``ticket_text`` and ``error_text`` and is re-exported at the bottom.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from aias_dagster.ingest.contract import TICKET_CATEGORIES as TICKET_CATEGORIES  # the world's true categories
from aias_dagster.sample_data.error_text import ERROR_KINDS as ERROR_KINDS
from aias_dagster.sample_data.ticket_text import TICKET_TEXTS as TICKET_TEXTS

# --- acquisition -----------------------------------------------------------------------------------

CHANNELS: tuple[str, ...] = (
    "paid_search",
    "paid_social",
    "display",
    "affiliate",
    "email",
    "organic_search",
    "referral",
    "direct",
)
PAID_CHANNELS: tuple[str, ...] = CHANNELS[:4]
DIRECT = "direct"

# Share of customers whose TRUE acquisition channel this is. Paid channels are weighted so that each
# gets well over 30 new paying customers per full month in the default world.
CHANNEL_WEIGHTS: dict[str, float] = {
    "paid_search": 0.27,
    "paid_social": 0.19,
    "display": 0.14,
    "affiliate": 0.13,
    "email": 0.06,
    "organic_search": 0.12,
    "referral": 0.05,
    "direct": 0.04,
}

# Channel mix of the anonymous visitors that never sign up.
VISITOR_CHANNEL_WEIGHTS: dict[str, float] = {
    "paid_search": 0.20,
    "paid_social": 0.12,
    "display": 0.08,
    "affiliate": 0.04,
    "email": 0.05,
    "organic_search": 0.25,
    "referral": 0.06,
    "direct": 0.20,
}

# The spend each paid channel costs per true new paying customer (USD); spend is derived from it.
TARGET_CAC_USD: dict[str, float] = {
    "paid_search": 240.0,
    "paid_social": 380.0,
    "display": 190.0,
    "affiliate": 310.0,
}


@dataclass(frozen=True)
class ChannelRule:
    """Exact match of a touchpoint's three tag fields ("" = empty field) to a channel.

    Every generated touchpoint matches exactly one rule. ``weight`` is the rule's share of its
    channel's touches where no campaign decides it (organic search engines, referring sites).
    """

    utm_source: str
    utm_medium: str
    referrer_domain: str
    channel: str
    weight: float = 1.0


CHANNEL_RULES: tuple[ChannelRule, ...] = (
    ChannelRule("google", "cpc", "", "paid_search"),
    ChannelRule("bing", "cpc", "", "paid_search"),
    ChannelRule("facebook", "paid_social", "", "paid_social"),
    ChannelRule("linkedin", "paid_social", "", "paid_social"),
    ChannelRule("gdn", "display", "", "display"),
    ChannelRule("partnerstack", "affiliate", "", "affiliate"),
    ChannelRule("newsletter", "email", "", "email"),
    ChannelRule("", "", "google.com", "organic_search", 0.80),
    ChannelRule("", "", "bing.com", "organic_search", 0.12),
    ChannelRule("", "", "duckduckgo.com", "organic_search", 0.08),
    ChannelRule("", "", "g2.com", "referral", 0.30),
    ChannelRule("", "", "producthunt.com", "referral", 0.20),
    ChannelRule("", "", "news.ycombinator.com", "referral", 0.20),
    ChannelRule("", "", "capterra.com", "referral", 0.15),
    ChannelRule("", "", "reddit.com", "referral", 0.15),
    ChannelRule("", "", "", "direct"),
)


@dataclass(frozen=True)
class Campaign:
    """A paid campaign: its spend rows and the ``utm_campaign`` of its touchpoints share the id."""

    campaign_id: str
    channel: str
    utm_source: str
    currency: str
    share: float  # of the channel's spend and of its touches


CAMPAIGNS: tuple[Campaign, ...] = (
    Campaign("ps_brand_us", "paid_search", "google", "USD", 0.40),
    Campaign("ps_generic_eu", "paid_search", "google", "EUR", 0.35),
    Campaign("bing_generic_us", "paid_search", "bing", "USD", 0.25),
    Campaign("fb_prospecting_us", "paid_social", "facebook", "USD", 0.45),
    Campaign("li_abm_us", "paid_social", "linkedin", "USD", 0.30),
    Campaign("fb_retargeting_uk", "paid_social", "facebook", "GBP", 0.25),
    Campaign("gdn_remarketing_us", "display", "gdn", "USD", 0.60),
    Campaign("gdn_awareness_us", "display", "gdn", "USD", 0.40),
    Campaign("aff_partnerstack_us", "affiliate", "partnerstack", "USD", 0.70),
    Campaign("aff_reviews_us", "affiliate", "partnerstack", "USD", 0.30),
)

# utm_campaign values of newsletter touches; email is unpaid, so these have no spend rows.
EMAIL_CAMPAIGNS: tuple[str, ...] = ("nl_weekly_digest", "nl_product_update", "nl_webinar_invite")

# USD per unit on the world's first day; a small random walk follows. USD itself has no rows.
FX_START: dict[str, float] = {"EUR": 1.08, "GBP": 1.27, "JPY": 0.0067}  # JPY: the growth_jp invoices

LANDING_PATHS: tuple[str, ...] = (
    "/",
    "/pricing",
    "/docs/quickstart",
    "/docs/api/messages",
    "/docs/webhooks",
    "/blog/feedback-loops-for-saas",
    "/blog/usage-based-pricing",
    "/features/alerts",
    "/features/ai-assistant",
    "/compare/alternatives",
)
SIGNUP_PATH = "/signup"

# --- customers --------------------------------------------------------------------------------------

COUNTRY_WEIGHTS: dict[str, float] = {
    "US": 0.38, "GB": 0.10, "DE": 0.09, "FR": 0.06, "CA": 0.06, "AU": 0.04, "NL": 0.04,
    "IN": 0.05, "BR": 0.04, "JP": 0.03, "ES": 0.03, "SE": 0.03, "SG": 0.02, "IE": 0.02, "CH": 0.01,
}  # fmt: skip
SEGMENTS: tuple[str, ...] = ("smb", "mid_market", "enterprise")
SEGMENT_WEIGHTS: tuple[float, ...] = (0.70, 0.22, 0.08)

COMPANY_FIRST: tuple[str, ...] = (
    "Acme", "Blue", "Bright", "Cedar", "Copper", "Delta", "Ember", "Falcon", "Granite", "Harbor",
    "Indigo", "Juniper", "Kestrel", "Lumen", "Maple", "Nimbus", "Nova", "Oak", "Orbit", "Pioneer",
    "Quartz", "Redwood", "Sage", "Silver", "Summit", "Tidal", "Umber", "Vector", "Willow", "Zenith",
    "O'Neill", "Northwind", "Polar", "Rapid", "Signal", "Stone", "True", "Vivid", "Wild", "Yellow",
)  # fmt: skip
COMPANY_SECOND: tuple[str, ...] = (
    "Analytics", "Apps", "Bio", "Cloud", "Commerce", "Data", "Devices", "Dynamics", "Energy",
    "Freight", "Health", "Labs", "Logistics", "Media", "Networks", "Payments", "Robotics", "Security",
    "Software", "Studio", "Systems", "Travel", "Ventures", "Works", "Insights",
)  # fmt: skip
COMPANY_SUFFIX: tuple[str, ...] = ("", "", "", " Inc", ", Inc.", " Ltd", " GmbH", " LLC", " & Co", " SAS")

# --- billing ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Plan:
    """A plan and the API usage the generator gives its customers (mean requests per day).

    Prices live in the dbt seeds (dbt_project/seeds/billing/plans.csv); tests check that these ids and
    currencies are the seeds' ones. ``rank`` orders upgrades; a regional variant shares its plan's rank.
    """

    plan_id: str
    rank: int
    mean_daily_requests: float
    currency: str = "USD"


PLANS: tuple[Plan, ...] = (
    Plan("free", 0, 0.0),
    Plan("starter", 1, 1.75),
    Plan("growth", 2, 5.3),
    Plan("scale", 3, 14.0),
    Plan("enterprise", 4, 35.0),
    Plan("growth_jp", 2, 5.3, "JPY"),  # growth, billed in yen to customers in Japan
)
# Customers of a country subscribe to the regional variant of a plan: (country, plan) -> variant.
REGIONAL_PLANS: dict[tuple[str, str], str] = {("JP", "growth"): "growth_jp"}
PLAN_IDS: tuple[str, ...] = tuple(p.plan_id for p in PLANS)
# Probability of each plan (in PLANS order, the first five) for a new paying customer of each segment.
PLAN_WEIGHTS_BY_SEGMENT: dict[str, tuple[float, ...]] = {
    "smb": (0.0, 0.60, 0.30, 0.10, 0.0),
    "mid_market": (0.0, 0.20, 0.45, 0.30, 0.05),
    "enterprise": (0.0, 0.0, 0.15, 0.35, 0.50),
}

ENDPOINTS: tuple[str, ...] = ("/v1/messages", "/v1/search", "/v1/contacts", "/v1/batch", "/v1/reports")
ENDPOINT_WEIGHTS: tuple[float, ...] = (0.40, 0.30, 0.15, 0.08, 0.07)
BATCH_ENDPOINT = "/v1/batch"
METHODS: tuple[str, ...] = ("GET", "POST", "DELETE")
# Method mix per endpoint, in METHODS order.
ENDPOINT_METHODS: dict[str, tuple[float, ...]] = {
    "/v1/messages": (0.30, 0.70, 0.0),
    "/v1/search": (1.0, 0.0, 0.0),
    "/v1/contacts": (0.60, 0.30, 0.10),
    "/v1/batch": (0.0, 1.0, 0.0),
    "/v1/reports": (1.0, 0.0, 0.0),
}
STATUS_CLASS_WEIGHTS: dict[str, float] = {"2xx": 0.92, "3xx": 0.01, "4xx": 0.05, "5xx": 0.02}
CLIENT_ERRORS: dict[int, float] = {400: 0.20, 401: 0.12, 403: 0.08, 404: 0.25, 409: 0.05, 422: 0.15, 429: 0.15}
SERVER_ERRORS: dict[int, float] = {500: 0.40, 502: 0.20, 503: 0.25, 504: 0.15}

# --- product ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Feature:
    """A catalogued feature and its adoption curve.

    Released on ``released_on`` (00:00 UTC), the date of the product team's catalog
    (dbt_project/seeds/product/feature_catalog.csv, checked against this tuple): a release is a fact of
    the calendar, not of the world's length, so a world that ends earlier sees fewer launches. The demo
    world of the tests (2026-01-01 .. 2026-03-31) sees two. The share of a segment's accounts that adopted
    it ``x`` days after release is logistic: ``cap / (1 + exp(-(x - midpoint_days) / spread_days))``.
    """

    name: str
    events: tuple[str, ...]
    popularity: float
    adoption_cap: tuple[float, float, float]  # by SEGMENTS
    midpoint_days: float
    spread_days: float
    released_on: date

    def release_day(self, start: date) -> int:
        """Days from the world's first day ``start`` to the release (negative: before the world)."""
        return (self.released_on - start).days


FEATURES: tuple[Feature, ...] = (
    Feature("dashboards", ("feature_used", "report_created", "dashboard_shared"), 3.0,
            (0.85, 0.90, 0.95), 20, 8, date(2024, 11, 27)),
    Feature("alerts", ("feature_used", "alert_created"), 1.5, (0.50, 0.65, 0.75), 25, 10, date(2025, 5, 6)),
    Feature("api_keys", ("feature_used", "api_key_created"), 1.0, (0.55, 0.75, 0.85), 15, 6, date(2025, 3, 7)),
    Feature("webhooks", ("feature_used", "webhook_created"), 1.0, (0.30, 0.45, 0.60), 30, 10, date(2025, 8, 4)),
    Feature("sso", ("feature_used", "sso_configured"), 0.6, (0.05, 0.35, 0.80), 20, 8, date(2025, 11, 2)),
    Feature("exports", ("feature_used", "export_started"), 1.2, (0.40, 0.55, 0.60), 18, 7, date(2025, 12, 12)),
    Feature("ai_assistant", ("feature_used", "assistant_prompt"), 2.0, (0.55, 0.60, 0.50), 12, 5,
            date(2026, 2, 15)),
    Feature("workflows", ("feature_used", "workflow_created", "workflow_run"), 1.5,
            (0.35, 0.50, 0.60), 8, 4, date(2026, 3, 14)),
)  # fmt: skip
FEATURE_NAMES: tuple[str, ...] = tuple(f.name for f in FEATURES)
# Events without a feature, and their mix.
GENERIC_EVENTS: tuple[str, ...] = ("page_view", "login", "user_invited")
GENERIC_EVENT_WEIGHTS: tuple[float, ...] = (0.75, 0.20, 0.05)
EVENT_NAMES: tuple[str, ...] = tuple(dict.fromkeys(GENERIC_EVENTS + tuple(e for f in FEATURES for e in f.events)))
BROWSERS: tuple[str, ...] = ("chrome", "firefox", "safari", "edge")
# Features the tracking sends that the catalog does not (yet) know: dogfooded before their catalog entry,
# or a name the tracking plan never had. The product loop counts them apart, never as a catalogued feature.
UNCATALOGUED_FEATURES: tuple[str, ...] = ("reports_v2", "notebooks")

# --- support and reliability --------------------------------------------------------------------------

ERROR_CATEGORIES: tuple[str, ...] = (
    "rate_limit",
    "timeout",
    "connection",
    "upstream_unavailable",
    "auth_expired",
    "validation",
    "not_found",
    "permission",
    "internal",
    "database",
)
AUTO_FIXABLE_CATEGORIES: tuple[str, ...] = ERROR_CATEGORIES[:5]
SERVICES: tuple[str, ...] = ("api-gateway", "billing-service", "search", "auth", "worker", "messages")
