# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Flow files: an Enedis file (XML or zip) uploaded or dropped in a folder, read once by
the core's flows engine; each record family is stored by its own model (the models of
``FAMILIES``, which inherit ``enercoop.flow.record.mixin``). The folder's scheduled
action is in ``flow_file_folder.py``."""
import base64
import hashlib
import logging
import os

from odoo import _, api, fields, models

from enercoop_core import flows
from enercoop_core.timeclasses import CLASS_NAMES

from .flow_record_mixin import prm_of

_logger = logging.getLogger(__name__)

XSD_PARAM = "enercoop_energy.xsd_dir"
STATES = [("imported", "Imported"), ("partially", "Partially imported"),
          ("rejected", "Rejected")]
SOURCES = [("upload", "Upload"), ("folder", "Folder"), ("demo", "Demo data")]
DEMO_FLOWS_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                              "demo", "flows")
CHUNK = 1000  # PRMs per look-up query
SKIPPED_PRMS = 10  # PRMs named per reason in a flow file's "read, not stored" note
#: flows engine record family -> the model storing it, in the order they are stored
#: (readings and curves first, contract events last: as the records came before)
FAMILIES = (("index_reading", "enercoop.meter.reading"),
            ("curve", "enercoop.load.curve"),
            ("network_invoice_line", "enercoop.network.invoice.line"),
            ("network_invoice_total", "enercoop.network.invoice.total"),
            ("contract_event", "enercoop.contract.event"))


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
        for name, data in files:
            result |= self._import_one(name, data, key, iv, company, source)
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

    # ------------------------------------------------------------------ one file
    def _import_one(self, name, data, key, iv, company, source):
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
        try:
            with self.env.cr.savepoint():
                summary = flow_file._process(name, data, key, iv)
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

    def _process(self, name, data, key, iv):
        """Parse the file's content ``data`` with the core (in memory, no file written)
        and store its records family by family; return the counts."""
        self.ensure_one()
        # sudo: system parameters are readable by administrators only; a folder name
        xsd_dir = self.env["ir.config_parameter"].sudo().get_param(XSD_PARAM) or None
        run = flows.parse(data, name=os.path.basename(name) or "flow", key=key or None,
                          iv=iv or None, xsd_dir=xsd_dir)
        buckets = {family: [] for family, _model in FAMILIES}
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
        for family, model in FAMILIES:
            if buckets[family]:
                created, already, refused, unstored = self.env[model]._import_flow_records(
                    buckets[family], self)
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
        return {"member": source.get("member"), "record": prm_of(record), "path": None,
                "reason": reason}

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
        return _("PRM %s, field %s: %s") % (prm_of(record), field, message)

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

    def _unknown_point(self, record):
        return self._rejection(record, _("unknown delivery point: PRM %s is not recorded in %s")
                               % (prm_of(record), self.company_id.name))

    @api.multi
    def action_reimport(self):
        """Import the stored file again (after adding missing delivery points, say)."""
        for flow_file in self.filtered("attachment_id"):
            data = base64.b64decode(flow_file.attachment_id.datas)
            self._import_files([(flow_file.name, data)], company=flow_file.company_id,
                              source=flow_file.source)
        return True
