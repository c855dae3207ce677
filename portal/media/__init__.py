"""Media: the Pillow pipeline (validate, normalise, renditions) and authorised serving."""
