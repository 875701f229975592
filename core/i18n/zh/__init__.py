"""中文 translations split by area, so each area's text lives beside the others of its kind."""
