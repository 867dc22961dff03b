{#-
    The rows an incremental run reads: a predicate on a `_delivery_date` column (the landing file's day).

    The contract with the orchestrator (Dagster's daily partitions):
      - vars `min_date` and `max_date` (ISO dates, 'YYYY-MM-DD') name a half-open window
        [min_date, max_date) of DELIVERY days; the nightly run of day D passes min_date = D (or D - 1 when
        padded) and max_date = D + 1. Either may come alone.
      - Without `min_date` (a plain `dbt build`), the run reads what is new since its last run: rows
        delivered on or after the newest delivery day the model already holds (`processed_through`, a SQL
        date expression), less one padding day, so a day loaded in parts is read again. An empty model
        reads everything.

    Only for the `is_incremental()` branch of a model: a full refresh reads every row.
-#}
{% macro delivery_window(column, processed_through) -%}
    {%- set min_date = var('min_date', none) or none -%}
    {%- set max_date = var('max_date', none) or none -%}
    {%- for name, value in [('min_date', min_date), ('max_date', max_date)] -%}
        {%- if value is not none and not modules.re.match('^[0-9]{4}-[0-9]{2}-[0-9]{2}$', value | string) -%}
            {{ exceptions.raise_compiler_error(
                "dbt var " ~ name ~ " must be an ISO date (YYYY-MM-DD), not '" ~ value ~ "'"
            ) }}
        {%- endif -%}
    {%- endfor -%}
    {%- if min_date is not none and max_date is not none and (min_date | string) >= (max_date | string) -%}
        {{ exceptions.raise_compiler_error(
            "dbt vars min_date (" ~ min_date ~ ") and max_date (" ~ max_date ~ ") name an empty window:"
            ~ " max_date is exclusive and must come after min_date"
        ) }}
    {%- endif -%}
    {%- if min_date is not none -%}
        {{ column }} >= cast('{{ min_date }}' as date)
    {%- else -%}
        {{ column }} >= coalesce({{ add_days(processed_through, -1) }}, cast('0001-01-01' as date))
    {%- endif -%}
    {%- if max_date is not none %}
        and {{ column }} < cast('{{ max_date }}' as date)
    {%- endif -%}
{%- endmacro %}
