# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import base64
import datetime as dt
import hashlib
import json
import logging
import os
import shutil
import tempfile
import threading

from odoo import _, api, fields, models
from odoo.models import MAGIC_COLUMNS

from enercoop_core import flows
from enercoop_core.billing.contract_events import contract_effect
from enercoop_core.billing.readings import from_record
from enercoop_core.errors import EnercoopError
from enercoop_core.tariffs.calendar import CLASS_NAMES
from enercoop_core.tariffs.turpe import FTA_CLASSES

from .network_invoice_total import PARTS

_logger = logging.getLogger(__name__)

XSD_PARAM = "enercoop_energy.xsd_dir"
FOLDER_PARAM = "enercoop_energy.flow_folder"  # root of the companies' flow folders
STATES = [("imported", "Imported"), ("partially", "Partially imported"),
          ("rejected", "Rejected")]
SOURCES = [("upload", "Upload"), ("folder", "Folder"), ("demo", "Demo data")]
DEMO_FLOWS_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                              "demo", "flows")
CHUNK = 1000  # rows per INSERT statement / keys per look-up query
ACTIVE_POWER = "active_power"  # the only curve quantity stored as energy (R50, R4x EA)
SKIPPED_PRMS = 10  # PRMs named per reason in a flow file's "read, not stored" note


def _inside(path, folder):
    """Whether the resolved ``path`` is ``folder`` or lies under it (both resolved)."""
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


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


class FlowFile(models.Model):
    """An Enedis flow file (XML or zip) imported once, with what came out of it."""

    _name = "enercoop.flow.file"
    _description = "Flow file"
    _inherit = ["mail.thread"]
    _order = "create_date desc, id desc"
    _rec_name = "name"

    name = fields.Char(string="File name", required=True, readonly=True)
    attachment_id = fields.Many2one("ir.attachment", string="File", readonly=True,
                                    ondelete="set null")
    checksum = fields.Char(string="SHA-1", index=True, readonly=True)
    kind = fields.Char(string="Kind", readonly=True, help="R15, R151, R171, R50, C15, F15, F12.")
    version = fields.Char(string="Version", readonly=True)
    emitter = fields.Char(string="Emitter", readonly=True)
    document_count = fields.Integer(string="Documents", readonly=True)
    record_count = fields.Integer(string="Records", readonly=True,
                                  help="Records read from the file by the flows engine.")
    new_count = fields.Integer(string="New", readonly=True,
                               help="Records created at the last import of the file.")
    known_count = fields.Integer(string="Already known", readonly=True,
                                 help="Records found already imported (same key).")
    rejected_count = fields.Integer(string="Rejected", readonly=True)
    skipped_count = fields.Integer(
        string="Read, not stored", readonly=True,
        help="Items read from the file and knowingly not stored (a curve of another "
             "quantity than active power, an energy over a period that is no index).")
    skipped_note = fields.Text(string="Not stored", readonly=True,
                               help="Why items were read but not stored, with their count.")
    state = fields.Selection(STATES, string="Status", readonly=True, index=True,
                             track_visibility="onchange")
    source = fields.Selection(SOURCES, string="Source", readonly=True, default="upload")
    date_import = fields.Datetime(string="Imported on", readonly=True)
    rejection_ids = fields.One2many("enercoop.flow.rejection", "flow_file_id",
                                    string="Rejections", readonly=True)
    reading_ids = fields.One2many("enercoop.meter.reading", "flow_file_id",
                                  string="Readings", readonly=True)
    event_ids = fields.One2many("enercoop.contract.event", "flow_file_id",
                                string="Contract events", readonly=True)
    network_line_ids = fields.One2many("enercoop.network.invoice.line", "flow_file_id",
                                       string="Network invoice lines", readonly=True)
    curve_ids = fields.One2many("enercoop.load.curve", "flow_file_id",
                                string="Load curves", readonly=True)
    network_total_ids = fields.One2many("enercoop.network.invoice.total", "flow_file_id",
                                        string="Network invoice totals", readonly=True)
    company_id = fields.Many2one("res.company", string="Company", required=True, index=True,
                                 default=lambda self: self.env.user.company_id)

    # ------------------------------------------------------------------ entry points
    # None of these is public (RPC): the upload wizard and the scheduled action call them.
    # A method that reads a server path must never be callable with a caller's path.
    @api.model
    def _import_files(self, files, key=None, iv=None, company=None, source="upload"):
        """Import ``files`` = [(file name, bytes)]; return the flow file records.

        Each file is imported in its own savepoint: a file that breaks never takes the
        records of the others with it. A file already imported (same content, same company)
        is imported again into its existing record: records already known are skipped.
        """
        company = company or self.env.user.company_id
        result = self.browse()
        tmp = tempfile.mkdtemp(prefix="enercoop-flows-")
        try:
            for name, data in files:
                result |= self._import_one(name, data, tmp, key, iv, company, source)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        return result

    @api.model
    def _import_paths(self, paths, key=None, iv=None, company=None, source="folder"):
        """Import the server files ``paths`` (paths chosen by the code, never by a user:
        the bundled demo flows, the files of the configured folder)."""
        files = []
        for path in paths:
            with open(path, "rb") as handle:
                files.append((os.path.basename(path), handle.read()))
        return self._import_files(files, key=key, iv=iv, company=company, source=source)

    @api.model
    def _demo_import_core_flows(self):
        """Demo data: import the flow files bundled with enercoop_core (read through it)."""
        from enercoop_core.demo import flow_files
        return self._import_paths(flow_files(), source="demo")

    @api.model
    def _demo_import_addon_flows(self):
        """Demo data: import this addon's demo flow files (``demo/flows/``, written by
        ``demo/make_demo_flows.py``) in name order: C15, F15, R15, R50."""
        paths = sorted(os.path.join(DEMO_FLOWS_DIR, name) for name in os.listdir(DEMO_FLOWS_DIR)
                       if name.lower().endswith((".xml", ".zip")))
        return self._import_paths(paths, source="demo")

    @api.model
    def _flow_root(self):
        """The resolved folder under which every flow folder lies (system parameter
        ``enercoop_energy.flow_folder``, which only administrators may write); None when
        not configured."""
        # sudo: ir.config_parameter is readable by administrators only; this value is a
        # folder name, not a secret, read by the scheduled action
        root = self.env["ir.config_parameter"].sudo().get_param(FOLDER_PARAM)
        return os.path.realpath(root) if root else None

    @api.model
    def _company_folder(self, company, root):
        """The resolved flow folder of ``company`` (its ``enercoop_flow_folder``, relative
        to ``root`` or absolute), or None when it lies outside ``root``."""
        folder = os.path.realpath(os.path.join(root, company.enercoop_flow_folder))
        return folder if _inside(folder, root) else None

    @api.model
    def _cron_import_folder(self):
        """Scheduled action: import the files dropped in each company's flow folder and
        move each one to ``processed/`` (or ``rejected/`` when nothing could be used).

        Only files inside the configured root folder are read: every path is resolved
        (``realpath``) and a folder or file outside the root (through ``..`` or a symbolic
        link) is refused and logged."""
        root = self._flow_root()
        if not root or not os.path.isdir(root):
            if root:
                _logger.warning("flow root folder %s does not exist", root)
            return self.browse()
        # sudo: the scheduled action runs for every company (it runs as the superuser
        # anyway; this keeps it right when started by hand by an administrator)
        companies = self.env["res.company"].sudo().search([("enercoop_flow_folder", "!=", False)])
        done = self.browse()
        for company in companies:
            folder = self._company_folder(company, root)
            if not folder:
                _logger.warning("flow folder %s of %s is outside %s: refused",
                                company.enercoop_flow_folder, company.name, root)
                continue
            if not os.path.isdir(folder):
                _logger.warning("flow folder %s of %s does not exist", folder, company.name)
                continue
            for entry in sorted(os.listdir(folder)):
                path = os.path.join(folder, entry)
                if entry.startswith(".") or os.path.islink(path) or not os.path.isfile(path):
                    if os.path.islink(path):
                        _logger.warning("flow folder %s: symbolic link %s refused", folder,
                                        entry)
                    continue
                if not _inside(os.path.realpath(path), folder):
                    continue
                # sudo: same as above, the scheduled action imports for each company
                flow_file = self.sudo()._import_paths([path], company=company,
                                                      source="folder")
                done |= flow_file
                target = os.path.join(
                    folder, "rejected" if flow_file.state == "rejected" else "processed")
                os.makedirs(target, exist_ok=True)
                shutil.move(path, os.path.join(target, entry))
                if not getattr(threading.currentThread(), "testing", False):
                    self.env.cr.commit()  # a file moved is a file whose import is kept
        return done

    # ------------------------------------------------------------------ one file
    def _import_one(self, name, data, tmp, key, iv, company, source):
        checksum = hashlib.sha1(data).hexdigest()
        flow_file = self.search([("checksum", "=", checksum), ("company_id", "=", company.id)],
                                limit=1)
        if not flow_file:
            flow_file = self.create({"name": name, "checksum": checksum, "source": source,
                                     "company_id": company.id})
            values = {"name": name, "datas_fname": name, "datas": base64.b64encode(data),
                      "res_model": self._name, "res_id": flow_file.id}
            if name.lower().endswith(".xml"):
                # application/xml (RFC 7303), not text/xml: Odoo copies the text of text/*
                # attachments into a search column, tens of MB for a large flow
                values["mimetype"] = "application/xml"
            attachment = self.env["ir.attachment"].create(values)
            flow_file.attachment_id = attachment
        path = os.path.join(tmp, "%d-%s" % (flow_file.id, os.path.basename(name) or "flow"))
        with open(path, "wb") as handle:
            handle.write(data)
        try:
            with self.env.cr.savepoint():
                summary = flow_file._process(path, key, iv)
        except Exception as error:  # keep the file, say why, lose nothing else
            _logger.exception("flow file %s could not be imported", name)
            summary = {"rejections": [{"reason": _("Import failed: %s") % error}],
                       "records": 0, "new": 0, "known": 0, "skipped": [], "documents": []}
        flow_file._write_summary(summary)
        return flow_file

    def _write_summary(self, summary):
        self.ensure_one()
        docs = summary["documents"]
        kinds = sorted({d.kind for d in docs if d.kind})
        versions = sorted({d.version for d in docs if d.version})
        emitters = sorted({d.emitter for d in docs if d.emitter})
        rejections = summary["rejections"]
        used = summary["new"] + summary["known"]
        if not rejections:
            state = "imported"
        elif used:
            state = "partially"
        else:
            state = "rejected"
        # sudo: the file's rejections are replaced at each import; users may not delete
        # rejections by hand (no unlink right), the import may
        self.rejection_ids.sudo().unlink()
        skipped = summary.get("skipped") or []
        self.write({
            "kind": ", ".join(kinds), "version": ", ".join(versions),
            "emitter": ", ".join(emitters), "document_count": len(docs),
            "record_count": summary["records"], "new_count": summary["new"],
            "known_count": summary["known"], "rejected_count": len(rejections),
            "skipped_count": len(skipped), "skipped_note": self._skipped_note(skipped),
            "state": state, "date_import": fields.Datetime.now(),
            "rejection_ids": [(0, 0, {
                "member": r.get("member"), "record": r.get("record"), "path": r.get("path"),
                "reason": r["reason"]}) for r in rejections],
        })

    def _process(self, path, key, iv):
        """Parse ``path`` with the core and write its records; return the counts."""
        self.ensure_one()
        # sudo: system parameters are readable by administrators only; a folder name
        xsd_dir = self.env["ir.config_parameter"].sudo().get_param(XSD_PARAM) or None
        run = flows.parse([path], key=key or None, iv=iv or None, xsd_dir=xsd_dir)
        buckets = {"index_reading": [], "contract_event": [], "network_invoice_line": [],
                   "network_invoice_total": [], "curve": []}
        rejections = []
        records = 0
        for record in run:
            records += 1
            family = record["family"] if isinstance(record, dict) else record.family
            if family in buckets:
                buckets[family].append(record)
            else:
                rejections.append(self._rejection(record, _("unsupported record family %s")
                                                  % family))
        for rejection in run.rejected:
            rejections.append({"member": rejection.member, "record": rejection.record,
                               "path": rejection.path, "reason": rejection.reason})
        new = known = 0
        skipped = []
        for family, method in (("index_reading", self._import_readings),
                               ("curve", self._import_curves),
                               ("network_invoice_line", self._import_network_lines),
                               ("network_invoice_total", self._import_network_totals),
                               ("contract_event", self._import_events)):
            if buckets[family]:
                created, already, refused, unstored = method(buckets[family])
                new += created
                known += already
                rejections.extend(refused)
                skipped.extend(unstored)
        return {"records": records, "new": new, "known": known, "rejections": rejections,
                "skipped": skipped, "documents": run.documents}

    # ------------------------------------------------------------------ helpers
    @staticmethod
    def _rejection(record, reason):
        source = (record.get("source") if isinstance(record, dict)
                  else getattr(record, "source", None)) or {}
        prm = record.get("prm") if isinstance(record, dict) else getattr(record, "prm", None)
        return {"member": source.get("member"), "record": prm, "path": None, "reason": reason}

    def _skipped_note(self, skipped):
        """One line per reason of ``skipped`` ([{"record": PRM, "reason"}]): the reason,
        the count of items and the first PRMs concerned."""
        by_reason = {}
        for item in skipped:
            by_reason.setdefault(item["reason"], []).append(item.get("record"))
        lines = []
        for reason in sorted(by_reason):
            prms = sorted({prm for prm in by_reason[reason] if prm})
            shown = ", ".join(prms[:SKIPPED_PRMS]) + (", ..." if len(prms) > SKIPPED_PRMS
                                                      else "")
            lines.append(_("%s: %d (PRM %s)") % (reason, len(by_reason[reason]), shown)
                         if prms else _("%s: %d") % (reason, len(by_reason[reason])))
        return "\n".join(lines) or False

    def _field_reason(self, record, field, message):
        """A rejection reason naming the record's PRM and the field at fault."""
        prm = record.get("prm") if isinstance(record, dict) else getattr(record, "prm", None)
        return _("PRM %s, field %s: %s") % (prm, field, message)

    def _core_rejection(self, record, error):
        """The rejection of ``record`` for the core's ``error`` (its field named when the
        core names one)."""
        field = getattr(error, "field", None)
        if not field:
            return self._rejection(record, str(error))
        message = error.message
        if field == "time_class":
            message += _(" (the supply contracts handle %s)") % ", ".join(CLASS_NAMES)
        if error.record:
            message += " [%s]" % error.record
        return self._rejection(record, self._field_reason(record, field, message))

    def _points(self, prms):
        """{PRM: delivery point} among the points of the file's company and its children
        (the file's own company first); one search per ``CHUNK`` PRMs."""
        Point = self.env["enercoop.delivery.point"]
        wanted = sorted(prms)
        points = Point.browse()
        for start in range(0, len(wanted), CHUNK):
            points |= Point.search([("prm", "in", wanted[start:start + CHUNK]),
                                    ("company_id", "child_of", self.company_id.id)])
        # read the PRM and company only, not every column of thousands of points
        points = points.with_context(prefetch_fields=False)
        found = {}
        for point in points.sorted(lambda p: p.company_id != self.company_id):
            found.setdefault(point.prm, point)
        return found

    def _existing_keys(self, model, keys):
        """The keys of ``keys`` already recorded in ``model`` (any company the user sees)."""
        if not keys:
            return set()
        table = self.env[model]._table
        keys = sorted(keys)
        found = set()
        for start in range(0, len(keys), CHUNK):
            self.env.cr.execute("SELECT key, company_id FROM %s WHERE key = ANY(%%s)" % table,
                                (keys[start:start + CHUNK],))
            found.update((row[0], row[1]) for row in self.env.cr.fetchall())
        return found

    def _unknown_point(self, record):
        return self._rejection(record, _("unknown delivery point: PRM %s is not recorded in %s")
                               % (record.get("prm") if isinstance(record, dict)
                                  else record.prm, self.company_id.name))

    # ------------------------------------------------------------------ families
    def _import_readings(self, records):
        Reading = self.env["enercoop.meter.reading"]
        points = self._points({r["prm"] for r in records})
        refused, rows, skipped = [], [], []
        point_ids = {prm: (point.id, point.company_id.id) for prm, point in points.items()}
        for record in records:
            ids = point_ids.get(record["prm"])
            if not ids:
                refused.append(self._unknown_point(record))
                continue
            # an energy over a period (R15 classes 2 to 6, R17 consumptions: quantity
            # "energy") is never stored as an index: left out before the core's adapter
            registers = record.get("registers") or []
            indexes = [r for r in registers if (r.get("quantity") or "index") == "index"]
            if registers and not indexes:
                skipped.append({"record": record["prm"], "reason": _(
                    "reading of energies over a period only (no index): not stored")})
                continue
            fta = record.get("fta")
            if fta and fta not in FTA_CLASSES:
                refused.append(self._rejection(record, self._field_reason(
                    record, "fta", _("tariff option %s is not one the supply contracts "
                                     "handle (%s)") % (fta, ", ".join(sorted(FTA_CLASSES))))))
                continue
            try:
                reading = from_record(dict(record, registers=indexes))
            except EnercoopError as error:
                refused.append(self._core_rejection(record, error))
                continue
            if not reading.registers:
                refused.append(self._rejection(record, _("no active-energy index register")))
                continue
            skipped.extend({"record": record["prm"], "reason": _(
                "register of an energy over a period (quantity energy): not stored as an "
                "index")} for _register in range(len(registers) - len(indexes)))
            measure = {(r.get("owner"), r.get("time_class"), r.get("direction")):
                       r.get("measure_class") for r in indexes}
            for register in reading.registers:
                if register.quantity != "index":
                    continue  # the core's adapter keeps energies apart: never an index
                ident = (register.owner, register.time_class, register.direction)
                rows.append({
                    "key": "%s|%s|%s|%s" % ((record["key"],) + ident),
                    "record_key": record["key"], "prm": record["prm"],
                    "delivery_point_id": ids[0], "company_id": ids[1],
                    "date": reading.day.isoformat(), "instant": record.get("date"),
                    "reading_id": record.get("reading_id"),
                    "nature": record.get("nature") if record.get("nature") in (
                        "real", "estimated", "self_read", "corrected") else False,
                    "nature_code": record.get("nature_code"), "reason": record.get("reason"),
                    "status": record.get("status"), "owner": register.owner,
                    "time_class": register.time_class, "measure_class": measure.get(ident),
                    "direction": register.direction, "value_wh": register.wh,
                    "value_kwh": register.wh / 1000.0, "digits": register.digits or 0,
                    "rollover": bool(register.rollover),
                    "meter_serial": reading.meter_serial or record.get("meter_serial"),
                    "fta": record.get("fta"),
                    "subscribed_kva": float(record.get("subscribed_kva") or 0.0),
                    "flow": record.get("flow"), "flow_file_id": self.id})
        created, known = self._create_new(Reading, rows, group="record_key")
        return created, known, refused, skipped

    def _create_new(self, model, rows, group="key"):
        """Create the rows whose (key, company) is not recorded yet. Returns the numbers
        of flow records (rows grouped by ``group``) created and found already known.

        Known keys are looked up first (one query per ``CHUNK`` keys); the new rows go in
        by ``CHUNK`` with one ``INSERT ... ON CONFLICT DO NOTHING`` each (the model's unique
        (key, company) constraint has the last word, also against a concurrent import)
        when every value is a plain stored column; else, or with the
        context key ``flow_import_orm`` (the benchmark's baseline), one ORM ``create`` per
        row."""
        existing = self._existing_keys(model._name, {row["key"] for row in rows})
        fresh, seen = [], set()
        for row in rows:
            ident = (row["key"], row["company_id"])
            if ident not in existing and ident not in seen:
                seen.add(ident)
                fresh.append(row)
        if not self.env.context.get("flow_import_orm") and self._bulk_insertable(model, fresh):
            inserted = self._bulk_insert(model, fresh)
        else:
            inserted = set()
            for row in fresh:
                model.create(row)
                inserted.add((row["key"], row["company_id"]))
        created, known = set(), set()
        for row in rows:
            if (row["key"], row["company_id"]) in inserted:
                created.add(row[group])
            else:
                known.add(row[group])
        return len(created), len(known - created)

    @staticmethod
    def _bulk_insertable(model, rows):
        """Whether ``rows`` can be written by SQL with what ``create`` would do: every
        value a stored column of the model (no inverse, translation, one2many, computed
        or inherited field), the model with no parent store, no mail thread and no
        Python constraint."""
        if (model._parent_store or model._inherits or "message_ids" in model._fields
                or model._constraint_methods):
            return False
        names = set()
        for row in rows:
            names.update(row)
        for name in names:
            field = model._fields.get(name)
            if (field is None or not field.store or not field.column_type or field.inverse
                    or field.compute or field.related or field.translate):
                return False
        return True

    def _bulk_insert(self, model, rows):
        """INSERT ``rows`` into the model's table by ``CHUNK``, skipping the ones the
        unique constraints refuse; return the set of (key, company id) inserted.

        What ``create`` guarantees is kept: access rights checked before, record rules
        on the new rows after; values converted by their field (``convert_to_column``),
        selection values checked, defaults of the fields not given (booleans False),
        ``create_uid``/``write_uid`` the user, ``create_date``/``write_date`` the
        transaction time (UTC); the cache invalidated afterwards."""
        model.check_access_rights("create")
        if not rows:
            return set()
        given = set().union(*rows)
        defaults = model.default_get([
            name for name, field in model._fields.items()
            if name not in given and name not in MAGIC_COLUMNS and field.store
            and field.column_type])
        booleans = {name for name, field in model._fields.items()
                    if field.type == "boolean" and field.store and field.column_type}
        names = sorted(given | set(defaults) | booleans)
        fields_ = [model._fields[name] for name in names]
        selections = {name: set(model._fields[name].get_values(self.env))
                      for name in names if model._fields[name].type == "selection"}
        columns = ", ".join('"%s"' % name for name in names)
        log = ", create_uid, write_uid, create_date, write_date" if model._log_access else ""
        log_values = (", %s, %s, (now() at time zone 'UTC'), (now() at time zone 'UTC')"
                      if model._log_access else "")
        row_sql = "(nextval('%s'), %s%s)" % (
            model._sequence, ", ".join(field.column_format for field in fields_), log_values)
        empty = model.browse()
        inserted, new_ids = set(), []
        for start in range(0, len(rows), CHUNK):
            chunk = rows[start:start + CHUNK]
            params = []
            for row in chunk:
                for name, field in zip(names, fields_):
                    value = row[name] if name in row else defaults.get(name, False)
                    if name in selections and value and value not in selections[name]:
                        raise ValueError("wrong value for %s.%s: %r" % (model._name, name,
                                                                        value))
                    params.append(field.convert_to_column(value, empty, row))
                if log:
                    params.extend((self.env.uid, self.env.uid))
            self.env.cr.execute(
                'INSERT INTO "%s" (id, %s%s) VALUES %s ON CONFLICT DO NOTHING '
                "RETURNING id, key, company_id" % (model._table, columns, log,
                                                   ", ".join([row_sql] * len(chunk))),
                params)
            for record_id, key, company_id in self.env.cr.fetchall():
                new_ids.append(record_id)
                inserted.add((key, company_id))
        # rows written behind the ORM's back: no cached value (one2many of the files and
        # points, counts) may stay stale, as after any raw SQL in Odoo
        self.invalidate_cache()
        for start in range(0, len(new_ids), CHUNK):
            model.browse(new_ids[start:start + CHUNK]).check_access_rule("create")
        return inserted

    def _import_curves(self, curves):
        """Store the active-power curves (R50, R4x ``EA``) with their energy; a curve of
        another quantity (R4x reactive power, voltage) is read but not stored, counted
        with its reason on the flow file."""
        points = self._points({c.prm for c in curves})
        refused, rows, skipped = [], [], []
        for curve in curves:
            quantity = getattr(curve, "quantity", None) or ACTIVE_POWER
            if quantity != ACTIVE_POWER:
                skipped.append({"record": curve.prm, "reason": _(
                    "%s curve of quantity %s (%s): not stored, only active-power curves are "
                    "stored as energy") % (curve.flow, quantity, curve.unit)})
                continue
            point = points.get(curve.prm)
            if not point:
                refused.append(self._unknown_point(curve))
                continue
            missing = int((curve.quality == -1).sum())
            rows.append({
                "key": curve.key, "prm": curve.prm, "delivery_point_id": point.id,
                "company_id": point.company_id.id,
                "date_start": curve.dates[0] if curve.dates else False,
                "date_end": curve.dates[-1] if curve.dates else False,
                "step_minutes": curve.step_minutes, "point_count": len(curve.instants),
                "missing_count": missing, "energy_kwh": curve.energy_wh() / 1000.0,
                "direction": curve.direction, "flow_file_id": self.id})
        created, known = self._create_new(self.env["enercoop.load.curve"], rows)
        return created, known, refused, skipped

    def _import_network_lines(self, records):
        points = self._points({r["prm"] for r in records if r.get("prm")})
        rows = []
        for record in records:
            point = points.get(record.get("prm"))
            rows.append({
                "key": record["key"], "flow": record.get("flow"),
                "invoice_number": record.get("invoice_number"),
                "invoice_date": local_day(record.get("invoice_date")),
                "valuation_id": record.get("valuation_id"),
                "billing_type": record.get("billing_type"), "prm": record.get("prm"),
                "delivery_point_id": point.id if point else False,
                "company_id": point.company_id.id if point else self.company_id.id,
                "item_id": record.get("item_id"), "label": record.get("label"),
                "nature_code": record.get("nature_code"), "category": record.get("category"),
                "date_start": local_day(record.get("start")),
                "date_end": local_day(record.get("end")),
                "quantity": float(record["quantity"]) if record.get("quantity") else 0.0,
                "unit": record.get("unit"),
                "unit_price": float(record["unit_price"]) if record.get("unit_price") else 0.0,
                "amount": float(record["amount"]) if record.get("amount") else 0.0,
                "vat_rate": record.get("vat_rate"), "fta": record.get("fta"),
                "record_json": json.dumps(flows.as_dict(record), sort_keys=True, default=str),
                "flow_file_id": self.id})
        created, known = self._create_new(self.env["enercoop.network.invoice.line"], rows)
        return created, known, [], []

    def _import_network_totals(self, records):
        """Store the F15/F12 invoice totals, recap and tax lines (no PRM: the file's
        company)."""
        parts = {part for part, _label in PARTS}
        rows = [{
            "key": record["key"], "flow": record.get("flow"),
            "part": record.get("part") if record.get("part") in parts else False,
            "invoice_number": record.get("invoice_number"),
            "invoice_date": local_day(record.get("invoice_date")),
            "code": record.get("code"), "label": record.get("label"),
            "tariff": record.get("tariff"),
            "amount": float(record["amount"]) if record.get("amount") else 0.0,
            "vat_rate": record.get("vat_rate"),
            "record_json": json.dumps(flows.as_dict(record), sort_keys=True, default=str),
            "company_id": self.company_id.id, "flow_file_id": self.id} for record in records]
        created, known = self._create_new(self.env["enercoop.network.invoice.total"], rows)
        return created, known, [], []

    def _import_events(self, records):
        Event = self.env["enercoop.contract.event"]
        points = self._points({r["prm"] for r in records})
        refused = []
        created = known = 0
        existing = self._existing_keys(Event._name, {r["key"] for r in records})
        for record in sorted(records, key=lambda r: r.get("date") or ""):
            point = points.get(record["prm"])
            if not point:
                refused.append(self._unknown_point(record))
                continue
            if (record["key"], point.company_id.id) in existing:
                known += 1
                continue
            reason = self._apply_event(record, point)
            if reason:
                refused.append(self._rejection(record, reason))
                continue
            existing.add((record["key"], point.company_id.id))
            created += 1
        return created, known, refused, []

    def _apply_event(self, record, point):
        """Apply one C15 or C12 event to the point and its contract; a reason (naming the
        PRM and the field) when refused: a tariff option or a time class of subscribed
        power the supply contracts do not handle (C2-C4: HTA5, Pointe, HPE ...)."""
        code = record.get("event")
        effect = contract_effect(code)
        fta = record.get("fta")
        if fta and fta not in FTA_CLASSES:
            return self._field_reason(record, "fta", _(
                "tariff option %s of event %s is not one the supply contracts handle (%s)")
                % (fta, code, ", ".join(sorted(FTA_CLASSES))))
        powers = record.get("subscribed_powers") or []
        unknown = [str(p.get("time_class")) for p in powers
                   if p.get("time_class") not in CLASS_NAMES]
        if unknown:
            return self._field_reason(record, "subscribed_powers", _(
                "time classes %s of event %s are not ones the supply contracts handle (%s)")
                % (", ".join(unknown), code, ", ".join(CLASS_NAMES)))
        day = local_day(record.get("date"))
        contracts = point.contract_ids.sorted(lambda c: (c.date_start, c.id), reverse=True)
        contract = self.env["enercoop.supply.contract"]
        if effect == "activate":
            contract = contracts.filtered(lambda c: c.state == "draft")[:1] or contracts[:1]
            if not contract:
                return _("event %s: no supply contract to activate on PRM %s") % (
                    code, point.prm)
            contract._activate(day)
        elif effect == "terminate":
            contract = contracts.filtered(lambda c: c.state == "active")[:1]
            if not contract:
                return _("event %s: no active supply contract on PRM %s") % (code, point.prm)
            last_day = fields.Date.from_string(day) - dt.timedelta(days=1)
            contract._terminate(fields.Date.to_string(
                max(last_day, fields.Date.from_string(contract.date_start))))
        else:
            contract = contracts.filtered(lambda c: c.state == "active")[:1]
        changes = {}
        if fta and fta != point.fta:
            changes["fta"] = fta
        kva = record.get("subscribed_kva")
        if kva and int(float(kva)) != point.subscribed_kva:
            changes["subscribed_kva"] = int(float(kva))
        if changes and effect != "terminate":
            point.write(changes)
        self.env["enercoop.contract.event"].create({
            "key": record["key"], "prm": record["prm"], "date": utc_naive(record.get("date")),
            "event_code": code, "event_type": record.get("event_type"),
            "effect": effect or "none", "fta": fta,
            "subscribed_kva": float(kva or 0.0),
            "subscribed_powers": ", ".join(
                " ".join(str(part) for part in (p.get("time_class"), p.get("value"),
                                                record.get("subscribed_power_unit")) if part)
                for p in powers) or False,
            "contract_state": record.get("contract_state"),
            "contract_id": contract.id or False, "delivery_point_id": point.id,
            "flow_file_id": self.id, "company_id": point.company_id.id})
        return None

    @api.multi
    def action_reimport(self):
        """Import the stored file again (after adding missing delivery points, say)."""
        for flow_file in self.filtered("attachment_id"):
            data = base64.b64decode(flow_file.attachment_id.datas)
            self._import_files([(flow_file.name, data)], company=flow_file.company_id,
                              source=flow_file.source)
        return True
