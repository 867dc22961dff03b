{#-
    dbt-spark's seed macros (dbt/include/spark/macros/materializations/seed.sql), with two changes:

    - a seed's `column_types` are written as Postgres names them (_*__seeds.yml: text, numeric, integer), and
      Spark reads them through sql_type(), which names text `string` and gives an unbounded numeric a scale
      (Spark's bare `decimal` is decimal(10, 0) and would round 0.015 to 0);
    - the rows are written as escaped literals (spark_seed_literal), not bound: the session method binds a
      text by putting quotes around it unescaped, so "the customer's" (a ticket example) or a rule with a
      quote or a backslash broke the statement.

    The root project's macros win over the adapter's.
-#}
{% macro spark__create_csv_table(model, agate_table) %}
  {%- set column_override = model['config'].get('column_types', {}) -%}
  {%- set quote_seed_column = model['config'].get('quote_columns', None) -%}

  {% set sql %}
    create table {{ this.render() }} (
        {%- for col_name in agate_table.column_names -%}
            {%- set inferred_type = adapter.convert_type(agate_table, loop.index0) -%}
            {%- set type = sql_type(column_override.get(col_name, inferred_type)) -%}
            {%- set column_name = (col_name | string) -%}
            {{ adapter.quote_seed_column(column_name, quote_seed_column) }} {{ type }} {%- if not loop.last -%}, {%- endif -%}
        {%- endfor -%}
    )
    {{ file_format_clause() }}
    {{ partition_cols(label="partitioned by") }}
    {{ clustered_cols(label="clustered by") }}
    {{ location_clause() }}
    {{ comment_clause() }}
  {% endset %}

  {% call statement('_') -%}
    {{ sql }}
  {%- endcall %}

  {{ return(sql) }}
{% endmacro %}


{% macro spark__load_csv_rows(model, agate_table) %}
  {% set batch_size = get_batch_size() %}
  {% set column_override = model['config'].get('column_types', {}) %}
  {% set statements = [] %}

  {% for chunk in agate_table.rows | batch(batch_size) %}
      {% set sql %}
          insert into {{ this.render() }} values
          {% for row in chunk -%}
              ({%- for col_name in agate_table.column_names -%}
                  {%- set inferred_type = adapter.convert_type(agate_table, loop.index0) -%}
                  {%- set type = sql_type(column_override.get(col_name, inferred_type)) -%}
                    cast({{ spark_seed_literal(row[loop.index0]) }} as {{ type }})
                  {%- if not loop.last %},{%- endif %}
              {%- endfor -%})
              {%- if not loop.last %},{%- endif %}
          {%- endfor %}
      {% endset %}

      {% do adapter.add_query(sql, abridge_sql_log=True) %}

      {% if loop.index0 == 0 %}
          {% do statements.append(sql) %}
      {% endif %}
  {% endfor %}

  {{ return(statements[0]) }}
{% endmacro %}


{#- A seed's value as a Spark SQL literal: a text quoted with its backslashes, quotes and line breaks escaped. -#}
{% macro spark_seed_literal(value) -%}
  {%- if value is none -%}
    null
  {%- elif value is boolean -%}
    {{ 'true' if value else 'false' }}
  {%- elif value is number -%}
    {{ value }}
  {%- else -%}
    {%- set text = value.isoformat() if value.isoformat is defined else value | string -%}
    '{{ text | replace('\\', '\\\\') | replace("'", "\\'") | replace('\n', '\\n') | replace('\r', '\\r') }}'
  {%- endif -%}
{%- endmacro %}
