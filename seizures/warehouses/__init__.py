"""Warehouses and their storage locations: occupancy, location labels, scan-and-move."""
