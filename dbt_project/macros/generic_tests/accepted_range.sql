{#- Generic test: every non-null value of the column lies within [min_value, max_value]. -#}
{% test accepted_range(model, column_name, min_value, max_value) %}

select *
from {{ model }}
where {{ column_name }} < {{ min_value }}
    or {{ column_name }} > {{ max_value }}

{% endtest %}
