"""SQL that checks staged text fields against the contract, one reason per failed rule.

Validation runs inside Postgres on the COPY-staged rows: a set-based check is far faster than
checking rows in Python, and it needs no memory that grows with the file.
"""

from __future__ import annotations

from aias_dagster.ingest.contract import Column, Kind
from aias_dagster.ingest.iso_codes import COUNTRY_CODES, CURRENCY_CODES

TIMESTAMP_PATTERN = r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?([Zz]|[+-]\d{2}(:?\d{2})?)$"
DATE_PATTERN = r"^\d{4}-\d{2}-\d{2}$"
INTEGER_PATTERN = r"^[+-]?\d{1,18}$"
DECIMAL_PATTERN = r"^[+-]?(\d{1,30}(\.\d{0,20})?|\.\d{1,20})$"

PROBLEMS: dict[Kind, str] = {
    Kind.TIMESTAMP: "not an ISO 8601 timestamp with an offset",
    Kind.DATE: "not a date (YYYY-MM-DD)",
    Kind.INTEGER: "not an integer",
    Kind.DECIMAL: "not a decimal number",
    Kind.COUNTRY: "not an ISO 3166-1 alpha-2 country code",
    Kind.CURRENCY: "not an ISO 4217 currency code",
    Kind.JSON_OBJECT: "not a JSON object",
}
MISSING = "missing required value"


def sql_literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _valid_input(value: str, pg_type: str, modern: bool) -> str:
    function = "pg_input_is_valid" if modern else "raw.is_valid_input"
    return f"{function}({value}, '{pg_type}')"


def _has_offset(value: str) -> str:
    """Ends in Z or a +hh, +hhmm or +hh:mm offset: plain string functions, cheaper than a regex."""
    sign = "in ('+', '-')"
    return (
        f"(right({value}, 1) in ('Z', 'z') or substr({value}, length({value}) - 2, 1) {sign} "
        f"or substr({value}, length({value}) - 4, 1) {sign} or substr({value}, length({value}) - 5, 1) {sign})"
    )


def _date_shaped(value: str) -> str:
    return f"(substr({value}, 5, 1) = '-' and substr({value}, 8, 1) = '-')"


def _format_failure(value: str, kind: Kind, modern: bool) -> str | None:
    """A boolean SQL expression that is true when a non-null value is malformed for its kind.

    On Postgres 16+ the server's own parser decides (pg_input_is_valid) and cheap string tests
    add what it would allow but the contract does not (a missing offset, exponents, spaces).
    Older servers check the shape with regular expressions and the calendar with a PL/pgSQL
    stand-in.
    """
    if kind is Kind.TIMESTAMP:
        if modern:
            return (
                f"not ({_date_shaped(value)} and substr({value}, 11, 1) in ('T', ' ') and {_has_offset(value)} "
                f"and {_valid_input(value, 'timestamptz', modern)})"
            )
        return f"({value} !~ '{TIMESTAMP_PATTERN}' or not {_valid_input(value, 'timestamptz', modern)})"
    if kind is Kind.DATE:
        if modern:
            return f"not (length({value}) = 10 and {_date_shaped(value)} and {_valid_input(value, 'date', modern)})"
        return f"({value} !~ '{DATE_PATTERN}' or not {_valid_input(value, 'date', modern)})"
    if kind is Kind.INTEGER:
        if modern:
            return f"not (translate({value}, '0123456789+-', '') = '' and {_valid_input(value, 'bigint', modern)})"
        return f"{value} !~ '{INTEGER_PATTERN}'"
    if kind is Kind.DECIMAL:
        if modern:
            return f"not (translate({value}, '0123456789.+-', '') = '' and {_valid_input(value, 'numeric', modern)})"
        return f"{value} !~ '{DECIMAL_PATTERN}'"
    if kind is Kind.COUNTRY:
        return _not_in(value, COUNTRY_CODES)
    if kind is Kind.CURRENCY:
        return _not_in(value, CURRENCY_CODES)
    if kind is Kind.JSON_OBJECT:
        if modern:
            return f"not ({value} is json object)"
        return f"(not raw.is_valid_input({value}, 'jsonb') or jsonb_typeof({value}::jsonb) <> 'object')"
    return None


def _not_in(value: str, codes: frozenset[str]) -> str:
    """Membership in a code list; Postgres hashes a constant list this long, so it costs one lookup."""
    return f"{value} not in ({', '.join(sql_literal(c) for c in sorted(codes))})"


def _range_rules(column: Column, value: str) -> list[tuple[str, str]]:
    cast = f"{value}::numeric"
    rules = []
    if column.minimum is not None:
        op, word = ("<=", ">") if column.minimum_exclusive else ("<", ">=")
        if column.maximum is not None:
            rules.append(
                (
                    f"{cast} < {column.minimum} or {cast} > {column.maximum}",
                    f"must be between {column.minimum} and {column.maximum}",
                )
            )
            return rules
        rules.append((f"{cast} {op} {column.minimum}", f"must be {word} {column.minimum}"))
    elif column.maximum is not None:
        rules.append((f"{cast} > {column.maximum}", f"must be <= {column.maximum}"))
    return rules


def value_expression(column: Column, field: str) -> str:
    """The column's value as text: empty is NULL, and an empty field takes the column's default."""
    value = f"nullif({field}, '')"
    if column.default is not None:
        value = f"coalesce({value}, {sql_literal(column.default)})"
    return value


def _rules(column: Column, value: str, modern: bool) -> list[tuple[str, str]]:
    """(condition, reason) of each rule a non-empty value must pass, in the order they are tested.

    A condition may assume the ones before it were false (a range is tested only on a well-formed number),
    so every expression built from them tests them in order, in a CASE.
    """
    got = f"' (got ' || quote_literal(left({value}, 60)) || ')'"
    rules: list[tuple[str, str]] = []
    failure = _format_failure(value, column.kind, modern)
    if failure:
        rules.append((failure, f"{sql_literal(f'{column.name}: {PROBLEMS[column.kind]}')} || {got}"))
    if column.kind is Kind.CHOICE:
        allowed = ", ".join(sql_literal(c) for c in column.choices)
        problem = f"{column.name}: not one of {', '.join(column.choices)}"
        compared = f"lower(btrim({value}))" if column.fold_case else value
        rules.append((f"{compared} not in ({allowed})", f"{sql_literal(problem)} || {got}"))
    for condition, problem in _range_rules(column, value):
        rules.append((condition, f"{sql_literal(f'{column.name}: {problem}')} || {got}"))
    return rules


def reason_expression(column: Column, field: str, modern: bool) -> str:
    """SQL text: NULL when the field is valid, else '<column>: <problem> (got <value>)'."""
    value = value_expression(column, field)
    rules = _rules(column, value, modern)
    if not rules and not column.required:
        return "null"
    missing = sql_literal(f"{column.name}: {MISSING}") if column.required else "null"
    whens = [f"when {value} is null then {missing}", *(f"when {c} then {reason}" for c, reason in rules)]
    return "case " + " ".join(whens) + " end"


def valid_expression(column: Column, field: str, modern: bool) -> str:
    """SQL boolean: true exactly when reason_expression is NULL, without building the reason's text.

    The loader tests every row with it and builds reasons only for the rows it finds invalid.
    """
    value = value_expression(column, field)
    rules = _rules(column, value, modern)
    if not rules:
        return f"{value} is not null" if column.required else "true"
    whens = [f"when {value} is null then {'false' if column.required else 'true'}"]
    whens += [f"when {condition} then false" for condition, _ in rules]
    return "case " + " ".join(whens) + " else true end"


def cast_expression(column: Column, field: str) -> str:
    """SQL that casts a field already known to be valid to the column's Postgres type."""
    value = value_expression(column, field)
    if column.pg_type == "text":
        return value
    return f"({value})::{column.pg_type}"


def csv_field_expression(field: str) -> str:
    """SQL that writes a staged field back as an RFC 4180 CSV field (to show a rejected line)."""
    return (
        f"case when {field} is null then '' "
        f"when {field} ~ '[\",\\r\\n]' or {field} = '' then '\"' || replace({field}, '\"', '\"\"') || '\"' "
        f"else {field} end"
    )
