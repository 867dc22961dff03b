{#-
    A free-text answer as the words it holds, for `like` patterns: lower case, every run of characters other
    than a-z and 0-9 one space, padded with a space at each end (so `% fb %` matches the word fb and not
    fbi). Null when nothing is left: `-`, `?` and blanks are no answer.
-#}
{% macro answer_words(column) -%}
    {{ return(adapter.dispatch('answer_words')(column)) }}
{%- endmacro %}

{% macro postgres__answer_words(column) -%}
    ' ' || nullif(btrim(regexp_replace(lower({{ column }}), '[^a-z0-9]+', ' ', 'g')), '') || ' '
{%- endmacro %}

{#- Spark's trim, like btrim, drops spaces only; its regexp_replace replaces every match. -#}
{% macro spark__answer_words(column) -%}
    ' ' || nullif(trim(regexp_replace(lower({{ column }}), '[^a-z0-9]+', ' ')), '') || ' '
{%- endmacro %}

{% macro default__answer_words(column) -%}
    {{ exceptions.raise_compiler_error(
        "answer_words has no implementation for adapter " ~ adapter.type()
        ~ ": add a " ~ adapter.type() ~ "__answer_words macro to dbt_project/macros/acquisition/answer_words.sql"
    ) }}
{%- endmacro %}
