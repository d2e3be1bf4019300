{#- Words that state a person's affiliation next to the name (int_affiliations_stated).
    They live here, not in a seed, because the model compiles them into constant regular
    expressions (DuckDB compiles a pattern read from a table again for every row).
    * role: a role any organisation gives ("director", "spokesman", "official");
    * office: a public-office title ("governor", "Sen.", "minister"), a role too, and
      the only kind that links a person to a country or a place;
    * party_role: a role only a party gives ("candidate", "nominee", "challenger");
    * modifier: lower-case words allowed before a role ("former", "state", "acting").
    Lower case as written, longest first; abbreviations keep their dot. -#}
{% macro affiliation_terms() -%}
    {{ return({
        'role': [
            'chief executive officer', 'executive director', 'general secretary',
            'inspector general', 'managing director', 'secretary general', 'secretary-general',
            'director general', 'director-general', 'acting director', 'chief executive',
            'deputy director', 'general counsel', 'press secretary', 'administrator',
            'vice chairman', 'board member', 'spokesperson', 'chairperson', 'coordinator',
            'spokeswoman', 'chairwoman', 'co-founder', 'negotiator', 'researcher', 'vice chair',
            'cofounder', 'commander', 'economist', 'executive', 'organiser', 'organizer',
            'professor', 'spokesman', 'activist', 'chairman', 'diplomat', 'director', 'employee',
            'lecturer', 'official', 'admiral', 'adviser', 'advisor', 'analyst', 'colonel',
            'counsel', 'founder', 'general', 'manager', 'officer', 'partner', 'staffer', 'trustee',
            'editor', 'expert', 'fellow', 'lawyer', 'leader', 'member', 'warden', 'chair', 'chief',
            'aide', 'head', 'ceo'
        ],
        'office': [
            'deputy prime minister', 'member of parliament', 'assistant secretary',
            'lieutenant governor', 'secretary of state', 'district attorney', 'solicitor general',
            'attorney general', 'assembly member', 'deputy minister', 'majority leader',
            'minority leader', 'president-elect', 'under secretary', 'council member',
            'prime minister', 'representative', 'superintendent', 'undersecretary',
            'vice president', 'assemblywoman', 'chief justice', 'congresswoman', 'councilmember',
            'commissioner', 'councilwoman', 'deputy mayor', 'assemblyman', 'comptroller',
            'congressman', 'ambassador', 'chancellor', 'councilman', 'legislator', 'prosecutor',
            'president', 'secretary', 'treasurer', 'alderman', 'attorney', 'governor', 'lawmaker',
            'lt. gov.', 'minister', 'justice', 'monarch', 'premier', 'senator', 'sheriff',
            'speaker', 'consul', 'sultan', 'envoy', 'judge', 'mayor', 'queen', 'emir', 'gov.',
            'king', 'rep.', 'sen.', 'whip', 'mp'
        ],
        'party_role': [
            'challenger', 'strategist', 'candidate', 'incumbent', 'operative', 'nominee'
        ],
        'modifier': [
            'communications', 'presumptive', 'first-term', 'assistant', 'associate', 'embattled',
            'executive', 'long-time', 'district', 'freshman', 'incoming', 'longtime', 'national',
            'one-time', 'outgoing', 'regional', 'retiring', 'current', 'elected', 'federal',
            'general', 'interim', 'leading', 'onetime', 'schools', 'sitting', 'special', 'veteran',
            'acting', 'county', 'deputy', 'fellow', 'former', 'junior', 'school', 'senior',
            'chief', 'local', 'newly', 'party', 'press', 'state', 'city', 'then', 'vice', 'new',
            'top', 'ex'
        ],
    }) }}
{%- endmacro %}

{#- A regular expression (no quotes): a group alternating the terms of the given kinds,
    dots escaped; case-insensitive unless case_sensitive. -#}
{% macro affiliation_alternation(kinds, case_sensitive=false) -%}
    {%- set terms = affiliation_terms() -%}
    {%- set ns = namespace(items=[]) -%}
    {%- for kind in kinds -%}
        {%- for term in terms[kind] -%}
            {%- set ns.items = ns.items + [term | replace('.', '\\.')] -%}
        {%- endfor -%}
    {%- endfor -%}
    {{ '(?:' if case_sensitive else '(?i:' }}{{ ns.items | join('|') }})
{%- endmacro %}

{#- A boolean SQL expression: column matches before + role + after (regular expressions,
    SQL-quoted already), with the roles that can link a person to an actor of each kind
    (columns is_place, is_party): a place only through a public office, a party also
    through candidates, nominees and challengers, anything else through any role. -#}
{% macro affiliation_role_matches(column, before, after) -%}
    {%- set by_kind = [
        ('is_place', affiliation_alternation(['office'])),
        ('is_party and not is_place', affiliation_alternation(['role', 'office', 'party_role'])),
        ('not is_party and not is_place', affiliation_alternation(['role', 'office'])),
    ] -%}
    (
    {%- for condition, roles in by_kind -%}
        {{ ' or ' if not loop.first }}({{ condition }} and regexp_matches({{ column }}, '{{ before }}{{ roles }}{{ after }}'))
    {%- endfor -%}
    )
{%- endmacro %}
