{#- Fails on each row whose value is below zero (nulls pass: `not_null` says whether a value is required). -#}
{% test non_negative(model, column_name) %}

select {{ column_name }}
from {{ model }}
where {{ column_name }} < 0

{% endtest %}
