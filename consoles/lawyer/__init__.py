"""The lawyer's register of violations: states, each person's year, the actions, the printable act."""
