{#-
    The rows an incremental run reads: a predicate on a `_delivery_date` column (the landing file's day).

    The contract with the orchestrator (Dagster's daily partitions):
      - `min_date` and `max_date` (ISO dates, 'YYYY-MM-DD') name a half-open window [min_date, max_date)
        of DELIVERY days; the nightly run of day D passes min_date = D (or D - 1 when padded) and
        max_date = D + 1. Either may come alone. A person passes them as vars (`dbt build --vars`), the
        orchestrator as environment variables (window_bound below).
      - Without `min_date` (a plain `dbt build`), the run reads what is new since its last run: rows
        delivered on or after the newest delivery day the model already holds (`processed_through`, a SQL
        date expression), less one padding day, so a day loaded in parts is read again. An empty model
        reads everything.

    Only for the `is_incremental()` branch of a model: a full refresh reads every row.
-#}
{% macro delivery_window(column, processed_through) -%}
    {%- set min_date = window_bound('min_date') -%}
    {%- set max_date = window_bound('max_date') -%}
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


{#-
    One end of the run's window: the var when given (`dbt build --vars '{min_date: ...}'`, a dbt unit
    test's override), else AIAS_WINDOW_MIN_DATE / AIAS_WINDOW_MAX_DATE, which the Dagster job sets.

    Why two routes: dbt parses the whole project again whenever --vars differ from the last parse
    (5 to 8 s here), and a nightly window differs every night. An environment variable read only while
    executing is not part of the parse, so a night with a new window reuses the saved parse
    (docs/architecture.md, "dbt's parse").
-#}
{% macro window_bound(name) -%}
    {%- set value = var(name, none) or none -%}
    {%- if value is none and execute -%}
        {%- set value = env_var('AIAS_WINDOW_' ~ name | upper, '') or none -%}
    {%- endif -%}
    {%- do return(value) -%}
{%- endmacro %}
