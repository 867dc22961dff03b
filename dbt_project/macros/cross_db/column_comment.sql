{#-
    A column's comment as dbt-spark writes it into a view's definition (it replaces the adapter's macro of the same
    name, which only Spark calls; Postgres persists its comments otherwise). Hive's metastore keeps a column
    comment in 256 characters (Derby's COLUMNS_V2.COMMENT): a longer one, such as the lineage columns', made
    the metastore retry its write for about 20 s per view before it took it. Cut to 255 characters and an
    ellipsis, the comment fits; the full text stays in the yml, dbt docs and Postgres.
-#}
{% macro get_column_comment_sql(column_name, column_dict) -%}
    {%- set column_comment_clause = '' -%}
    {%- if column_name in column_dict and column_dict[column_name]["description"] -%}
        {%- set description = column_dict[column_name]["description"] -%}
        {%- if description | length > 256 -%}
            {%- set description = description[:255] ~ '…' -%}
        {%- endif -%}
        {%- set column_comment_clause = "comment '" ~ (description | replace("'", "\\'")) ~ "'" -%}
    {%- endif -%}
    {{ adapter.quote(column_name) }} {{ column_comment_clause }}
{%- endmacro %}
