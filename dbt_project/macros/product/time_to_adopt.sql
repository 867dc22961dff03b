{#-
    The product loop's precision for a time to adopt: a duration in days to the hundredth (about a quarter of an
    hour), rounded once. The time arithmetic it rounds (utc_day_start, seconds_between, add_months) is in
    macros/cross_db/.
-#}
{% macro days_places() %}{{ return(2) }}{% endmacro %}

{% macro round_days(column) -%}
    {{ fixed_decimal(column, days_places()) }}
{%- endmacro %}
