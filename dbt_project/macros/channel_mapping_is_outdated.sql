{#-
    True when an incremental model's rows were classified with another channel mapping version than the
    newest one of the seed, so the run must classify every row again instead of the delivery window only.

    relation: the incremental model (`this`), with a `channel_mapping_version` column.
    mapping: `ref('channel_mapping')`, passed in so the model (not the macro) declares the dependency.
    False at parse time, when nothing can be queried.
-#}
{% macro channel_mapping_is_outdated(relation, mapping) -%}
    {%- if not execute -%}
        {{ return(false) }}
    {%- endif -%}
    {%- set versions_query -%}
        select
            (select max(channel_mapping_version) from {{ relation }}) as stored_version,
            (select max(version) from {{ mapping }}) as newest_version
    {%- endset -%}
    {%- set versions = run_query(versions_query).rows[0] -%}
    {{ return(versions['stored_version'] != versions['newest_version']) }}
{%- endmacro %}
