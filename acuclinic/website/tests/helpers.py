"""Build comment submissions the way a real browser would, spam defences included."""

import time

import altcha
from django.core import signing
from django.test import Client

from acuclinic.website import proof_of_work
from acuclinic.website.page_cache import FORM_STARTED_SALT

ARTICLE = "/articles/back-pain-relief-with-acupuncture/"


def solved_challenge(client: Client) -> str:
    data = client.get("/comments/challenge/").json()
    challenge = altcha.Challenge.from_dict(data)
    solution = altcha.solve_challenge(challenge)
    assert solution is not None
    return altcha.Payload(challenge, solution).to_base64()


def started(seconds_ago: float = 30) -> str:
    return signing.Signer(salt=FORM_STARTED_SALT).sign(f"{time.time() - seconds_ago:.3f}")


def comment_data(client: Client, **overrides: object) -> dict:
    data = {
        "body": "Thank you, this helped me understand what to expect.",
        "name": "Rosa Delgado",
        "email": "rosa@example.org",
        "website": "",
        "parent": "",
        "homepage": "",
        "started": started(),
        "altcha": solved_challenge(client),
    }
    data.update({k: v for k, v in overrides.items()})
    return data


__all__ = ["ARTICLE", "comment_data", "proof_of_work", "solved_challenge", "started"]
