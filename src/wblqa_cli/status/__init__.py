"""The Monday screen: what needs action now across every concern, most urgent first."""
