"""The executor's console, phone first: the organisation's appeals, start work, done or not done
with a comment and photos that a weak connection does not lose."""
