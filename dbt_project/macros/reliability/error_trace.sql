{#-
    A stack trace as grouping evidence (reliability loop), as error trackers use it: the application's
    innermost in-app frames of a trace printed in the message, each as `function@file` (the file's base
    name: a release's directory must not make another place), never a line number or an address. Frames
    of the runtime and of libraries (site-packages, node_modules, node:internal, the Go toolchain and
    module cache, gems, JDK and common Java libraries) are not the application's and are skipped.

    Which frames are the innermost: a Python traceback prints them last, Java, .NET, Node, Go and Ruby
    first. Null when the message holds no in-app frame.

    Not part of the fingerprint: merging message groups by their frames was measured and left out (one
    call site raises several faults; docs/reliability.md, Stack traces). Read by
    `python -m tests.reliability.measure --frames`, which re-measures that decision on any labelled set.
-#}
{% macro error_trace_frames(message, frames=2) -%}
    {{ return(adapter.dispatch('error_trace_frames')(message, frames)) }}
{%- endmacro %}

{#- One match per frame: Python (file, function), Java (function, file), Node (function, file), Node
    anonymous (file), Go (function, file), Ruby (file, function). -#}
{% macro error_trace_frame_pattern() -%}
    File "([^"\n]+)", line [0-9]+, in ([A-Za-z_<][A-Za-z0-9_<>.]*)|\n[ \t]*at (?:[A-Za-z0-9_.$@-]*/)*([A-Za-z_$][A-Za-z0-9_$.<>]*)\(([A-Za-z0-9_$. -]*)(?::[0-9]+)?\)|\n[ \t]*at (?:async )?(?:new )?([^ ()\n]+)(?: \[as [^]\n]*\])? \(([^()\n]*[^()\n0-9:])(?::[0-9]+){1,2}\)|\n[ \t]*at (?:async )?([^ ()\n]*[^ ()\n0-9:]):[0-9]+:[0-9]+|\n((?:[A-Za-z0-9_./-]|\(\*?[A-Za-z0-9_]+\))+)\([^\n]*\)\n\t([^ \n]+\.go):[0-9]+|(?:^|\n)[ \t]*(?:from )?([^ :\n]+\.rb):[0-9]+:in [`']([^'`\n]+)'
{%- endmacro %}

{#- A frame that is not the application's, matched on `function file`. -#}
{% macro error_trace_library_pattern() -%}
    site-packages/|dist-packages/|/lib/python[0-9.]*/|<frozen|(^| )<string>|node_modules/|(^| )node:|(^| )internal/|/usr/local/go/|/usr/lib/go|/go/pkg/mod/|/gems/|/ruby/[0-9.]+/|^(java|javax|jdk|sun|com\.sun|jakarta|org\.springframework|org\.apache|org\.hibernate|org\.postgresql|org\.mariadb|com\.mysql|com\.zaxxer|io\.netty|okhttp3|okio|reactor|kotlin|kotlinx|scala|akka|com\.fasterxml|io\.grpc|io\.micrometer|feign|retrofit2|software\.amazon|com\.amazonaws|com\.google|io\.lettuce|redis\.clients|org\.eclipse|io\.undertow|io\.reactivex|org\.jooq|com\.stripe|com\.twilio|io\.vertx|org\.glassfish|org\.jboss|org\.slf4j|ch\.qos|io\.opentelemetry|runtime|net/http|database/sql|reflect|sync|syscall|context|internal/[a-z/]+|google\.golang\.org/[^ ]*|github\.com/(lib/pq|jackc|go-redis|redis|aws|gin-gonic|labstack|gorilla|go-chi|grpc-ecosystem)/[^ ]*)\.
{%- endmacro %}

{% macro postgres__error_trace_frames(message, frames=2) -%}
    (
        select string_agg(innermost.frame, ' < ' order by innermost.depth)
        from (
            select
                found.frame,
                row_number() over (order by found.innermost_first) as depth
            from (
                select
                    regexp_replace(coalesce(m[2], m[3], m[5], m[8], m[11], ''), '\$[0-9]+', '$', 'g')
                    || '@' || regexp_replace(coalesce(m[1], m[4], m[6], m[7], m[9], m[10]), '^.*[/\\]', '')
                        as frame,
                    coalesce(m[2], m[3], m[5], m[8], m[11], '')
                    || ' ' || coalesce(m[1], m[4], m[6], m[7], m[9], m[10]) as located,
                    case when m[1] is not null then -matched.n else matched.n end as innermost_first
                from regexp_matches({{ message }}, '{{ error_trace_frame_pattern() | replace("'", "''") }}', 'g')
                    with ordinality as matched (m, n)
            ) as found
            where found.located !~ '{{ error_trace_library_pattern() | replace("'", "''") }}'
        ) as innermost
        where innermost.depth <= {{ frames }}
    )
{%- endmacro %}

{#-
    On Spark: no regexp_matches returning every group of every match, and no set-returning function in a
    correlated subquery, so it is one expression over arrays. The frame pattern's six alternatives are each
    wrapped in a group: regexp_extract_all gives the matches in order, each match is matched again for its
    groups, and a group of an alternative that did not match is null (Spark's regexp_extract gives '' for
    both an empty and an absent group; the wrapping group tells them apart), as in Postgres' m[].
-#}
{% macro spark__error_trace_frames(message, frames=2) -%}
    {%- set parts = spark_java_regex_parts(error_trace_frame_pattern()) -%}
    {%- set alternatives, ends = parts[2], parts[4] -%}
    {%- set pattern = spark_string_literal(parts[3] ~ '(' ~ alternatives | join(')|(') ~ ')') -%}
    {%- set group = {} -%}
    {%- for number in range(1, parts[1] + 1) -%}
        {%- set alternative = (ends | select('<', number) | list | length) -%}
        {%- set wrapper = (ends[alternative - 1] if alternative > 0 else 0) + alternative + 1 -%}
        {%- do group.update({number: "case when regexp_extract(found, " ~ pattern ~ ", " ~ wrapper
            ~ ") <> '' then regexp_extract(found, " ~ pattern ~ ", " ~ (number + alternative + 1) ~ ") end"}) -%}
    {%- endfor -%}
    {%- set file_name_start = '^.*[/\\\\]' -%}
    nullif(array_join(slice(
        transform(
            filter(
                array_sort(transform(
                    regexp_extract_all({{ message }}, {{ pattern }}, 0),
                    (found, position) -> named_struct(
                        'innermost_first', case when {{ group[1] }} is not null then -(position + 1) else position + 1 end,
                        'function', coalesce({{ group[2] }}, {{ group[3] }}, {{ group[5] }}, {{ group[8] }}, {{ group[11] }}, ''),
                        'file', coalesce({{ group[1] }}, {{ group[4] }}, {{ group[6] }}, {{ group[7] }}, {{ group[9] }}, {{ group[10] }})
                    )
                )),
                frame -> not (concat(frame.function, ' ', frame.file)
                    rlike {{ spark_string_literal(spark_java_regex(error_trace_library_pattern())) }})
            ),
            frame -> concat(
                regexp_replace(frame.function, '\\$[0-9]+', '\\$'),
                '@',
                regexp_replace(frame.file, {{ spark_string_literal(spark_java_regex(file_name_start)) }}, '')
            )
        ),
        1, {{ frames }}
    ), ' < '), '')
{%- endmacro %}

{% macro default__error_trace_frames(message, frames=2) -%}
    {{ exceptions.raise_compiler_error(
        "error_trace_frames has no implementation for adapter " ~ adapter.type()
        ~ ": add a " ~ adapter.type() ~ "__error_trace_frames macro to dbt_project/macros/reliability/error_trace.sql"
    ) }}
{%- endmacro %}
