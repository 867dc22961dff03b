{#-
    The ticket model's predictions (support_python.ticket_predictions, written by the Python asset of that name
    after int_support__ticket_texts), or an empty relation of the same shape while the asset has never run: a
    `dbt build` on its own still succeeds (the rules and the agents decide), and the run that writes the
    predictions rebuilds what reads them (Dagster orders the two).
-#}
{% macro ticket_predictions() -%}
    {%- set predictions = adapter.get_relation(
        database=target.database, schema='support_python', identifier='ticket_predictions'
    ) if execute else none -%}
    {#- A unit test gives the source as a fixture, whether or not the table exists in the database. -#}
    {%- if predictions is not none or (model is defined and model.resource_type == 'unit_test') %}
    select
        ticket_id,
        predicted_category,
        confidence,
        model_version,
        language
    from {{ source('support_python', 'ticket_predictions') }}
    {%- else %}
    -- depends_on: {{ source('support_python', 'ticket_predictions') }}
    select
        cast(null as text) as ticket_id,
        cast(null as text) as predicted_category,
        cast(null as numeric(5, 4)) as confidence,
        cast(null as text) as model_version,
        cast(null as text) as language
    where false
    {%- endif %}
{%- endmacro %}


{#-
    The model version of the stored predictions (every row shares one), or none while there are none. A run of
    int_support__categorized_tickets that finds it differs from the version its rows were written with
    categorizes every ticket again, as for a new rules version. None at parse time.
-#}
{% macro newest_model_version() -%}
    {%- if not execute -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set predictions = adapter.get_relation(
        database=target.database, schema='support_python', identifier='ticket_predictions'
    ) -%}
    {%- if predictions is none -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set found = run_query('select max(model_version) from ' ~ predictions).columns[0].values() -%}
    {{ return(found[0] if found else none) }}
{%- endmacro %}


{#-
    True when the stored categorized tickets were written with another model version than the predictions now
    hold (relation: the incremental model, `this`), so the run must categorize every ticket again.
-#}
{% macro ticket_model_is_outdated(relation) -%}
    {{ return(newest_written(relation, 'model_version') != newest_model_version()) }}
{%- endmacro %}
