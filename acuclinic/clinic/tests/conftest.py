from .personas import personas  # noqa: F401 (a fixture for every test in this folder)
