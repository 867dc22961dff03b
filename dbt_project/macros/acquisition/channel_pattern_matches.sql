{#-
    Whether a touchpoint field matches one pattern of the channel mapping seed (seeds/acquisition).

    A pattern is a SQL `like` pattern on the cleaned (lower case, trimmed) value: `%` is any run of
    characters, `_` any one character. Two pattern values mean more:
      - empty (null or ''): any value, an empty field included;
      - `<empty>`: the field must be empty.
    `%` alone therefore means "any non-empty value". Portable SQL, no adapter specifics.
-#}
{% macro channel_pattern_matches(value, pattern) -%}
    (
        coalesce({{ pattern }}, '') = ''
        or ({{ pattern }} = '<empty>' and {{ value }} is null)
        or ({{ pattern }} <> '<empty>' and {{ value }} like {{ pattern }})
    )
{%- endmacro %}
