"""Application error vocabulary per TRUE reliability category.

Messages carry the variable parts a fingerprint must normalise away (numbers, ids, hashes, emails,
URLs, quoted values), so one underlying fault appears as many distinct strings. Error classes are
unique to their category; the message alone is sometimes ambiguous, as in real logs.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ErrorKind:
    classes: tuple[str, ...]
    templates: tuple[str, ...]
    services: tuple[str, ...]
    http_statuses: tuple[int, ...]  # for errors not raised by a request; 0 = no status


ERROR_KINDS: dict[str, ErrorKind] = {
    "rate_limit": ErrorKind(
        classes=("RateLimitExceeded", "TooManyRequestsError", "ThrottlingException"),
        templates=(
            "Rate limit exceeded for key {key}: {n} requests in {window}s",
            "Too many requests from account {customer}: quota of {quota} per minute exhausted",
            "Throttled request {request} to {endpoint} (retry after {sec}s)",
            "Upstream '{upstream}' rate limited us: 429 after {n} calls, bucket {hash}",
        ),
        services=("api-gateway",),
        http_statuses=(429,),
    ),
    "timeout": ErrorKind(
        classes=("TimeoutError", "ReadTimeout", "DeadlineExceeded"),
        templates=(
            "Timeout after {ms}ms calling {url}",
            "Read timed out. (read timeout={sec}) host='{host}' port={port}",
            "Job {job} exceeded deadline of {sec}s on queue '{queue}'",
            "Request {request} to {endpoint} did not complete within {ms} ms",
        ),
        services=("search", "billing-service", "worker"),
        http_statuses=(504, 408, 0),
    ),
    "connection": ErrorKind(
        classes=("ConnectionError", "ConnectionResetError", "SocketError"),
        templates=(
            "Connection refused: {host}:{port}",
            "ECONNRESET while reading from {host}:{port} (socket {hash})",
            "Could not connect to {url}: network is unreachable",
            "Broken pipe writing {n} bytes to {host}:{port}",
        ),
        services=("worker", "billing-service", "messages"),
        http_statuses=(502, 0),
    ),
    "upstream_unavailable": ErrorKind(
        classes=("UpstreamUnavailable", "ServiceUnavailableError", "CircuitOpenError"),
        templates=(
            "Upstream {upstream} returned 503 Service Unavailable for {url}",
            "Bad gateway from {host}: upstream closed the connection after {ms}ms",
            "Circuit breaker open for {upstream} after {n} failures in {window}s",
            "Dependency '{upstream}' is unavailable (health check {hash} failed)",
        ),
        services=("billing-service", "api-gateway", "messages"),
        http_statuses=(503, 502),
    ),
    "auth_expired": ErrorKind(
        classes=("TokenExpiredError", "ExpiredSignatureError", "RefreshTokenRevoked"),
        templates=(
            "Access token expired at {ts} for user {email}",
            "OAuth refresh token revoked for integration {hash}",
            "JWT signature has expired (exp={epoch}) for key {key}",
            "Session {hash} for {email} expired {n} minutes ago",
        ),
        services=("auth", "api-gateway"),
        http_statuses=(401,),
    ),
    "validation": ErrorKind(
        classes=("ValidationError", "SchemaValidationError", "UnprocessableEntity"),
        templates=(
            "Invalid value '{value}' for field \"{field}\": expected {kind}",
            "Request body failed schema validation: {n} errors, first at $.{field}",
            "Unprocessable entity: email '{email}' is not a valid address",
            'Field "{field}" must be at most {quota} characters, got {m}',
        ),
        services=("api-gateway", "messages", "search"),
        http_statuses=(422, 400),
    ),
    "not_found": ErrorKind(
        classes=("NotFoundError", "ResourceNotFound", "NoSuchKey"),
        templates=(
            "Resource /v1/contacts/{id} not found",
            "No message with id '{id}' in account {customer}",
            "Route {method} {path} not found",
            "Object s3://exports-{hash}/{id}.csv does not exist",
        ),
        services=("api-gateway", "messages", "search"),
        http_statuses=(404,),
    ),
    "permission": ErrorKind(
        classes=("PermissionDenied", "ForbiddenError", "AccessDeniedException"),
        templates=(
            "User {email} lacks scope '{scope}' on project {id}",
            "API key {key} is not allowed to call {endpoint}",
            "Forbidden: account {customer} is suspended",
            "Access denied for role '{role}' on resource {path}",
        ),
        services=("auth", "api-gateway"),
        http_statuses=(403,),
    ),
    "internal": ErrorKind(
        classes=("InternalServerError", "UnhandledException", "AssertionError"),
        templates=(
            "Unhandled exception in {handler}: KeyError '{field}'",
            "NoneType object has no attribute '{field}' in {handler} (line {line})",
            "Assertion failed: expected {n} items, got {m} in {handler}",
            "Unexpected state {hash} while processing request {request}",
        ),
        services=("worker", "messages", "search", "api-gateway"),
        http_statuses=(500, 0),
    ),
    "database": ErrorKind(
        classes=("IntegrityError", "OperationalError", "DeadlockDetected"),
        templates=(
            'duplicate key value violates unique constraint "{table}_pkey"',
            "deadlock detected while updating {table} (pid {pid})",
            'could not serialize access due to concurrent update on "{table}"',
            "remaining connection slots are reserved; pool {hash} exhausted after {ms}ms",
        ),
        services=("billing-service", "worker", "messages"),
        http_statuses=(500, 0),
    ),
}

# A few internal errors carry a traceback, so the message spans several physical lines.
TRACEBACK = '\nTraceback (most recent call last):\n  File "/app/{module}.py", line {line}, in {handler}'

ERROR_FILLERS: dict[str, tuple[str, ...]] = {
    "host": ("payments.internal", "search-7.internal", "db-primary.internal", "auth.internal",
             "partner-api.example.com", "10.0.3.17", "redis-2.internal"),
    "port": ("443", "5432", "6379", "9200", "8080"),
    "upstream": ("stripe", "sendgrid", "elasticsearch", "payments", "geoip", "twilio"),
    "resource": ("charge", "customers", "invoices", "index", "lookup", "send"),
    "queue": ("default", "exports", "webhooks", "billing", "reports"),
    "table": ("orders", "invoices", "contacts", "messages", "api_keys", "usage_events"),
    "field": ("email", "phone", "amount", "currency", "start_date", "webhook_url", "limit", "user_id"),
    "value": ("abc", "-1", "2026-13-01", "null", "EURO", "++49 123", "true"),
    "kind": ("integer", "ISO 8601 date", "email address", "positive number", "one of [asc, desc]"),
    "handler": ("send_message", "render_report", "sync_contacts", "charge_invoice", "index_document",
                "deliver_webhook"),
    "module": ("handlers", "billing/charge", "search/index", "workers/export", "messages/send"),
    "scope": ("messages:write", "contacts:read", "billing:admin", "reports:read"),
    "role": ("viewer", "contractor", "billing", "analyst"),
    "method": ("GET", "POST", "DELETE"),
    "domain": ("example.com", "acme.io", "mail.test", "corp.example.org"),
    "window": ("1", "10", "60", "3600"),
    "sec": ("1", "5", "10", "30", "60"),
    "ms": ("5000", "10000", "15000", "30000", "60000"),
}  # fmt: skip
