# ruff: noqa: E501  (sentences read better unbroken)
"""Ticket subjects and bodies: templates per TRUE category, and the words that fill their slots.

Many templates times many fillers give varied English, so the categorisation rules have to generalise
instead of matching one sentence. A ``{slot}`` names a list in ``TICKET_FILLERS``.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class TicketText:
    subjects: tuple[str, ...]
    bodies: tuple[str, ...]


TICKET_FILLERS: dict[str, tuple[str, ...]] = {
    "month": ("January", "February", "March", "April", "May", "June", "July", "August", "September",
              "October", "November", "December"),
    "plan": ("starter", "growth", "scale", "enterprise"),
    "area": ("dashboards", "alerts", "webhooks", "the reports page", "user settings", "the usage page",
             "exports", "the AI assistant", "workflows", "the contacts list"),
    "code": ("500", "502", "503", "429", "401", "403", "404", "422"),
    "endpoint": ("/v1/messages", "/v1/search", "/v1/contacts", "/v1/batch", "/v1/reports"),
    "amount": ("49.00", "99.00", "149.00", "299.00", "480.00", "1,200.00", "12.50"),
    "browser": ("Chrome", "Firefox", "Safari", "Edge"),
    "fmt": ("CSV", "JSON", "Excel", "Parquet"),
    "n": ("2", "3", "5", "10", "12", "25", "40", "100"),
    "idp": ("Okta", "Azure AD", "Google Workspace", "OneLogin"),
    "days": ("two days", "a week", "since Monday", "since the last release", "three hours"),
    "name": ("Priya", "Tom", "Ana", "Lukas", "Mei", "Daniel", "Chloe", "Omar", "Sofia", "James"),
}  # fmt: skip

TICKET_TEXTS: dict[str, TicketText] = {
    "billing": TicketText(
        subjects=(
            "Charged twice for my {month} invoice",
            "Refund for duplicate charge",
            "Update credit card on file",
            "Invoice for {month} shows the wrong amount",
            "Question about the {plan} plan price",
            "Need a VAT number on our invoices",
            "Why was I billed {amount} USD?",
            "Cancel auto-renewal before next billing cycle",
            "Overage charges look too high this month",
        ),
        bodies=(
            "Our card was charged {amount} USD twice on the same day for the {month} invoice. Please refund the duplicate.",
            "We moved to the {plan} plan but the invoice still lists the old price. Can you correct it?",
            "I need to replace the credit card on file before the next payment is taken.",
            "The {month} invoice shows {amount} USD but our usage page says far less. Which one is right?",
            "Finance asks for our VAT ID and company address on every invoice from now on.",
            "We were billed for overage although we stayed under the included units of the {plan} plan.",
            "Please send a receipt for the last {n} payments, our accountant needs them.",
            "How do I switch from monthly to annual billing, and is there a discount?",
            "The payment failed and now the account shows a warning. How can we pay the open invoice?",
        ),
    ),
    "login_access": TicketText(
        subjects=(
            "Can't log in since {days}",
            "Password reset email never arrives",
            "Locked out after too many attempts",
            "SSO login with {idp} fails",
            "Two-factor codes are rejected",
            "New teammate cannot accept the invite",
            "Session expires every few minutes",
            "Login page keeps redirecting in {browser}",
        ),
        bodies=(
            "I have not been able to sign in {days}; the login page just reloads after I enter my password.",
            "I requested a password reset {n} times but no email has arrived, not even in spam.",
            "Our account got locked after several failed attempts. Please unlock it so the team can work.",
            "Since we connected {idp}, users see 'invalid SAML response' when they try to sign in.",
            "My authenticator app codes are always rejected, even right after they are generated.",
            "A colleague clicks the invitation link and gets 'invite expired'. We sent it today.",
            "In {browser} I get logged out every few minutes and lose what I was typing.",
            "We can't access the account anymore after the admin left the company. How do we regain access?",
        ),
    ),
    "api_errors": TicketText(
        subjects=(
            "API returns {code} on {endpoint}",
            "Getting HTTP {code} errors from the API",
            "Intermittent {code} responses since {days}",
            '{endpoint} fails with "internal server error"',
            "Rate limited (429) although we are under quota",
            "API key suddenly rejected with 401",
            "Batch endpoint drops requests",
            "Webhook calls to our server return {code}",
        ),
        bodies=(
            "Calls to {endpoint} return HTTP {code} for about {n}% of requests {days}. Nothing changed on our side.",
            "Our integration started receiving {code} errors from {endpoint}. Can you check the logs for our account?",
            "We get 429 Too Many Requests even though we send far fewer requests than the {plan} plan allows.",
            "The API rejects our key with 401 unauthorized, but the key is still listed as active in the console.",
            "Requests to {endpoint} time out or come back with {code}; retries sometimes succeed.",
            "Some items in our /v1/batch calls are silently dropped, the response says {n} accepted.",
            "Since the last deploy the API answers {code} with an empty body. Is there an outage?",
            "Error rate on {endpoint} jumped {days}; our customers are affected. Please investigate urgently.",
        ),
    ),
    "performance": TicketText(
        subjects=(
            "Dashboard is very slow to load",
            "{area} takes forever",
            "Search responses are slow since {days}",
            "Pages time out in {browser}",
            "API latency went up a lot",
            "Reports take minutes to render",
            "Everything is sluggish today",
            "High latency on {endpoint}",
        ),
        bodies=(
            "Loading {area} takes more than {n} seconds for everyone on our team.",
            "Since {days} the search is noticeably slower, sometimes it spins for half a minute.",
            "In {browser} the app freezes for several seconds whenever we open {area}.",
            "Our p95 latency on {endpoint} went from 200 ms to several seconds {days}.",
            "Generating a report with {n} widgets now takes minutes instead of seconds.",
            "The whole app feels sluggish today, switching between pages is painfully slow.",
            "Is there a performance problem? {area} barely loads for our users in Europe.",
            "Requests to {endpoint} are much slower than last month although the payload is the same.",
        ),
    ),
    "bug_report": TicketText(
        subjects=(
            "Bug: {area} shows wrong numbers",
            "Chart totals don't add up",
            "Button does nothing in {browser}",
            "Duplicate entries appear in {area}",
            "Dates are shown in the wrong timezone",
            "Filter is ignored on {area}",
            "Broken layout after the last update",
            "Saving settings has no effect",
        ),
        bodies=(
            "The totals in {area} do not match the sum of the rows. Looks like a bug to me.",
            "When I click Save in {browser}, nothing happens and the change is lost.",
            "Every item shows up twice in {area} since {days}.",
            "All timestamps are shifted by a few hours; our account is set to UTC.",
            "The filter on {area} is ignored, we always see all {n} entries.",
            "After the last update the sidebar overlaps the content and we can't reach the menu.",
            "Steps to reproduce: open {area}, change the date range, the chart goes blank.",
            "Settings revert to the old values after a page refresh. Tried in {browser} and another browser.",
        ),
    ),
    "feature_request": TicketText(
        subjects=(
            "Feature request: export to {fmt}",
            "Could you add dark mode?",
            "Please support {idp} for SSO",
            "Idea: scheduled reports by email",
            "Would love an API for {area}",
            "Request: custom roles and permissions",
            "Any plans for a Slack integration?",
            "Suggestion for {area}",
        ),
        bodies=(
            "It would help us a lot if we could export {area} to {fmt} directly.",
            "Is dark mode on the roadmap? Half of our team would use it.",
            "We would like to use {idp} for single sign-on; is that planned?",
            "Could you add scheduled reports that are emailed to a list of people every week?",
            "We would love an API to manage {area} programmatically instead of clicking through the UI.",
            "We need custom roles so that contractors can see {area} but not billing.",
            "A Slack integration that posts new alerts to a channel would be great.",
            "Suggestion: let us pin the {n} most used views to the top of {area}.",
        ),
    ),
    "account_management": TicketText(
        subjects=(
            "Change the account owner",
            "Add {n} seats to our workspace",
            "Upgrade from {plan} plan",
            "Merge two accounts",
            "Delete our workspace",
            "Rename our organisation",
            "Transfer admin rights to a colleague",
            "Downgrade to the {plan} plan",
        ),
        bodies=(
            "Our previous admin left; please make {name} the new account owner.",
            "We need {n} more seats for the team joining next month.",
            "We would like to move to the {plan} plan. What happens to our current usage?",
            "We accidentally created two workspaces and want to merge them into one.",
            "Please delete our workspace and all its data, we no longer need it.",
            "Our company changed its name; how do we rename the organisation in the app?",
            "Please transfer admin rights from me to {name} before I go on leave.",
            "We'd like to downgrade to the {plan} plan at the end of this billing period.",
        ),
    ),
    "data_export": TicketText(
        subjects=(
            "Export to {fmt} is empty",
            "Need a full data export",
            "Export job stuck at {n}%",
            "Download link for the export expired",
            "{fmt} export has broken encoding",
            "GDPR data request",
            "Export missing columns",
            "Bulk export of {area}",
        ),
        bodies=(
            "The {fmt} export of {area} downloads fine but contains only the header row.",
            "We need a complete export of all our data before the contract renewal.",
            "The export job has been stuck at {n}% {days}.",
            "The download link in the export email says it has expired, although we got it today.",
            "Special characters come out garbled in the {fmt} export, e.g. names with umlauts.",
            "A user asked for all personal data we hold about them. How do we export it?",
            "The export is missing the custom fields we added to {area}.",
            "How can we export {area} for the last {n} months in one go?",
        ),
    ),
    "how_to": TicketText(
        subjects=(
            "How do I set up {area}?",
            "How to invite my team",
            "Where do I find my API key?",
            "How to connect {idp}",
            "Question about {area}",
            "Getting started with webhooks",
            "How to filter by date range",
            "Best way to organise {area}",
        ),
        bodies=(
            "I'm new here. How do I set up {area} for our team?",
            "What's the best way to invite {n} colleagues at once?",
            "Where can I find or create an API key for {endpoint}?",
            "Is there a guide for connecting {idp}? The docs page seems outdated.",
            "Quick question: can {area} show data for more than one project?",
            "How do I verify webhook signatures? An example would help.",
            "How can I limit {area} to a specific date range?",
            "Do you have recommendations for structuring {area} in a company with {n} teams?",
        ),
    ),
}

# Greetings and sign-offs that put a line break into about a tenth of the bodies.
BODY_OPENERS: tuple[str, ...] = ("Hi team,\n", "Hello,\n\n", "Hi support,\n")
BODY_CLOSERS: tuple[str, ...] = ("\n\nThanks,\n{name}", "\nBest regards\n{name}", "\n\nCheers, {name}")
