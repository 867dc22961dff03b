{#-
    A referrer reduced to its host name, so channel rules match one spelling: lowercased and trimmed, without
    a scheme, a leading `www.`, a port, a path or a query. Empty becomes null.

    'https://WWW.News.example.com:443/a?b=1' -> 'news.example.com'; 'wwwexample.com' stays as it is.
-#}
{% macro normalize_domain(column) -%}
    {{ return(adapter.dispatch('normalize_domain')(column)) }}
{%- endmacro %}

{% macro postgres__normalize_domain(column) -%}
    nullif(
        regexp_replace(lower(trim({{ column }})), '^([a-z][a-z0-9+.-]*://)?(www\.)?([^/:?#]*).*$', '\3'),
        ''
    )
{%- endmacro %}

{#- Java's `.` stops at a newline unless `(?s)`; `$3` is Java's `\3`. -#}
{% macro spark__normalize_domain(column) -%}
    nullif(
        regexp_replace(lower(trim({{ column }})), '(?s)^([a-z][a-z0-9+.-]*://)?(www\\.)?([^/:?#]*).*$', '$3'),
        ''
    )
{%- endmacro %}

{% macro default__normalize_domain(column) -%}
    {{ exceptions.raise_compiler_error(
        "normalize_domain has no implementation for adapter " ~ adapter.type()
        ~ ": add a " ~ adapter.type() ~ "__normalize_domain macro to dbt_project/macros/acquisition/normalize_domain.sql"
    ) }}
{%- endmacro %}
