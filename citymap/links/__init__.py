"""Which map object an appeal is about (citymap.models.AppealObject): linked by the operator, by an
outage, or read from an appeal's `objectKey` (`kind:external_id`)."""
