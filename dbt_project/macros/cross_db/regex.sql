{#-
    Whether a text matches a regular expression, ignoring case: the test the ticket rules
    (seeds/support/ticket_rules.csv) put to a ticket's text, and the error category rules
    (seeds/reliability/error_category_rules.csv) to an error's class and message.

    Postgres: an advanced regular expression (`~*`), so the rules can use `\m` / `\M` (start and end of a
    word), bounded repetition (`.{0,60}`: "within 60 characters") and look-behind. Spark: Java's engine, the
    pattern translated from the ARE dialect as the query runs (spark_are_rlike, are_on_spark.sql), so the seeds'
    rules stay written once.
-#}
{% macro regex_matches(value, pattern) -%}
    {{ return(adapter.dispatch('regex_matches')(value, pattern)) }}
{%- endmacro %}

{% macro postgres__regex_matches(value, pattern) -%}
    ({{ value }} ~* {{ pattern }})
{%- endmacro %}

{#-
    Spark: a Java regular expression (`rlike`), ignoring case, with Unicode word characters as Postgres'
    `\w` has them. Postgres' word boundaries `\m` (start of a word) and `\M` (end of one), which Java does
    not know, are rewritten to their Java forms `\b(?=\w)` and `\b(?<=\w)`; the rest of the rules'
    dialect (bounded repetition, look-behind) Java shares.
-#}
{% macro spark__regex_matches(value, pattern) -%}
    {{ spark_are_rlike(value, pattern) }}
{%- endmacro %}

{% macro default__regex_matches(value, pattern) -%}
    {{ exceptions.raise_compiler_error(
        "regex_matches has no implementation for adapter " ~ adapter.type()
        ~ ": add a " ~ adapter.type() ~ "__regex_matches macro to dbt_project/macros/cross_db/regex.sql"
    ) }}
{%- endmacro %}
