{#-
    True when the stored categorized tickets were categorized with another ticket_rules version than the
    newest one of the seed, so the run must categorize every ticket again instead of the delivery window only.

    relation: the incremental model (`this`), with `rules_version` and `_processed_at` columns. Every row
    shares one version (a new one re-categorizes them all), so the row written last tells, by the index on
    `_processed_at` (macros/incremental/processed_marks.sql). rules: `ref('ticket_rules')`, passed in so the model
    declares the dependency. False at parse time, when nothing can be queried.
-#}
{% macro ticket_rules_are_outdated(relation, rules) -%}
    {%- if not execute -%}
        {{ return(false) }}
    {%- endif -%}
    {{ return(newest_written(relation, 'rules_version') != newest_version(rules)) }}
{%- endmacro %}
