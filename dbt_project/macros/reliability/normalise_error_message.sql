{#-
    The error-message normaliser (reliability loop): the message with its variable parts replaced, so
    that two occurrences of one fault read the same. Sentry-like grouping by message.

    The steps run in this fixed order, one regexp_replace each, on the whole message: stack frames go
    first (a traceback does not make another fault), UUIDs before hex ids before numbers, and quoted
    values last, after what they may contain has been replaced. A run of 8 or more hex digits with a
    digit in it is a hex id (`<hex>`), also when it has no letter (a hash that happens to be all digits,
    a 10-digit epoch); shorter numbers are `<n>`. Opaque ids are a short lower-case prefix and an
    underscore before 8+ letters and digits (`req_8fK2mZq1Lx9aTb`, `cus_NffrFeUfNV2Hib`) or 10+
    characters mixing digits, lower and upper case. `(?<![0-9A-Za-z])` and
    `(?![0-9A-Za-z])` bound a token, so `job_5f3a2b1c` and `R0000012506` lose their variable part but
    a word never loses a letter. Any change to a step is a new version (error_normaliser_version), so
    fingerprints of different versions never mix; each error stores the version of its fingerprint.

    One step per line: `<pattern> ==> <replacement>` (Postgres advanced regular expressions).
-#}
{% macro error_normaliser_version() -%}
    1
{%- endmacro %}

{% macro error_normaliser_steps() -%}
    {%- set steps -%}
(?n)^[ \t]*(Traceback \(most recent call last\):|File "[^"]*", line [0-9]+.*|at [A-Za-z0-9_$.<>/]+\(.*\)|goroutine [0-9]+ .*)$ ==> 
(?<![0-9A-Za-z])[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}(?![0-9A-Za-z]) ==> <uuid>
[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,} ==> <email>
[A-Za-z][A-Za-z0-9+.-]*://[^][:space:]"'<>(){},]+ ==> <url>
(?<![0-9A-Za-z])[0-9]{4}-[0-9]{2}-[0-9]{2}([T ][0-9]{2}:[0-9]{2}(:[0-9]{2}([.,][0-9]+)?)?( ?(Z|UTC|[+-][0-9]{2}(:?[0-9]{2})?))?)?(?![0-9A-Za-z]) ==> <ts>
(?<![0-9A-Za-z.])[0-9]{1,3}(\.[0-9]{1,3}){3}(:[0-9]{1,5})?(?![0-9A-Za-z.]) ==> <ip>
(?<![0-9A-Za-z.])[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+:[0-9]{1,5}(?![0-9A-Za-z]) ==> <host>
(?<![0-9A-Za-z.])[a-z0-9-]+(\.[a-z0-9-]+)*\.(com|net|org|io|dev|app|cloud|internal|local|example|test|ai|co|eu|de|uk|us)(?![0-9A-Za-z.]) ==> <host>
(?<![0-9A-Za-z:/.])(/[A-Za-z0-9._@%+~-]+)+/?(\?[^[:space:]'"()]*)? ==> <path>
(?<![0-9A-Za-z])(0x[0-9a-fA-F]+|(?=[0-9a-fA-F]*[0-9])[0-9a-fA-F]{8,})(?![0-9A-Za-z]) ==> <hex>
(?<![0-9A-Za-z])([a-z]{2,5})_(?=[A-Za-z0-9]*[0-9A-Z])[A-Za-z0-9]{8,}(?![0-9A-Za-z]) ==> \1_<id>
(?<![0-9A-Za-z])(?=[A-Za-z0-9]*[0-9])(?=[A-Za-z0-9]*[a-z])(?=[A-Za-z0-9]*[A-Z])[A-Za-z0-9]{10,}(?![0-9A-Za-z]) ==> <id>
(?<![0-9A-Za-z])([A-Za-z]{1,4})[0-9]{3,}(?![0-9A-Za-z]) ==> \1<n>
(?<![0-9A-Za-z])[0-9]+(\.[0-9]+)? ?(ms|us|ns|s|sec|secs|seconds?|minutes?|mins?|hours?|h)(?![0-9A-Za-z]) ==> <duration>
(?<![0-9A-Za-z])-?[0-9]+([.,][0-9]+)*(?![0-9A-Za-z]) ==> <n>
(?<![0-9A-Za-z])'[^'\n]{0,255}' ==> '<v>'
"[^"\n]{0,255}" ==> "<v>"
`[^`'\n]{0,100}' ==> `<v>'
“[^”\n]{0,255}” ==> “<v>”
    {%- endset -%}
    {%- set parsed = [] -%}
    {%- for line in steps.strip().split('\n') -%}
    {%- set parts = line.split(' ==> ') -%}
    {%- set _ = parsed.append((parts[0], parts[1] if parts | length > 1 else "")) -%}
{%- endfor -%}
    {{ return(parsed) }}
{%- endmacro %}

{#-
    The normalised message, its runs of white space made one space, trimmed and cut at 500 characters.
    The steps are Postgres advanced regular expressions, so the implementation is Postgres'; another adapter
    needs its own, and the steps their dialect.
-#}
{% macro normalise_error_message(message) -%}
    {{ return(adapter.dispatch('normalise_error_message')(message)) }}
{%- endmacro %}

{% macro postgres__normalise_error_message(message) -%}
    {%- set expression = namespace(sql=message) -%}
    {%- for pattern, replacement in error_normaliser_steps() -%}
        {%- set expression.sql = "regexp_replace(" ~ expression.sql ~ ", '" ~ pattern | replace("'", "''")
            ~ "', '" ~ replacement | replace("'", "''") ~ "', 'g')" -%}
    {%- endfor -%}
    left(btrim(regexp_replace({{ expression.sql }}, '[[:space:]]+', ' ', 'g')), 500)
{%- endmacro %}

{% macro default__normalise_error_message(message) -%}
    {{ exceptions.raise_compiler_error(
        "normalise_error_message has no implementation for adapter " ~ adapter.type()
        ~ ": add a " ~ adapter.type() ~ "__normalise_error_message macro to"
        ~ " dbt_project/macros/reliability/normalise_error_message.sql"
    ) }}
{%- endmacro %}

{#- The fingerprint: service, error class and normalised message under one normaliser version. -#}
{% macro error_fingerprint(service, error_class, normalised_message) -%}
    md5('v{{ error_normaliser_version() }}' || chr(31) || {{ service }} || chr(31) || {{ error_class }} || chr(31)
        || {{ normalised_message }})
{%- endmacro %}

{#-
    Whether one row of the category rules seed matches an error: every pattern the rule gives matches
    (case-insensitive regular expressions on the class and the raw message), and the HTTP status lies
    within the rule's bounds when it gives them. An empty pattern or bound asks nothing.
-#}
{% macro error_rule_matches(rule, error_class, message, http_status) -%}
    (
        (
            coalesce({{ rule }}.class_pattern, '') = ''
            or {{ regex_matches(error_class, rule ~ '.class_pattern') }}
        )
        and (
            coalesce({{ rule }}.message_pattern, '') = ''
            or {{ regex_matches(message, rule ~ '.message_pattern') }}
        )
        and ({{ rule }}.status_min is null or {{ http_status }} >= {{ rule }}.status_min)
        and ({{ rule }}.status_max is null or {{ http_status }} <= {{ rule }}.status_max)
    )
{%- endmacro %}

{#-
    The category of each distinct signature (error class, normalised message, HTTP status) of a
    relation: the rule of the lowest priority that matches it, from the rules relation (one version).
    Rules are the outer loop, so each pattern is compiled once and run over every signature (Postgres
    keeps only a few compiled expressions; a loop over rules per row would recompile them all), and
    a signature is classified once however many errors share it. Signatures no rule matches get a
    null priority. Postgres' `distinct on` keeps that rule, and `cross join lateral` runs each rule's
    pattern over the signatures.
-#}
{% macro categorise_signatures(signatures, rules) -%}
    {{ return(adapter.dispatch('categorise_signatures')(signatures, rules)) }}
{%- endmacro %}

{% macro postgres__categorise_signatures(signatures, rules) -%}
    select distinct on (signatures.error_class, signatures.normalised_message, signatures.http_status)
        signatures.error_class,
        signatures.normalised_message,
        signatures.http_status,
        matches.priority as rule_priority,
        coalesce(matches.category, 'uncategorized') as category
    from {{ signatures }} as signatures
    left join (
        select
            {{ rules }}.priority,
            {{ rules }}.category,
            matched.error_class,
            matched.normalised_message,
            matched.http_status
        from {{ rules }}
        cross join lateral (
            select
                candidates.error_class,
                candidates.normalised_message,
                candidates.http_status
            from {{ signatures }} as candidates
            where {{ error_rule_matches(rules, 'candidates.error_class', 'candidates.normalised_message',
                'candidates.http_status') }}
        ) as matched
    ) as matches
        on signatures.error_class = matches.error_class
        and signatures.normalised_message = matches.normalised_message
        and signatures.http_status is not distinct from matches.http_status
    order by signatures.error_class, signatures.normalised_message, signatures.http_status, matches.priority
{%- endmacro %}

{% macro default__categorise_signatures(signatures, rules) -%}
    {{ exceptions.raise_compiler_error(
        "categorise_signatures has no implementation for adapter " ~ adapter.type()
        ~ ": add a " ~ adapter.type() ~ "__categorise_signatures macro to"
        ~ " dbt_project/macros/reliability/normalise_error_message.sql"
    ) }}
{%- endmacro %}
