{#-
    The attribution models the acquisition loop computes, the default one (dbt var `attribution_model`) first
    among equals. Adding one here means adding its credits to int_acquisition__attribution.

    attribution_models()            -> the names, for Jinja loops and checks
    attribution_models_query()      -> a query with one row per name, in an `attribution_model` column
-#}
{% macro attribution_models() -%}
    {{ return(['first_touch', 'last_touch', 'last_non_direct', 'linear']) }}
{%- endmacro %}

{% macro attribution_models_query() -%}
    {%- set selects = [] -%}
    {%- for name in attribution_models() -%}
        {%- do selects.append("select '" ~ name ~ "' as attribution_model") -%}
    {%- endfor -%}
    {{ selects | join('\nunion all\n') }}
{%- endmacro %}

{#- The default attribution model (dbt var `attribution_model`), checked against the known ones. -#}
{% macro default_attribution_model() -%}
    {%- set name = var('attribution_model') -%}
    {%- if name not in attribution_models() -%}
        {{ exceptions.raise_compiler_error(
            "dbt var attribution_model must be one of " ~ attribution_models() | join(', ') ~ ", not '" ~ name ~ "'"
        ) }}
    {%- endif -%}
    {{ return(name) }}
{%- endmacro %}
