{#-
    Keep one row per key: the first row of each `partition_by` group in `order_by` order.

    Used by the staging models of the small, versioned sources with the loader's version order (newest
    `updated_at`, then the latest delivery, then the last line of the file), so staging stays correct even
    when raw holds more than one version of a key. row_number() rather than Postgres' `distinct on` keeps it
    portable. The large event streams (touchpoints, product events, API requests, app errors) do without:
    raw's primary key already keeps one row per key, and the window function would stop Postgres from
    pushing an incremental model's `_delivery_date` filter into the view.

    The result carries an extra `_dedupe_rank` column (always 1): the caller's final column list drops it.

    Example:
        deduplicated as (
            {{ dedupe('renamed', partition_by=['customer_id'], order_by='updated_at desc, _source_line desc') }}
        )
-#}
{% macro dedupe(relation, partition_by, order_by) -%}
    {%- if partition_by is string -%}
        {%- set partition_by = [partition_by] -%}
    {%- endif -%}
    {%- if not partition_by or not order_by -%}
        {{ exceptions.raise_compiler_error("dedupe(" ~ relation ~ "): partition_by and order_by are both required") }}
    {%- endif -%}
    select *
    from (
        select
            _dedupe_input.*,
            row_number() over (
                partition by {{ partition_by | join(', ') }}
                order by {{ order_by }}
            ) as _dedupe_rank
        from {{ relation }} as _dedupe_input
    ) as _dedupe_ranked
    where _dedupe_rank = 1
{%- endmacro %}
