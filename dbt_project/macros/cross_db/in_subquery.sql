{#-
    Whether a value is among those a query returns: `column in (query)`, for a query of one column.

    Postgres: `= any(array(query))`. The array is computed once, before the plan of the outer query, so
    Postgres pushes its values into an index scan of the outer relation (a night's few keys looked up in a
    large model by its index) instead of planning a semi-join that may read the whole relation. The
    default is the portable `in (query)`, which gives the same rows.

    Example:
        where customer_id = any(array(select customer_id from customers_to_rebuild))
        becomes
        where {{ in_subquery('customer_id', 'select customer_id from customers_to_rebuild') }}
-#}
{% macro in_subquery(column, query) -%}
    {{ return(adapter.dispatch('in_subquery')(column, query)) }}
{%- endmacro %}

{% macro postgres__in_subquery(column, query) -%}
    {{ column }} = any(array({{ query }}))
{%- endmacro %}

{% macro default__in_subquery(column, query) -%}
    {{ column }} in ({{ query }})
{%- endmacro %}
