"""What occupants tells the apps built on it, without knowing them."""

from django.dispatch import Signal

#: Sent with ``structure_ids`` inside the transaction that deleted memberships of these
#: structures (events.receivers gives their private calendar feeds a new address).
members_left = Signal()

#: Sent by ``occupants.erasure.person_erase`` with ``email`` (the address given), ``user`` (their
#: account, or None when the address has none) and ``erase`` (text -> the text with the
#: person's names replaced) in its transaction; each receiver anonymises what its app holds and
#: returns the lines it reports (events: booking purposes, event registrations).
person_erased = Signal()
