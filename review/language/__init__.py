"""Reading account managers' notes: who left, churn risk, expansion interest (offline rules, no model).

Public surface: ``read_text`` (a note → ``Finding``s), ``Person`` (a contact as the reader needs it),
``split_sentences``.
"""

from review.language.people import Person
from review.language.reader import Finding, FindingKind, read_text
from review.language.sentences import split_sentences

__all__ = ["Finding", "FindingKind", "Person", "read_text", "split_sentences"]
