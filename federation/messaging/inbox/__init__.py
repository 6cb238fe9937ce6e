"""The receiving side, in every schema (each akimat and the region): receipts, ordering cursors, probes."""
