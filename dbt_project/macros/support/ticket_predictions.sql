{#-
    The ticket model's predictions (support_python.ticket_predictions, written by the Python asset of that name
    after int_support__ticket_texts), or an empty relation of the same shape while the asset has never run (the
    rules and the agents decide then).
-#}
{% macro ticket_predictions() -%}
    {{ python_table_or_empty('support_python', 'ticket_predictions', [
        'ticket_id text', 'predicted_category text', 'confidence numeric(5, 4)', 'model_version text',
        'language text']) }}
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
