"""Operators' tools that span every layer (backups of one akimat); nothing of the product imports them."""
