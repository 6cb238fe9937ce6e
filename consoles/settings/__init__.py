"""The akimat's own settings (supervisor, catalogue.manage): categories, organisations and people,
routing areas on the map, the working calendar, the exchange secret, and the log of every change."""
