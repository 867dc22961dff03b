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
            {{ dedupe('renamed', partition_by=['customer_id'], order_by=newest_version_first('updated_at')) }}
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


{#-
    The loader's "newest version" order (aias_dagster/ingest/loader.py), for dedupe()'s `order_by`: the
    newest `version_column` (the contract's, e.g. `updated_at`) when the source has one, then the latest
    delivery, then the last line of the file. One place, so that staging and the loader cannot drift apart.
-#}
{% macro newest_version_first(version_column=none) -%}
    {%- if version_column -%}{{ version_column }} desc, {% endif -%}
    _delivery_date desc, _source_line desc
{%- endmacro %}
