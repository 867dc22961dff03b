{#-
    The first row of each group of a relation: for each value of the `partition_by` columns, the row that
    comes first in `order_by` order, with the `columns` (select expressions, `message as sample_message`
    included). A query, for a CTE's body.

    Postgres: `select distinct on (...)`, which sorts once and keeps the first row of each group. The
    default selects the columns from dedupe() (incremental/dedupe.sql), the portable row_number() over the same
    partition and order, which keeps the same rows when `order_by` leaves no ties within a group (end it with a
    key). For tables, where dedupe() serves staging views: it returns only the named columns.

    Example:
        first_events as (
            {{ first_row_per('events', ['fingerprint'], 'occurred_at, error_id', ['fingerprint', 'service']) }}
        )
-#}
{% macro first_row_per(relation, partition_by, order_by, columns) -%}
    {{ return(adapter.dispatch('first_row_per')(relation, partition_by, order_by, columns)) }}
{%- endmacro %}

{% macro postgres__first_row_per(relation, partition_by, order_by, columns) -%}
    select distinct on ({{ partition_by | join(', ') }})
        {{ columns | join(',\n        ') }}
    from {{ relation }}
    order by {{ partition_by | join(', ') }}, {{ order_by }}
{%- endmacro %}

{% macro default__first_row_per(relation, partition_by, order_by, columns) -%}
    select
        {{ columns | join(',\n        ') }}
    from ({{ dedupe(relation, partition_by, order_by) }}) as _first_rows
{%- endmacro %}
