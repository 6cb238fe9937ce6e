"""Tenant registry (public schema): the region, its akimats, their domains and onboarding."""
