"""Navigation entries of this app (collected by project.navigation)."""

from project.navigation import NavEntry

SECTIONS: tuple = (
    (
        "Seizures",
        (
            NavEntry("Seizures", "seizures:seizure-list", "seizures.view_seizure"),
            NavEntry("Log a seizure", "seizures:seizure-create", "seizures.add_seizure"),
            NavEntry("Bulk intake", "seizures:seizure-import", "seizures.import_seizures"),
            NavEntry("Lots", "seizures:lot-list", "seizures.view_lot"),
            NavEntry("Custody events", "seizures:custody-list", "seizures.view_custodyevent"),
            NavEntry("Right holders", "seizures:rightholder-list", "seizures.view_rightholder"),
        ),
    ),
    (
        "Storage",
        (
            NavEntry("Scan and move", "seizures:scan-move", "seizures.move_lot"),
            NavEntry("Stocktakes", "stocktakes:list", "seizures.view_stocktake"),
            NavEntry("Warehouses", "seizures:warehouse-list", "seizures.view_warehouse"),
            NavEntry("Locations", "seizures:location-list", "seizures.view_storagelocation"),
            NavEntry("Ageing lots", "seizures:ageing", "seizures.view_lot"),
        ),
    ),
)
