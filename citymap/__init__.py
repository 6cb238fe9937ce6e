"""The city map inside each akimat: its houses, yards, streets and utility objects with who answers
for each, address search in Kazakh and Russian, the map object's card, known outages and the places
where things go wrong most. Builds on `appeals` (organisations, people, appeals, call-backs);
`appeals` knows nothing of it."""
