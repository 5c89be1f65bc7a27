"""Install database triggers from migrations, on the two backends the project runs on.

The rules that must never break even when a write bypasses the model (a mentor above
capacity, a paid stipend edited) are triggers; each migration gives its SQL for
PostgreSQL (one script) and SQLite (statements), and this runs the right one.
"""


def run_for_vendor(schema_editor, *, postgres: str, sqlite: list[str]) -> None:
    """Run `postgres` or each of `sqlite` as they are: params=None, so the % signs of
    PL/pgSQL's RAISE are not taken for query parameters. Any other backend is refused:
    it must not silently lose the rule."""
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(postgres, params=None)
    elif vendor == "sqlite":
        for statement in sqlite:
            schema_editor.execute(statement, params=None)
    else:
        raise NotImplementedError(f"No trigger SQL for the {vendor} backend.")
