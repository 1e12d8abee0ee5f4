"""Rules made for the fixer's tests: each fix is built to exercise one path of the fixer."""

from __future__ import annotations

from collections.abc import Iterator

import libcst as cst
from kerascheck.rules._lib.edits import set_keyword

from kerascheck.engine.fix_imports import insertion_index
from kerascheck.model.description import SeedKind
from kerascheck.model.results import Applicability, Edit, Finding, Fix
from kerascheck.model.rule import Rule, RuleContext

SAFE, UNSAFE = Applicability.SAFE, Applicability.UNSAFE


def _dense_calls(ctx: RuleContext) -> Iterator[cst.Call]:
    for call in ctx.file.calls:
        if call.callee == "keras.layers.Dense":
            yield call.node


class UseBiasOff(Rule):
    """Every Dense gets `use_bias=False` (a small edit inside a Sequential list)."""

    code = "KT001"
    name = "test-use-bias-off"
    summary = "test"
    fix_applicability = SAFE

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for node in _dense_calls(ctx):
            if not any(a.keyword is not None and a.keyword.value == "use_bias" for a in node.args):
                fix = Fix(SAFE, "use_bias=False", (set_keyword(node, "use_bias", "False"),))
                yield self.finding(node, "dense with bias", fix)


class RenameSequential(Rule):
    """`keras.Sequential(...)` becomes `MySequential(...)`: an edit around the Dense edits."""

    code = "KT002"
    name = "test-rename-sequential"
    summary = "test"
    fix_applicability = UNSAFE

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for call in ctx.file.calls:
            if call.callee == "keras.Sequential":
                new = call.node.with_changes(func=cst.Name("MySequential"))
                yield self.finding(
                    call.node, "sequential", Fix(UNSAFE, "rename", (Edit(call.node, new),))
                )


class BreaksTheFile(Rule):
    """A Dense with `name=` is replaced by code that does not parse."""

    code = "KT003"
    name = "test-breaks-the-file"
    summary = "test"
    fix_applicability = SAFE

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for node in _dense_calls(ctx):
            if any(a.keyword is not None and a.keyword.value == "name" for a in node.args):
                # A statement where an expression goes: valid nodes, code that does not parse.
                fix = Fix(SAFE, "break", (Edit(node, cst.parse_statement("pass\n")),))
                yield self.finding(node, "named dense", fix)


class PredictClasses(Rule):
    """`m.predict_classes(x)` becomes `np.argmax(m.predict(x), axis=-1)`, importing numpy."""

    code = "KT004"
    name = "test-predict-classes"
    summary = "test"
    fix_applicability = SAFE

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        module = ctx.file.module
        for call in ctx.file.calls:
            if call.method != "predict_classes" or not isinstance(call.node.func, cst.Attribute):
                continue
            receiver = module.code_for_node(call.node.func.value)
            args = ", ".join(module.code_for_node(a).rstrip(", ") for a in call.node.args)
            new = cst.parse_expression(f"np.argmax({receiver}.predict({args}), axis=-1)")
            fix = Fix(SAFE, "argmax", (Edit(call.node, new),), imports=("import numpy as np",))
            yield self.finding(call.node, "predict_classes", fix)


class NeverDone(Rule):
    """Each pass adds an argument to every Dense: a fix that never makes its finding go away."""

    code = "KT005"
    name = "test-never-done"
    summary = "test"
    fix_applicability = SAFE

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for node in _dense_calls(ctx):
            new = node.with_changes(args=[*node.args, cst.Arg(cst.Integer("0"))])
            yield self.finding(node, "dense", Fix(SAFE, "grow", (Edit(node, new),)))


class InsertSeed(Rule):
    """No seed: `keras.utils.set_random_seed(42)` goes right after the leading imports."""

    code = "KT006"
    name = "test-insert-seed"
    summary = "test"
    fix_applicability = UNSAFE

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        if any(seed.kind is SeedKind.KERAS for seed in ctx.file.seeds) or not ctx.file.calls:
            return
        module = ctx.file.module
        index, had_import = insertion_index(module)
        if not had_import:
            return
        last = module.body[index - 1]
        seed = cst.parse_statement("keras.utils.set_random_seed(42)\n")
        fix = Fix(UNSAFE, "seed", (Edit(last, cst.FlattenSentinel([last, seed])),))
        yield self.finding(last, "no seed", fix)


class NotInFile(Rule):
    """A fix whose node belongs to another tree (a rule bug the fixer must survive)."""

    code = "KT007"
    name = "test-not-in-file"
    summary = "test"
    fix_applicability = SAFE

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for node in _dense_calls(ctx):
            stranger = cst.parse_expression("x")
            fix = Fix(SAFE, "stranger", (Edit(stranger, cst.Name("y")),))
            yield self.finding(node, "dense", fix)


class RemovesRequired(Rule):
    """Removes a call's function: libcst refuses, and the fixer must carry on."""

    code = "KT008"
    name = "test-removes-required"
    summary = "test"
    fix_applicability = SAFE

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for node in _dense_calls(ctx):
            fix = Fix(SAFE, "remove", (Edit(node.func, cst.RemovalSentinel.REMOVE),))
            yield self.finding(node, "dense", fix)
