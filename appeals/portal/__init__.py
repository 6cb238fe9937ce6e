"""The citizens' portal: appeals a citizen sends from the akimat's site (decision 100)."""
