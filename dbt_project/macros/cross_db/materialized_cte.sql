{#-
    The keyword that makes a CTE computed once (`name as {{ materialized_cte() }} (...)`), for a CTE that is
    expensive and read by a join the planner might otherwise run as a nested loop that recomputes it per row
    (a night's few tickets, estimated at one row, re-ran every rule for each of them: 4 s instead of 0.1 s).
-#}
{% macro materialized_cte() -%}
    {{ return(adapter.dispatch('materialized_cte')()) }}
{%- endmacro %}

{% macro postgres__materialized_cte() -%}
    materialized
{%- endmacro %}

{% macro default__materialized_cte() -%}
{%- endmacro %}
