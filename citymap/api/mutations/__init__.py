"""One module per mutation; `CityMapMutation` assembles them."""

import graphene

from citymap.api.mutations.declare_outage import DeclareOutage
from citymap.api.mutations.end_outage import EndOutage
from citymap.api.mutations.link_appeal_to_object import LinkAppealToObject
from citymap.api.mutations.link_call_to_outage import LinkCallToOutage


class CityMapMutation(graphene.ObjectType):
    declare_outage = DeclareOutage.Field()
    link_call_to_outage = LinkCallToOutage.Field()
    end_outage = EndOutage.Field()
    link_appeal_to_object = LinkAppealToObject.Field()
