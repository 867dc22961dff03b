-- sqlfluff:exclude_rules:LT02
{#- (sqlfluff's Jinja tracer reads the nested loops of these Jinja-only macros as SQL layout.) -#}
{#-
    Postgres advanced regular expressions (AREs) as Java ones, for the loops' `spark__` macros: the
    normaliser's steps, the trace frame pattern and the seeds' rule patterns are written once, in the Postgres
    dialect, and Spark runs Java's regex engine. What differs, and what the translation does:

      - `.` and `[^...]` cross newlines in an ARE unless it starts with `(?n)`; Java's `.` never does. An ARE
        without `(?n)` gets `(?s)`; one with `(?n)` gets `(?m)` and `(?d)` (only `\n` ends a line) and `\n` is
        added to every negated bracket, which under `(?n)` never crosses a newline in Postgres.
      - `$` outside `(?n)` is the end of the text in Postgres; Java's also matches before a final newline: `\z`.
      - Brackets: `[[:space:]]` and its kin become Java classes, a `]` first in a bracket and a `[` or `&`
        inside one are escaped (Java reads `[` inside a bracket as a nested class and `&&` as intersection).
      - White space (`[[:space:]]`, `\s`) is the set Postgres' regex engine takes in a C.UTF-8 database (the
        ASCII six and fourteen Unicode spaces, not the no-break ones): Java's `\s` is ASCII only.
      - A word character (`\w`, and `\m` and `\M`, word start and end, as lookarounds on it) is a letter, a
        digit or `_` of any script, as glibc's iswalnum (Java's `\w` is ASCII, its `(?U)\w` takes combining
        marks too): `\p{IsAlphabetic}\p{IsDigit}_` differs from Postgres on 59 of 65,000 code points (newer
        Unicode letters glibc lacks). `\Z` is `\z`.
      - Replacements: `\1` is `$1`, a literal `$` is `\$`, and a reference to a group the pattern lacks is
        dropped (Postgres inserts nothing there; Java throws).

    Not translated, because no pattern of the project uses them: `\y`, `\Y`, back references inside a
    pattern, and non-greedy quantifiers (whose ARE semantics differ from Perl's). Postgres takes the longest
    of the alternatives that match at a position, Java the first: the normaliser's tokens end on boundary
    lookaheads, so both engines find the same matches on the tests' messages (tests/spark/test_loop_macros.py).
-#}

{#- One ARE as the text of a Java regular expression (compile time: the pattern is a constant). -#}
{% macro spark_java_regex(pattern) -%}
    {{ return(spark_java_regex_parts(pattern)[0]) }}
{%- endmacro %}

{#- [the Java regex, its number of capturing groups, its top-level alternatives (Java), its flags, the number of
    groups opened up to the end of each alternative]. -#}
{% macro spark_java_regex_parts(pattern) -%}
    {%- set re = modules.re -%}
    {%- set state = namespace(body=pattern, newline_sensitive=false, case_insensitive=false, out='',
        alternative='', alternatives=[], alternative_groups=[], depth=0, groups=0) -%}
    {%- set leading = re.match('^\\(\\?([a-z]+)\\)', pattern) -%}
    {%- if leading -%}
        {%- set state.newline_sensitive = 'n' in leading.group(1) -%}
        {%- set state.case_insensitive = 'i' in leading.group(1) -%}
        {%- set state.body = pattern[leading.end():] -%}
    {%- endif -%}
    {%- set word = spark_are_word() -%}
    {%- set classes = {'space': spark_are_space(), 'digit': '0-9', 'alpha': '\\p{IsAlphabetic}',
        'alnum': '\\p{IsAlphabetic}\\p{IsDigit}', 'upper': '\\p{IsUppercase}', 'lower': '\\p{IsLowercase}',
        'punct': '\\p{Punct}', 'xdigit': '0-9A-Fa-f'} -%}
    {%- set tokens = re.findall('\\[\\^?\\]?(?:\\[:[a-z]+:\\]|\\\\.|[^\\]])*\\]|\\\\.|\\(\\?[:=!]|\\(\\?<[=!]|[\\s\\S]', state.body) -%}
    {%- for token in tokens -%}
        {%- set piece = namespace(text=token) -%}
        {%- if token | length > 1 and token[0] == '[' -%}
            {%- set negated = token[1] == '^' -%}
            {%- set inner = token[2:-1] if negated else token[1:-1] -%}
            {%- set members = namespace(text='') -%}
            {%- for part in re.findall('\\[:[a-z]+:\\]|\\\\.|[\\s\\S]', inner) -%}
                {%- if part[:2] == '[:' -%}
                    {%- set members.text = members.text ~ classes[part[2:-2]] -%}
                {%- elif part == '\\s' -%}
                    {%- set members.text = members.text ~ spark_are_space() -%}
                {%- elif part == '\\w' -%}
                    {%- set members.text = members.text ~ word -%}
                {%- elif part in ['[', ']', '&'] -%}
                    {%- set members.text = members.text ~ '\\' ~ part -%}
                {%- else -%}
                    {%- set members.text = members.text ~ part -%}
                {%- endif -%}
            {%- endfor -%}
            {%- if negated and state.newline_sensitive -%}
                {%- set members.text = members.text ~ '\\n' -%}
            {%- endif -%}
            {%- set piece.text = '[' ~ ('^' if negated else '') ~ members.text ~ ']' -%}
        {%- elif token in ['\\s', '\\S'] -%}
            {%- set piece.text = ('[' if token == '\\s' else '[^') ~ spark_are_space() ~ ']' -%}
        {%- elif token in ['\\w', '\\W'] -%}
            {%- set piece.text = ('[' if token == '\\w' else '[^') ~ word ~ ']' -%}
        {%- elif token == '\\m' -%}
            {%- set piece.text = '(?<![' ~ word ~ '])(?=[' ~ word ~ '])' -%}
        {%- elif token == '\\M' -%}
            {%- set piece.text = '(?<=[' ~ word ~ '])(?![' ~ word ~ '])' -%}
        {%- elif token == '\\Z' -%}
            {%- set piece.text = '\\z' -%}
        {%- elif token == '$' and not state.newline_sensitive -%}
            {%- set piece.text = '\\z' -%}
        {%- elif token == '(' -%}
            {%- set state.groups = state.groups + 1 -%}
        {%- endif -%}
        {%- if token[0] == '(' -%}
            {%- set state.depth = state.depth + 1 -%}
        {%- elif token == ')' -%}
            {%- set state.depth = state.depth - 1 -%}
        {%- endif -%}
        {%- if token == '|' and state.depth == 0 -%}
            {%- do state.alternatives.append(state.alternative) -%}
            {%- do state.alternative_groups.append(state.groups) -%}
            {%- set state.alternative = '' -%}
        {%- else -%}
            {%- set state.alternative = state.alternative ~ piece.text -%}
        {%- endif -%}
        {%- set state.out = state.out ~ piece.text -%}
    {%- endfor -%}
    {%- do state.alternatives.append(state.alternative) -%}
    {%- do state.alternative_groups.append(state.groups) -%}
    {%- set flags = ('(?md)' if state.newline_sensitive else '(?s)') ~ ('(?iu)' if state.case_insensitive else '') -%}
    {{ return([flags ~ state.out, state.groups, state.alternatives, flags, state.alternative_groups]) }}
{%- endmacro %}

{#- The members of a Java bracket for Postgres' white space in a C.UTF-8 database (glibc's iswspace), as
    `select chr(c) ~ '[[:space:]]'` lists them. -#}
{% macro spark_are_space() -%}
    {{ return('\\t\\n\\x0B\\f\\r \\x{1680}\\x{2000}-\\x{2006}\\x{2008}-\\x{200A}\\x{2028}\\x{2029}\\x{205F}\\x{3000}') }}
{%- endmacro %}

{#- The members of a Java bracket for Postgres' word characters in a C.UTF-8 database (`\w`). -#}
{% macro spark_are_word() -%}
    {{ return('\\p{IsAlphabetic}\\p{IsDigit}_') }}
{%- endmacro %}

{#- An ARE replacement as a Java one, for a pattern of `groups` capturing groups. -#}
{% macro spark_java_replacement(replacement, groups) -%}
    {%- set out = namespace(text='') -%}
    {%- for token in modules.re.findall('\\\\[\\s\\S]|[\\s\\S]', replacement) -%}
        {%- if token == '\\&' -%}
            {%- set out.text = out.text ~ '$0' -%}
        {%- elif token[0] == '\\' and token[1] in '123456789' -%}
            {%- if token[1] | int <= groups -%}
                {%- set out.text = out.text ~ '$' ~ token[1] -%}
            {%- endif -%}
        {%- elif token == '$' -%}
            {%- set out.text = out.text ~ '\\$' -%}
        {%- else -%}
            {%- set out.text = out.text ~ token -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(out.text) }}
{%- endmacro %}

{#- A text as a Spark SQL string literal (Spark reads backslash escapes in literals). -#}
{% macro spark_string_literal(text) -%}
    '{{ text | replace("\\", "\\\\") | replace("'", "\\'") }}'
{%- endmacro %}

{#-
    Whether a value matches a rule pattern of a seed (ticket_rules, error_category_rules): Postgres' `~*`,
    on Spark. The pattern is a column, so it is translated at run time, by text replacement: case-insensitive
    for every script (`(?iu)`), `.` crossing newlines, `\w`, `\m` and `\M` on the word characters above, `\s`
    as the white space above and `\d` as ASCII digits (glibc's iswdigit). The seeds use nothing else of the
    ARE dialect that Java reads otherwise (no `$`, POSIX bracket classes or `\y`): tests/spark/test_loop_macros.py
    checks every pattern of both seeds on both engines. spark__regex_matches (regex.sql) calls it.
-#}
{% macro spark_are_rlike(value, pattern) -%}
    {%- set word = '[' ~ spark_are_word() ~ ']' -%}
    {%- set replacements = [
        ('\\m', '(?<!' ~ word ~ ')(?=' ~ word ~ ')'), ('\\M', '(?<=' ~ word ~ ')(?!' ~ word ~ ')'),
        ('\\w', word), ('\\d', '[0-9]'), ('\\s', '[' ~ spark_are_space() ~ ']')] -%}
    {%- set translated = namespace(sql=pattern) -%}
    {%- for are, java in replacements -%}
        {%- set translated.sql = 'replace(' ~ translated.sql ~ ', ' ~ spark_string_literal(are) ~ ', '
            ~ spark_string_literal(java) ~ ')' -%}
    {%- endfor -%}
    {{ return('(' ~ value ~ " rlike concat('(?isu)', " ~ translated.sql ~ '))') }}
{%- endmacro %}
