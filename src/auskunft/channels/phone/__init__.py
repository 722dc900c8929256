"""The hotline: call log entries typed by agents or imported from a telephone system's call records."""
