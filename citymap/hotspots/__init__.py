"""Where and what goes wrong most: appeal density as vector tiles (`tiles`, served by `views`) and
the objects ranked by their appeals (`ranking`), by category and period."""
