"""The 109 service inside one akimat: appeals from intake to call-back, SLA, accountability, repeats.

Public facade for other apps (federation, emergency_112, consoles):
- `appeals.actions`: every state change (create, register, assign, ... close), each taking the acting
  `accounts.principal.Principal` and writing its event row in the same transaction;
- `appeals.events.register_listener`: react inside that transaction to every appeal event;
- `appeals.models.AppealEvent`: the append-only event log (read it, never write it directly).
"""
