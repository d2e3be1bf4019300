{#- The head of an incremental event model: every row of `relation` (a ref()), and on an
    incremental build only the rows annotated since the model's last build (annotated_at at
    or after the latest one it holds; articles re-annotated since come again and replace
    theirs through unique_key article_id). Used by int_event_candidates_sources_resolved,
    int_event_candidates_participant_targets and int_event_candidates_resolved_to_actors. -#}
{% macro rows_since_last_build(relation) -%}
    select * from {{ relation }}

    {% if is_incremental() %}
        where annotated_at >= (
            select coalesce(max(this.annotated_at), cast('1900-01-01' as timestamp))
            from {{ this }} as this
        )
    {% endif %}
{%- endmacro %}
