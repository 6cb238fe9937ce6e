"""The map object's card: everything the operator sees about an object while the citizen is on the
line, in a fixed number of queries."""
