"""The 112 dispatchers' inbox on the regional host (`/112/`): the register's incidents live, and the
dispatcher's steps, each sending the incident's status back to the 109 line."""
