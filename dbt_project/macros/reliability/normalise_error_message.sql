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
    4
{%- endmacro %}

{#- Every version's steps stay here, frozen, so that a new version can record what each fingerprint was under
    the one before it (error_fingerprint_versions). Edit only the newest; a change is a new version. -#}
{% macro error_normaliser_steps(version=none) -%}
    {%- set version = (version or error_normaliser_version()) | int -%}
    {%- if version == 1 -%}
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
    {%- elif version == 2 -%}
    {%- set steps -%}
^[[:space:]]*Traceback \(most recent call last\):.*\n[[:space:]]*([^[:space:]][^\n]*[^[:space:]])[[:space:]]*$ ==> \1
\n?[ \t]*(Traceback \(most recent call last\):|goroutine [0-9]+ \[[^]\n]*\]:).*$ ==> 
(?n)^[ \t]*(File "[^"]*", line [0-9]+.*(\n    [^\n]*)?|\^+|at [^\n]*|\.\.\. [0-9]+ (more|common frames omitted)|(Caused by|Suppressed): .*|from [^\n]*:[0-9]+:in .*|(CONTEXT|STATEMENT|LOCATION|QUERY):.*|PL/pgSQL function .*|debug_error_string = .*|Where: .*|--- End of [a-z ]*stack trace[^\n]*|#[0-9]+ [^\n]*|Stack trace:|HTTP response headers: .*)$|^\[parameters: .*\]$|\(Background on this error at: [^)]*\)| \(reached max retries: [0-9]+\)|, client: [^\n]*$ ==> 
(validation errors? for [A-Za-z0-9_.]+\n[^\n]*\n[^\n]*)\n.*$ ==> \1
^([[:space:]]*(panic: |(ERROR|FATAL|PANIC):[ ]+|Request req_[A-Za-z0-9]+: |(Exception in thread "[^"]*" )?(([A-Za-z_][A-Za-z0-9_$]*\.)+[A-Z][A-Za-z0-9_$]*|[A-Za-z0-9_$]*(Error|Exception))( \[recovered\])?: ))+ ==> 
(?<![0-9A-Za-z])[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}(?![0-9A-Za-z]) ==> <uuid>
[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,} ==> <email>
[A-Za-z][A-Za-z0-9+.-]*://[^][:space:]"'<>(){},]+ ==> <url>
(?<![0-9A-Za-z])((Mon|Tue|Wed|Thu|Fri|Sat|Sun), [0-9]{1,2} [A-Z][a-z]{2} [0-9]{4} [0-9]{2}:[0-9]{2}:[0-9]{2}( (GMT|UTC|[+-][0-9]{4}))?|(Mon|Tue|Wed|Thu|Fri|Sat|Sun) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) +[0-9]{1,2} [0-9]{2}:[0-9]{2}:[0-9]{2}( [A-Z]{2,5})? [0-9]{4}|[0-9]{1,2}[- ](Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[- ][0-9]{4}(?![0-9A-Za-z])|(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) [0-9]{1,2}, [0-9]{4}(?![0-9A-Za-z])|[0-9]{1,2}/[A-Z][a-z]{2}/[0-9]{4}:[0-9]{2}:[0-9]{2}:[0-9]{2}( [+-][0-9]{4})?|(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) +[0-9]{1,2} [0-9]{2}:[0-9]{2}:[0-9]{2}|[0-9]{4}[-/][0-9]{2}[-/][0-9]{2}([T ][0-9]{2}:[0-9]{2}(:[0-9]{2}([.,][0-9]+)?)?( ?(Z|UTC|GMT|[+-][0-9]{2}(:?[0-9]{2})?))?)?(?![0-9A-Za-z]))|(?<![0-9A-Za-z:])[0-9]{1,2}:[0-9]{2}:[0-9]{2}([.,][0-9]+)?( ?(Z|UTC|GMT|[+-][0-9]{2}:?[0-9]{2}))?(?![0-9A-Za-z:]) ==> <ts>
(ipv[46]:)?\[[0-9a-fA-F:.]*:[0-9a-fA-F:.]*(%[A-Za-z0-9]+)?\](:[0-9]{1,5})?|(?<![0-9A-Za-z.])(ipv4:)?[0-9]{1,3}(\.[0-9]{1,3}){3}(:[0-9]{1,5})?(?![0-9A-Za-z]|\.[0-9A-Za-z])|(?<![0-9A-Za-z:.])(ipv6:)?([0-9a-fA-F]{0,4}:){2,7}[0-9a-fA-F]{1,4}(?![0-9A-Za-z:]|\.[0-9A-Za-z])|(?<![0-9A-Za-z./])[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+:[0-9]{1,5}(?![0-9A-Za-z])|(?<![0-9A-Za-z./])[a-z0-9-]+(\.[a-z0-9-]+)*\.(com|net|org|io|dev|app|cloud|internal|local|localdomain|svc|cluster|consul|corp|lan|intra|example|test|ai|co|me|info|biz|eu|de|uk|us|fr|es|it|nl|ch|at|se|pl|br|in|jp|au|ca)(?![0-9A-Za-z.]) ==> <host>
(?<![0-9A-Za-z:/.])(/[A-Za-z0-9._@%+~=,-]+)+/?(\?[^[:space:]'"()]*)?|(?<![0-9A-Za-z._~/-])[A-Za-z0-9._~-]+(/[A-Za-z0-9._@%+~=,-]+){2,}/?|(?<![0-9A-Za-z])[A-Za-z]:\\[^[:space:]'"]+ ==> <path>
(?i)((request|req|trace|span|correlation|transaction|x-amzn?-request)[-_ ]?id)(["']?[ ]*[:=][ ]*["']?)[A-Za-z0-9+/=_.:-]{6,}|(?<![0-9a-z])eyj[a-z0-9_-]{8,}(\.[a-z0-9_-]+){0,2} ==> \1\3<id>
([a-z0-9])-([bcdfghjklmnpqrstvwxz2456789]{6,10}-[bcdfghjklmnpqrstvwxz2456789]{5}(?![0-9A-Za-z])|(?=[bcdfghjklmnpqrstvwxz]*[2456789])[bcdfghjklmnpqrstvwxz2456789]{5}(?![0-9A-Za-z-])) ==> \1-<pod>
(?<![0-9A-Za-z.])(([0-9]+h)?([0-9]+m)?[0-9]+(\.[0-9]+)?(ms|µs|us|ns|s)|[0-9]+(\.[0-9]+)? ?(ms|us|µs|ns|s|sec|secs|seconds?|milliseconds?|microseconds?|nanoseconds?|minutes?|mins?|hours?|hrs?|h|days?))(?![0-9A-Za-z])|(?<![0-9A-Za-z])PT([0-9.]+[HMS])+(?![0-9A-Za-z]) ==> <duration>
(?<![0-9A-Za-z.])[0-9]+(\.[0-9]+)? ?([KMGTP]i?B|[KMGTP]i|[kKMGT]|bytes?|kb|mb|gb)(?![0-9A-Za-z]) ==> <size>
(?<![0-9A-Za-z])(0x[0-9a-fA-F]+|(?=[0-9a-fA-F]*[0-9])[0-9a-fA-F]{7,})(?![0-9A-Za-z]) ==> <n>
(?<![0-9A-Za-z])([a-z]{2,5})_(?=[A-Za-z0-9]*[0-9A-Z])[A-Za-z0-9]{8,}(?![0-9A-Za-z]) ==> \1_<id>
(?<![0-9A-Za-z])((?=[A-Za-z0-9]*[0-9])(?=[A-Za-z0-9]*[a-z])(?=[A-Za-z0-9]*[A-Z])[A-Za-z0-9]{10,}|(?=[A-Z0-9]*[0-9])(?=[0-9]*[A-Z])[A-Z0-9]{12,})(?![0-9A-Za-z]) ==> <id>
(?<![0-9A-Za-z+_-])(?=[A-Za-z0-9+_-]*[0-9])(?=[A-Za-z0-9+_-]*[A-Za-z])[A-Za-z0-9+_-]{20,}={0,2}(?![0-9A-Za-z+_=-]) ==> <token>
(?<![0-9A-Za-z])([A-Za-z]{1,4})[0-9]{3,}(?![0-9A-Za-z])|(?<![0-9A-Za-z])(v)[0-9]+(\.[0-9]+)+(-[0-9A-Za-z.]+)?(?![0-9A-Za-z]) ==> \1\2<n>
"(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS|CONNECT|TRACE) [^"\n]*" ==> "<request>"
(\)=\()[^)\n]*\)|(Failing row contains \()[^\n]*\) ==> \1\2<v>)
((Duplicate entry|Incorrect [a-z]+ value:|near) ')[^'\n]*(')|((invalid input syntax for type [a-z ]+|invalid input value for enum [A-Za-z0-9_.]+): ")[^"\n]*(") ==> \1\4<v>\3\6
(?<![0-9A-Za-z])-?[0-9]+([.,][0-9]+)*(?![0-9A-Za-z]) ==> <n>
<n> validation errors for ==> <n> validation error for
<n>-(?=[a-z]*[0-9])[a-z0-9]{4}(?![0-9A-Za-z-]) ==> <n>-<id>
((?<![0-9A-Za-z])')[^' \n]{0,255}( [^' \n]{0,255})?(')|(`)[^` \n]{0,100}( [^` \n]{0,100})?[`']|(“)[^” \n]{0,255}( [^” \n]{0,255})?(”) ==> \1\4\6<v>\3\4\8
"[^" \n]{0,255}( [^" \n]{0,255})?" ==> "<v>"
\\"[^" \n]{0,255}( [^" \n]{0,255})?\\" ==> \\"<v>\\"
(<n>|'<v>'|"<v>"|<host>|<id>|<uuid>)([ ]*,[ ]*(<n>|'<v>'|"<v>"|<host>|<id>|<uuid>))+ ==> \1
    {%- endset -%}
    {%- elif version == 3 -%}
    {%- set steps -%}
^[[:space:]]*Traceback \(most recent call last\):.*\n[[:space:]]*([^[:space:]][^\n]*[^[:space:]])[[:space:]]*$ ==> \1
\n?[ \t]*(Traceback \(most recent call last\):|goroutine [0-9]+ \[[^]\n]*\]:).*$ ==> 
(?n)^[ \t]*(File "[^"]*", line [0-9]+.*(\n    [^\n]*)?|\^+|at [^\n]*|\.\.\. [0-9]+ (more|common frames omitted)|(Caused by|Suppressed): .*|from [^\n]*:[0-9]+:in .*|(CONTEXT(?![: ]+while [a-z ]+ tuple)|STATEMENT|LOCATION|QUERY):.*|PL/pgSQL function .*|debug_error_string = .*|Where: .*|--- End of [a-z ]*stack trace[^\n]*|#[0-9]+ [^\n]*|Stack trace:|HTTP response headers: .*)$|^\[parameters: .*\]$|\(Background on this error at: [^)]*\)| \(reached max retries: [0-9]+\)|, client: [^\n]*$|CONTEXT:[ ]+while [a-z ]+ tuple \([0-9,]+\) in (?=relation ")|\n[ \t]*[^ \n]*( \([0-9][0-9.]*\) [^ \n]*)?\.[a-z]*rb:[0-9]+:in [^\n]*|\n[[:space:]]*Location: [A-Za-z0-9-]+[[:space:]]+Job ID: [^\n]*|\npanic: [^\n]*|\n\[signal [^\n]*\] ==> 
(validation errors? for [A-Za-z0-9_.]+\n[^\n]*\n[^\n]*)\n.*$ ==> \1
^([[:space:]]*(panic: |(ERROR|FATAL|PANIC):[ ]+|Request req_[A-Za-z0-9]+: |(Exception in thread "[^"]*" )?(([A-Za-z_][A-Za-z0-9_$]*\.)+[A-Z][A-Za-z0-9_$]*|[A-Za-z0-9_$]*(Error|Exception))( \[recovered\])?: ))+ ==> 
(?<![0-9A-Za-z_])([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|[a-z]{2,5}(_[a-z]{2,6})?_((?=[A-Za-z0-9*]*[0-9A-Z*])[A-Za-z0-9*]{8,}|(?=[A-Za-z0-9*]*[A-Z*])(?=[A-Za-z0-9*]*[0-9*])[A-Za-z0-9*]{4,}|(?=[a-z0-9]*[0-9])[a-z0-9]{6,})|[a-z]{1,5}_[0-9]{3,})(?![0-9A-Za-z*_])|(?<![0-9A-Za-z_])((?:id|ID|Id)[ =:#])[0-9]+(?![0-9A-Za-z-]) ==> \4<id>
[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,} ==> <email>
[A-Za-z][A-Za-z0-9+.-]*://([^][:space:]"'<>(){},]|<[a-z]+>)+ ==> <url>
(?<![0-9A-Za-z])((Mon|Tue|Wed|Thu|Fri|Sat|Sun), [0-9]{1,2} [A-Z][a-z]{2} [0-9]{4} [0-9]{2}:[0-9]{2}:[0-9]{2}( (GMT|UTC|[+-][0-9]{4}))?|(Mon|Tue|Wed|Thu|Fri|Sat|Sun) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) +[0-9]{1,2} [0-9]{2}:[0-9]{2}:[0-9]{2}( [A-Z]{2,5})? [0-9]{4}|[0-9]{1,2}[- ](Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[- ][0-9]{4}(?![0-9A-Za-z])|(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) [0-9]{1,2}, [0-9]{4}(?![0-9A-Za-z])|[0-9]{1,2}/[A-Z][a-z]{2}/[0-9]{4}:[0-9]{2}:[0-9]{2}:[0-9]{2}( [+-][0-9]{4})?|(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) +[0-9]{1,2} [0-9]{2}:[0-9]{2}:[0-9]{2}|[0-9]{4}[-/][0-9]{2}[-/][0-9]{2}([T ][0-9]{2}:[0-9]{2}(:[0-9]{2}([.,][0-9]+)?)?( ?(Z|UTC|GMT|[+-][0-9]{2}(:?[0-9]{2})?))?)?(?![0-9A-Za-z]))|(?<![0-9A-Za-z:])[0-9]{1,2}:[0-9]{2}:[0-9]{2}([.,][0-9]+)?( ?(Z|UTC|GMT|[+-][0-9]{2}:?[0-9]{2}))?(?![0-9A-Za-z:]) ==> <ts>
(ipv[46]:)?\[[0-9a-fA-F:.]*:[0-9a-fA-F:.]*(%[A-Za-z0-9]+)?\](:[0-9]{1,5})?|(?<![0-9A-Za-z.])(ipv4:)?[0-9]{1,3}(\.[0-9]{1,3}){3}(:[0-9]{1,5})?(?![0-9A-Za-z]|\.[0-9A-Za-z])|(?<![0-9A-Za-z:.])(ipv6:)?([0-9a-fA-F]{0,4}:){2,7}[0-9a-fA-F]{1,4}(?![0-9A-Za-z:]|\.[0-9A-Za-z])|(?<![0-9A-Za-z./])[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+:[0-9]{1,5}(?![0-9A-Za-z])|(?<![0-9A-Za-z./])[a-z0-9-]+(\.[a-z0-9-]+)*\.(com|net|org|io|dev|app|cloud|internal|local|localdomain|svc|cluster|consul|corp|lan|intra|example|test|ai|co|me|info|biz|eu|de|uk|us|fr|es|it|nl|ch|at|se|pl|br|in|jp|au|ca)(?![0-9A-Za-z.]) ==> <host>
(?<![0-9A-Za-z:/.])(/[A-Za-z0-9._@%+~=,<>-]+)+/?(\?[^[:space:]'"()]*[^[:space:]'"():,.;])?|(?<![0-9A-Za-z._~/-])[A-Za-z0-9._~-]+(/[A-Za-z0-9._@%+~=,<>-]+){2,}/?|(?<![0-9A-Za-z])[A-Za-z]:\\[^[:space:]'"]+ ==> <path>
(?i)((request|req|trace|span|correlation|transaction|x-amzn?-request)[-_ ]?id)(["']?[ ]*[:=][ ]*["']?)[A-Za-z0-9+/=_.:-]{6,}|(?<![0-9a-z])eyj[a-z0-9_-]{8,}(\.[a-z0-9_-]+){0,2} ==> \1\3<id>
([a-z0-9])-((?=[a-z]*[0-9])[a-z0-9]{4,10}-(?=[a-z0-9]{0,3}[0-9][a-z0-9])[a-z0-9]{5}(?![0-9A-Za-z-])|(?=[a-z0-9]{0,3}[0-9][a-z0-9])[a-z0-9]{5}(?![0-9A-Za-z-])|[bcdfghjklmnpqrstvwxz2456789]{6,10}-[bcdfghjklmnpqrstvwxz2456789]{5}(?![0-9A-Za-z])|(?=[bcdfghjklmnpqrstvwxz]*[2456789])[bcdfghjklmnpqrstvwxz2456789]{5}(?![0-9A-Za-z-])) ==> \1-<pod>
(?<![0-9A-Za-z.])(([0-9]+h)?([0-9]+m)?[0-9]+(\.[0-9]+)?(ms|µs|us|ns|s)|[0-9]+(\.[0-9]+)? ?(ms|us|µs|ns|s|sec|secs|seconds?|milliseconds?|microseconds?|nanoseconds?|minutes?|mins?|hours?|hrs?|h|days?))(?![0-9A-Za-z])|(?<![0-9A-Za-z])PT([0-9.]+[HMS])+(?![0-9A-Za-z]) ==> <duration>
(?<![0-9A-Za-z.])[0-9]+(\.[0-9]+)? ?([KMGTP]i?B|[KMGTP]i|[kKMGT]|bytes?|kb|mb|gb)(?![0-9A-Za-z]) ==> <size>
(?<![0-9A-Za-z+])\+?(0x[0-9a-fA-F]+|(?=[0-9a-fA-F]*[0-9])[0-9a-fA-F]{7,})(?![0-9A-Za-z]) ==> <n>
(?<![0-9A-Za-z])((?=[A-Za-z0-9]*[0-9])(?=[A-Za-z0-9]*[a-z])(?=[A-Za-z0-9]*[A-Z])[A-Za-z0-9]{10,}|(?=[A-Z0-9]*[0-9])(?=[0-9]*[A-Z])[A-Z0-9]{12,})(?![0-9A-Za-z])|(?<![0-9A-Za-z+_-])(?=[A-Za-z0-9+_-]*[0-9])(?=[A-Za-z0-9+_-]*[A-Za-z])[A-Za-z0-9+_-]{20,}={0,2}(?![0-9A-Za-z+_=-]) ==> <id>
(?<![0-9A-Za-z])([A-Za-z]{1,4})[0-9]{3,}(?![0-9A-Za-z])|(?<![0-9A-Za-z])(v)[0-9]+(\.[0-9]+)+(-[0-9A-Za-z.]+)?(?![0-9A-Za-z]) ==> \1\2<n>
(")(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS|CONNECT|TRACE) [^"\n]*(")|(?<![0-9A-Za-z_])(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS) (<path>|<url>) ==> \1<request>\3
(\)=\()[^)\n]*\)|(Failing row contains \()[^\n]*\) ==> \1\2<v>)
(Duplicate entry '|Incorrect [a-z]+ value: '|near ')[^'\n]*(?=')|(invalid input syntax for type [a-z ]+: "|invalid input value for enum [A-Za-z0-9_.]+: ")[^"\n]*(?=")|(rejected value \[)[^]\n]*(?=\])|(cannot unmarshal )[a-z]+(?: [^ \n]+)?(?= into )|(input_type=|CircuitBreaker '[^'\n]{0,64}' is )[A-Za-z_]+|(Unexpected )(?:token [^ \n]+ in JSON at position [0-9]+|end of JSON input|non-whitespace character after JSON at position [0-9]+|token [^\n]* is not valid JSON)|(Input should be a valid [a-z ]+, |value is not a valid [a-z ]+: )[^[\n]*(?= \[type=)|(parsing time "[^"\n]{0,64}")[^\n]*|(Couldn't find [A-Za-z:]+ with '[A-Za-z_]+'=|(?<![0-9A-Za-z_])(?:sub|user|user_id|userId|uid|role|principal|account|account_id|tenant|tenant_id|org|org_id|customer|customer_id)(?:=|: ?))(?:<[a-z]+>|[^][ \n,;(){}"'<][^][ \n,;(){}"']*)|[$€£¥][0-9][0-9.,]*(?: ?(?:usd|eur|gbp|jpy|chf|cad|aud|USD|EUR|GBP|JPY|CHF|CAD|AUD))?(?![0-9A-Za-z]) ==> \1\2\3\4\5\6\7\8\9<v>
(?<![0-9A-Za-z+])(?<!status code )(?<!status code: )[-+]?[0-9]+([.,][0-9]+)*([eE][-+]?[0-9]+)?(?![0-9A-Za-z]) ==> <n>
<n> validation errors for ==> <n> validation error for
<n>-(?=[a-z]*[0-9])[a-z0-9]{4}(?![0-9A-Za-z-]) ==> <n>-<id>
(relation |'(error|code|reason|type)': |"(error|code|reason|type)": )["']([A-Za-z0-9_.$-]+)["'] ==> \1\4
((?<![0-9A-Za-z])')[^' \n]{0,255}( [^' \n]{0,255})?(')|(`)[^` \n]{0,100}( [^` \n]{0,100})?[`']|(“)[^” \n]{0,255}( [^” \n]{0,255})?(”) ==> \1\4\6<v>\3\4\8
"[^" \n]{0,255}( [^" \n]{0,255})?" ==> "<v>"
\\"[^" \n]{0,255}( [^" \n]{0,255})?\\" ==> \\"<v>\\"
(<n>|'<v>'|"<v>"|<host>|<id>)([ ]*,[ ]*(<n>|'<v>'|"<v>"|<host>|<id>)|[ ]+(<n>|'<v>'|"<v>"|<host>|<id>)|[ ]*\(<host>\))+ ==> \1
    {%- endset -%}
    {%- elif version == 4 -%}
    {%- set steps -%}
^[[:space:]]*Traceback \(most recent call last\):(.*\n(During handling of the above exception, another exception occurred|The above exception was the direct cause of the following exception):[[:space:]]*Traceback \(most recent call last\):)?\n([ \t][^\n]*\n|[ \t]*\n)*([A-Za-z_][A-Za-z0-9_.]*: )? ==> 
\n?[ \t]*(Traceback \(most recent call last\):|goroutine [0-9]+ \[[^]\n]*\]:).*$ ==> 
(?n)^[ \t]*(File "[^"]*", line [0-9]+.*(\n    [^\n]*)?|\^+|at [^\n]*|\.\.\. [0-9]+ (more|common frames omitted)|(Caused by|Suppressed): .*|from [^\n]*:[0-9]+:in .*|(CONTEXT(?![: ]+while [a-z ]+ tuple)|STATEMENT|LOCATION|QUERY):.*|PL/pgSQL function .*|debug_error_string = .*|Where: .*|--- End of [a-z ]*stack trace[^\n]*|#[0-9]+ [^\n]*|Stack trace:|HTTP response headers: .*)$|^\[parameters: .*\]$|\(Background on this error at: [^)]*\)| \(reached max retries: [0-9]+\)|, client: [^\n]*$|CONTEXT:[ ]+while [a-z ]+ tuple \([0-9,]+\) in (?=relation ")|\n[ \t]*[^ \n]*( \([0-9][0-9.]*\) [^ \n]*)?\.[a-z]*rb:[0-9]+:in [^\n]*|\n[[:space:]]*Location: [A-Za-z0-9-]+[[:space:]]+Job ID: [^\n]*|\npanic: [^\n]*|\n\[signal [^\n]*\]| \((?:[A-Z][A-Za-z0-9_]*::)+[A-Z][A-Za-z0-9_]*\)$| \([A-Z][A-Za-z0-9_]*(?:Error|Exception)\)$|\n[^ \t\n]+\n\t[^ \t\n]+\.go:[0-9]+( \+0x[0-9a-f]+)? ==> 
(validation errors? for [A-Za-z0-9_.]+\n[^\n]*\n[^\n]*)\n.*$ ==> \1
^([[:space:]]*(panic: |(ERROR|FATAL|PANIC):[ ]+|Request req_[A-Za-z0-9]+: |[^[:space:]]+\.[a-z]*rb:[0-9]+:in [`'][^'\n]*': |error: |(Exception in thread "[^"]*" )?(([A-Za-z_][A-Za-z0-9_$]*\.)+[A-Z][A-Za-z0-9_$]*|[A-Za-z0-9_$]*(Error|Exception))( \[recovered\])?: ))+ ==> 
(?<![0-9A-Za-z_])([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|[a-z]{2,5}(_[a-z]{2,6})?_((?=[A-Za-z0-9*]*[0-9A-Z*])[A-Za-z0-9*]{8,}|(?=[A-Za-z0-9*]*[A-Z*])(?=[A-Za-z0-9*]*[0-9*])[A-Za-z0-9*]{4,}|(?=[a-z0-9]*[0-9])[a-z0-9]{6,})|[a-z]{1,5}_[0-9]{3,})(?![0-9A-Za-z*_])|(?<![0-9A-Za-z_])((?:id|ID|Id)[ =:#])[0-9]+(?![0-9A-Za-z-]|:[0-9A-Za-z]) ==> \4<id>
[^][:space:]@'"<>(){},;:/\\[]+@+[^][:space:]@'"<>(){},;:/\\[]+ ==> <email>
[A-Za-z][A-Za-z0-9+.-]*://([^][:space:]"'<>(){},]|<[a-z]+>)+ ==> <url>
(?i)((request|req|trace|span|correlation|transaction|x-amzn?-request)[-_ ]?id)(["']?[ ]*[:=][ ]*["']?|[ ]+(?=[A-Za-z0-9+/=_.:-]*[0-9]))[A-Za-z0-9+/=_.:-]{6,}|(?<![0-9a-z])eyj[a-z0-9_-]{8,}(\.[a-z0-9_-]+){0,2} ==> \1\3<id>
(?<![0-9A-Za-z])([0-9]{1,2}/[0-9]{1,2}/[0-9]{4}( [0-9]{1,2}:[0-9]{2}(:[0-9]{2})?( ?[AP]M)?)?(?![0-9A-Za-z])|(Mon|Tue|Wed|Thu|Fri|Sat|Sun), [0-9]{1,2} [A-Z][a-z]{2} [0-9]{4} [0-9]{2}:[0-9]{2}:[0-9]{2}( (GMT|UTC|[+-][0-9]{4}))?|(Mon|Tue|Wed|Thu|Fri|Sat|Sun) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) +[0-9]{1,2} [0-9]{2}:[0-9]{2}:[0-9]{2}( [A-Z]{2,5})? [0-9]{4}|[0-9]{1,2}[- ](Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[- ][0-9]{4}(?![0-9A-Za-z])|(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) [0-9]{1,2}, [0-9]{4}(?![0-9A-Za-z])|[0-9]{1,2}/[A-Z][a-z]{2}/[0-9]{4}:[0-9]{2}:[0-9]{2}:[0-9]{2}( [+-][0-9]{4})?|(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) +[0-9]{1,2} [0-9]{2}:[0-9]{2}:[0-9]{2}|[0-9]{4}[-/][0-9]{2}[-/][0-9]{2}([T ][0-9]{2}:[0-9]{2}(:[0-9]{2}([.,][0-9]+)?)?( ?(Z|UTC|GMT|[+-][0-9]{2}(:?[0-9]{2})?))?)?(?![0-9A-Za-z]))|(?<![0-9A-Za-z:])[0-9]{1,2}:[0-9]{2}:[0-9]{2}([.,][0-9]+)?( ?(Z|UTC|GMT|[+-][0-9]{2}:?[0-9]{2}))?(?![0-9A-Za-z:]) ==> <ts>
(ipv[46]:)?\[[0-9a-fA-F:.]*:[0-9a-fA-F:.]*(%[A-Za-z0-9]+)?\](:[0-9]{1,5})?|(?<![0-9A-Za-z.])(ipv4:)?[0-9]{1,3}(\.[0-9]{1,3}){3}(:[0-9]{1,5})?(?![0-9A-Za-z]|\.[0-9A-Za-z])|(?<![0-9A-Za-z:.])(ipv6:)?([0-9a-fA-F]{0,4}:){2,7}[0-9a-fA-F]{1,4}(?![0-9A-Za-z:]|\.[0-9A-Za-z])|(?<![0-9A-Za-z./])[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+:[0-9]{1,5}(?![0-9A-Za-z])|(?<![0-9A-Za-z./])[a-z0-9-]+(\.[a-z0-9-]+)*\.(com|net|org|io|dev|app|cloud|internal|local|localdomain|svc|cluster|consul|corp|lan|intra|example|test|ai|co|me|info|biz|eu|de|uk|us|fr|es|it|nl|ch|at|se|pl|br|in|jp|au|ca)(?![0-9A-Za-z.]) ==> <host>
(?<![0-9A-Za-z:/.])(/[A-Za-z0-9._@%+~=,<>-]+)+/?(\?[^[:space:]'"()]*[^[:space:]'"():,.;])?|(?<![0-9A-Za-z._~/-])[A-Za-z0-9._~-]+(/[A-Za-z0-9._@%+~=,<>-]+){2,}/?|(?<![0-9A-Za-z])[A-Za-z]:\\[^[:space:]'"]+ ==> <path>
([a-z0-9])-((?=[a-z]*[0-9])[a-z0-9]{8,10}-[a-z0-9]{5}(?![0-9A-Za-z-])|(?=[a-z]*[0-9])[a-z0-9]{4,10}-(?=[a-z0-9]{0,3}[0-9][a-z0-9])[a-z0-9]{5}(?![0-9A-Za-z-])|(?=[a-z0-9]{0,3}[0-9][a-z0-9])[a-z0-9]{5}(?![0-9A-Za-z-])|[bcdfghjklmnpqrstvwxz2456789]{6,10}-[bcdfghjklmnpqrstvwxz2456789]{5}(?![0-9A-Za-z])|(?=[bcdfghjklmnpqrstvwxz]*[2456789])[bcdfghjklmnpqrstvwxz2456789]{5}(?![0-9A-Za-z-])) ==> \1-<pod>
(?<![0-9A-Za-z.])(([0-9]+h)?([0-9]+m)?[0-9]+(\.[0-9]+)?(ms|µs|us|ns|s)|[0-9]+(\.[0-9]+)? ?(ms|us|µs|ns|s|sec|secs|seconds?|milliseconds?|microseconds?|nanoseconds?|minutes?|mins?|hours?|hrs?|h|days?))(?![0-9A-Za-z])|(?<![0-9A-Za-z])PT([0-9.]+[HMS])+(?![0-9A-Za-z]) ==> <duration>
(?<![0-9A-Za-z.])[0-9]+(\.[0-9]+)? ?([KMGTP]i?B|[KMGTP]i|[kKMGT]|bytes?|kb|mb|gb)(?![0-9A-Za-z]) ==> <size>
(?<![0-9A-Za-z+])\+?(0x[0-9a-fA-F]+|(?=[0-9a-fA-F]*[0-9])[0-9a-fA-F]{7,})(?![0-9A-Za-z]) ==> <n>
(?<![0-9A-Za-z])((?=[A-Za-z0-9]*[0-9])(?=[A-Za-z0-9]*[a-z])(?=[A-Za-z0-9]*[A-Z])[A-Za-z0-9]{10,}|(?=[A-Z0-9]*[0-9])(?=[0-9]*[A-Z])[A-Z0-9]{12,})(?![0-9A-Za-z])|(?<![0-9A-Za-z+_-])(?=[A-Za-z0-9+_-]*[0-9])(?=[A-Za-z0-9+_-]*[A-Za-z])[A-Za-z0-9+_-]{20,}={0,2}(?![0-9A-Za-z+_=-]) ==> <id>
(?<![0-9A-Za-z])([A-Za-z]{1,4})[0-9]{3,}(?![0-9A-Za-z])|(?<![0-9A-Za-z])(v)[0-9]+(\.[0-9]+)+(-[0-9A-Za-z.]+)?(?![0-9A-Za-z]) ==> \1\2<n>
(")(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS|CONNECT|TRACE) [^"\n]*(")|(?<![0-9A-Za-z_])(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS) (<path>|<url>) ==> \1<request>\3
(\)=\()[^)\n]*\)|(Failing row contains \()[^\n]*\) ==> \1\2<v>)
(Duplicate entry '|Incorrect [a-z]+ value: '|near ')[^'\n]*(?=')|(invalid input syntax for type [a-z ]+: "|invalid input value for enum [A-Za-z0-9_.]+: ")[^"\n]*(?=")|(rejected value \[)[^]\n]*(?=\])|(cannot unmarshal )[a-z]+(?: [^ \n]+)?(?= into )|(input_type=|CircuitBreaker '[^'\n]{0,64}' is )[A-Za-z_]+|(Unexpected )(?:token [^ \n]+ in JSON at position [0-9]+|end of JSON input|non-whitespace character after JSON at position [0-9]+|token [^\n]* is not valid JSON)|(Input should be a valid [a-z ]+, |value is not a valid [a-z ]+: )[^[\n]*(?= \[type=)|(parsing time "[^"\n]{0,64}")[^\n]*|(Couldn't find [A-Za-z:]+ with '[A-Za-z_]+'=|[Tt]able (?=[A-Za-z0-9-]+:[A-Za-z0-9_]+\.)|(?<![0-9A-Za-z_])(?:sub|user|user_id|userId|uid|role|principal|account|account_id|tenant|tenant_id|org|org_id|customer|customer_id)(?:=|: ?))(?:<[a-z]+>|[^][ \n,;(){}"'<][^][ \n,;(){}"']*)|[$€£¥][0-9][0-9.,]*(?: ?(?:usd|eur|gbp|jpy|chf|cad|aud|USD|EUR|GBP|JPY|CHF|CAD|AUD))?(?![0-9A-Za-z]) ==> \1\2\3\4\5\6\7\8\9<v>
(?<![0-9A-Za-z+])(?<!status code )(?<!status code: )[-+]?[0-9]+([.,][0-9]+)*([eE][-+]?[0-9]+)?(?![0-9A-Za-z])|(?<![0-9A-Za-z])b'(\\x[0-9a-fA-F]{2})+' ==> <n>
<n> validation errors for ==> <n> validation error for
<n>-(?=[a-z]*[0-9])[a-z0-9]{4}(?![0-9A-Za-z-]) ==> <n>-<id>
(relation |'(error|code|reason|type)': |"(error|code|reason|type)": )["']([A-Za-z0-9_.$-]+)["'] ==> \1\4
((?<![0-9A-Za-z])')[^' \n]{0,255}( [^' \n]{0,255})?(')|(`)[^` \n]{0,100}( [^` \n]{0,100})?[`']|(“)[^” \n]{0,255}( [^” \n]{0,255})?(”) ==> \1\4\6<v>\3\4\8
"[^" \n]{0,255}( [^" \n]{0,255})?" ==> "<v>"
\\"[^" \n]{0,255}( [^" \n]{0,255})?\\" ==> \\"<v>\\"
(<n>|'<v>'|"<v>"|<host>|<id>)([ ]*,[ ]*(<n>|'<v>'|"<v>"|<host>|<id>)|[ ]+(<n>|'<v>'|"<v>"|<host>|<id>)|[ ]*\(<host>\))+ ==> \1
    {%- endset -%}
    {%- else -%}
    {{ exceptions.raise_compiler_error("no error normaliser version " ~ version
        ~ " in dbt_project/macros/reliability/normalise_error_message.sql") }}
    {%- endif -%}
    {%- set parsed = [] -%}
    {%- for line in steps.strip('\n').split('\n') -%}
    {%- set parts = line.split(' ==>') -%}
    {%- set _ = parsed.append((parts[0], parts[1][1:] if parts | length > 1 else "")) -%}
{%- endfor -%}
    {{ return(parsed) }}
{%- endmacro %}

{#-
    The normalised message, its runs of white space made one space, trimmed and cut at 500 characters.
    The steps are Postgres advanced regular expressions: Spark's implementation runs them translated to Java's
    dialect (are_on_spark.sql), with the overrides below where Java would match otherwise; another adapter
    needs its own.
-#}
{% macro normalise_error_message(message, version=none) -%}
    {{ return(adapter.dispatch('normalise_error_message')(message, version)) }}
{%- endmacro %}

{% macro postgres__normalise_error_message(message, version=none) -%}
    {%- set expression = namespace(sql=message) -%}
    {%- for pattern, replacement in error_normaliser_steps(version) -%}
        {%- set expression.sql = "regexp_replace(" ~ expression.sql ~ ", '" ~ pattern | replace("'", "''")
            ~ "', '" ~ replacement | replace("'", "''") ~ "', 'g')" -%}
    {%- endfor -%}
    {%- if (version or error_normaliser_version()) | int >= 2 %}
    left(rtrim(btrim(regexp_replace({{ expression.sql }}, '[[:space:]]+', ' ', 'g')), ' .;:,!'), 500)
    {%- else %}
    left(btrim(regexp_replace({{ expression.sql }}, '[[:space:]]+', ' ', 'g')), 500)
    {%- endif %}
{%- endmacro %}

{#-
    The steps Java cannot run as written, each with the ARE it runs instead (same matches, same groups): a
    step's pattern text is the key, so a step changed in a new version loses its override, and the Spark tests
    (tests/spark/test_loop_macros.py) show whether the new one needs its own.

    Postgres takes the longest match of a pattern's alternatives at a position, Java the first that matches.
    The opaque-id step of versions 3 and 4 offers `<id>` twice: a mixed-case run of letters and digits, and a
    20+ character token that may also hold `+`, `_`, `-` and end in `=`. On `M0jljKPG2TdJFBYANI4X_o6yWdjueSdL`
    or a base64 `HostID`, Postgres takes the whole token, Java the run before the `_` or `+`. The token's
    characters include the run's, so the token, when it matches, is the longer: tried first, Java takes it too.
-#}
{% macro spark_normaliser_step_overrides() -%}
    {%- set opaque_id = '(?<![0-9A-Za-z])((?=[A-Za-z0-9]*[0-9])(?=[A-Za-z0-9]*[a-z])(?=[A-Za-z0-9]*[A-Z])[A-Za-z0-9]{10,}|'
        ~ '(?=[A-Z0-9]*[0-9])(?=[0-9]*[A-Z])[A-Z0-9]{12,})(?![0-9A-Za-z])|'
        ~ '(?<![0-9A-Za-z+_-])(?=[A-Za-z0-9+_-]*[0-9])(?=[A-Za-z0-9+_-]*[A-Za-z])[A-Za-z0-9+_-]{20,}={0,2}(?![0-9A-Za-z+_=-])' -%}
    {%- set opaque_id_token_first = '(?<![0-9A-Za-z+_-])(?=[A-Za-z0-9+_-]*[0-9])(?=[A-Za-z0-9+_-]*[A-Za-z])[A-Za-z0-9+_-]{20,}={0,2}(?![0-9A-Za-z+_=-])|'
        ~ '(?<![0-9A-Za-z])((?=[A-Za-z0-9]*[0-9])(?=[A-Za-z0-9]*[a-z])(?=[A-Za-z0-9]*[A-Z])[A-Za-z0-9]{10,}|'
        ~ '(?=[A-Z0-9]*[0-9])(?=[0-9]*[A-Z])[A-Z0-9]{12,})(?![0-9A-Za-z])' -%}
    {{ return({opaque_id: opaque_id_token_first}) }}
{%- endmacro %}

{#- On Spark: the same steps, translated to Java regular expressions (macros/cross_db/are_on_spark.sql).
    Spark's regexp_replace replaces every match, as the steps' `g` flag asks. -#}
{% macro spark__normalise_error_message(message, version=none) -%}
    {%- set expression = namespace(sql=message) -%}
    {%- set overrides = spark_normaliser_step_overrides() -%}
    {%- for pattern, replacement in error_normaliser_steps(version) -%}
        {%- set java = spark_java_regex_parts(overrides.get(pattern, pattern)) -%}
        {%- set expression.sql = "regexp_replace(" ~ expression.sql ~ ", " ~ spark_string_literal(java[0])
            ~ ", " ~ spark_string_literal(spark_java_replacement(replacement, java[1])) ~ ")" -%}
    {%- endfor -%}
    {%- set collapsed = "regexp_replace(" ~ expression.sql ~ ", " ~ spark_string_literal('[' ~ spark_are_space() ~ ']+')
        ~ ", ' ')" -%}
    {%- if (version or error_normaliser_version()) | int >= 2 %}
    left(trim(trailing ' .;:,!' from trim({{ collapsed }})), 500)
    {%- else %}
    left(trim({{ collapsed }}), 500)
    {%- endif %}
{%- endmacro %}

{% macro default__normalise_error_message(message, version=none) -%}
    {{ exceptions.raise_compiler_error(
        "normalise_error_message has no implementation for adapter " ~ adapter.type()
        ~ ": add a " ~ adapter.type() ~ "__normalise_error_message macro to"
        ~ " dbt_project/macros/reliability/normalise_error_message.sql"
    ) }}
{%- endmacro %}

{#- The fingerprint: service, error class and normalised message under one normaliser version. -#}
{% macro error_fingerprint(service, error_class, normalised_message, version=none) -%}
    md5('v{{ (version or error_normaliser_version()) | int }}' || chr(31) || {{ service }} || chr(31) || {{ error_class }} || chr(31)
        || {{ normalised_message }})
{%- endmacro %}

{#- The version before the current one, or null under version 1: what error_fingerprint_versions maps from. -#}
{% macro previous_error_normaliser_version() -%}
    {%- set previous = error_normaliser_version() | int - 1 -%}
    {{ previous if previous >= 1 else 'cast(null as integer)' }}
{%- endmacro %}

{#- The fingerprint the error had under the previous normaliser version (null under version 1). -#}
{% macro previous_error_fingerprint(service, error_class, message) -%}
    {%- set previous = error_normaliser_version() | int - 1 -%}
    {%- if previous >= 1 -%}
        {{ error_fingerprint(service, error_class, normalise_error_message(message, previous), previous) }}
    {%- else -%}
        cast(null as text)
    {%- endif -%}
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

{#- On Spark: no `distinct on` nor lateral join, so every rule meets every signature in one join and a window
    keeps the rule of the lowest priority (nulls last, as Postgres orders them); the rules' patterns are
    Postgres AREs, matched by spark_are_rlike. -#}
{% macro spark__categorise_signatures(signatures, rules) -%}
    select
        error_class,
        normalised_message,
        http_status,
        rule_priority,
        category
    from (
        select
            signatures.error_class,
            signatures.normalised_message,
            signatures.http_status,
            matches.priority as rule_priority,
            coalesce(matches.category, 'uncategorized') as category,
            row_number() over (
                partition by signatures.error_class, signatures.normalised_message, signatures.http_status
                order by matches.priority asc nulls last
            ) as rule_rank
        from {{ signatures }} as signatures
        left join (
            select
                rules.priority,
                rules.category,
                candidates.error_class,
                candidates.normalised_message,
                candidates.http_status
            from {{ rules }} as rules
            cross join {{ signatures }} as candidates
            where
                (
                    coalesce(rules.class_pattern, '') = ''
                    or {{ spark_are_rlike('candidates.error_class', 'rules.class_pattern') }}
                )
                and (
                    coalesce(rules.message_pattern, '') = ''
                    or {{ spark_are_rlike('candidates.normalised_message', 'rules.message_pattern') }}
                )
                and (rules.status_min is null or candidates.http_status >= rules.status_min)
                and (rules.status_max is null or candidates.http_status <= rules.status_max)
        ) as matches
            on signatures.error_class = matches.error_class
            and signatures.normalised_message = matches.normalised_message
            and signatures.http_status <=> matches.http_status
    ) as ranked
    where rule_rank = 1
{%- endmacro %}

{% macro default__categorise_signatures(signatures, rules) -%}
    {{ exceptions.raise_compiler_error(
        "categorise_signatures has no implementation for adapter " ~ adapter.type()
        ~ ": add a " ~ adapter.type() ~ "__categorise_signatures macro to"
        ~ " dbt_project/macros/reliability/normalise_error_message.sql"
    ) }}
{%- endmacro %}
