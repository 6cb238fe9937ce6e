"""Which appeals a principal reaches: every appeal of the akimat, or, for the staff of a responsible
organisation (executors), only those assigned to their own organisation.

The organisation comes from the principal's identity (the `organisation` claim: its code in this
akimat's catalogue). Lists are narrowed to what the principal reaches; an appeal asked for by its
number, or acted on, outside the reach is refused with `forbidden` and a message saying why.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from accounts.permissions import Operation, limited_to_own_organisation
from accounts.principal import Principal
from appeals.errors import AppealError
from appeals.models import Appeal, Organisation


@dataclass(frozen=True)
class Reach:
    """All appeals (`organisation_id` None), or those of one organisation."""

    organisation_id: int | None = None
    organisation_code: str = ""

    @property
    def is_everything(self) -> bool:
        return self.organisation_id is None

    def allows(self, appeal: Appeal) -> bool:
        return self.is_everything or appeal.organisation_id == self.organisation_id

    def narrow(self, appeals: QuerySet[Appeal]) -> QuerySet[Appeal]:
        return appeals if self.is_everything else appeals.filter(organisation_id=self.organisation_id)

    def require(self, appeal: Appeal) -> None:
        if self.allows(appeal):
            return
        raise AppealError.of(
            "number",
            "forbidden",
            f"№{appeal.number}: өтініш «{self.organisation_code}» ұйымыңызға берілмеген / "
            f"обращение не передано вашей организации «{self.organisation_code}»",
        )


EVERYTHING = Reach()


def reach(principal: Principal, operation: Operation = Operation.APPEAL_VIEW) -> Reach:
    """What `principal` reaches with `operation`; refused (`forbidden`) when it is limited to its own
    organisation but its identity names none, or one this akimat does not know: it sees nothing
    rather than everything, and is told why. Costs one query for a limited principal, none else."""
    if not limited_to_own_organisation(principal, operation):
        return EVERYTHING
    code = principal.organisation
    if not code:
        raise AppealError.of(
            None,
            "forbidden",
            "Тіркелгіңізде ұйым көрсетілмеген, сондықтан өтініштер көрсетілмейді: әкімшіге хабарласыңыз / "
            "В вашей учётной записи не указана организация (атрибут organisation), поэтому обращения "
            "не показываются: обратитесь к администратору",
        )
    organisation_id = Organisation.objects.filter(code=code).values_list("id", flat=True).first()
    if organisation_id is None:
        raise AppealError.of(
            None,
            "forbidden",
            f"«{code}» ұйымы бұл әкімдіктің анықтамалығында жоқ: әкімшіге хабарласыңыз / "
            f"Организации «{code}» из вашей учётной записи нет в справочнике этого акимата: "
            "обратитесь к администратору",
        )
    return Reach(organisation_id, code)
