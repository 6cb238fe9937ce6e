"""Fill the kk and ru catalogues from platform/i18n/translations.json (msgid -> {kk, ru}).

`make messages` runs makemessages, then this; a test fails while any console msgid lacks either
translation, so no English reaches a Kazakh or Russian screen.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parents[2]


def main() -> int:
    table = json.loads((ROOT / "platform/i18n/translations.json").read_text(encoding="utf-8"))
    missing: list[str] = []
    for language in ("kk", "ru"):
        path = ROOT / "locale" / language / "LC_MESSAGES" / "django.po"
        catalogue = polib.pofile(str(path))
        for entry in catalogue:
            known = table.get(entry.msgid, {}).get(language)
            if known:
                entry.msgstr = known
                if "fuzzy" in entry.flags:
                    entry.flags.remove("fuzzy")
                # msgmerge's guess from a similar msgid ("#| msgid ..."): ours is the translation.
                entry.previous_msgid = entry.previous_msgid_plural = entry.previous_msgctxt = None
            elif not entry.msgstr or "fuzzy" in entry.flags:  # a fuzzy guess is never shown: missing
                missing.append(f"{language}: {entry.msgid}")
        catalogue.save(str(path))
    for line in missing:
        print("untranslated", line)
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
