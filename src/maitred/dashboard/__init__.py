"""The staff dashboard (`/app`): server-rendered pages that call services, never repositories.

The public booking page is its neighbour, `maitred.booking_page`.
"""
