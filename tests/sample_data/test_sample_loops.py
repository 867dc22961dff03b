"""Product, support, billing and reliability data: the shapes their loops are built to find."""

from __future__ import annotations

import pandas as pd
from sample_world_checks import bad_lines, load, truth

from aias_dagster.ingest.contract import get_source
from aias_dagster.sample_data import WorldSummary
from aias_dagster.sample_data.world import ERROR_CATEGORIES, FEATURE_NAMES, TICKET_CATEGORIES, UNCATALOGUED_FEATURES


def _good(world: WorldSummary, source: str) -> pd.DataFrame:
    return load(world.out, get_source(source), bad_lines(world.truth_out))


def test_features_are_used_after_release_but_for_a_beta_and_the_tracking_is_messy(clean_world: WorldSummary) -> None:
    catalog = truth(clean_world.truth_out, "feature_catalog.csv").set_index("feature").released_on
    assert list(catalog.index) == list(FEATURE_NAMES)
    assert (catalog > clean_world.start.isoformat()).sum() == 2  # ai_assistant and workflows launch inside
    events = _good(clean_world, "product_events")
    named = events.feature.str.strip().str.lower()
    used = events[named.isin(FEATURE_NAMES)].assign(feature=named)
    assert set(used.feature) == set(FEATURE_NAMES)
    # A few beta testers use a feature in the weeks before its release; nobody earlier.
    beta = used.occurred_at.str[:10] < used.feature.map(catalog)
    assert 0 < beta.sum() < 0.01 * len(used)
    release = pd.to_datetime(used.feature.map(catalog), utc=True)
    assert (pd.to_datetime(used.occurred_at[beta], utc=True) >= release[beta] - pd.Timedelta(days=28)).all()
    # Some events name a feature the catalog does not know, some spell a catalogued one differently.
    assert set(named[events.feature != ""]) - set(FEATURE_NAMES) == set(UNCATALOGUED_FEATURES)
    assert 0.005 < (events.feature[named.isin(FEATURE_NAMES)] != used.feature).mean() < 0.05
    assert (events.event_name[events.feature == ""].isin(["page_view", "login", "user_invited"])).all()

    customers = truth(clean_world.truth_out, "customer_channels.csv").set_index("customer_id")
    assert (events.occurred_at >= events.customer_id.map(customers.signup_at)).all()

    def adoption(feature: str, first: pd.Timestamp, last: pd.Timestamp) -> float:
        at = pd.to_datetime(events.occurred_at)
        week = events[(at >= first) & (at < last)]
        return week.customer_id[week.feature == feature].nunique() / week.customer_id.nunique()

    launch = pd.Timestamp(catalog["ai_assistant"], tz="UTC")
    end = pd.Timestamp(clean_world.end, tz="UTC") + pd.Timedelta(days=1)
    early = adoption("ai_assistant", launch, launch + pd.Timedelta(days=7))
    late = adoption("ai_assistant", end - pd.Timedelta(days=7), end)
    assert late > early + 0.1


def test_ticket_request_ids_point_at_real_failed_requests(clean_world: WorldSummary) -> None:
    tickets = _good(clean_world, "support_tickets").drop_duplicates("ticket_id", keep="last")
    categories = truth(clean_world.truth_out, "ticket_categories.csv").set_index("ticket_id").true_category
    linked = tickets[tickets.request_id != ""]
    assert len(linked) > 10
    assert (linked.ticket_id.map(categories) == "api_errors").all()
    requests = _good(clean_world, "api_requests").set_index("request_id")
    found = requests.loc[linked.request_id]
    assert (found.customer_id.to_numpy() == linked.customer_id.to_numpy()).all()
    assert (found.status_code.astype(int) >= 400).all()
    assert (found.requested_at.to_numpy() <= linked.created_at.to_numpy()).all()


def test_tickets_carry_varied_text_and_a_third_carry_the_agent_category(clean_world: WorldSummary) -> None:
    tickets = _good(clean_world, "support_tickets").drop_duplicates("ticket_id", keep="last")
    categories = truth(clean_world.truth_out, "ticket_categories.csv").set_index("ticket_id").true_category
    tickets["truth"] = tickets.ticket_id.map(categories)
    assert set(tickets.truth) == set(TICKET_CATEGORIES)
    assert (tickets.groupby("truth").subject.nunique() >= 6).all()
    assert 0.5 < tickets.body.str.contains("\n").mean() < 0.9  # greetings, signatures, quoted replies
    tagged = tickets[tickets.agent_category != ""]
    assert 0.25 < len(tagged) / len(tickets) < 0.42
    assert (tagged.agent_category == tagged.truth).all()
    assert 0.05 < (tickets.reopened_count != "0").mean() < 0.12
    solved = tickets[tickets.status.isin(["solved", "closed"])]
    assert 0.3 < (solved.csat_score != "").mean() < 0.5
    assert 0.4 < len(tickets) / 1000 < 1.0  # tickets per customer in a 62-day world (0.5-1 in 90 days)


def test_every_error_category_appears_with_its_status(clean_world: WorldSummary) -> None:
    errors = _good(clean_world, "app_errors")
    categories = truth(clean_world.truth_out, "error_categories.csv").set_index("error_id").true_category
    errors["truth"] = errors.error_id.map(categories)
    assert set(errors.truth) == set(ERROR_CATEGORIES)
    expected = {"rate_limit": {"429"}, "auth_expired": {"401"}, "permission": {"403"}, "not_found": {"404"},
                "validation": {"400", "409", "422"}, "timeout": {"504", "408", ""}}  # fmt: skip
    for category, statuses in expected.items():
        assert set(errors.http_status[errors.truth == category]) <= statuses, category
    assert (errors.error_class.groupby(errors.truth).nunique() >= 2).all()
    categories_per_class = errors.groupby("error_class").truth.nunique()
    # As in real logs, a generic class (an HTTP client's HTTPError, botocore's ClientError) raises errors of
    # several categories, so the class alone cannot decide; most classes still belong to one category.
    assert (categories_per_class > 1).any() and (categories_per_class == 1).mean() > 0.8
    group_truth = truth(clean_world.truth_out, "error_categories.csv").set_index("error_id").true_group
    groups = errors.error_id.map(group_truth)
    assert groups.nunique() > 100 and (errors.groupby(groups).truth.nunique() == 1).all()
    assert errors.message.nunique() > 0.5 * len(errors)  # one fault, many strings
    assert errors.message.str.contains("\n").any()
    assert 0.6 < (errors.resolved_at != "").mean() < 0.8
    assert (errors.resolved_at[errors.resolved_at != ""] > errors.occurred_at[errors.resolved_at != ""]).all()
    assert (errors.request_id != "").mean() > 0.6 and (errors.customer_id != "").mean() > 0.8
    requests = _good(clean_world, "api_requests").set_index("request_id")
    linked = errors[errors.request_id != ""]
    assert (requests.customer_id.reindex(linked.request_id).to_numpy() == linked.customer_id.to_numpy())[
        (linked.customer_id != "").to_numpy()
    ].all()

    # Incidents are bursts: per API request, their category is far more frequent inside the window than on
    # average (per request, not per hour: an incident in the world's first days, when few accounts pay and
    # call the API, raises few errors, as a real one would).
    at = pd.to_datetime(errors.occurred_at)
    requested = pd.to_datetime(requests.requested_at)
    incidents = truth(clean_world.truth_out, "incidents.csv")
    assert len(incidents) >= 2
    busy = 0
    for incident in incidents.itertuples():
        start, end = pd.Timestamp(incident.started_at), pd.Timestamp(incident.ended_at)
        same = errors.truth == incident.true_category
        calls = ((requested >= start) & (requested < end)).sum()
        inside = (same & (at >= start) & (at < end)).sum()
        if calls >= 20:  # too few calls to tell a burst from chance
            busy += 1
            assert inside / calls > 5 * same.sum() / len(requests), (incident, calls, inside)
    assert busy >= 1


def test_errors_follow_the_api_traffic_from_the_first_day(clean_world: WorldSummary) -> None:
    # Regression: background and incident errors were drawn for every customer of the world from its first
    # day, when a handful had started paying, so that day had ~1,600 errors per 1,000 API requests.
    errors = _good(clean_world, "app_errors").occurred_at.str[:10].value_counts()
    requests = _good(clean_world, "api_requests").requested_at.str[:10].value_counts()
    days = pd.DataFrame({"errors": errors, "requests": requests}).fillna(0).sort_index()
    assert (days.errors <= days.requests).all()
    overall = days.errors.sum() / days.requests.sum()
    first_week = days.head(7)
    assert 0.5 * overall < first_week.errors.sum() / first_week.requests.sum() < 2 * overall
    busy = days[days.requests >= 100]  # incident days included
    assert (busy.errors / busy.requests < 0.15).all(), busy[busy.errors / busy.requests >= 0.15]


def test_api_requests_have_the_status_mix_and_units_of_the_model(clean_world: WorldSummary) -> None:
    requests = _good(clean_world, "api_requests")
    status_class = requests.status_code.str[0].value_counts(normalize=True)
    assert 0.89 < status_class["2"] < 0.94 and 0.003 < status_class["3"] < 0.02
    assert 0.04 < status_class["4"] < 0.07 and 0.01 < status_class["5"] < 0.04
    batch = requests[requests.endpoint == "/v1/batch"].units.astype(int)
    assert batch.between(10, 100).all()
    assert set(requests.units[requests.endpoint != "/v1/batch"]) == {"1", ""}  # empty: contract default 1
    assert (requests.latency_ms.str.split(".").str[1].str.len() == 1).all()
