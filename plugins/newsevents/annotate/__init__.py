"""spaCy annotation stage: pure Doc → rows functions and the incremental DuckDB stage.

Modules: ``roles`` (title/apposition/role lexicon), ``mentions`` (sentences, entity
mentions, surname and role-reference links), ``dates`` (date expressions against
the published date), ``events`` (event candidates from the dependency parse),
``discourse`` (targets inherited from earlier sentences of a paragraph),
``stage`` (:func:`annotate_warehouse`), ``bench`` (``run_bench``). Each module's
docstring says what its columns hold.
"""

from newsevents.annotate.stage import (
    CODE_VERSION,
    annotate_doc,
    annotate_warehouse,
    annotator_version,
    load_model,
)

__all__ = ["CODE_VERSION", "annotate_doc", "annotate_warehouse", "annotator_version", "load_model"]
