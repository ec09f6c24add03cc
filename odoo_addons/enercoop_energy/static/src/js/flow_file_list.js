/* License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl). */
/* The flow files list (js_class="enercoop_flow_file_list"): an "Import" button next to the
   list's own buttons opens the upload wizard, as Odoo's own "Import" does for other lists;
   the list reloads when the wizard closes. */
odoo.define('enercoop_energy.flow_file_list', function (require) {
"use strict";

var core = require('web.core');
var ListController = require('web.ListController');
var ListView = require('web.ListView');
var viewRegistry = require('web.view_registry');

var qweb = core.qweb;

var FlowFileListController = ListController.extend({
    renderButtons: function ($node) {
        this._super.apply(this, arguments);
        if (this.$buttons) {
            this.$buttons.append(qweb.render('enercoop_energy.FlowFileImportButton'));
            this.$buttons.on('click', '.o_enercoop_flow_import', this._onImportFlows.bind(this));
        }
    },
    _onImportFlows: function () {
        var self = this;
        this.do_action('enercoop_energy.action_enercoop_flow_import_wizard', {
            on_close: function () { self.reload(); },
        });
    },
});

var FlowFileListView = ListView.extend({
    config: _.extend({}, ListView.prototype.config, {
        Controller: FlowFileListController,
    }),
});

viewRegistry.add('enercoop_flow_file_list', FlowFileListView);

return {FlowFileListController: FlowFileListController, FlowFileListView: FlowFileListView};
});
