"""Staff notifications in the console: a counter in every page's header that follows new notices
(HTMX polling), and the list that marks them read. Delivery by e-mail is `appeals.jobs.mail`."""
