{#-
    The scorecard's traffic light, the one place the rule lives (docs/data_contract.md, "The scorecard"):

    - `no_data`: no value (the loop has no complete month yet, or the month has nothing to measure);
    - `green`: on target: value >= target for an `at_least` target, value > target for a `more_than` one,
      value <= target for an `at_most` one (lower is better: acquisition's CAC interval half-width), and
      `also_met` holds (a second condition of the KPI: support's top 5 listed);
    - `yellow`: within 20 % of the target (var `scorecard_yellow_factor`, 0.8): value >= 0.8 x target for
      `at_least` and `more_than`, value <= (2 - 0.8) x target = 1.2 x target for `at_most`; also a value on
      target whose `also_met` fails;
    - `red`: otherwise.

    Every target is positive, so "within 20 %" is a fixed fraction of the target. The value is judged as the
    mart stores it (rounded), so the status always agrees with the number shown beside it.
-#}
{% macro scorecard_status(value, target, comparison, also_met='true') -%}
    case
        when {{ value }} is null then 'no_data'
        when
            (
                ({{ comparison }} = 'at_least' and {{ value }} >= {{ target }})
                or ({{ comparison }} = 'more_than' and {{ value }} > {{ target }})
                or ({{ comparison }} = 'at_most' and {{ value }} <= {{ target }})
            )
            and {{ also_met }}
            then 'green'
        when
            {{ comparison }} = 'at_most'
            and {{ value }} <= (2 - {{ var('scorecard_yellow_factor') }}) * {{ target }}
            then 'yellow'
        when
            {{ comparison }} <> 'at_most'
            and {{ value }} >= {{ var('scorecard_yellow_factor') }} * {{ target }}
            then 'yellow'
        else 'red'
    end
{%- endmacro %}


{#-
    Days from the moment a delivery day's data is complete (midnight UTC after it) to the start of this build,
    to one decimal: the delay the platform achieves, beside the delay of the original analysis.
-#}
{% macro data_age_days(day) -%}
    cast(
        {{ seconds_between(utc_day_start(add_days(day, 1)), run_processed_at()) }} / 86400
        as numeric(10, 1)
    )
{%- endmacro %}


{#-
    The values of a column of a group as one text, in the order of `order_by`, comma-separated:
    "billing, api_errors, how_to".
-#}
{% macro ordered_list(column, order_by) -%}
    {{ return(adapter.dispatch('ordered_list')(column, order_by)) }}
{%- endmacro %}

{% macro postgres__ordered_list(column, order_by) -%}
    string_agg({{ column }}, ', ' order by {{ order_by }})
{%- endmacro %}

{#- Spark has no ordered string_agg: the non-null values are collected with their sort key and sorted
    (order_by is one ascending expression, as every caller passes); null when there are none, like string_agg. -#}
{% macro spark__ordered_list(column, order_by) -%}
    case
        when count({{ column }}) > 0
            then array_join(
                transform(
                    array_sort(collect_list(
                        case when {{ column }} is not null then struct({{ order_by }} as sort_key, {{ column }} as value) end
                    )),
                    item -> item.value
                ),
                ', '
            )
    end
{%- endmacro %}

{% macro default__ordered_list(column, order_by) -%}
    {{ exceptions.raise_compiler_error(
        "ordered_list has no implementation for adapter " ~ adapter.type()
        ~ ": add a " ~ adapter.type() ~ "__ordered_list macro to dbt_project/macros/scorecard/scorecard_status.sql"
    ) }}
{%- endmacro %}
