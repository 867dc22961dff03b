{#-
    The reliability loop's incremental models (int_reliability__classified_errors,
    int_reliability__previous_fingerprints) normalise only the errors delivered in the run's window: the
    normaliser's 29 regular expressions per message are the cost of the loop. Every stored row was written
    under the versions in force when it was written (the normaliser's, the category rules'), so a run that
    finds another version in force reads every error again and replaces every row, as a new channel mapping
    version re-classifies every touchpoint (channel_mapping_is_outdated).

    The versions each model's rows are written under, as {column: version in force}:
      classified_error_versions(rules) -> normaliser_version and rules_version (rules: ref('error_category_rules'),
                                          passed in so the model declares the dependency)
      previous_fingerprint_versions()  -> previous_normaliser_version (null under version 1)
-#}
{% macro classified_error_versions(rules) -%}
    {{ return({'normaliser_version': error_normaliser_version() | int, 'rules_version': newest_version(rules)}) }}
{%- endmacro %}

{% macro previous_fingerprint_versions() -%}
    {%- set previous = error_normaliser_version() | int - 1 -%}
    {{ return({'previous_normaliser_version': previous if previous >= 1 else none}) }}
{%- endmacro %}


{#-
    Whether this incremental run reads only the delivery window: the stored table has the marks it reads
    (`_delivery_date`, `_processed_at`) and the row written last was written under every version in force.
    A version change rebuilds every row, so all rows share the newest row's versions and one index probe per
    column (newest_written) tells what a scan of the whole table would. False at parse time and on a first or
    full-refresh build, which read every error anyway.
-#}
{% macro reads_error_window(versions) -%}
    {%- if not is_incremental_with(['_delivery_date', '_processed_at'] + (versions.keys() | list)) -%}
        {{ return(false) }}
    {%- endif -%}
    {%- for column, version in versions.items() -%}
        {%- if newest_written(this, column) != version -%}
            {{ return(false) }}
        {%- endif -%}
    {%- endfor -%}
    {{ return(true) }}
{%- endmacro %}


{#-
    The model's pre-hook: an incremental run that reads every error (reads_error_window false) first empties
    the stored table, in the run's transaction, so that no row written under another version survives it,
    not even one whose error has left raw since (delete+insert alone would replace only the errors it reads).
-#}
{% macro forget_errors_read_again(versions) -%}
    {%- if is_incremental() and not reads_error_window(versions) -%}
        delete from {{ this }}
    {%- endif -%}
{%- endmacro %}
