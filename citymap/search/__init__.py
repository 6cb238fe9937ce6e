"""Address search: normalisation (citymap.search.normalise), ranked search (addresses), reverse
lookup from a pin (nearest)."""
