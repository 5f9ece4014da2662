"""Figures a business owner reads every Monday: bookings, money, customers, by period."""
