"""The card payment providers behind `base.PaymentProvider`; `registry` picks the configured one."""
