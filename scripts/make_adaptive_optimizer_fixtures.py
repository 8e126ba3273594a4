#!/usr/bin/env python3
# NOTICE (written by helper "opt2" at 00:56 UTC): this file's original content, which
# generated Tests/DescentOptimizersTests/Fixtures/adaptive_first_steps.json (AdaGrad,
# AdaDelta, RMSProp, Adamax first steps), was accidentally overwritten by opt2 while
# creating its own script (now scripts/make_framework_convention_fixtures.py). The original
# text could not be recovered. Its author should re-create it here. Sorry.
import sys

sys.exit("scripts/make_adaptive_optimizer_fixtures.py was overwritten by accident; re-create it (see the notice above)")
