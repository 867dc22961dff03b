# ruff: noqa: E501 - the messages are data, one per line as the libraries print them
"""Application error vocabulary per TRUE reliability category.

Each message is what a real library or server prints (Python requests/psycopg/botocore, Java, Node,
Go, Postgres, proxies), paired with the class that raises it: the class and the message go together
as in real code, and some classes (an HTTP client's `HTTPError`, botocore's `ClientError`) raise
errors of several categories. Messages carry the variable parts a fingerprint must normalise away
(ids, numbers, hex, addresses, emails, URLs, quoted values), so one fault appears as many strings.

A TRUE group is one fault: the template raised by one service, together with the values of the
slots named in `group_by`: the unquoted names (an upstream, a handler, a table in a plain sentence) and
the relation Postgres names (`relation "orders"`, code, not data: normaliser version 3 keeps it) that
make another fault when they change. Slots that vary from one occurrence of the same fault to
the next (ids, counts, timings, addresses, quoted user values, the request's method and path) are not part
of the group.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Template:
    error_class: str
    text: str
    group_by: tuple[str, ...] = ()


@dataclass(frozen=True)
class ErrorKind:
    templates: tuple[Template, ...]
    services: tuple[str, ...]
    http_statuses: tuple[int, ...]  # for errors not raised by a request; 0 = no status

    @property
    def classes(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(t.error_class for t in self.templates))


T = Template
HTTP_ERROR = "requests.exceptions.HTTPError"
CLIENT_ERROR = "botocore.exceptions.ClientError"

ERROR_KINDS: dict[str, ErrorKind] = {
    "rate_limit": ErrorKind(
        templates=(
            T("RateLimitExceeded", "Rate limit exceeded for API key {key}: {n} requests in the last {window}s (limit {quota})"),
            T("TooManyRequestsError", "Too many requests from account {customer}: quota of {quota} per minute exhausted"),
            T(HTTP_ERROR, "429 Client Error: Too Many Requests for url: {url}"),
            T(CLIENT_ERROR, "An error occurred (ThrottlingException) when calling the {aws_op} operation (reached max retries: {m}): Rate exceeded", ("aws_op",)),
            T("stripe.error.RateLimitError", "Request req_{token}: Too many requests hit the API too quickly. We recommend an exponential backoff of your requests."),
            T("RateLimitExceeded", "Throttled {method} {path}: token bucket {hash} is empty, retry after {sec}s"),
            T("twilio.base.exceptions.TwilioRestException", "HTTP 429 error: Unable to create record: Too Many Requests"),
        ),
        services=("api-gateway", "messages", "billing-service"),
        http_statuses=(429,),
    ),
    "timeout": ErrorKind(
        templates=(
            T("requests.exceptions.ReadTimeout", "HTTPSConnectionPool(host='{host}', port={port}): Read timed out. (read timeout={sec})"),
            T("TimeoutError", "Timeout after {ms}ms calling {url}"),
            T("DeadlineExceeded", "Job {job} exceeded its deadline of {sec}s on queue '{queue}'"),
            T("*url.Error", 'Post "{url}": context deadline exceeded (Client.Timeout exceeded while awaiting headers)'),
            T("java.net.SocketTimeoutException", "Read timed out"),
            T("psycopg.errors.QueryCanceled", 'canceling statement due to statement timeout\nCONTEXT:  SQL statement "select * from {table} where customer_id = $1"'),
            T("Error", "connect ETIMEDOUT {ip}:{port}"),
            T("httpx.ReadTimeout", "The read operation timed out"),
        ),
        services=("search", "billing-service", "worker"),
        http_statuses=(504, 408, 0),
    ),
    "connection": ErrorKind(
        templates=(
            T("ConnectionRefusedError", "[Errno 111] Connection refused"),
            T("requests.exceptions.ConnectionError", "HTTPSConnectionPool(host='{host}', port={port}): Max retries exceeded with url: {path} (Caused by NewConnectionError('<urllib3.connection.HTTPSConnection object at {obj}>: Failed to establish a new connection: [Errno 111] Connection refused'))"),
            T("Error", "read ECONNRESET"),
            T("*net.OpError", "dial tcp {ip}:{port}: connect: connection refused"),
            T("BrokenPipeError", "[Errno 32] Broken pipe"),
            T("redis.exceptions.ConnectionError", "Error 104 while reading from {host}:{port}. Connection reset by peer."),
            T("java.net.SocketException", "Connection reset"),
            T("psycopg.OperationalError", 'connection to server at "{host}" ({ip}), port 5432 failed: server closed the connection unexpectedly\n\tThis probably means the server terminated abnormally\n\tbefore or while processing the request.'),
        ),
        services=("worker", "billing-service", "messages"),
        http_statuses=(502, 0),
    ),
    "upstream_unavailable": ErrorKind(
        templates=(
            T("UpstreamUnavailable", "Upstream {upstream} answered Service Unavailable for {url}", ("upstream",)),
            T("CircuitOpenError", "CircuitBreaker '{upstream}' is OPEN and does not permit further calls"),
            T("ServiceUnavailableError", "{upstream} is temporarily unavailable, please retry later (request id {uuid})", ("upstream",)),
            T("UpstreamConnectError", "upstream connect error or disconnect/reset before headers. reset reason: overflow"),
            T("google.api_core.exceptions.ServiceUnavailable", "The service is currently unavailable."),
            T(CLIENT_ERROR, "An error occurred (ServiceUnavailable) when calling the {aws_op} operation (reached max retries: {m}): Service Unavailable", ("aws_op",)),
            T("UpstreamUnavailable", 'no live upstreams while connecting to upstream "{upstream}_backend"'),
            T("grpc.RpcError", "StatusCode.UNAVAILABLE: {upstream} unavailable: failed to connect to all addresses", ("upstream",)),
        ),
        services=("billing-service", "api-gateway", "messages"),
        http_statuses=(503, 502),
    ),
    "auth_expired": ErrorKind(
        templates=(
            T("jwt.exceptions.ExpiredSignatureError", "Signature has expired"),
            T("TokenExpiredError", "Access token expired at {ts} for user {email}"),
            T("RefreshTokenRevoked", "OAuth refresh failed for integration {hash}: invalid_grant (Token has been expired or revoked.)"),
            T("io.jsonwebtoken.ExpiredJwtException", "JWT expired at {ts}. Current time: {ts2}, a difference of {millis} milliseconds.  Allowed clock skew: 0 milliseconds."),
            T(CLIENT_ERROR, "An error occurred (ExpiredToken) when calling the {aws_op} operation: The provided token has expired.", ("aws_op",)),
            T("SessionExpired", "Session {hash} for {email} expired {n} minutes ago"),
            T("TokenExpiredError", "jwt expired"),
        ),
        services=("auth", "api-gateway"),
        http_statuses=(401,),
    ),
    "validation": ErrorKind(
        templates=(
            T("ValidationError", "Invalid value '{value}' for field \"{field}\": expected {kind}", ("kind",)),
            T("pydantic_core.ValidationError", "1 validation error for {model}\n{field}\n  Field required [type=missing, input_value={{'id': {id}}}, input_type=dict]", ("model", "field")),
            T("UnprocessableEntity", "Unprocessable entity: email '{email}' is not a valid address"),
            T("jsonschema.exceptions.ValidationError", "'{field}' is a required property"),
            T("ValidationError", 'Field "{field}" must be at most {quota} characters, got {m}'),
            T("psycopg.errors.InvalidTextRepresentation", 'invalid input syntax for type uuid: "{value}"'),
            T("ConflictError", "Conflict: {resource} {id} was modified by another request (expected version {m}, found {n})", ("resource",)),
        ),
        services=("api-gateway", "messages", "search"),
        http_statuses=(422, 400),
    ),
    "not_found": ErrorKind(
        templates=(
            T("NotFoundError", "Resource /v1/contacts/{id} not found"),
            T("ResourceNotFound", "No message with id '{id}' in account {customer}"),
            T(CLIENT_ERROR, "An error occurred (NoSuchKey) when calling the GetObject operation: The specified key does not exist."),
            T("RouteNotFound", "Route {method} {path} not found"),
            T("Contact.DoesNotExist", "Contact matching query does not exist."),
            T("FileNotFoundError", "[Errno 2] No such file or directory: '/tmp/exports/{job}.csv'"),
            T("stripe.error.InvalidRequestError", "No such customer: 'cus_{token}'"),
            T("jakarta.persistence.EntityNotFoundException", "Unable to find com.aias.{entity} with id {id}", ("entity",)),
        ),
        services=("api-gateway", "messages", "search"),
        http_statuses=(404,),
    ),
    "permission": ErrorKind(
        templates=(
            T("PermissionDenied", "User {email} lacks scope '{scope}' on project {id}"),
            T("ForbiddenError", "API key {key} is not allowed to call {endpoint}"),
            T("ForbiddenError", "Forbidden: account {customer} is suspended"),
            T(CLIENT_ERROR, "User: arn:aws:iam::{aws_account}:role/{role}-task is not authorized to perform: s3:PutObject on resource: arn:aws:s3:::aias-exports/{id}.csv", ("role",)),
            T("psycopg.errors.InsufficientPrivilege", "permission denied for table {table}", ("table",)),
            T("PermissionError", "[Errno 13] Permission denied: '/var/lib/aias/{job}.lock'"),
            T("org.springframework.security.access.AccessDeniedException", "Access is denied"),
        ),
        services=("auth", "api-gateway"),
        http_statuses=(403,),
    ),
    "internal": ErrorKind(
        templates=(
            T("KeyError", "'{field}'"),
            T("AttributeError", "'NoneType' object has no attribute '{field}'"),
            T("AssertionError", "expected {n} items, got {m} in {handler}", ("handler",)),
            T("UnhandledException", "Unexpected state {hash} while processing request {request}"),
            T("TypeError", "Cannot read properties of undefined (reading '{field}')"),
            T("java.lang.NullPointerException", 'Cannot invoke "{java_call}" because "{java_var}" is null'),
            T("InternalServerError", "Unhandled exception in {handler}: ZeroDivisionError: division by zero", ("handler",)),
            T("runtime.Error", "runtime error: index out of range [{n}] with length {m}"),
        ),
        services=("worker", "messages", "search", "api-gateway"),
        http_statuses=(500, 0),
    ),
    "database": ErrorKind(
        templates=(
            T("psycopg.errors.UniqueViolation", 'duplicate key value violates unique constraint "{table}_pkey"\nDETAIL:  Key (id)=({id}) already exists.'),
            T("psycopg.errors.DeadlockDetected", "deadlock detected\nDETAIL:  Process {pid} waits for ShareLock on transaction {id}; blocked by process {pid2}.\nHINT:  See server log for query details."),
            T("psycopg.errors.SerializationFailure", "could not serialize access due to concurrent update"),
            T("sqlalchemy.exc.TimeoutError", "QueuePool limit of size {pool} overflow {m} reached, connection timed out, timeout {sec}.00 (Background on this error at: https://sqlalche.me/e/20/3o7r)"),
            T("psycopg.OperationalError", "connection failed: FATAL:  remaining connection slots are reserved for non-replication superuser connections"),
            T("org.postgresql.util.PSQLException", 'ERROR: could not obtain lock on row in relation "{table}"', ("table",)),
            T("psycopg.errors.ForeignKeyViolation", 'insert or update on table "{table}" violates foreign key constraint "{table}_customer_id_fkey"\nDETAIL:  Key (customer_id)=({customer}) is not present in table "customers".'),
            T("psycopg.errors.UndefinedColumn", 'column "{field}" of relation "{table}" does not exist', ("table",)),
        ),
        services=("billing-service", "worker", "messages"),
        http_statuses=(500, 0),
    ),
}  # fmt: skip

# A share of the Python errors carry a traceback, so the message spans several physical lines.
TRACEBACK = (
    '\nTraceback (most recent call last):\n  File "/app/{module}.py", line {line}, in {handler}\n'
    '  File "/app/.venv/lib/python3.11/site-packages/{package}/__init__.py", line {line2}, in {call}'
)

ERROR_FILLERS: dict[str, tuple[str, ...]] = {
    "host": ("payments.internal", "search-7.internal", "db-primary.internal", "auth.internal",
             "partner-api.example.com", "redis-2.internal", "api.stripe.com", "hooks.slack.com"),
    "port": ("443", "5432", "6379", "9200", "8080"),
    "upstream": ("stripe", "sendgrid", "elasticsearch", "payments", "geoip", "twilio"),
    "resource": ("charge", "customers", "invoices", "index", "lookup", "send"),
    "queue": ("default", "exports", "webhooks", "billing", "reports"),
    "table": ("orders", "invoices", "contacts", "messages", "api_keys", "usage_events"),
    "field": ("email", "phone", "amount", "currency", "start_date", "webhook_url", "limit", "user_id"),
    "value": ("abc", "-1", "2026-13-01", "null", "EURO", "++49 123", "true", "0x1f"),
    "kind": ("integer", "ISO 8601 date", "email address", "positive number", "one of [asc, desc]"),
    "handler": ("send_message", "render_report", "sync_contacts", "charge_invoice", "index_document",
                "deliver_webhook"),
    "module": ("handlers", "billing/charge", "search/index", "workers/export", "messages/send"),
    "package": ("requests", "psycopg", "redis", "botocore"),
    "call": ("request", "execute", "send", "_make_api_call"),
    "scope": ("messages:write", "contacts:read", "billing:admin", "reports:read"),
    "role": ("viewer", "contractor", "billing", "analyst"),
    "method": ("GET", "POST", "DELETE"),
    "domain": ("example.com", "acme.io", "mail.test", "corp.example.org"),
    "window": ("1", "10", "60", "3600"),
    "sec": ("1", "5", "10", "30", "60"),
    "ms": ("5000", "10000", "15000", "30000", "60000"),
    "aws_op": ("PutObject", "SendMessage", "PutMetricData", "GetItem", "Publish"),
    "model": ("CreateContact", "SendMessageRequest", "ReportQuery", "WebhookConfig"),
    "entity": ("contacts.Contact", "billing.Invoice", "messages.Message"),
    "java_call": ("String.length()", "java.util.Map.get(Object)", "com.aias.billing.Plan.getTiers()"),
    "java_var": ("name", "plan", "<local4>", "this.customer"),
    "pool": ("5", "10", "20"),
}  # fmt: skip
