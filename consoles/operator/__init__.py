"""The 109 operator's workspace: queues, the appeal page with its transitions, intake."""
