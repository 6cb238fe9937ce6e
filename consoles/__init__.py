"""The akimat staff's pages (operator, executor, supervisor, akim, analyst, lawyer, settings).

Above the domains: views call `appeals.actions` and read services, never GraphQL resolvers, and no
domain imports this package (an import contract holds it).
"""
