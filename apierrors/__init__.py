"""The API's errors, one shape everywhere: the codes the server may send (`codes`), the caller's
language (`language`) and the JSON envelope of answers outside GraphQL's own (`envelope`).

A leaf: it imports nothing of ours, so identity, the domains and the wiring all use it.
"""
