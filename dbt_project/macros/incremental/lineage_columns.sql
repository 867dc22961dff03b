{#-
    The loader's lineage columns, which every raw table carries and every staging model passes on: the
    landing file's delivery day (what an incremental run's window reads, macros/incremental/delivery_window.sql),
    the file and its line (the last of the loader's version order, newest_version_first in dedupe.sql), and
    when the row was loaded. One list, so that a lineage column the loader adds is added here once.

    lineage_column_names() -> the names, for Jinja
    lineage_columns()      -> the names as the end of a select list, one per line:
        select
            customer_id,
            {{ lineage_columns() }}
        from source
-#}
{% macro lineage_column_names() -%}
    {{ return(['_delivery_date', '_source_file', '_source_line', '_loaded_at']) }}
{%- endmacro %}

{% macro lineage_columns() -%}
    {{ lineage_column_names() | join(',\n        ') }}
{%- endmacro %}
