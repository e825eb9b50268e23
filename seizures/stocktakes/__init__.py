"""Stocktakes (digest X-CC-06): an administrator opens a count of a warehouse or a zone, staff
scan locations and lots, the count compares what the records expect with what was found, each
discrepancy is resolved with a reason, and closing records the result and the day each counted
location was last counted."""
