# Django's en_GB writes "2 Mar 2026, 2:30 p.m."; customs and warehouses read a 24-hour clock.
DATETIME_FORMAT = "j M Y, H:i"
