from .personas import personas_fixture  # noqa: F401 (the `personas` fixture, for this folder)
