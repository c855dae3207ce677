"""Cross-cutting HTTP concerns: auth, guards, CSRF, headers, errors, i18n, templating.

Nothing in portal.web knows a business rule.
"""
