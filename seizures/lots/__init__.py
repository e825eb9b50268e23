"""Lots: their list and ageing list, the lot page and its actions (condition, reclassify,
amend, move, sample, release) and the lot labels."""
