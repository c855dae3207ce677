"""/api/v1: JSON controllers, thin, calling the same services as the pages."""
