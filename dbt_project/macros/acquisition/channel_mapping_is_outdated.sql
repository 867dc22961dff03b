{#-
    True when an incremental model's rows were classified with another channel mapping version than the
    newest one of the seed, so the run must classify every row again instead of the delivery window only.

    relation: the incremental model (`this`), with `channel_mapping_version` and `_processed_at` columns.
    Every row shares one version (a new one reclassifies them all), so the row written last tells, by the
    index on `_processed_at` (macros/incremental/processed_marks.sql), without reading the whole table.
    mapping: `ref('channel_mapping')`, passed in so the model (not the macro) declares the dependency.
    False at parse time, when nothing can be queried.
-#}
{% macro channel_mapping_is_outdated(relation, mapping) -%}
    {%- if not execute -%}
        {{ return(false) }}
    {%- endif -%}
    {{ return(newest_written(relation, 'channel_mapping_version') != newest_version(mapping)) }}
{%- endmacro %}
