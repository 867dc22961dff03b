{#- The names of a relation's columns, as stored in the database (an empty list when it does not exist). -#}
{% macro column_names(relation) -%}
    {{ return(adapter.get_columns_in_relation(relation) | map(attribute='name') | list) }}
{%- endmacro %}
