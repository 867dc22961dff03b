{#- Layers land in their own schemas (staging, intermediate, marts) rather than dbt's default
    <target>_<custom> names, so analysts read `marts.metrics_daily`, not `public_marts.metrics_daily`. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
