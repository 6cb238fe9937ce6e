"""Field checks the catalogue edits share; each mistake is a `Problem` naming its field, with a
Kazakh / Russian message, so a settings page can put it next to what was typed."""

from __future__ import annotations

import re

from appeals.errors import AppealError, Problem

CODE = re.compile(r"^[a-z0-9][a-z0-9-]{0,59}$")


class Problems:
    """Collects every mistake of one edit, so the person sees them all at once."""

    def __init__(self) -> None:
        self.found: list[Problem] = []

    def add(self, field: str | None, code: str, message: str) -> None:
        self.found.append(Problem(field, code, message))

    def raise_any(self) -> None:
        if self.found:
            raise AppealError(*self.found)

    def text(self, field: str, value: str, *, max_length: int, required: bool = True) -> str:
        text = " ".join((value or "").split())
        if required and not text:
            self.add(field, "required", "Толтыру міндетті / Обязательное поле")
        elif len(text) > max_length:
            self.add(
                field,
                "too_long",
                f"{max_length} таңбадан аспауы керек / Не длиннее {max_length} символов",
            )
        return text

    def whole(self, field: str, value: object, *, low: int, high: int) -> int:
        try:
            number = int(str(value).strip())
        except (TypeError, ValueError):
            self.add(field, "not_a_number", "Бүтін сан енгізіңіз / Введите целое число")
            return 0
        if not low <= number <= high:
            self.add(
                field,
                "out_of_range",
                f"{low}–{high} аралығында болуы керек / Должно быть от {low} до {high}",
            )
        return number

    def choice(self, field: str, value: str, allowed: list[str]) -> str:
        if value not in allowed:
            self.add(field, "invalid_choice", "Тізімнен таңдаңыз / Выберите из списка")
        return value

    def code(self, field: str, value: str) -> str:
        code = (value or "").strip().lower()
        if not CODE.match(code):
            self.add(
                field,
                "invalid_code",
                "Латын әріптері, цифрлар және сызықша (60 таңбаға дейін) / "
                "Латинские буквы, цифры и дефис (до 60 символов)",
            )
        return code
