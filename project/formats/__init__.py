"""The project's overrides of Django's locale formats (FORMAT_MODULE_PATH): pages write dates
with the locale's DATE_FORMAT ("2 Mar 2026") and times on the 24-hour clock of the floor."""
