"""Identity and access: who is calling (a Principal) and what each role may do (the permission matrix)."""
