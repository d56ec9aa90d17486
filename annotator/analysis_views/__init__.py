"""Outlet analysis pages for leads: the analysis tables, plots, outlets and story views."""
