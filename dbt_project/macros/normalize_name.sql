{#- Normal form used to compare names and aliases: typographic apostrophes made
    straight, accents stripped, a trailing possessive ('s) and a leading "the"
    removed, whitespace collapsed, lower case. "the Kremlin's" -> "kremlin". -#}
{% macro normalize_name(expression) -%}
    nullif(trim(regexp_replace(regexp_replace(regexp_replace(
        lower(strip_accents(replace(replace(trim({{ expression }}), '’', ''''), '‘', ''''))),
        '''s?$', ''), '^the\s+', ''), '\s+', ' ', 'g')), '')
{%- endmacro %}

{#- Stable actor id: md5 of actor type and normalised canonical name, so an actor
    first seen outside the dictionary keeps its id once it is added to it. -#}
{% macro actor_id(actor_type, name) -%}
    md5({{ actor_type }} || '|' || {{ normalize_name(name) }})
{%- endmacro %}
