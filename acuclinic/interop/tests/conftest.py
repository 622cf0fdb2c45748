from acuclinic.clinic.tests.personas import personas_fixture  # noqa: F401 (the `personas` fixture)
