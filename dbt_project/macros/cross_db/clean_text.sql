{#-
    A label as analysts compare it: trimmed, one case, and an empty or blank value as null.

    case: 'lower' (enums, tags, domains), 'upper' (ISO codes) or none (keep the case, only trim).
-#}
{% macro clean_text(column, case='lower') -%}
    {%- if case == 'lower' -%}
        nullif(lower(trim({{ column }})), '')
    {%- elif case == 'upper' -%}
        nullif(upper(trim({{ column }})), '')
    {%- elif case is none -%}
        nullif(trim({{ column }}), '')
    {%- else -%}
        {{ exceptions.raise_compiler_error("clean_text(" ~ column ~ "): case must be 'lower', 'upper' or none, not " ~ case) }}
    {%- endif -%}
{%- endmacro %}
