"""One module per mutation; `AppealsMutation` assembles them."""

import graphene

from appeals.api.mutations.assign_appeal import AssignAppeal
from appeals.api.mutations.cancel_appeal import CancelAppeal
from appeals.api.mutations.close_appeal import CloseAppeal
from appeals.api.mutations.create_appeal import CreateAppeal
from appeals.api.mutations.escalate_to_region import EscalateToRegion
from appeals.api.mutations.forward_to_112 import ForwardTo112
from appeals.api.mutations.keep_separate import KeepSeparate
from appeals.api.mutations.link_as_repeat import LinkAsRepeat
from appeals.api.mutations.mark_done import MarkDone
from appeals.api.mutations.mark_not_done import MarkNotDone
from appeals.api.mutations.record_callback import RecordCallback
from appeals.api.mutations.register_appeal import RegisterAppeal
from appeals.api.mutations.reject_appeal import RejectAppeal
from appeals.api.mutations.reopen_appeal import ReopenAppeal
from appeals.api.mutations.start_work import StartWork
from appeals.api.mutations.transfer_appeal import TransferAppeal
from appeals.api.mutations.violations import CloseViolation, ProposeSanction, RecordExplanation


class AppealsMutation(graphene.ObjectType):
    create_appeal = CreateAppeal.Field()
    register_appeal = RegisterAppeal.Field()
    assign_appeal = AssignAppeal.Field()
    start_work = StartWork.Field()
    mark_done = MarkDone.Field()
    mark_not_done = MarkNotDone.Field()
    reject_appeal = RejectAppeal.Field()
    record_callback = RecordCallback.Field()
    close_appeal = CloseAppeal.Field()
    reopen_appeal = ReopenAppeal.Field()
    cancel_appeal = CancelAppeal.Field()
    link_as_repeat = LinkAsRepeat.Field()
    keep_separate = KeepSeparate.Field()
    forward_to_112 = ForwardTo112.Field()
    record_explanation = RecordExplanation.Field()
    propose_sanction = ProposeSanction.Field()
    close_violation = CloseViolation.Field()
    transfer_appeal = TransferAppeal.Field()
    escalate_to_region = EscalateToRegion.Field()
