{#-
    The newest `version` of a versioned seed (the channel mapping, the ticket rules, the feature catalog, the
    error category rules), read before the model's query so that a model can compare it with the version its
    stored rows were written under; none at parse time, when nothing can be queried.
-#}
{% macro newest_version(seed) -%}
    {%- if not execute -%}
        {{ return(none) }}
    {%- endif -%}
    {{ return(run_query('select max(version) from ' ~ seed).columns[0].values()[0]) }}
{%- endmacro %}
