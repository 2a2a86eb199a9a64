"""The coding side: schemes, the annotation store, the CARE-Index sheet, reliability."""
