"""The demo people are named as the region's staff are, not after their role and akimat."""

from __future__ import annotations

import re

from demo.dev_realm import demo_users

# The region's akimats as the demo onboards them, and the integrators' sandbox.
SLUGS = (
    "petropavlovsk",
    "aiyrtau",
    "akzhar",
    "magzhan-zhumabaev",
    "esil",
    "zhambyl",
    "kyzylzhar",
    "mamlyut",
    "shal-akyn",
    "akkayin",
    "taiynsha",
    "timiryazev",
    "ualikhanov",
    "gabit-musrepov",
    "sandbox",
)


def test_every_demo_person_has_a_name_of_their_own_in_cyrillic():
    users = demo_users(SLUGS, lambda slug: f"{slug}-org")
    names = [f"{u.first_name} {u.last_name}" for u in users]
    assert len(set(names)) == len(names) == len(SLUGS) * 6 + 4
    assert all(re.fullmatch(r"[А-ЯЁ][а-яё]+ [А-ЯЁ][а-яё]+", name) for name in names), names
    assert not any(word in name for name in names for word in ("Оператор", "Petropavlovsk", "Region"))
    assert users[1].organisation == "petropavlovsk-org" and users[0].organisation is None
    assert all(u.organisation is None for u in users if u.tenant is None)


def test_a_person_keeps_their_name_whatever_akimats_are_seeded():
    """The browser tests seed three akimats, `make run` all of them: the same person either way."""
    every = {u.username: (u.first_name, u.last_name) for u in demo_users(SLUGS)}
    some = {u.username: (u.first_name, u.last_name) for u in demo_users(["esil", "kyzylzhar"])}
    assert some.items() <= every.items()
    # Women's family names in their form.
    women = [u for u in demo_users(SLUGS) if u.first_name in ("Айгерим", "Асель", "Ольга")]
    assert women and all(u.last_name.endswith(("ова", "ева", "ёва")) for u in women)
