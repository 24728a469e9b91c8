"""Checking a draft the user edited in Word or WPS."""
