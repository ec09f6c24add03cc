# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Member numbers move from res.partner (one per contact) to enercoop.membership (one per
company and admission): rebuild them from the admitting register entries."""


def migrate(cr, version):
    if not version:
        return
    cr.execute("""
        INSERT INTO enercoop_membership
            (partner_id, member_number, date, entry_id, company_id, name,
             create_uid, create_date, write_uid, write_date)
        SELECT CASE WHEN e.operation_type = 'transfer' THEN e.counterpart_id
                    ELSE e.partner_id END,
               CASE WHEN e.operation_type = 'transfer' THEN e.counterpart_number
                    ELSE e.member_number END,
               e.date, e.id, e.company_id,
               c.name || ' no. ' || CASE WHEN e.operation_type = 'transfer'
                    THEN e.counterpart_number ELSE e.member_number END,
               1, now() at time zone 'UTC', 1, now() at time zone 'UTC'
          FROM enercoop_share_entry e JOIN res_company c ON c.id = e.company_id
         WHERE e.admission
        ON CONFLICT DO NOTHING
    """)
