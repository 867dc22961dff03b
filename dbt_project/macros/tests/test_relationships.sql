{#-
    dbt's relationships test, reading only the parent rows the child names. A nightly build narrows the
    child to one delivery day (macros/tests/get_where_subquery.sql); dbt's own version still reads every parent
    row, and on few child rows the planner may even re-read the parent for each of them (a nested loop:
    one window sort of every customer per child row of a deduplicating staging view). Looking the child's
    distinct values up by `= any(array(...))` lets Postgres push them into the parent, down to its key
    index, so the test costs what the child holds, whatever the plan.
-#}
{% macro postgres__test_relationships(model, column_name, to, field) %}

with child as (
    select {{ column_name }} as from_field
    from {{ model }}
    where {{ column_name }} is not null
),

parent as (
    select {{ field }} as to_field
    from {{ to }}
    where {{ field }} = any(array(select distinct child.from_field from child))
)

select child.from_field
from child
where not exists (
    select 1
    from parent
    where parent.to_field = child.from_field
)

{% endmacro %}
