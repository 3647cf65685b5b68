"""The ethics process: intake, initial review, investigation, panel decision, sanctions that act
by themselves, appeal. Every rule that the Code leaves open comes from `ProcessRules` (data).
One module per subject; everything public is importable from here."""

from practicum.ethics.services._common import *  # noqa: F403
from practicum.ethics.services.cases import *  # noqa: F403
from practicum.ethics.services.effects import *  # noqa: F403
from practicum.ethics.services.panels import *  # noqa: F403
from practicum.ethics.services.periodic import *  # noqa: F403
