"""Transfers between akimats: the appeal travels to the receiving akimat as `appeals.transfer`, and the
receiver's status comes back as `appeals.transfer_status` until its appeal is closed."""
