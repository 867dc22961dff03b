{#-
    The contract's nine ticket categories (docs/data_contract.md, Support), in the contract's order, and the
    label of a ticket neither an agent nor a rule decided. The monthly grid has a row for each of the ten.
-#}
{% macro support_categories() -%}
    {{ return(['billing', 'login_access', 'api_errors', 'performance', 'bug_report', 'feature_request',
               'account_management', 'data_export', 'how_to']) }}
{%- endmacro %}

{% macro uncategorized_label() -%}
    {{ return('uncategorized') }}
{%- endmacro %}

{#- The ten labels as a query with one `category` column. -#}
{% macro support_category_rows() -%}
    {%- set labels = support_categories() + [uncategorized_label()] -%}
    select labels.category from (values ('{{ labels | join("'), ('") }}')) as labels (category)
{%- endmacro %}
