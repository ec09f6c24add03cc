"""Getting paid: the rules of SEPA direct debit, returns and dunning, as plain data and
pure functions (issue 13); the Odoo side adapts them on the OCA banking addons.

- :mod:`~enercoop_core.payments.mandates`: a SEPA Core mandate, its checks (reference,
  creditor identifier, IBAN, BIC) and the sequence type of its next collection.
- :mod:`~enercoop_core.payments.target2`: TARGET2 business days (data/target2.json).
- :mod:`~enercoop_core.payments.collection`: a schedule's instalments as debit instructions
  (collection, pre-notification and submission dates).
- :mod:`~enercoop_core.payments.returns`: R-transaction reason codes and what each implies.
- :mod:`~enercoop_core.payments.dunning`: dunning levels reached by overdue invoices.
- :mod:`~enercoop_core.payments.terms`: the cooperative's payment terms (data/terms.json).
"""
