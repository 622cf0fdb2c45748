"""Security tests, tried as an attacker would (issue 8 part C). A test-only package: nothing
here is an installed app; the tests live in `tests/`, the answers to bandit in BANDIT.md."""
