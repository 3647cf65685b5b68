"""Credentialing rules, one module per noun: a mentor's standing, the application wizard and its
frozen evidence snapshot, payment, review and decisions, issued credentials, renewal.

Views validate input with forms and call these functions; each is atomic, raises
ValidationError with a message a person can act on, writes an audit entry for what it changed,
and queues the emails it owes (sent by the worker once the transaction has committed).

Every public name is re-exported here, so callers import from `practicum.credentials.services`.
"""

from practicum.accounts.models import Role, User
from practicum.credentials import eligibility, payments
from practicum.credentials.eligibility import Cycle, Evaluation
from practicum.credentials.evidence import gather, mentor_zone
from practicum.credentials.models import (
    Application,
    ApplicationDocument,
    ApplicationNote,
    CitedRecord,
    Credential,
    InfoRequest,
    Invoice,
    Payment,
    ReferenceContact,
    RenewalReminder,
    RuleSet,
    Sequence,
    add_years,
    body_today,
)
from practicum.credentials.rules import Rules
from practicum.credentials.services._common import (
    AUDIT_ACTIONS,
    CREDENTIAL_EVENTS,
    DUE_SOON_DAYS,
    Event,
    Status,
    absolute,
    credential_audit_trail,
    next_number,
)
from practicum.credentials.services.applications import (
    INITIAL_STEPS,
    RENEWAL_STEPS,
    application_discard,
    application_evaluate,
    application_save_step,
    application_start,
    application_steps,
    application_submit,
)
from practicum.credentials.services.lifecycle import (
    credential_issue,
    credential_reinstate,
    credential_revoke,
    credential_suspend,
    credentials_expire,
)
from practicum.credentials.services.payment import invoice_open, payment_record
from practicum.credentials.services.renewal import renewal_reminders_send
from practicum.credentials.services.review import (
    EVIDENCE_MAX_BYTES,
    MAX_DOCUMENTS_PER_ANSWER,
    ApprovalCheck,
    application_assign,
    application_decide,
    approval_checks,
    frozen_references,
    info_answer,
    info_request,
    note_add,
    referee_contact_record,
    reviewer_conflict,
    snapshot_of,
)
from practicum.credentials.services.snapshot import CITED_KINDS
from practicum.credentials.services.standing import (
    DASHBOARD_CREDENTIAL,
    TypeOverview,
    YearProgress,
    cycle_of,
    dashboard_targets,
    held_credential,
    mentor_overview,
    rule_sets_in_force,
    year_progress,
)
from practicum.lib.emails import enqueue_email
from practicum.practice.models import (
    CpdEntry,
    MentoringEngagement,
    Reference,
    SupervisionRelationship,
    SupervisionSession,
    TrainingRecord,
)

__all__ = [
    "DASHBOARD_CREDENTIAL",
    "dashboard_targets",
    "AUDIT_ACTIONS",
    "CREDENTIAL_EVENTS",
    "credential_audit_trail",
    "Application",
    "ApplicationDocument",
    "ApplicationNote",
    "CITED_KINDS",
    "CitedRecord",
    "CpdEntry",
    "Credential",
    "Cycle",
    "DUE_SOON_DAYS",
    "EVIDENCE_MAX_BYTES",
    "Evaluation",
    "Event",
    "INITIAL_STEPS",
    "InfoRequest",
    "Invoice",
    "MAX_DOCUMENTS_PER_ANSWER",
    "MentoringEngagement",
    "Payment",
    "RENEWAL_STEPS",
    "Reference",
    "ReferenceContact",
    "RenewalReminder",
    "Role",
    "RuleSet",
    "Rules",
    "Sequence",
    "Status",
    "SupervisionRelationship",
    "SupervisionSession",
    "TrainingRecord",
    "TypeOverview",
    "User",
    "YearProgress",
    "absolute",
    "add_years",
    "ApprovalCheck",
    "approval_checks",
    "application_assign",
    "application_decide",
    "application_discard",
    "application_evaluate",
    "application_save_step",
    "application_start",
    "application_steps",
    "application_submit",
    "body_today",
    "credential_issue",
    "credential_reinstate",
    "credential_revoke",
    "credential_suspend",
    "credentials_expire",
    "cycle_of",
    "eligibility",
    "enqueue_email",
    "frozen_references",
    "gather",
    "held_credential",
    "info_answer",
    "info_request",
    "invoice_open",
    "mentor_overview",
    "mentor_zone",
    "next_number",
    "note_add",
    "payment_record",
    "payments",
    "referee_contact_record",
    "renewal_reminders_send",
    "reviewer_conflict",
    "rule_sets_in_force",
    "snapshot_of",
    "year_progress",
]
