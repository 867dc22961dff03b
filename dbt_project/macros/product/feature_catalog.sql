{#-
    The feature catalog in force: the rows of the seed's newest version (feature, released_on, owner,
    description, version). `catalog` is `ref('feature_catalog')`, passed in so the model declares the
    dependency.
-#}
{% macro newest_feature_catalog(catalog) -%}
    select
        version as catalog_version,
        feature,
        released_on,
        owner,
        description
    from {{ catalog }}
    where version = (select max(version) from {{ catalog }})
{%- endmacro %}


{#-
    True when an incremental product model was built with another catalog version than the newest one, so
    the run must rebuild every row (a changed release date moves beta usage and every window). Every row
    shares one version (a new one rebuilds them all), so any row tells. False at parse time.
-#}
{% macro feature_catalog_is_outdated(relation, catalog) -%}
    {%- if not execute -%}
        {{ return(false) }}
    {%- endif -%}
    {%- set newest = newest_version(catalog) -%}
    {%- set stored = run_query('select catalog_version from ' ~ relation ~ ' limit 1').columns[0].values() -%}
    {{ return(stored | length == 0 or stored[0] != newest) }}
{%- endmacro %}


{#-
    The newest `_activity_delivered_through` mark an incremental product model stored: the newest delivery
    day of int_product__activity_days it has read. A run reads what was delivered since (less a day), when
    it has no delivery window of its own.
-#}
{% macro activity_read_through(relation) -%}
    (select max(_activity_delivered_through) from {{ relation }})
{%- endmacro %}
