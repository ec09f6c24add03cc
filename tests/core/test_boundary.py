"""The boundary between the core and the Odoo addons, kept by reading the source (AST; no Odoo).

(a) Every module under ``odoo_addons/*/`` imports from ``enercoop_core`` only its public API:
    modules of :data:`PUBLIC_MODULES` (never a ``cli`` module), and of those only public names
    (listed in the module's ``__all__`` when it has one, else not starting with ``_``).
(b) The addons' code (their tests excepted: they hold hand-worked figures) holds no rule of
    the core: no ``Decimal`` literal other than 0, 1 and 100 (a rate belongs in a dated table
    of ``enercoop_core/tariffs/data``), no list of time-class names (``("HP", "HC")``: see
    :mod:`enercoop_core.timeclasses`), no PRM rule (a 14-digit regex or ``len(...) == 14``:
    see :mod:`enercoop_core.identifiers.prm`).
(c) The core imports nothing from Odoo (nor from the addons).
(d) The checker finds violations planted in a temporary tree.
"""
from __future__ import annotations

import ast
import re
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path
from typing import Dict, Iterator, List, Optional, Set

import pytest

from enercoop_core.timeclasses import CLASS_NAMES

ROOT = Path(__file__).resolve().parents[2]

#: The modules of enercoop_core the addons may import. Left out on purpose: the command-line
#: modules (``enercoop_core.cli``, ``*.cli``, ``billing.schedule_cli``, ``__main__``), the
#: files of the commands (``billing.io``, ``balancing.io``, ``balancing.plot``,
#: ``shares.jsonio``) and the flow readers' internals (``flows.<flow>``, ``flows.engine``,
#: ``flows.values`` ...: the addons read flows through the ``enercoop_core.flows`` package).
PUBLIC_MODULES = frozenset("enercoop_core" + ("." + m if m else "") for m in (
    "", "errors", "timeclasses", "period", "identifiers", "identifiers.prm", "demo",
    "flows", "flows.errors",
    "tariffs", "tariffs.calendar", "tariffs.offers", "tariffs.purchase", "tariffs.rates",
    "tariffs.table", "tariffs.taxes", "tariffs.turpe", "tariffs.vat",
    "billing", "billing.batch", "billing.consumption", "billing.contract_events",
    "billing.engine", "billing.estimate", "billing.model", "billing.network_check",
    "billing.profiles", "billing.purchase", "billing.readings", "billing.review",
    "billing.schedule", "billing.statement",
    "contracts", "contracts.lifecycle",
    "shares", "shares.accounting", "shares.assembly", "shares.classes", "shares.colleges",
    "shares.errors", "shares.ledger", "shares.members", "shares.operations",
    "shares.register", "shares.statutes", "shares.vote",
    "directory", "directory.dn", "directory.errors", "directory.mapping", "directory.model",
    "directory.removal", "directory.sync",
    "balancing", "balancing.forecast", "balancing.grid", "balancing.matching",
    "balancing.partitioned", "balancing.portfolio", "balancing.registry",
    "payments", "payments.collection", "payments.dunning", "payments.mandates",
    "payments.returns", "payments.target2", "payments.terms",
))
#: Module attributes any module has, which an adapter may read (``enercoop_core.__file__``).
DUNDERS = frozenset(("__file__", "__version__", "__name__", "__doc__"))
ALLOWED_DECIMALS = frozenset((Decimal(0), Decimal(1), Decimal(100)))
TIME_CLASSES = frozenset(CLASS_NAMES)
PRM_REGEX = re.compile(r"(\\d|\[0-9\])\{14\}")


# -- reading the core ----------------------------------------------------------------------

_NO_VALUE = object()


def _literal(node):
    """The value of a str/number literal node, else ``_NO_VALUE`` (CPython 3.7 parses literals
    as ``ast.Str``/``ast.Num``, later versions as ``ast.Constant``)."""
    if type(node).__name__ in ("Constant", "Str", "Num"):
        for field in ("value", "s", "n"):
            if field in node._fields:
                return getattr(node, field)
    return _NO_VALUE


def _module_path(core_root: Path, module: str) -> Optional[Path]:
    parts = module.split(".")
    base = core_root.joinpath(*parts)
    for path in (base.with_suffix(".py"), base / "__init__.py"):
        if path.is_file():
            return path
    return None


class CoreModules:
    """Top-level names and ``__all__`` of the modules of a core tree (``<root>/enercoop_core``),
    read from their source."""

    def __init__(self, root: Path):
        self.root = root
        self._cache = {}  # type: Dict[str, Optional[tuple]]

    def exists(self, module: str) -> bool:
        return _module_path(self.root, module) is not None

    def names(self, module: str):
        """``(top-level names, __all__ or None)`` of ``module``."""
        if module not in self._cache:
            path = _module_path(self.root, module)
            self._cache[module] = _top_level_of(path.read_text(encoding="utf-8"))
        return self._cache[module]


def _bound(node) -> Iterator[str]:
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        yield node.name
    elif isinstance(node, (ast.Import, ast.ImportFrom)):
        for alias in node.names:
            yield (alias.asname or alias.name).split(".")[0]
    elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        for target in targets:
            for name in ast.walk(target):
                if isinstance(name, ast.Name):
                    yield name.id
    elif isinstance(node, (ast.If, ast.Try)):
        for child in node.body + node.orelse + getattr(node, "finalbody", []) + [
                n for h in getattr(node, "handlers", []) for n in h.body]:
            yield from _bound(child)


@lru_cache(maxsize=None)
def _top_level_of(text: str):
    return _top_level(ast.parse(text))


def _top_level(tree: ast.Module):
    names: Set[str] = set()
    exported: Optional[Set[str]] = None
    for node in tree.body:
        names.update(_bound(node))
        if isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets):
            exported = {_literal(e) for e in ast.walk(node.value)
                        if isinstance(_literal(e), str)}
    return names, exported


# -- the checks -----------------------------------------------------------------------------

def _public_name(core: CoreModules, module: str, name: str) -> Optional[str]:
    """Why ``from module import name`` is not public API (None when it is)."""
    submodule = module + "." + name
    if core.exists(submodule):
        return None if submodule in PUBLIC_MODULES else "imports module %s, not public" % (
            submodule)
    if name in DUNDERS:
        return None
    if name.startswith("_"):
        return "imports private name %s from %s" % (name, module)
    names, exported = core.names(module)
    if name not in names:
        return "imports %s from %s, which does not define it" % (name, module)
    if exported is not None and name not in exported:
        return "imports %s from %s, not in its __all__" % (name, module)
    return None


def _dotted(node) -> Optional[str]:
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        return ".".join([node.id] + parts[::-1])
    return None


def import_problems(path: Path, core: CoreModules) -> List[str]:
    """(a): imports of non-public enercoop_core API in one addon module."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    problems = []
    core_names = {}  # name -> the enercoop_core module it is bound to by ``import ...``
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module and (
                node.module == "enercoop_core" or node.module.startswith("enercoop_core.")):
            if node.module not in PUBLIC_MODULES:
                problems.append("line %d: imports from %s, not a public module"
                                % (node.lineno, node.module))
                continue
            for alias in node.names:
                why = _public_name(core, node.module, alias.name)
                if why:
                    problems.append("line %d: %s" % (node.lineno, why))
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] != "enercoop_core":
                    continue
                if alias.name not in PUBLIC_MODULES:
                    problems.append("line %d: imports %s, not a public module"
                                    % (node.lineno, alias.name))
                if alias.asname:
                    core_names[alias.asname] = alias.name
                else:
                    core_names["enercoop_core"] = "enercoop_core"
    inner = {id(n.value) for n in ast.walk(tree) if isinstance(n, ast.Attribute)}
    for node in ast.walk(tree):  # enercoop_core.billing.cli.month, through attributes
        if not isinstance(node, ast.Attribute) or id(node) in inner:
            continue
        dotted = _dotted(node)
        if not dotted or dotted.split(".")[0] not in core_names:
            continue
        parts = dotted.split(".")
        module = core_names[parts[0]]
        for part in parts[1:]:
            if core.exists(module + "." + part):
                module += "." + part
                continue
            why = _public_name(core, module, part) if module in PUBLIC_MODULES else None
            if why:
                problems.append("line %d: %s" % (node.lineno, why))
            break
        if module not in PUBLIC_MODULES:
            problems.append("line %d: uses %s, not a public module" % (node.lineno, module))
    return sorted(set(problems))


def _decimal_value(node) -> Optional[Decimal]:
    value = _literal(node)
    if isinstance(value, (str, int, float)) and not isinstance(value, bool):
        try:
            return Decimal(str(value).strip())
        except InvalidOperation:
            return None
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        value = _decimal_value(node.operand)
        return -value if value is not None else None
    return None


def _class_strings(nodes) -> List[str]:
    return [_literal(n) for n in nodes if isinstance(_literal(n), str)
            and _literal(n) in TIME_CLASSES]


def rule_problems(path: Path) -> List[str]:
    """(b): rates, time-class lists and PRM rules written in one addon module."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    problems = []
    for node in ast.walk(tree):
        where = "line %d" % getattr(node, "lineno", 0)
        if isinstance(node, ast.Call) and _dotted(node.func) in ("Decimal", "decimal.Decimal") \
                and node.args:
            value = _decimal_value(node.args[0])
            if value is not None and value not in ALLOWED_DECIMALS:
                problems.append("%s: Decimal literal %s (a rate belongs in a dated table)"
                                % (where, value))
        elif isinstance(node, (ast.Tuple, ast.List, ast.Set)):
            found = _class_strings(node.elts)
            if len(found) >= 2:
                problems.append("%s: time-class list %s (see enercoop_core.timeclasses)"
                                % (where, ", ".join(found)))
        elif isinstance(node, ast.Dict):
            found = _class_strings([k for k in node.keys if k is not None])
            if len(found) >= 2:
                problems.append("%s: mapping keyed by time classes %s (see "
                                "enercoop_core.timeclasses)" % (where, ", ".join(found)))
        elif isinstance(_literal(node), str) and PRM_REGEX.search(_literal(node)):
            problems.append("%s: 14-digit PRM pattern (see enercoop_core.identifiers.prm)"
                            % where)
        elif isinstance(node, ast.Compare) and isinstance(node.left, ast.Call) \
                and _dotted(node.left.func) == "len" \
                and any(_decimal_value(c) == 14 for c in node.comparators):
            problems.append("%s: len(...) == 14 PRM check (see enercoop_core.identifiers.prm)"
                            % where)
    return sorted(set(problems), key=lambda p: (int(p.split(":")[0][5:]), p))


@lru_cache(maxsize=None)
def _imported_modules(text: str):
    """``(line, module)`` of every absolute import of a source (cached: the planted trees
    repeat the core's files)."""
    found = []
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module))
    return tuple(found)


def odoo_imports(core_root: Path) -> List[str]:
    """(c): imports of odoo (or openerp, or the addons) anywhere in a core tree."""
    problems = []
    for path in sorted((core_root / "enercoop_core").rglob("*.py")):
        for line, module in _imported_modules(path.read_text(encoding="utf-8")):
            if module.split(".")[0] in ("odoo", "openerp", "odoo_addons"):
                problems.append("%s:%d imports %s" % (path.relative_to(core_root), line, module))
    return problems


def addon_modules(root: Path) -> List[Path]:
    return sorted(p for p in (root / "odoo_addons").glob("*/**/*.py"))


def is_test(path: Path, root: Path) -> bool:
    return "tests" in path.relative_to(root / "odoo_addons").parts[1:-1]


def check_tree(root: Path) -> Dict[str, List[str]]:
    """Every problem of (a), (b) and (c) in a tree, by file (relative path)."""
    core = CoreModules(root)
    found = {}
    for path in addon_modules(root):
        problems = import_problems(path, core)
        if not is_test(path, root):
            problems += rule_problems(path)
        if problems:
            found[str(path.relative_to(root))] = problems
    for line in odoo_imports(root):
        found.setdefault(line.split(":")[0], []).append(line)
    return found


# -- the tests on the repository ------------------------------------------------------------

REPO_CORE = CoreModules(ROOT)

#: Addon files still holding a violation, with the helper cleaning them (issue 12): each is an
#: expected failure that must go away (strict) once the file is clean.
KNOWN = {}  # type: Dict[str, str]


def _cases():
    for path in addon_modules(ROOT):
        name = str(path.relative_to(ROOT))
        marks = [pytest.mark.xfail(strict=True, reason=KNOWN[name])] if name in KNOWN else []
        yield pytest.param(path, id=name, marks=marks)


@pytest.mark.parametrize("path", list(_cases()))
def test_addon_module_uses_only_the_public_core_and_holds_no_rule(path):
    problems = import_problems(path, REPO_CORE)
    if not is_test(path, ROOT):
        problems += rule_problems(path)
    assert not problems, "%s:\n  %s" % (path.relative_to(ROOT), "\n  ".join(problems))


def test_core_imports_nothing_from_odoo():
    assert odoo_imports(ROOT) == []


def test_public_modules_exist_and_are_no_command_modules():
    core = CoreModules(ROOT)
    missing = sorted(m for m in PUBLIC_MODULES if not core.exists(m))
    assert not missing
    assert not [m for m in PUBLIC_MODULES if m.split(".")[-1].endswith("cli")]


def test_there_are_addon_modules_to_check():
    assert len(addon_modules(ROOT)) > 20  # the glob did not silently miss the addons


# -- (d) the checker on planted violations --------------------------------------------------

def _copy_core(tmp: Path) -> None:
    """The core's sources (only .py files) under ``tmp/enercoop_core``."""
    for path in (ROOT / "enercoop_core").rglob("*.py"):
        target = tmp / path.relative_to(ROOT)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(path.read_text(encoding="utf-8"), encoding="utf-8")


CLEAN_ADDON = '''
import enercoop_core
from decimal import Decimal
from enercoop_core import flows
from enercoop_core.identifiers import prm
from enercoop_core.period import month
from enercoop_core.timeclasses import FOUR_CLASSES, HP_HC

ZERO = Decimal("0.00")
HUNDRED = Decimal(100)
CLASSES = FOUR_CLASSES + HP_HC
DATA = enercoop_core.__file__
ONE_CLASS = ("HP", "label")

def ok(point):
    return prm.is_valid(point) and len(point.name) == 3
'''

PLANTED = {
    "from enercoop_core.billing.cli import month": "not a public module",
    "from enercoop_core.flows.values import prm": "not a public module",
    "from enercoop_core.billing.engine import _spread": "private name _spread",
    "from enercoop_core.identifiers.prm import LENGHT": "does not define it",
    "from enercoop_core.tariffs.vat import Decimal": "not in its __all__",
    "from enercoop_core import cli": "module enercoop_core.cli, not public",
    "import enercoop_core.billing.schedule_cli": "not a public module",
    "import enercoop_core\nX = enercoop_core.billing.cli.month": "enercoop_core.billing.cli",
    "import enercoop_core as core\nX = core.billing.engine._spread": "private name _spread",
    "from decimal import Decimal\nVAT = Decimal('0.20')": "Decimal literal 0.20",
    "import decimal\nCTA = decimal.Decimal('21.93')": "Decimal literal 21.93",
    "PRODUCTS = {'HPH': 1, 'HCH': 2}": "mapping keyed by time classes HPH, HCH",
    "CLASSES = ['HP', 'HC']": "time-class list HP, HC",
    "import re\nPRM = re.compile(r'^\\d{14}$')": "14-digit PRM pattern",
    "def ok(p):\n    return len(p) == 14 and p.isdigit()": "len(...) == 14",
}


def _plant(tmp: Path, text: str, folder: str = "models") -> Path:
    path = tmp / "odoo_addons" / "enercoop_planted" / folder / "planted.py"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def core_copy(tmp_path):
    _copy_core(tmp_path)
    return tmp_path


def test_checker_passes_clean_adapter_code(core_copy):
    _plant(core_copy, CLEAN_ADDON)
    assert check_tree(core_copy) == {}


@pytest.mark.parametrize("text, expected", sorted(PLANTED.items()))
def test_checker_fails_on_a_planted_violation(core_copy, text, expected):
    path = _plant(core_copy, text + "\n")
    found = check_tree(core_copy)
    assert list(found) == [str(path.relative_to(core_copy))]
    assert any(expected in problem for problem in found[str(path.relative_to(core_copy))]), found


def test_checker_leaves_figures_in_addon_tests_alone_but_not_private_imports(core_copy):
    path = _plant(core_copy, "from decimal import Decimal\nEXPECTED = Decimal('548.85')\n",
                  folder="tests")
    assert check_tree(core_copy) == {}
    path.write_text("from enercoop_core.billing.engine import _spread\n", encoding="utf-8")
    assert list(check_tree(core_copy)) == [str(path.relative_to(core_copy))]


def test_checker_fails_on_odoo_imported_by_the_core(core_copy):
    _plant(core_copy, CLEAN_ADDON)
    target = core_copy / "enercoop_core" / "billing" / "model.py"
    target.write_text(target.read_text(encoding="utf-8") + "\nfrom odoo import fields\n",
                      encoding="utf-8")
    found = check_tree(core_copy)
    name = str(Path("enercoop_core", "billing", "model.py"))
    assert list(found) == [name]
    assert "imports odoo" in found[name][0]
