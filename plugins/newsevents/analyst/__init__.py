"""The analyst side: ``sql`` (read-only connections with search helpers, ``newsevents
query`` and its formats, example analyses), ``shell`` (``make sql``), ``docs`` (the
dbt docs site of the published warehouse, ``make docs``) and ``report`` (``newsevents
report``, one HTML page of charts)."""
