"""GET status per persona for this app's views (merged by the authorisation-matrix test)."""

from conftest import access_row

ROWS = {
    "ethics:staff_dashboard": access_row(302, 403, 403, 403),
}
