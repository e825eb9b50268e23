"""Pages of the bulk intake: the import form and the result page of each imported file."""
