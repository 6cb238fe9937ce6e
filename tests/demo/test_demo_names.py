"""The demo people are named as the region's staff are, not after their role and akimat."""

from __future__ import annotations

import re

from demo.dev_realm import demo_users

SLUGS = ["petropavlovsk", "kyzylzhar", "esil", "akkayin", "aiyrtau", "akzhar", "mamlyut", "shal-akyn"]


def test_every_demo_person_has_a_name_of_their_own_in_cyrillic():
    users = demo_users(SLUGS, lambda slug: f"{slug}-org")
    names = [f"{u.first_name} {u.last_name}" for u in users]
    assert len(set(names)) == len(names) == len(SLUGS) * 6 + 4
    assert all(re.fullmatch(r"[А-ЯЁ][а-яё]+ [А-ЯЁ][а-яё]+", name) for name in names), names
    assert not any(word in name for name in names for word in ("Оператор", "Petropavlovsk", "Region"))
    # The women's family names end as theirs do; the same person on every run.
    assert names[0] == "Айгерим Садыкова" and names[1] == "Ерлан Бекенов"
    assert [u.username for u in users][:2] == ["operator.petropavlovsk", "executor.petropavlovsk"]
    assert users[1].organisation == "petropavlovsk-org" and users[0].organisation is None
    assert all(u.organisation is None for u in users if u.tenant is None)
