"""Known outages: declared (`actions.declare_outage`), found at a caller's address (`reads`), calls
linked to them with no new work order (`actions.link_call`), ended with every caller put in the
call-back queue (`actions.end_outage`), listed for the public (`reads.current_outages`)."""
