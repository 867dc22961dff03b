{#-
    A composite key: fails once per combination of the columns that occurs on more than one row.
    Rows where any of the columns is null are left to not_null.
-#}
{% test unique_combination(model, combination_of_columns) %}

select
    {{ combination_of_columns | join(', ') }},
    count(*) as n_rows
from {{ model }}
where {{ combination_of_columns | join(' is not null and ') }} is not null
group by {{ combination_of_columns | join(', ') }}
having count(*) > 1

{% endtest %}
