# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, models
from odoo.models import MAGIC_COLUMNS

CHUNK = 1000  # rows per INSERT statement


class BulkInsertMixin(models.AbstractModel):
    """Chunked SQL ``INSERT`` of many rows into the inheriting model's table, keeping what
    ``create`` guarantees (for the flow imports: tens of thousands of rows per file)."""

    _name = "enercoop.bulk.insert.mixin"
    _description = "Bulk SQL insert"

    @api.model
    def _bulk_insertable(self, rows):
        """Whether ``rows`` can be written by SQL with what ``create`` would do: every
        value a stored column of the model (no inverse, translation, one2many, computed
        or inherited field), the model with no parent store and no mail thread (Python
        constraints are checked on the inserted rows, as ``create`` does)."""
        if self._parent_store or self._inherits or "message_ids" in self._fields:
            return False
        names = set()
        for row in rows:
            names.update(row)
        for name in names:
            field = self._fields.get(name)
            if (field is None or not field.store or not field.column_type or field.inverse
                    or field.compute or field.related or field.translate):
                return False
        return True

    @api.model
    def _bulk_insert(self, rows, returning=()):
        """INSERT ``rows`` (dicts of field values) by ``CHUNK``, skipping the ones a unique
        constraint refuses (``ON CONFLICT DO NOTHING``); return the tuples of the
        ``returning`` columns of the rows inserted.

        What ``create`` guarantees is kept: access rights checked before, record rules
        and Python constraints (``@api.constrains``) on the new rows after; values
        converted by their field (``convert_to_column``), selection values checked,
        defaults of the fields not given (booleans False),
        ``create_uid``/``write_uid`` the user, ``create_date``/``write_date`` the
        transaction time (UTC); the cache invalidated afterwards."""
        self.check_access_rights("create")
        if not rows:
            return []
        names, fields_, defaults, selections = self._bulk_columns(rows)
        columns = ", ".join('"%s"' % name for name in names)
        log = ", create_uid, write_uid, create_date, write_date" if self._log_access else ""
        log_values = (", %s, %s, (now() at time zone 'UTC'), (now() at time zone 'UTC')"
                      if self._log_access else "")
        row_sql = "(nextval('%s'), %s%s)" % (
            self._sequence, ", ".join(field.column_format for field in fields_), log_values)
        returned = ", ".join(("id",) + tuple('"%s"' % name for name in returning))
        empty = self.browse()
        inserted, new_ids = [], []
        for start in range(0, len(rows), CHUNK):
            chunk = rows[start:start + CHUNK]
            params = []
            for row in chunk:
                for name, field in zip(names, fields_):
                    value = row[name] if name in row else defaults.get(name, False)
                    if name in selections and value and value not in selections[name]:
                        raise ValueError("wrong value for %s.%s: %r" % (self._name, name,
                                                                        value))
                    params.append(field.convert_to_column(value, empty, row))
                if log:
                    params.extend((self.env.uid, self.env.uid))
            self.env.cr.execute(
                'INSERT INTO "%s" (id, %s%s) VALUES %s ON CONFLICT DO NOTHING RETURNING %s'
                % (self._table, columns, log, ", ".join([row_sql] * len(chunk)), returned),
                params)
            for result in self.env.cr.fetchall():
                new_ids.append(result[0])
                inserted.append(tuple(result[1:]))
        # rows written behind the ORM's back: no cached value (one2many of the files and
        # points, counts) may stay stale, as after any raw SQL in Odoo
        self.invalidate_cache()
        for start in range(0, len(new_ids), CHUNK):
            records = self.browse(new_ids[start:start + CHUNK])
            records.check_access_rule("create")
            records._validate_fields(names)
        return inserted

    @api.model
    def _bulk_columns(self, rows):
        """(column names, their fields, defaults of the columns no row gives, the allowed
        values of the selection columns) of an INSERT of ``rows``."""
        given = set().union(*rows)
        defaults = self.default_get([
            name for name, field in self._fields.items()
            if name not in given and name not in MAGIC_COLUMNS and field.store
            and field.column_type])
        booleans = {name for name, field in self._fields.items()
                    if field.type == "boolean" and field.store and field.column_type}
        names = sorted(given | set(defaults) | booleans)
        fields_ = [self._fields[name] for name in names]
        selections = {name: set(self._fields[name].get_values(self.env))
                      for name in names if self._fields[name].type == "selection"}
        return names, fields_, defaults, selections
