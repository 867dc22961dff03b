# ruff: noqa: E501  (sentences read better unbroken)
"""Ticket subjects and bodies: what customers write per TRUE category, and the noise around it.

A ticket is composed, not picked: a subject (or a vague one: "Help", "Re: your message"), an opening, the
request in one of many phrasings (a few in German, Spanish or French), sometimes a sentence of context that
names things of other categories, a sign-off or signature, a "Sent from my iPhone", and sometimes the
agent's earlier reply quoted below. Some are typed in lower case or with typos. So a rule or a model that
learns these sentences by heart gains little: it has to read the request. A ``{slot}`` names a list in
``TICKET_FILLERS``. These texts are written for the generator only; the categorization is judged on
tickets written apart from them (tests/support/handwritten_tickets.yml).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class TicketText:
    subjects: tuple[str, ...]
    bodies: tuple[str, ...]
    foreign: tuple[tuple[str, str], ...] = ()  # (subject, body) in German, Spanish or French


TICKET_FILLERS: dict[str, tuple[str, ...]] = {
    "month": ("January", "February", "March", "April", "May", "June", "July", "August", "September",
              "October", "November", "December"),
    "plan": ("starter", "growth", "scale", "enterprise", "Pro", "Team"),
    "area": ("dashboards", "alerts", "webhooks", "the reports page", "user settings", "the usage page",
             "the AI assistant", "workflows", "the contacts list", "the activity feed", "the calendar view",
             "the inbox", "tags", "the pipeline board"),
    "code": ("500", "502", "503", "429", "401", "403", "404", "422", "400"),
    "endpoint": ("/v1/messages", "/v1/search", "/v1/contacts", "/v1/batch", "/v1/reports", "/v2/events",
                 "/v1/users/me", "the messages endpoint", "the search API"),
    "amount": ("49.00", "99.00", "149.00", "299.00", "480.00", "1,200.00", "12.50", "79", "2.400,00"),
    "browser": ("Chrome", "Firefox", "Safari", "Edge", "the desktop app", "my phone"),
    "fmt": ("CSV", "JSON", "Excel", "Parquet", "xlsx", "PDF"),
    "n": ("2", "3", "5", "10", "12", "25", "40", "100", "7"),
    "idp": ("Okta", "Azure AD", "Google Workspace", "OneLogin", "Entra ID", "Keycloak"),
    "days": ("two days", "a week", "since Monday", "since the last release", "three hours", "yesterday",
             "this morning", "since the weekend"),
    "name": ("Priya", "Tom", "Ana", "Lukas", "Mei", "Daniel", "Chloe", "Omar", "Sofia", "James", "Ines",
             "Kenji", "Fatima", "Björn", "Lucía"),
    "company": ("Acme Corp", "Nordwind GmbH", "Blue Harbor Ltd", "Tienda Sol S.L.", "Atelier Vert SARL",
                "Kite Analytics", "Hollow Pine Inc."),
    "title": ("Operations Manager", "CTO", "Office Manager", "Head of Finance", "Developer", "Founder",
              "Customer Success Lead"),
    "weekday": ("Mon", "Tue", "Wed", "Thu", "Fri"),
    "day": ("2", "5", "9", "13", "17", "21", "24", "28"),
    "ticket": ("10482", "22817", "31006", "40991", "51230", "63377"),
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
            "billing issue",
            "Payment not going through",
            "money back?",
            "Receipt needed",
            "Our card got debited again",
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
            "there is a charge of {amount} on our statement that we dont recognise, what was it for",
            "We paid by bank transfer {days} but the invoice is still marked as unpaid.",
            "Can we get our money back for {month}? We barely used the product and cancelled right away.",
            "Your pricing page says {amount} per month but we were invoiced more. Please explain the difference.",
            "Our purchase order number has to appear on the invoice or our finance team cannot pay it.",
            "Is it possible to be invoiced in EUR instead of USD from the next billing period on?",
            "The renewal charged the full year although we asked to stop it before the renewal date.",
        ),
        foreign=(
            (
                "Doppelte Abbuchung",
                "Hallo, uns wurde der Betrag von {amount} EUR zweimal abgebucht. Bitte erstatten Sie die doppelte Zahlung.",
            ),
            (
                "Rechnung {month}",
                "Guten Tag, bitte senden Sie uns die Rechnung für {month} mit unserer USt-IdNr. erneut zu.",
            ),
            (
                "Factura incorrecta",
                "Hola, la factura de {month} tiene un importe equivocado, nos cobraron {amount} en vez del precio del plan.",
            ),
            (
                "Remboursement",
                "Bonjour, nous avons été prélevés deux fois ce mois-ci. Merci de nous rembourser le second paiement.",
            ),
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
            "cant sign in",
            "Access problem",
            "Forgot my password",
            "locked out!!",
            "Verification code not received",
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
            "it keeps telling me my credentials are wrong but i just reset my password an hour ago",
            "I got a new phone and now I cannot pass the 2FA step anymore. Please reset my second factor.",
            "Logging in with {idp} sends me back to the start page without any message.",
            "The one-time code email takes so long that the code has expired by the time it arrives.",
            "After changing my email address I am unable to login with either address.",
            "Half of our users get 'access denied' on the login screen since {days}, the rest can sign in.",
        ),
        foreign=(
            ("Login geht nicht", "Hallo, ich kann mich {days} nicht mehr einloggen, mein Passwort wird abgelehnt."),
            (
                "Passwort zurücksetzen",
                "Die E-Mail zum Zurücksetzen des Passworts kommt nicht an. Bitte helfen Sie mir.",
            ),
            ("No puedo entrar", "Hola, no puedo acceder a mi cuenta, me dice que la contraseña es incorrecta."),
            (
                "Problème de connexion",
                "Bonjour, impossible de me connecter depuis hier, le code de vérification est refusé.",
            ),
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
            "integration broken",
            "API down?",
            "Errors in our sync job",
            "{code}s from your side",
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
            "our nightly job that pushes contacts through the api fails with status {code}, log excerpt below",
            "The SDK throws an exception on every call to {endpoint}: server responded with {code}.",
            "Webhook deliveries to our endpoint all show {code} in your delivery log, so we miss events.",
            "We keep hitting the rate limit on {endpoint} after only a handful of calls per minute.",
            "POST {endpoint} returns {code} with the message 'invalid_request' for a payload that worked last week.",
            "Our access token is refused with 403 forbidden since you rotated the signing keys.",
        ),
        foreign=(
            ("API Fehler {code}", "Hallo, unsere Integration erhält seit {days} den Fehler {code} von {endpoint}."),
            ("Error {code} en la API", "Hola, las llamadas a {endpoint} devuelven error {code} desde esta mañana."),
            ("Erreur {code}", "Bonjour, l'API répond avec une erreur {code} sur {endpoint}, pouvez-vous vérifier ?"),
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
            "slow",
            "Speed issues",
            "app keeps freezing",
            "Loading times",
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
            "opening {area} is soooo slow, we wait ages for anything to show up",
            "The spinner on {area} runs for a minute before the page appears, {days} now.",
            "Our users complain about lag when typing in {area}, every keystroke appears with a delay.",
            "Page loads of {n}+ seconds make the tool unusable for our support team.",
            "{area} does load eventually but it takes so long that people give up.",
        ),
        foreign=(
            ("Sehr langsam", "Hallo, {area} lädt seit {days} extrem langsam, teilweise über {n} Sekunden."),
            ("Muy lento", "Hola, la aplicación está muy lenta, {area} tarda mucho en cargar."),
            ("Lenteur de l'application", "Bonjour, {area} est très lent, chaque page met longtemps à charger."),
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
            "something is broken",
            "weird behaviour in {area}",
            "Page goes blank",
            "Not working properly",
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
            "{area} crashes with 'Oops, something went wrong' as soon as I open it.",
            "the counter on {area} says {n} but the list underneath is empty",
            "Drag and drop in {area} stopped working, items jump back to where they were.",
            "Deleting an entry in {area} removes a different entry than the one I selected!",
            "Notifications link to the wrong record, clicking one opens somebody else's item.",
            "The export button on {area} throws an error page instead of starting the download.",
        ),
        foreign=(
            (
                "Fehler in {area}",
                "Hallo, in {area} werden seit dem Update falsche Zahlen angezeigt. Das ist ein Fehler.",
            ),
            ("Funktioniert nicht", "Der Speichern-Knopf funktioniert nicht, die Änderungen gehen verloren."),
            ("No funciona", "Hola, el botón de guardar no funciona en {area}, los cambios se pierden."),
            (
                "Bug d'affichage",
                "Bonjour, les dates affichées dans {area} sont fausses depuis la dernière mise à jour.",
            ),
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
            "idea",
            "Wishlist",
            "Improvement proposal",
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
            "would be cool if {area} had a kanban view, we'd use it daily",
            "Please consider adding recurring reminders, right now we set them up by hand every week.",
            "Any chance of a native app for {browser}? The web version is fine but an app would be nicer.",
            "We'd pay extra for an audit trail that shows who changed what in {area}.",
            "It would be nice to choose our own colours and logo for {area}.",
            "Are you planning two-way sync with Outlook calendars? That would save us a lot of time.",
        ),
        foreign=(
            ("Verbesserungsvorschlag", "Hallo, es wäre super, wenn {area} einen Dunkelmodus hätte. Ist das geplant?"),
            ("Sugerencia", "Hola, nos gustaría que {area} se pudiera exportar a {fmt}, sería muy útil."),
            ("Suggestion", "Bonjour, ce serait pratique d'avoir une intégration avec Microsoft Teams."),
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
            "More seats",
            "Account change",
            "remove users",
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
            "pls remove {name} from our team, she doesn't work here anymore",
            "Can you switch our subscription to the {plan} tier starting next week?",
            "We want to close our account for good at the end of the term.",
            "Please move my projects from my private workspace into the company workspace of {company}.",
            "We reached the user limit of our plan and need {n} additional licenses.",
            "Change the billing contact and the primary email of our organisation to {name}.",
        ),
        foreign=(
            ("Weitere Lizenzen", "Hallo, wir brauchen {n} zusätzliche Benutzer für unser Konto."),
            ("Cuenta", "Hola, queremos cambiar al plan {plan}. ¿Qué tenemos que hacer?"),
            (
                "Changement d'administrateur",
                "Bonjour, merci de transférer les droits d'administrateur de notre compte à {name}.",
            ),
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
            "export",
            "Getting our data out",
            "Data download",
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
            "is there a way to download everything in {area} as {fmt}? need it for a board meeting",
            "The exported file stops after 5,000 rows, but we have many more records.",
            "Can you send us a dump of all our records? We want a backup outside your platform.",
            "Our data team wants a daily {fmt} extract of {area} delivered to our storage bucket.",
            "The {fmt} file we exported has every value in one column instead of separate columns.",
        ),
        foreign=(
            ("Datenexport", "Guten Tag, wie können wir alle Daten aus {area} als {fmt} exportieren?"),
            ("Exportación", "Hola, la exportación a {fmt} sale vacía, solo aparecen los encabezados."),
            ("Export des données", "Bonjour, nous voudrions exporter toutes nos données avant la fin du contrat."),
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
            "quick question",
            "Help needed",
            "Can I do this?",
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
            "hi, how do i change the order of columns in {area}?",
            "Is it possible to share {area} with a client who has no login? How would I do that?",
            "Where in the settings do I turn off the daily summary emails?",
            "What is the difference between a project and a workspace, and which one should we use?",
            "Could you point me to the documentation on setting up automations in {area}?",
        ),
        foreign=(
            ("Frage", "Hallo, wie kann ich in {area} eine Vorlage anlegen? Ich finde die Einstellung nicht."),
            ("Pregunta", "Hola, ¿cómo puedo configurar {area} para todo el equipo?"),
            ("Question", "Bonjour, comment puis-je ajouter un collègue à un projet ?"),
        ),
    ),
}

# Subjects that say nothing about the request: the body has to.
VAGUE_SUBJECTS: tuple[str, ...] = (
    "Help", "Question", "Urgent!!", "Problem", "Re: your message", "(no subject)", "Support request", "hi",
    "Issue", "Re: Ticket #{ticket}", "Follow up", "need help asap", "Anfrage", "Consulta",
)  # fmt: skip
# How the first message opens.
BODY_OPENERS: tuple[str, ...] = (
    "Hi team,\n", "Hello,\n\n", "Hi support,\n", "Dear Sir or Madam,\n\n", "Hey,\n", "Good morning,\n",
    "Hi {name},\n\n", "Hello again,\n", "Hi there, ", "Hello support team, ",
)  # fmt: skip
# A sentence of context that is not the request, often naming things of other categories.
CONTEXT_LINES: tuple[str, ...] = (
    " We are on the {plan} plan with {n} users.",
    " This is quite urgent for us.",
    " I attached a screenshot.",
    " Our admin is {name}, in case you need to confirm anything.",
    " We have been customers for {n} years and usually everything works well.",
    " Thanks for the quick help last time with our invoice.",
    " I already checked your help center and the status page.",
    " We log in every day and rely on the reports.",
    " Our developers use the API a lot, but this is about something else.",
    " The rest of the app works fine.",
)
# Sign-offs and signatures, with the mobile footers mail clients add.
BODY_CLOSERS: tuple[str, ...] = (
    "\n\nThanks,\n{name}",
    "\nBest regards\n{name}",
    "\n\nCheers, {name}",
    "\n\nKind regards,\n{name}\n{title} | {company}",
    "\n\n--\n{name}\n{company}\nPhone: +44 20 7946 0{n}",
    "\n\nSent from my iPhone",
    "\n\nThanks in advance!\n\nSent from my Android",
    "\n\nGet Outlook for iOS",
    "\n\n{name}\n{title}\n\nThis e-mail and any attachments are confidential and intended only for the addressee.",
    "\nthx",
)
# The agent's earlier reply, quoted beneath the customer's answer.
QUOTED_REPLIES: tuple[str, ...] = (
    "\n\nOn {weekday}, {month} {day}, 2026 at 10:{day} AM Support <support@example.com> wrote:\n> Hi {name},\n> thanks for reaching out! Could you tell us a bit more about what you see?\n> Best, the support team",
    "\n\n-----Original Message-----\nFrom: Support <support@example.com>\nSent: {weekday} {day} {month} 2026\nSubject: Ticket {ticket}\n\nHello, we have forwarded your question to the right team and will get back to you.",
    "\n\n> On {weekday} {day} {month}, {name} (Support) wrote:\n> Have you tried clearing the cache and logging in again?\n> Let us know if the problem persists.",
    "\n\nOn {month} {day}, Support wrote:\n> Thank you for your patience. Is the issue still happening?",
)
# Misspellings that people really make, applied word by word to some tickets.
TYPOS: tuple[tuple[str, str], ...] = (
    ("receive", "recieve"), ("password", "pasword"), ("account", "acount"), ("invoice", "invoce"),
    ("please", "pls"), ("because", "becuase"), ("doesn't", "doesnt"), ("can't", "cant"), ("the ", "teh "),
    ("export", "exprot"), ("access", "acess"), ("error", "eror"), ("really", "realy"), ("separate", "seperate"),
    ("working", "wokring"), ("charged", "chargd"), ("slow", "slwo"), ("login", "loign"), ("I'm", "im"),
    ("don't", "dont"), ("thanks", "thx"), ("request", "reqeust"), ("feature", "featrue"), ("billing", "biling"),
)  # fmt: skip
