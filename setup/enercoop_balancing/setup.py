# The wheel odoo11-addon-enercoop-balancing, built as OCA builds its own: setuptools-odoo
# reads the manifest (through the odoo/addons/enercoop_balancing symlink) for the name,
# version, summary, licence and dependencies. scripts/build_wheels.sh runs it.
import setuptools

setuptools.setup(
    setup_requires=["setuptools-odoo"],
    odoo_addon={
        # the manifest names the import name (Odoo checks it at install); pip needs the
        # distribution, with the versions this addon was tested against
        "external_dependencies_override": {
            "python": {"enercoop_core": "enercoop-core>=0.1.0,<0.2"},
        },
    },
)
