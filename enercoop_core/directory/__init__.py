"""The cooperative's directory: the ERP feeds OpenLDAP, which every other tool uses for
single sign-on.

- :mod:`.model`: plain records (``Person``, ``Group``, ``Entry``) and the ``Layout`` of the
  tree (base DN, ``ou=people``, ``ou=groups``, ``ou=former``, attribute choices);
- :mod:`.dn`: DN escaping, splitting and normalisation (RFC 4514), no dependency;
- :mod:`.mapping`: ERP partner dicts -> people with stable uids -> desired entries;
- :mod:`.removal`: the policy for the people who left (kept in ``ou=former``, or removed
  after a delay counted from their entry's ``modifyTimestamp``), LDAP GeneralizedTime;
- :mod:`.sync`: desired vs. current entries -> a plan (adds, modifies, renames, moves to
  ``ou=former``, group deletes, removals per policy), read and applied with python-ldap
  (optional extra ``ldap``, imported only by the functions that talk to a server);
- :mod:`.cli`: ``enercoop directory plan|sync``.
"""
