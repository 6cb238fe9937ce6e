"""The akimat's dashboard for supervisors, akims and analysts (`reports.view`)."""
