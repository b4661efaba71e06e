"""The verification cycle: sector scope for LSV, minimum visits, key dates, the calendar."""
