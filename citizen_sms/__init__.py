"""Citizens hear back by SMS when their appeal is answered (decision 103): an optional app, on when
SMS_PROVIDER_URL is set, through the federation outbox like the integrators' webhooks."""
