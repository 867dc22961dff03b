{#-
    The text the ticket rules read: the subject and the customer's own words of the body, in lower case.

    Mail brings text the customer did not write for this request, and a rule that read it would file the
    ticket by the agent's earlier reply or the signature. So the body loses, in this order:
      - everything from a reply header on: "On Tue, ... wrote:", "Am ... schrieb ...:", "El ... escribió:",
        "Le ... a écrit :", "-----Original Message-----", a forwarded-message marker, an Outlook "From: /
        Sent:" header;
      - every quoted line (starting with `>`);
      - everything from a signature on: a `-- ` line, "Sent from my iPhone" and its German, Spanish and
        French forms, "Get Outlook for ...", and a confidentiality disclaimer.
    Typographic apostrophes become `'`, so a rule writes "can'?t" once; trailing blank lines go.
-#}
{% macro ticket_rule_text(subject, body) -%}
    {{ return(adapter.dispatch('ticket_rule_text')(subject, body)) }}
{%- endmacro %}

{% macro postgres__ticket_rule_text(subject, body) -%}
    lower(
        translate(coalesce({{ subject }}, ''), '’‘', '''''')
        || E'\n'
        || rtrim(regexp_replace(
            regexp_replace(
                regexp_replace(
                    translate(coalesce({{ body }}, ''), '’‘', ''''''),
                    E'(\\n[^\\n]*\\m(wrote|schrieb|escribió|a écrit)\\s*:|\\n-{2,}\\s*(original message|ursprüngliche nachricht|mensaje original|message d''origine|forwarded message)|\\nfrom: [^\\n]*\\n(sent|date): ).*$',
                    '',
                    'i'
                ),
                E'(^|\\n)[ \\t]*>[^\\n]*',
                '\1',
                'g'
            ),
            E'(\\n--[ \\t]*\\n|(sent from my|von meinem [^\\n]* gesendet|enviado desde mi|envoyé de mon|get outlook for)|this (e-?mail|message)[^\\n]{0,80}confidential).*$',
            '',
            'i'
        ), E' \t\r\n')
    )
{%- endmacro %}

{#- On Spark: the same three expressions, written here as the AREs above and translated to Java
    (macros/cross_db/are_on_spark.sql); their `i` flag is the translation's `(?iu)`. Each matches once at
    most (it runs to the end of the text), so Spark replacing every match changes nothing. -#}
{% macro spark__ticket_rule_text(subject, body) -%}
    {%- set reply_header = "(?i)(\\n[^\\n]*\\m(wrote|schrieb|escribió|a écrit)\\s*:|\\n-{2,}\\s*(original message|"
        ~ "ursprüngliche nachricht|mensaje original|message d'origine|forwarded message)|\\nfrom: [^\\n]*\\n(sent|"
        ~ "date): ).*$" -%}
    {%- set quoted_line = "(^|\\n)[ \\t]*>[^\\n]*" -%}
    {%- set signature = "(?i)(\\n--[ \\t]*\\n|(sent from my|von meinem [^\\n]* gesendet|enviado desde mi|envoyé de mon|"
        ~ "get outlook for)|this (e-?mail|message)[^\\n]{0,80}confidential).*$" -%}
    lower(
        translate(coalesce({{ subject }}, ''), '’‘', '\'\'')
        || '\n'
        || trim(trailing ' \t\r\n' from regexp_replace(
            regexp_replace(
                regexp_replace(
                    translate(coalesce({{ body }}, ''), '’‘', '\'\''),
                    {{ spark_string_literal(spark_java_regex(reply_header)) }},
                    ''
                ),
                {{ spark_string_literal(spark_java_regex(quoted_line)) }},
                '$1'
            ),
            {{ spark_string_literal(spark_java_regex(signature)) }},
            ''
        ))
    )
{%- endmacro %}

{% macro default__ticket_rule_text(subject, body) -%}
    {{ exceptions.raise_compiler_error(
        "ticket_rule_text has no implementation for adapter " ~ adapter.type()
        ~ ": add a " ~ adapter.type() ~ "__ticket_rule_text macro to dbt_project/macros/support/ticket_rule_text.sql"
    ) }}
{%- endmacro %}
