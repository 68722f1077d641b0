"""Site filtering (Pasal 10(2)) against the database, one module per concern.

- storage: a list's domains in and out of its content row;
- feeds: the scheduled or requested refresh of a list from its feed URL (HTTP);
- compiling: the filter an agency's or a gateway's resolver loads, with its ETag and cache.

The parsing and compiling rules themselves are Django-free, in logic.domains.
"""
