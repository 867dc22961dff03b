{#-
    The precision the marts state and hold, in one place (README, "For analysts"):

    - round_money: USD to the cent, its minor unit (spend, CAC);
    - round_customers: customer counts, fractional credit under the linear model, to 4 places;
    - round_share: fractions of 1 (attribution coverage), to 4 places, i.e. a hundredth of a percent.

    A mart rounds once, in its final select: sums and quotients are computed on the exact values and rounded
    afterwards, so no rounded figure is ever summed or divided again. Rounding is half away from zero.
-#}
{% macro money_places() %}{{ return(2) }}{% endmacro %}

{% macro customers_places() %}{{ return(4) }}{% endmacro %}

{% macro share_places() %}{{ return(4) }}{% endmacro %}

{% macro round_money(column) -%}
    {{ fixed_decimal(column, money_places()) }}
{%- endmacro %}

{% macro round_customers(column) -%}
    {{ fixed_decimal(column, customers_places()) }}
{%- endmacro %}

{% macro round_share(column) -%}
    {{ fixed_decimal(column, share_places()) }}
{%- endmacro %}

{#-
    The most that `rows` values, each rounded to `places` decimals, can add up to away from the exact sum:
    half a unit of the last place per row (0.00005 per row at 4 places). What a reconciliation of a rounded
    mart against an exact total has to allow, and no more.
-#}
{% macro rounding_slack(rows, places) -%}
    (({{ rows }}) * 0.{{ '0' * places }}5)
{%- endmacro %}
