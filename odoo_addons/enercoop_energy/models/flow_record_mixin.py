# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""What every record read from a flow file shares: its key, its file, its company, and
the way it is stored once."""
import datetime as dt

from odoo import api, fields, models

CHUNK = 1000  # keys per look-up query


def local_day(instant):
    """The local calendar day of an ISO instant written with its offset (Europe/Paris)."""
    return instant[:10] if instant else False


def utc_naive(instant):
    """ISO instant with offset -> naive UTC datetime string for a Datetime field."""
    if not instant:
        return False
    try:
        moment = dt.datetime.strptime(instant[:19], "%Y-%m-%dT%H:%M:%S")
    except ValueError:
        try:
            moment = dt.datetime.strptime(instant[:10], "%Y-%m-%d")
        except ValueError:
            return False
        return fields.Datetime.to_string(moment)
    offset = instant[19:].replace(":", "")
    if offset and offset not in ("Z",) and offset[0] in "+-" and len(offset) >= 5:
        sign = 1 if offset[0] == "+" else -1
        moment -= sign * dt.timedelta(hours=int(offset[1:3]), minutes=int(offset[3:5]))
    return fields.Datetime.to_string(moment)


def prm_of(record):
    """The PRM of a flow record (a dict, or an object such as a load curve), or None."""
    return record.get("prm") if isinstance(record, dict) else getattr(record, "prm", None)


def amount(record, name):
    """A decimal string of a flow record as a float for a Float/Monetary field (0.0 when
    absent)."""
    return float(record[name]) if record.get(name) else 0.0


class FlowRecordMixin(models.AbstractModel):
    """A record read from a flow file, kept once per (key, company): importing a flow twice
    finds every key already there and creates nothing.

    An inheriting model maps one flow record in ``_prepare_from_flow_record``; the flow file
    hands it the records of its family through ``_import_flow_records``."""

    _name = "enercoop.flow.record.mixin"
    _inherit = ["enercoop.bulk.insert.mixin"]
    _description = "Record read from a flow file"
    #: the field naming the flow record of a row, when one flow record gives several rows
    _flow_record_field = "key"

    key = fields.Char(required=True, index=True, readonly=True,
                      help="Stable identity given by the flows engine.")
    flow_file_id = fields.Many2one("enercoop.flow.file", string="Flow file", index=True,
                                   ondelete="set null", readonly=True)
    company_id = fields.Many2one("res.company", string="Company", required=True, index=True,
                                 default=lambda self: self.env.user.company_id)

    _sql_constraints = [
        ("key_company_uniq", "unique(key, company_id)", "This record is already recorded."),
    ]

    @api.model
    def _prepare_from_flow_record(self, record, flow_file, points):
        """The rows (field values) to store for one flow ``record`` of ``flow_file``, with
        ``points`` = {PRM: delivery point} of the file's records. Returns ``(rows,
        rejection, skipped)``: ``rejection`` a rejection dict of the flow file (or None),
        ``skipped`` = [{"record": PRM, "reason"}] of the items read and knowingly not
        stored."""
        raise NotImplementedError(self._name)

    @api.model
    def _import_flow_records(self, records, flow_file):
        """Store the flow ``records`` of ``flow_file`` not recorded yet; return (created,
        known, rejections, skipped), the counts in flow records."""
        points = flow_file._points({prm for prm in map(prm_of, records) if prm})
        rows, refused, skipped = [], [], []
        for record in records:
            prepared, rejection, unstored = self._prepare_from_flow_record(
                record, flow_file, points)
            rows.extend(prepared)
            if rejection:
                refused.append(rejection)
            skipped.extend(unstored)
        created, known = self._create_new(rows)
        return created, known, refused, skipped

    @api.model
    def _existing_keys(self, keys):
        """The (key, company id) of ``keys`` already recorded (any company)."""
        if not keys:
            return set()
        keys = sorted(keys)
        found = set()
        for start in range(0, len(keys), CHUNK):
            self.env.cr.execute('SELECT key, company_id FROM "%s" WHERE key = ANY(%%s)'
                                % self._table, (keys[start:start + CHUNK],))
            found.update((row[0], row[1]) for row in self.env.cr.fetchall())
        return found

    @api.model
    def _create_new(self, rows, group=None):
        """Create the rows whose (key, company) is not recorded yet. Returns the numbers
        of flow records (rows grouped by ``group``, default ``_flow_record_field``) created
        and found already known.

        Known keys are looked up first (one query per ``CHUNK`` keys); the new rows go in
        by the bulk insert (the unique (key, company) constraint has the last word, also
        against a concurrent import) when every value is a plain stored column; else, or
        with the context key ``flow_import_orm`` (the benchmark's baseline), one ORM
        ``create`` per row."""
        group = group or self._flow_record_field
        existing = self._existing_keys({row["key"] for row in rows})
        fresh, seen = [], set()
        for row in rows:
            ident = (row["key"], row["company_id"])
            if ident not in existing and ident not in seen:
                seen.add(ident)
                fresh.append(row)
        if not self.env.context.get("flow_import_orm") and self._bulk_insertable(fresh):
            inserted = set(self._bulk_insert(fresh, returning=("key", "company_id")))
        else:
            inserted = set()
            for row in fresh:
                self.create(row)
                inserted.add((row["key"], row["company_id"]))
        created, known = set(), set()
        for row in rows:
            if (row["key"], row["company_id"]) in inserted:
                created.add(row[group])
            else:
                known.add(row[group])
        return len(created), len(known - created)
