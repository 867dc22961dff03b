{#-
    dbt's escape_single_quotes on Spark, which also doubles backslashes. Spark reads backslash escapes in a
    string literal ('\m' is 'm'); dbt-spark's version escapes only the quote, so a unit-test fixture row's
    text with a backslash (a rule pattern such as '\mslow') reached the model without it, where Postgres
    keeps it. dbt looks in the root project first when it dispatches its own macros; Postgres is untouched.
-#}
{% macro spark__escape_single_quotes(expression) -%}
    {{ expression | replace("\\", "\\\\") | replace("'", "\\'") }}
{%- endmacro %}
