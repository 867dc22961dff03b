{#-
    What a data test reads. dbt's own version applies the test's `where` config; ours also narrows
    the test to the rows of the run's window when the build has one (`min_date` and `max_date`, see
    window_bound; set by the nightly job and by backfills): the rows the build wrote, or those delivered in the
    window (delivery_window_predicate). A nightly build then tests one day of data instead of the whole history,
    while a build without a window (the demo, a full refresh, CI) still tests every row.
-#}
{% macro get_where_subquery(relation) -%}
    {%- set where = config.get('where', '') -%}
    {%- set window = delivery_window_predicate(relation) -%}
    {%- if where and window -%}
        {%- set where = '(' ~ where ~ ') and ' ~ window -%}
    {%- elif window -%}
        {%- set where = window -%}
    {%- endif -%}
    {%- if where -%}
        {%- set filtered -%}
            (select * from {{ relation }} where {{ where }}) as dbt_subquery
        {%- endset -%}
        {%- do return(filtered) -%}
    {%- else -%}
        {%- do return(relation) -%}
    {%- endif -%}
{%- endmacro %}


{#-
    The rows of this build, when the build has a window (`min_date` and `max_date`): those the build
    wrote (`_processed_at`, for models that rewrite older rows, see macros/incremental/processed_marks.sql), else those
    delivered in the window (`_delivery_date`); nothing to narrow by when the relation has neither.
-#}
{% macro delivery_window_predicate(relation) -%}
    {%- if not execute or window_bound('min_date') is none or window_bound('max_date') is none -%}
        {%- do return('') -%}
    {%- endif -%}
    {%- set stored = tested_columns(relation) -%}
    {%- if '_processed_at' in stored -%}
        {%- do return('_processed_at = ' ~ run_processed_at()) -%}
    {%- elif '_delivery_date' in stored -%}
        {%- do return(delivery_window('_delivery_date', 'null')) -%}
    {%- endif -%}
    {%- do return('') -%}
{%- endmacro %}


{#-
    The columns of the relation a test reads: those its model documents (every model documents its
    stored columns: tests/dbt/test_docs.py finds none without its description), else the stored ones.
    Asking the database instead costs a catalog query per test: about 7 s of a windowed build's 460 tests.
    A test of a source has no attached model and asks the database.
-#}
{% macro tested_columns(relation) -%}
    {%- set node = graph.nodes.get(model.attached_node) if model.attached_node else none -%}
    {%- if node is none -%}
        {%- do return(column_names(relation)) -%}
    {%- endif -%}
    {%- do return(node.columns.keys() | list) -%}
{%- endmacro %}
