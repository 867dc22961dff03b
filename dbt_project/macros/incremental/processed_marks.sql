{#-
    The moment that stamps every row a build writes into a model with a `_processed_at` column: the start
    of the dbt invocation (`run_started_at`, UTC), the same for every model of one build.

    Why: int_acquisition__touchpoints rewrites old rows (stitching is retroactive), so their delivery day
    does not say when they last changed. The models downstream of it read "what was written since I last
    read" instead: rows whose `_processed_at` is newer than the newest one they stored, whatever the reason
    the rows were written (a delivery, a re-stitch, a new channel mapping, a full refresh).
-#}
{% macro run_processed_at() -%}
    {{ timestamp_value(run_started_at.isoformat()) }}
{%- endmacro %}


{#-
    The mark a model stores of what it has read from an input: the input's newest `_processed_at`, as a
    subquery of the model's own statement, so that it is read in the same snapshot as the input's rows and
    never runs ahead of them. processed_through() reads it back on the next run.
-#}
{% macro newest_processed_at(relation) -%}
    (select max(_processed_at) from {{ relation }})
{%- endmacro %}


{#-
    The newest mark a model stored of what it has read (a `_processed_at` of its input), as a SQL literal;
    minus infinity while it holds none, so that everything is new. Read before the model's query runs, so
    that the planner sees a constant and picks the index on `_processed_at` for the few new rows.
-#}
{% macro processed_through(relation, column) -%}
    {%- set newest = none -%}
    {%- if execute -%}
        {%- set newest = run_query('select max(' ~ column ~ ') from ' ~ relation).columns[0].values()[0] -%}
    {%- endif -%}
    {%- if newest is none -%}
        {{ before_any_timestamp() }}
    {%- else -%}
        {{ timestamp_value(newest.isoformat()) }}
    {%- endif -%}
{%- endmacro %}


{#-
    is_incremental(), and the stored table already has the columns the incremental branch reads. A table
    built by an older version of the model lacks them: the run then computes every row, and dbt's
    delete+insert replaces the old rows and adds the new columns (on_schema_change: append_new_columns).
-#}
{% macro is_incremental_with(columns) -%}
    {%- if not is_incremental() -%}
        {{ return(false) }}
    {%- endif -%}
    {%- set stored = column_names(this) -%}
    {%- for column in columns -%}
        {%- if column not in stored -%}
            {{ return(false) }}
        {%- endif -%}
    {%- endfor -%}
    {{ return(true) }}
{%- endmacro %}


{#-
    The value of `column` in the row of `relation` written last (by `_processed_at`, through its index), or
    none while the relation is empty. For a setting every row is built with (a lookback, a channel mapping
    version): a run that finds it changed rebuilds every row, so all rows share the newest row's value and
    one index probe tells what a scan of the whole table would.
-#}
{% macro newest_written(relation, column) -%}
    {%- if not execute -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set query -%}
        select {{ column }} from {{ relation }} order by _processed_at desc limit 1
    {%- endset -%}
    {%- set values = run_query(query).columns[0].values() -%}
    {{ return(values[0] if values | length > 0 else none) }}
{%- endmacro %}
